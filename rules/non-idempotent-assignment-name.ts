import { findCall, missingSeeds } from '../src/graph/queries.js';
import { describeValue, sameValue } from '../src/model/value.js';
import { unwrap } from '../src/graph/values.js';
import type { Grant } from '../src/graph/types.js';
import type { Rule } from '../src/engine/types.js';

/**
 * A role assignment's name must be a stable function of scope, principal and role. `newGuid()`
 * (or Terraform's `uuid()`) gives a new name every deployment, which then fails with
 * RoleAssignmentExists; a literal name collides across environments; a `guid()` that leaves out
 * one of the three collides between two different assignments.
 */
const rule: Rule = {
  meta: {
    id: 'non-idempotent-assignment-name',
    description: 'A role assignment name is not a stable function of scope, principal and role.',
    severity: 'warning',
    messages: {
      random:
        "The assignment name comes from {{fn}}(), a new value on every deployment: the next run fails with RoleAssignmentExists. Name it guid(<scope id>, <principal id>, <role definition id>).",
      literal:
        "The assignment name is the fixed string {{name}}: it collides in the next environment or subscription. Name it guid(<scope id>, <principal id>, <role definition id>).",
      partialGuid:
        'The assignment name {{name}} leaves out the {{missing}}: two different assignments get the same name. Include scope, principal and role: guid(<scope id>, <principal id>, <role definition id>).',
      duplicate:
        'The assignment name {{name}} is the same as that of {{other}}: one deployment overwrites the other. Include scope, principal and role in the guid() seed.',
    },
    docs: 'docs/rules/non-idempotent-assignment-name.md',
  },
  check(graph, context) {
    const named = graph.grants.filter((g) => g.kind === 'rbac' && g.name);
    for (const grant of named) {
      const name = unwrap(grant.name)!;
      const random = findCall(name, ['newguid', 'uuid', 'utcnow', 'timestamp']);
      if (random) {
        context.report({ node: grant, value: grant.name, messageId: 'random', data: { fn: random === 'newguid' ? 'newGuid' : random } });
        continue;
      }
      if (name.kind === 'string') {
        context.report({ node: grant, value: grant.name, messageId: 'literal', data: { name: `'${name.value}'` } });
        continue;
      }
      if (name.kind === 'call' && name.fn === 'guid') {
        const missing = missingSeeds(grant, name.args);
        if (missing === undefined) continue;
        if (missing.length > 0) {
          context.report({
            node: grant,
            value: grant.name,
            messageId: 'partialGuid',
            data: { name: describeValue(name), missing: missing.join(' and ') },
          });
          continue;
        }
        const twin = named.find((other) => other !== grant && other.resource.declKey !== grant.resource.declKey && sameName(other, grant));
        if (twin) {
          context.report({
            node: grant,
            value: grant.name,
            messageId: 'duplicate',
            data: { name: describeValue(name), other: `'${twin.resource.symbol}'` },
          });
        }
      }
    }
  },
};

function sameName(a: Grant, b: Grant): boolean {
  return sameValue(unwrap(a.name), unwrap(b.name)) && a.resource.deploymentScope.level === b.resource.deploymentScope.level;
}

export default rule;
