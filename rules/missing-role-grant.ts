import { externalCallsPassing } from '../src/graph/external.js';
import { assignmentHint, describeOperations, describeRoles, describeTarget, suggestedRoles, targetWords } from '../src/graph/need-messages.js';
import type { AccessNeed } from '../src/graph/needs.js';
import { usedByPlatformAgent } from '../src/graph/platform.js';
import { possibleIdentities } from '../src/graph/principals.js';
import { grantsTo } from '../src/graph/queries.js';
import { reportedAsSlotDrift } from '../src/graph/slots.js';
import type { Identity, IdentityGraph } from '../src/graph/types.js';
import { compareLocations } from '../src/model/location.js';
import type { Rule } from '../src/engine/types.js';

/**
 * An identity attached to a workload that nothing in the analysed files grants anything. Left out:
 * identities owned elsewhere (`existing`, data sources, IDs passed in), identities the platform
 * manages (AKS control plane and kubelet, Arc-connected clusters, a machine's identity for the
 * Guest Configuration or Azure Monitor Agent extension), identities whose principal ID is passed to a module
 * grantlint cannot read, which may grant them there, and identities a conditional principal may be.
 *
 * The messages say plainly that nothing here grants the identity a role. When the graph knows what
 * an identity needs (its access needs: a Key Vault reference, an image pull...), a message id that
 * names the needed role and target belongs beside these, chosen in `report`.
 */
const rule: Rule = {
  meta: {
    id: 'missing-role-grant',
    description: 'A managed identity is attached to a workload, but nothing grants it a role.',
    severity: 'warning',
    messages: {
      system:
        "'{{workload}}' enables a system-assigned identity, but nothing here grants it a role. Grant it the role it needs on the resource it uses, or remove the identity if nothing uses it.",
      user:
        "User-assigned identity '{{identity}}' is attached to {{workloads}}, but nothing here grants it a role. Grant it the role it needs on the resource it uses, or detach it if nothing uses it.",
      systemNeeds:
        "'{{workload}}' enables a system-assigned identity, but nothing here grants it a role, and {{use}} needs {{operations}} on {{target}} through it. Grant {{role}} on the {{targetWords}}: {{hint}}.",
      userNeeds:
        "User-assigned identity '{{identity}}' is attached to {{workloads}}, but nothing here grants it a role, and {{use}} of '{{workload}}' needs {{operations}} on {{target}} through it. Grant {{role}} on the {{targetWords}}: {{hint}}.",
    },
    docs: 'docs/rules/missing-role-grant.md',
  },
  check(graph, context) {
    // Identities a conditional principal may be (each may be granted there).
    const maybe = new Set(graph.grants.filter((g) => !g.principal.identity).flatMap((g) => possibleIdentities(g, graph)));
    for (const identity of graph.identities) {
      if (maybe.has(identity) || !ungranted(identity, graph)) continue;
      // A slot's identity lacking its production app's grants is slot-identity-drift's finding.
      if (reportedAsSlotDrift(graph, identity)) continue;
      // What the identity is known to need, when its needs are known: then the message says what to grant.
      const need = firstNeed(graph, identity);
      if (need && (identity.kind === 'system' || identity.kind === 'user')) {
        const roles = suggestedRoles(need, context.permissions);
        const data = {
          workload: need.workload.symbol,
          identity: identity.label,
          workloads: [...new Set(identity.workloads.map((w) => `'${w.resource.symbol}'`))].join(', '),
          use: need.use,
          operations: describeOperations(need),
          target: describeTarget(need.target),
          role: describeRoles(roles),
          targetWords: targetWords(need.target),
          hint: roles[0] ? assignmentHint(need, identity, roles[0]) : 'grant a role whose permissions cover it',
        };
        context.report({ node: identity.kind === 'system' ? identity.workloads[0] : identity, messageId: identity.kind === 'system' ? 'systemNeeds' : 'userNeeds', data });
        continue;
      }
      if (identity.kind === 'system') {
        const workload = identity.workloads[0];
        context.report({ node: workload, messageId: 'system', data: { workload: workload.resource.symbol } });
      } else if (identity.kind === 'user') {
        const workloads = [...new Set(identity.workloads.map((w) => `'${w.resource.symbol}'`))].join(', ');
        context.report({ node: identity, messageId: 'user', data: { identity: identity.label, workloads } });
      }
    }
  },
};

/** An identity created here, attached to a workload, that nothing grants and nothing might grant unseen. */
function ungranted(identity: Identity, graph: IdentityGraph): boolean {
  if (!identity.createdHere || identity.platformManaged || identity.workloads.length === 0) return false;
  if (usedByPlatformAgent(identity, graph)) return false;
  if (grantsTo(identity, graph.grants).length > 0) return false;
  return externalCallsPassing(identity, graph).length === 0;
}

/** The identity's first use (by where it is written) that a workload it is attached to configures. */
function firstNeed(graph: IdentityGraph, identity: Identity): AccessNeed | undefined {
  const mine = graph.needs.filter((n) => n.identity === identity && n.attached);
  return mine.sort((a, b) => compareLocations(a.at, b.at))[0];
}

export default rule;
