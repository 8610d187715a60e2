import { clusterRoles, isAksCluster, kubeletPrincipal } from '../src/graph/aks.js';
import { mayShareScope } from '../src/graph/grant-keys.js';
import { action, allows } from '../src/graph/permissions.js';
import { describeIdentity, describeRole, describeScope } from '../src/graph/queries.js';
import type { AksCluster, Grant, Identity, IdentityGraph } from '../src/graph/types.js';
import type { ResourceInstance } from '../src/model/template.js';
import type { Rule } from '../src/engine/types.js';

const PULL = action('Microsoft.ContainerRegistry/registries/pull/read');
const REGISTRY = 'microsoft.containerregistry/registries';

/**
 * A role that can pull images granted on a registry to an AKS cluster's control-plane identity:
 * the nodes pull with the kubelet identity, so image pulls fail with 401/403 (Azure/AKS#1428).
 * When the kubelet identity holds a pull grant there too, the control-plane grant is access
 * nothing uses — still a finding.
 */
const rule: Rule = {
  meta: {
    id: 'kubelet-acr-pull',
    description: "A role that pulls images is granted on a registry to an AKS cluster's control-plane identity instead of its kubelet identity.",
    severity: 'error',
    messages: {
      wrongIdentity:
        "Grants {{role}} on {{registry}} to {{principal}}, the control plane of AKS cluster '{{cluster}}'; its nodes pull images with the kubelet identity, so pulls fail. Grant it to the kubelet identity instead: principal ID {{kubelet}}.",
      unused:
        "Grants {{role}} on {{registry}} to {{principal}}, the control plane of AKS cluster '{{cluster}}'; its nodes pull images with the kubelet identity ({{kubelet}}), which holds a pull grant there already, so this grant is access nothing uses. Remove it.",
    },
    docs: 'docs/rules/kubelet-acr-pull.md',
  },
  check(graph, context) {
    for (const grant of graph.grants) {
      if (grant.kind !== 'rbac' || !grant.role || !grant.principal.identity) continue;
      if (grant.scope.kind !== 'resource' || grant.scope.resourceType?.toLowerCase() !== REGISTRY) continue;
      if (allows(grant.role, PULL) !== true) continue;
      const target = controlPlaneOf(graph, grant.principal.identity);
      if (!target) continue;
      const kubeletGranted = target.kubelet !== undefined && graph.grants.some((g) => isPullGrant(g, target.kubelet!) && mayShareScope(g, grant));
      context.report({
        node: grant,
        value: grant.principal.value,
        messageId: kubeletGranted ? 'unused' : 'wrongIdentity',
        data: {
          role: describeRole(grant),
          registry: describeScope(grant.scope),
          principal: describeIdentity(grant.principal.identity),
          cluster: target.cluster.symbol,
          kubelet: target.expression,
        },
      });
    }
  },
};

function isPullGrant(g: Grant, identity: Identity): boolean {
  return g.kind === 'rbac' && g.principal.identity === identity && !!g.role && allows(g.role, PULL) !== false;
}

/**
 * The cluster whose control plane (and only that) the identity is: not also a kubelet identity,
 * and attached to nothing but clusters it runs the control plane of. A cluster that is only read
 * here (`existing`, a data source) is known by its system-assigned identity.
 */
function controlPlaneOf(graph: IdentityGraph, identity: Identity): { cluster: ResourceInstance; kubelet?: Identity; expression: string } | undefined {
  const { controlPlaneOf: clusters, kubeletOf } = clusterRoles(graph, identity);
  if (clusters.length > 0) {
    if (kubeletOf.length > 0) return undefined;
    if (identity.workloads.some((w) => !clusters.some((c: AksCluster) => c.workload === w))) return undefined;
    const c = clusters[0];
    return { cluster: c.resource, kubelet: c.kubelet, expression: c.kubeletPrincipal };
  }
  const r = identity.resource;
  if (identity.kind === 'system' && r && r.existing && isAksCluster(r)) return { cluster: r, expression: kubeletPrincipal(r) };
  return undefined;
}

export default rule;
