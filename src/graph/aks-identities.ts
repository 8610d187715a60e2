/**
 * An AKS cluster's two kinds of identity, as two principals.
 *
 * The control plane is the cluster's `identity` block (ARM/Bicep/azapi `identity`, azurerm
 * `identity { type, identity_ids }`): its system-assigned identity, or the user-assigned identity
 * named there. The kubelet identity is what the nodes run as, and what pulls images from a
 * registry: the user-assigned identity the cluster names for it (ARM
 * `properties.identityProfile.kubeletidentity.resourceId`, azurerm
 * `kubelet_identity { user_assigned_identity_id }`), or else one AKS creates in the node resource
 * group, read back as `properties.identityProfile.kubeletidentity.objectId` (azurerm
 * `kubelet_identity[0].object_id`). That last one has no declaration of its own: it becomes an
 * identity node of kind `kubelet`, attached to the cluster and managed by the platform.
 *
 * How the kubelet identity's principal ID is written, per format (for messages):
 * - Bicep: `aks.properties.identityProfile.kubeletidentity.objectId`, or `kubelet.properties.principalId`;
 * - ARM JSON: `[reference(resourceId('Microsoft.ContainerService/managedClusters', 'name'), '<api>').identityProfile.kubeletidentity.objectId]`,
 *   or `[reference(resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', 'name'), '<api>').principalId]`;
 * - Terraform: `azurerm_kubernetes_cluster.x.kubelet_identity[0].object_id`, or
 *   `azurerm_user_assigned_identity.k.principal_id` (azapi: `output.properties...`).
 */
import type { ResourceInstance } from '../model/template.js';
import { describeValue, getPath, getProp, type Value } from '../model/value.js';
import { armView } from './arm-view.js';
import { azureResourceKey } from './build.js';
import { armExpression, userIdentityExpression } from './id-expressions.js';
import type { AksCluster, Identity, IdentityGraph, Workload } from './types.js';
import { unwrap } from './values.js';

const AKS = 'microsoft.containerservice/managedclusters';

export function isAksCluster(r: ResourceInstance): boolean {
  return r.type === 'azurerm_kubernetes_cluster' || armView(r)?.type === AKS;
}

function firstBlock(v: Value | undefined): Value | undefined {
  const u = unwrap(v);
  if (u?.kind === 'array') return u.items[0];
  return u?.kind === 'object' ? u : undefined;
}

function present(v: Value | undefined): Value | undefined {
  const u = unwrap(v);
  return u && u.kind !== 'null' ? v : undefined;
}

/** The value naming the cluster's own kubelet identity (a user-assigned identity's resource ID), if written. */
export function kubeletIdentityValue(r: ResourceInstance): Value | undefined {
  if (r.type === 'azurerm_kubernetes_cluster') return present(getProp(firstBlock(getProp(r.body, 'kubelet_identity')), 'user_assigned_identity_id'));
  const view = armView(r);
  return view ? present(getPath(view.body, ['properties', 'identityProfile', 'kubeletidentity', 'resourceId'])) : undefined;
}

/** The user-assigned identity values of the cluster's `identity` block (the control plane's). */
function controlPlaneValues(r: ResourceInstance): Value[] {
  const view = armView(r);
  if (r.type === 'azurerm_kubernetes_cluster' || (r.format === 'terraform' && getProp(r.body, 'identity'))) {
    const block = firstBlock(getProp(r.body, 'identity'));
    if (block) {
      const ids = unwrap(getProp(block, 'identity_ids'));
      if (!ids || ids.kind === 'null') return [];
      return ids.kind === 'array' ? ids.items : [ids];
    }
  }
  const map = getProp(getProp(view?.body, 'identity'), 'userAssignedIdentities');
  if (!map || map.kind !== 'object') return [];
  return [...map.entries.keys()].map((k) => map.keyValues?.get(k) ?? { kind: 'string', value: k });
}

export interface ClusterWiring {
  /** The identity node a `userAssignedIdentities` key or `identity_ids` entry names (as the builder attached it). */
  attached(value: Value): Identity;
  /** Adds an identity node to the graph. */
  add(identity: Identity): void;
}

/** The cluster entries, one per AKS workload declared here; the kubelet identity AKS creates becomes a node. */
export function wireClusters(graph: IdentityGraph, wiring: ClusterWiring): AksCluster[] {
  const clusters: AksCluster[] = [];
  for (const workload of graph.workloads) {
    const r = workload.resource;
    if (!isAksCluster(r)) continue;
    const controlPlane: Identity[] = [];
    const system = graph.identityIndex.get(`system:${azureResourceKey(r)}`);
    if (system && workload.identities.includes(system)) controlPlane.push(system);
    for (const v of controlPlaneValues(r)) {
      const identity = wiring.attached(v);
      if (!controlPlane.includes(identity)) controlPlane.push(identity);
    }
    const named = kubeletIdentityValue(r);
    const kubelet = named ? wiring.attached(named) : platformKubelet(r, workload, wiring);
    clusters.push({ resource: r, workload, controlPlane, kubelet, kubeletPrincipal: kubeletPrincipal(r, named ? kubelet : undefined, named) });
  }
  return clusters;
}

function platformKubelet(r: ResourceInstance, workload: Workload, wiring: ClusterWiring): Identity {
  const identity: Identity = {
    id: `kubelet:${azureResourceKey(r)}`,
    kind: 'kubelet',
    resource: r,
    createdHere: false,
    workloads: [workload],
    platformManaged: true,
    label: r.symbol,
  };
  workload.identities.push(identity);
  wiring.add(identity);
  return identity;
}

/** How the cluster's kubelet identity's principal ID is written in the cluster's own format. */
export function kubeletPrincipal(cluster: ResourceInstance, userKubelet?: Identity, named?: Value): string {
  const uami = userKubelet?.kind === 'user' ? userKubelet.resource : undefined;
  if (uami) return userIdentityExpression(uami, 'principalId');
  if (named) return `the principal ID of the identity ${describeValue(unwrap(named))} names`;
  if (cluster.format === 'terraform') {
    return cluster.type === 'azapi_resource'
      ? `${cluster.symbol}.output.properties.identityProfile.kubeletidentity.objectId`
      : `${cluster.symbol}.kubelet_identity[0].object_id`;
  }
  if (cluster.format === 'bicep') return `${cluster.symbol}.properties.identityProfile.kubeletidentity.objectId`;
  return armExpression('Microsoft.ContainerService/managedClusters', cluster, 'identityProfile.kubeletidentity.objectId', '2024-05-01');
}

/** The clusters whose control plane the identity is, and those whose kubelet identity it is. */
export function clusterRoles(graph: IdentityGraph, identity: Identity): { controlPlaneOf: AksCluster[]; kubeletOf: AksCluster[] } {
  return {
    controlPlaneOf: graph.clusters.filter((c) => c.controlPlane.includes(identity)),
    kubeletOf: graph.clusters.filter((c) => c.kubelet === identity),
  };
}
