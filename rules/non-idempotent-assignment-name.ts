import { findCall, missingSeeds, writtenText } from '../src/graph/queries.js';
import { writtenFunctionName } from '../src/graph/written.js';
import { sameValue } from '../src/model/value.js';
import { unwrap, valueKey } from '../src/graph/values.js';
import type { Grant } from '../src/graph/types.js';
import type { Rule } from '../src/engine/types.js';
import { writtenArgument } from '../src/graph/dialect.js';

/**
 * A role assignment's name must be a stable function of scope, principal and role. `newGuid()`
 * (or Terraform's `uuid()`) gives a new name every deployment, which then fails with
 * RoleAssignmentExists; a literal name collides across environments; a `guid()` that leaves out
 * one of the three collides with an assignment that differs only in that part. When the analysed
 * files show such a collision (a loop's instances, or another declaration), the message says so.
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
        'The assignment name {{name}} leaves out the {{missing}}: an assignment that differs from this one only in its {{missing}} gets the same name, and the two collide. Include scope, principal and role: guid(<scope id>, <principal id>, <role definition id>).',
      partialGuidShared:
        'The assignment name {{name}} leaves out the {{missing}}: {{sharers}} get the same name, and only one of them can be created. Include scope, principal and role: guid(<scope id>, <principal id>, <role definition id>).',
      scriptRandom:
        'The assignment name {{flag}} {{name}} is a new value on every run: the next run fails with RoleAssignmentExists. Leave out {{flag}}: the command then names the assignment itself.',
      scriptLiteral:
        'The assignment name {{flag}} {{name}} is a fixed string: it collides in the next environment or subscription. Leave out {{flag}}: the command then names the assignment itself.',
      duplicate:
        'The assignment name {{name}} is the same as that of {{other}}: one deployment overwrites the other. Include scope, principal and role in the guid() seed.',
    },
    docs: 'docs/rules/non-idempotent-assignment-name.md',
  },
  check(graph, context) {
    const named = graph.grants.filter((g) => g.kind === 'rbac' && g.name);
    for (const grant of named) {
      const name = unwrap(grant.name)!;
      const written = grant.resource.command ? writtenArgument(grant.resource, '--name', '-n', '-RoleAssignmentName') : undefined;
      if (written) {
        // A script's name: generated (`$(uuidgen)`, `New-Guid`) or typed out; anything else is not judged.
        const messageId = findCall(name, ['newguid', 'uuid']) ? 'scriptRandom' : name.kind === 'string' ? 'scriptLiteral' : undefined;
        if (messageId) context.report({ node: grant, value: grant.name, messageId, data: { flag: written.flag, name: written.text } });
        continue;
      }
      const random = findCall(name, ['newguid', 'uuid', 'utcnow', 'timestamp']);
      if (random) {
        context.report({ node: grant, value: grant.name, messageId: 'random', data: { fn: writtenFunctionName(random, grant.resource.decl.file) } });
        continue;
      }
      if (name.kind === 'string') {
        context.report({ node: grant, value: grant.name, messageId: 'literal', data: { name: `'${name.value}'` } });
        continue;
      }
      if (name.kind === 'call' && name.fn === 'guid') {
        const missing = missingSeeds(grant, name.args);
        if (missing === undefined) continue;
        const written = writtenText(grant.name);
        if (missing.length > 0) {
          const sharers = collidingWith(grant, named);
          context.report({
            node: grant,
            value: grant.name,
            ...(sharers.length > 0
              ? { messageId: 'partialGuidShared', data: { name: written, missing: missing.join(' and '), sharers: describeSharers(grant, sharers) } }
              : { messageId: 'partialGuid', data: { name: written, missing: missing.join(' and ') } }),
          });
          continue;
        }
        const twin = named.find((other) => other !== grant && other.resource.declKey !== grant.resource.declKey && sameName(other, grant));
        if (twin) {
          context.report({ node: grant, value: grant.name, messageId: 'duplicate', data: { name: written, other: `'${twin.resource.symbol}'` } });
        }
      }
    }
  },
};

function sameName(a: Grant, b: Grant): boolean {
  return sameValue(unwrap(a.name), unwrap(b.name)) && a.resource.deploymentScope.level === b.resource.deploymentScope.level;
}

/** What tells two assignments apart: their scope, principal and role. */
function assignmentKey(g: Grant): string | undefined {
  const scope = g.scope.value ? valueKey(unwrap(g.scope.value)) : valueKey(g.resource.deploymentScope);
  const principal = valueKey(unwrap(g.principal.value));
  const role = g.role?.id ?? valueKey(unwrap(g.roleValue));
  if (scope === undefined || principal === undefined || role === undefined) return undefined;
  return `${scope}|${principal}|${role}`;
}

/** Other assignments of the same root deployment shown to get the same name while being different assignments. */
function collidingWith(grant: Grant, named: Grant[]): Grant[] {
  const key = assignmentKey(grant);
  if (key === undefined) return [];
  const root = rootOf(grant);
  return named.filter((other) => {
    if (other === grant || rootOf(other) !== root || !sameName(other, grant)) return false;
    const otherKey = assignmentKey(other);
    return otherKey !== undefined && otherKey !== key;
  });
}

function rootOf(g: Grant): string {
  return (g.resource.callChain[0] ?? g.resource.decl).file;
}

function describeSharers(grant: Grant, sharers: Grant[]): string {
  const others = [...new Set(sharers.filter((s) => s.resource.declKey !== grant.resource.declKey).map((s) => `'${s.resource.symbol}'`))];
  if (others.length === 0) return `its ${sharers.length + 1} instances`;
  return `it and ${others.join(', ')}`;
}

export default rule;
