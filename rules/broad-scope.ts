import { describePrincipal, describeScope, isBroad, isWorkloadPrincipal, describeRole } from '../src/graph/queries.js';
import type { Rule } from '../src/engine/types.js';

/**
 * A role granted on a whole resource group, subscription or management group instead of the
 * resource the workload uses: every resource there, today's and tomorrow's, is in reach.
 */
const rule: Rule = {
  meta: {
    id: 'broad-scope',
    description: 'A role is granted on a resource group, subscription or management group rather than on the target resource.',
    severity: 'warning',
    messages: {
      deploymentScope:
        "Grants {{role}} to {{principal}} on {{scope}}, because the assignment has no scope; set scope to the resource it needs (Bicep: scope: vault; ARM JSON: the scope property).",
      explicitScope: "Grants {{role}} to {{principal}} on {{scope}}; grant it on the resource it needs instead.",
    },
    docs: 'docs/rules/broad-scope.md',
  },
  check(graph, context) {
    for (const grant of graph.grants) {
      if (grant.kind !== 'rbac' || !isBroad(grant.scope) || !isWorkloadPrincipal(grant)) continue;
      context.report({
        node: grant,
        value: grant.scope.value,
        messageId: grant.scope.value ? 'explicitScope' : 'deploymentScope',
        data: { role: describeRole(grant), principal: describePrincipal(grant), scope: describeScope(grant.scope) },
      });
    }
  },
};

export default rule;
