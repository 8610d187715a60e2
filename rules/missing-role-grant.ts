import { describeIdentity, grantsTo } from '../src/graph/queries.js';
import type { Rule } from '../src/engine/types.js';

/**
 * An identity attached to a workload that nothing in the analysed files grants anything: the
 * first call it makes gets a 403. Identities owned elsewhere (`existing`, data sources, IDs passed
 * in) and identities the platform manages (AKS control plane and kubelet) are left out.
 */
const rule: Rule = {
  meta: {
    id: 'missing-role-grant',
    description: 'A managed identity is attached to a workload, but nothing grants it a role.',
    severity: 'warning',
    messages: {
      system:
        "'{{workload}}' enables a system-assigned identity, but nothing here grants it a role: its first call to another resource gets a 403. Grant it a narrow data-plane role on the target (for a key vault, 'Key Vault Secrets User').",
      user:
        "User-assigned identity '{{identity}}' is attached to {{workloads}}, but nothing here grants it a role: its first call to another resource gets a 403. Grant it a narrow data-plane role on the target (for a key vault, 'Key Vault Secrets User').",
    },
    docs: 'docs/rules/missing-role-grant.md',
  },
  check(graph, context) {
    for (const identity of graph.identities) {
      if (!identity.createdHere || identity.platformManaged || identity.workloads.length === 0) continue;
      if (grantsTo(identity, graph.grants).length > 0) continue;
      if (identity.kind === 'system') {
        const workload = identity.workloads[0];
        context.report({ node: workload, messageId: 'system', data: { workload: workload.resource.symbol } });
      } else if (identity.kind === 'user') {
        const workloads = identity.workloads.map((w) => `'${w.resource.symbol}'`).join(', ');
        context.report({
          node: identity,
          messageId: 'user',
          data: { identity: identity.label, workloads, described: describeIdentity(identity) },
        });
      }
    }
  },
};

export default rule;
