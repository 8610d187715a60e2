import { armTypeOfResource } from '../src/graph/arm-view.js';
import { azureResourceKey } from '../src/graph/build.js';
import { externalCallsPassing } from '../src/graph/external.js';
import { grantsOf } from '../src/graph/grant-index.js';
import { credentialsOf } from '../src/graph/federation.js';
import { isUsed } from '../src/graph/identity-uses.js';
import { describeRole, describeScope } from '../src/graph/queries.js';
import type { Identity, IdentityGraph } from '../src/graph/types.js';
import { asString } from '../src/model/value.js';
import type { Rule } from '../src/engine/types.js';

const UAMI = 'microsoft.managedidentity/userassignedidentities';

/**
 * A user-assigned identity created here that holds grants and that nothing uses: live access for
 * a principal no workload runs as, left behind by a refactor — and anyone who can attach it to a
 * resource of their own (Managed Identity Operator) gets that access.
 */
const rule: Rule = {
  meta: {
    id: 'orphaned-identity',
    description: 'A user-assigned identity holds grants, but nothing uses it.',
    severity: 'warning',
    messages: {
      orphaned:
        "User-assigned identity '{{identity}}' holds {{grants}}, but nothing here uses it: no workload carries it, no federated credential trusts it, no setting selects it, no module receives it and no output hands it on. Delete it with its grants, or attach it to the workload that needs them.",
    },
    docs: 'docs/rules/orphaned-identity.md',
  },
  check(graph, context) {
    for (const identity of graph.identities) {
      if (identity.kind !== 'user' || !identity.createdHere || !identity.resource || identity.workloads.length > 0) continue;
      const grants = grantsOf(graph, identity);
      if (grants.length === 0 || credentialsOf(graph, identity).length > 0) continue;
      if (externalCallsPassing(identity, graph, 'any').length > 0 || isUsed(graph, identity)) continue;
      if (declaredElsewhere(graph, identity)) continue;
      const named = grants.slice(0, 2).map((g) => (g.kind === 'accessPolicy' ? `an access policy on ${describeScope(g.scope)}` : `${describeRole(g)} on ${describeScope(g.scope)}`));
      const more = grants.length - named.length;
      context.report({
        node: identity,
        messageId: 'orphaned',
        data: { identity: identity.label, grants: named.join(' and ') + (more > 0 ? ` and ${more} more grant${more > 1 ? 's' : ''}` : '') },
        // Another batch of the run may refer to it by name, or declare it again.
        unlessUsedElsewhere: { name: asString(identity.resource.name)?.toLowerCase() },
      });
    }
  },
};

/** Another declaration of an identity of the same name (another root, another module instance): it may be used there. */
function declaredElsewhere(graph: IdentityGraph, identity: Identity): boolean {
  const r = identity.resource!;
  const name = asString(r.name)?.toLowerCase();
  if (name === undefined) return false;
  const key = azureResourceKey(r);
  return graph.resources.some(
    (o) => armTypeOfResource(o) === UAMI && azureResourceKey(o) !== key && asString(o.name)?.toLowerCase() === name,
  );
}

export default rule;
