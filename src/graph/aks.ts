/**
 * AKS clusters' own identities and their node resource group.
 *
 * AKS manages the node resource group (`MC_...`, or `node_resource_group` / `nodeResourceGroup`
 * when named) and documents granting the cluster's identities roles there (Virtual Machine
 * Contributor and Managed Identity Operator for the kubelet identity, Network Contributor for the
 * control plane): a grant to one of the cluster's own identities on that group is the platform's
 * pattern, not a broad grant.
 *
 * A cluster has two kinds of identity, two principals. The control plane is its `identity` block
 * (ARM/Bicep/azapi `identity`, azurerm `identity { type, identity_ids }`): its system-assigned
 * identity, or the user-assigned identity named there. The kubelet identity is what the nodes run
 * as, and what pulls images from a registry: the user-assigned identity the cluster names for it
 * (ARM `properties.identityProfile.kubeletidentity.resourceId`, azurerm
 * `kubelet_identity { user_assigned_identity_id }`), or else one AKS creates in the node resource
 * group, read back as `properties.identityProfile.kubeletidentity.objectId` (azurerm
 * `kubelet_identity[0].object_id`). That last one has no declaration of its own: it becomes an
 * identity node of kind `kubelet`, attached to the cluster and managed by the platform
 * (`wireClusters`, `graph.clusters`). `clusterOfPrincipal` answers for either kind; this is the one
 * place that says which principals belong to a cluster.
 *
 * How the kubelet identity's principal ID is written, per format (for messages):
 * - Bicep: `aks.properties.identityProfile.kubeletidentity.objectId`, or `kubelet.properties.principalId`;
 * - ARM JSON: `[reference(resourceId('Microsoft.ContainerService/managedClusters', 'name'), '<api>').identityProfile.kubeletidentity.objectId]`,
 *   or `[reference(resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', 'name'), '<api>').principalId]`;
 * - Terraform: `azurerm_kubernetes_cluster.x.kubelet_identity[0].object_id`, or
 *   `azurerm_user_assigned_identity.k.principal_id` (azapi: `output.properties...`).
 */
import type { ResourceInstance } from '../model/template.js';
import { asString, getPath, getProp, type Value } from '../model/value.js';
import { armView } from './arm-view.js';
import { azureResourceKey } from './build.js';
import { armExpression, userIdentityExpression } from './id-expressions.js';
import { parseResourceIdShape } from './resource-id.js';
import type { AksCluster, Grant, Identity, IdentityGraph, Workload } from './types.js';
import { lowerPath, unwrap } from './values.js';
import { writtenText } from './written.js';

const ARM_AKS = 'microsoft.containerservice/managedclusters';

export function isAksCluster(r: ResourceInstance): boolean {
  if (r.format === 'terraform') {
    if (r.type === 'azurerm_kubernetes_cluster') return true;
    return r.type === 'azapi_resource' && asString(getProp(r.body, 'type'))?.split('@')[0].toLowerCase() === ARM_AKS;
  }
  return r.type.toLowerCase() === ARM_AKS;
}

/** The cluster whose own identity (control plane, kubelet or add-on) the grant's principal is. */
export function clusterOfPrincipal(grant: Grant): ResourceInstance | undefined {
  const identity = grant.principal.identity;
  if (identity) {
    const attached = identity.workloads.find((w) => isAksCluster(w.resource))?.resource;
    if (attached) return attached;
    // A cluster only read here (`existing`, a data source) is known by its system-assigned identity.
    const own = identity.resource;
    return (identity.kind === 'system' || identity.kind === 'kubelet') && own && isAksCluster(own) ? own : undefined;
  }
  let v = unwrap(grant.principal.value);
  if (v?.kind === 'array' && v.items.length === 1) v = unwrap(v.items[0]);
  if (v?.kind !== 'ref' || !isAksCluster(v.resource)) return undefined;
  const path = lowerPath(v.path);
  // `kubelet_identity[0].object_id`, `<addon>[0].<addon>_identity[0].object_id`,
  // `properties.identityProfile.kubeletidentity.objectId`, `identity.principalId`.
  if (/(^|\.)(object_id|principal_id|objectid|principalid)$/.test(path)) return v.resource;
  return undefined;
}

/** The cluster whose node resource group the grant's scope is, when that is shown. */
export function nodeResourceGroupCluster(grant: Grant): ResourceInstance | undefined {
  if (grant.scope.kind !== 'resourceGroup') return undefined;
  const written = grant.scope.value;
  if (!written) return clusterNamedBy(grant, grant.resource.deploymentScope.name);
  const v = unwrap(written);
  if (!v) return undefined;
  if (v.kind === 'ref') {
    const path = lowerPath(v.path);
    if (isAksCluster(v.resource) && path === 'node_resource_group_id') return v.resource;
    // `data.azurerm_resource_group.nodes.id` looked up by the cluster's `node_resource_group`.
    if (v.resource.type === 'azurerm_resource_group' && (path === 'id' || path === '')) return clusterNamedBy(grant, getProp(v.resource.body, 'name'));
    return undefined;
  }
  if (v.kind === 'scope') return clusterNamedBy(grant, v.name);
  const label = parseResourceIdShape(v)?.label;
  return label ? clusterByNodeGroupName(grant, label) : undefined;
}

/**
 * A resource group name that is a cluster's node resource group: `aks.properties.nodeResourceGroup`,
 * or the name the principal's cluster gives its node resource group.
 */
function clusterNamedBy(grant: Grant, name: Value | undefined): ResourceInstance | undefined {
  const v = unwrap(name);
  if (v?.kind === 'string') return clusterByNodeGroupName(grant, v.value);
  if (v?.kind !== 'ref' || !isAksCluster(v.resource)) return undefined;
  const path = lowerPath(v.path);
  return path === 'node_resource_group' || path === 'properties.noderesourcegroup' ? v.resource : undefined;
}

/** The principal's cluster, when the scope's resource group name is the one that cluster names for its nodes. */
function clusterByNodeGroupName(grant: Grant, name: string): ResourceInstance | undefined {
  const cluster = clusterOfPrincipal(grant);
  if (!cluster) return undefined;
  const written = cluster.format === 'terraform' ? getProp(cluster.body, 'node_resource_group') : getPath(cluster.body, ['properties', 'nodeResourceGroup']);
  const own = asString(unwrap(written));
  return own !== undefined && own.toLowerCase() === name.toLowerCase() ? cluster : undefined;
}

/** A grant to one of a cluster's own identities on that cluster's node resource group. */
export function onOwnNodeResourceGroup(grant: Grant): boolean {
  const cluster = clusterOfPrincipal(grant);
  const owner = cluster && nodeResourceGroupCluster(grant);
  return !!cluster && !!owner && azureResourceKey(cluster) === azureResourceKey(owner);
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
  if (named) return `the principal ID of the identity ${writtenText(named)} names`;
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
