/**
 * AKS clusters' own identities and their node resource group.
 *
 * AKS manages the node resource group (`MC_...`, or `node_resource_group` / `nodeResourceGroup`
 * when named) and documents granting the cluster's identities roles there (Virtual Machine
 * Contributor and Managed Identity Operator for the kubelet identity, Network Contributor for the
 * control plane): a grant to one of the cluster's own identities on that group is the platform's
 * pattern, not a broad grant.
 *
 * The graph does not yet tell the control-plane identity from the kubelet identity (both are
 * "the cluster's"), so `clusterOfPrincipal` answers for either; when they become two principals,
 * this stays the one place that says which principals belong to a cluster.
 */
import type { ResourceInstance } from '../model/template.js';
import { asString, getPath, getProp, type Value } from '../model/value.js';
import { azureResourceKey } from './build.js';
import { parseResourceIdShape } from './resource-id.js';
import type { Grant } from './types.js';
import { lowerPath, unwrap } from './values.js';

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
  if (identity) return identity.workloads.find((w) => isAksCluster(w.resource))?.resource;
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
