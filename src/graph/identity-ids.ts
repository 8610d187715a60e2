/**
 * Which identity, and which of its IDs, a value is. A managed identity has three IDs with three
 * jobs: the principal (object) ID is what roles and access policies are granted to, the client ID
 * is what code and settings select an identity by, the resource ID is what attaches it to a
 * resource. Values keep their meaning through variables, parameters, outputs and `reference()` (the
 * front ends resolve those to references); this module reads the reference's attribute path:
 * - ARM/Bicep user-assigned identity: `uami.id` / `resourceId(...)` (resource ID),
 *   `uami.properties.principalId` or `reference(...).principalId` (principal), `.clientId`,
 *   `.tenantId`, `.name`; azapi: `output.properties.principalId`...;
 * - a system-assigned identity: `x.identity.principalId` (Terraform `x.identity[0].principal_id`);
 * - azurerm `azurerm_user_assigned_identity` (resource or data source): `id`, `principal_id`,
 *   `client_id`, `tenant_id`, `name`;
 * - an AKS cluster's kubelet identity: ARM `properties.identityProfile.kubeletidentity.objectId`,
 *   `.clientId`, `.resourceId`; azurerm `kubelet_identity[0].object_id`, `.client_id`,
 *   `.user_assigned_identity_id` — the user-assigned identity the cluster names for its kubelets,
 *   or else the `kubelet` node of the identity AKS creates (aks.ts);
 * - a literal resource ID of `Microsoft.ManagedIdentity/userAssignedIdentities` (the identity not
 *   known, the kind of ID known).
 */
import { parseResourceIdArgs, RESOURCE_ID_FUNCTIONS } from '../link/functions.js';
import type { ResourceInstance } from '../model/template.js';
import { asString, getPath, getProp, type Value } from '../model/value.js';
import { azapiArmType } from './azurerm-types.js';
import { azureResourceKey } from './build.js';
import type { Identity, IdentityGraph } from './types.js';
import { lowerPath, unwrap } from './values.js';

export type IdentityProperty = 'principalId' | 'clientId' | 'resourceId' | 'tenantId' | 'name';

export interface IdentityIdFacts {
  property: IdentityProperty;
  /**
   * The resource the ID belongs to: the user-assigned identity resource, or the workload whose
   * system-assigned identity it is (`system`), or the AKS cluster whose kubelet identity it is
   * (`aks: 'kubelet'`). Absent when only the kind of ID is known (a literal resource ID).
   */
  resource?: ResourceInstance;
  system?: boolean;
  aks?: 'kubelet';
}

const UAMI_ARM = 'microsoft.managedidentity/userassignedidentities';
const AKS_ARM = 'microsoft.containerservice/managedclusters';
const UAMI_ID = /\/providers\/microsoft\.managedidentity\/userassignedidentities\/[^/]+$/i;

function armTypeOfInstance(r: ResourceInstance): string | undefined {
  if (r.format !== 'terraform') return r.type.toLowerCase();
  if (r.type === 'azapi_resource') return azapiArmType(asString(getProp(r.body, 'type')))?.toLowerCase();
  return undefined;
}

/** ARM-shaped attribute paths (Bicep, ARM, azapi `output.`), lower case, by what they are. */
const UAMI_PATHS: Record<string, IdentityProperty> = {
  '': 'resourceId',
  id: 'resourceId',
  name: 'name',
  'properties.principalid': 'principalId',
  principalid: 'principalId',
  'properties.clientid': 'clientId',
  clientid: 'clientId',
  'properties.tenantid': 'tenantId',
  tenantid: 'tenantId',
};

const KUBELET_ARM: Record<string, IdentityProperty> = {
  'properties.identityprofile.kubeletidentity.objectid': 'principalId',
  'properties.identityprofile.kubeletidentity.clientid': 'clientId',
  'properties.identityprofile.kubeletidentity.resourceid': 'resourceId',
};

const UAMI_TF: Record<string, IdentityProperty> = {
  id: 'resourceId',
  name: 'name',
  principal_id: 'principalId',
  client_id: 'clientId',
  tenant_id: 'tenantId',
};

const KUBELET_TF: Record<string, IdentityProperty> = {
  'kubelet_identity.0.object_id': 'principalId',
  'kubelet_identity.0.client_id': 'clientId',
  'kubelet_identity.0.user_assigned_identity_id': 'resourceId',
};

/** What identity ID the value is, if grantlint can tell. */
export function identityIdFacts(value: Value | undefined): IdentityIdFacts | undefined {
  let v = unwrap(value);
  // A one-element list from a splat: `azurerm_x.y.identity[*].principal_id`.
  if (v && v.kind === 'array' && v.items.length === 1) v = unwrap(v.items[0]);
  if (!v) return undefined;
  if (v.kind === 'string') return UAMI_ID.test(v.value) ? { property: 'resourceId' } : undefined;
  if (v.kind === 'call' && RESOURCE_ID_FUNCTIONS.has(v.fn)) {
    return parseResourceIdArgs(v.fn, v.args)?.type.toLowerCase() === UAMI_ARM ? { property: 'resourceId' } : undefined;
  }
  if (v.kind !== 'ref') return undefined;
  const r = v.resource;
  const path = lowerPath(v.path);
  if (r.format === 'terraform' && r.type !== 'azapi_resource') {
    if (r.type === 'azurerm_user_assigned_identity') return known(UAMI_TF[path], r);
    if (path === 'identity.0.principal_id' || path === 'identity.principal_id') return { property: 'principalId', resource: r, system: true };
    if (path === 'identity.0.tenant_id') return { property: 'tenantId', resource: r, system: true };
    if (r.type === 'azurerm_kubernetes_cluster' && KUBELET_TF[path]) return { property: KUBELET_TF[path], resource: r, aks: 'kubelet' };
    return undefined;
  }
  const type = armTypeOfInstance(r);
  const armPath = r.type === 'azapi_resource' ? path.replace(/^output\./, '') : path;
  if (type === UAMI_ARM) return known(UAMI_PATHS[armPath], r);
  if (armPath === 'identity.principalid' || (r.type === 'azapi_resource' && armPath === 'identity.0.principal_id')) return { property: 'principalId', resource: r, system: true };
  if (armPath === 'identity.tenantid') return { property: 'tenantId', resource: r, system: true };
  if (type === AKS_ARM && KUBELET_ARM[armPath]) return { property: KUBELET_ARM[armPath], resource: r, aks: 'kubelet' };
  return undefined;
}

function known(property: IdentityProperty | undefined, resource: ResourceInstance): IdentityIdFacts | undefined {
  return property ? { property, resource, system: false } : undefined;
}

export interface IdentityIdOf extends IdentityIdFacts {
  /** The graph's node for that identity, when the graph knows it. */
  identity?: Identity;
}

/** The identity a value is an ID of, as a graph node, and which of its IDs it is. */
export function identityIdOf(graph: IdentityGraph, value: Value | undefined): IdentityIdOf | undefined {
  const facts = identityIdFacts(value);
  if (!facts) return undefined;
  const identity = facts.resource ? identityNodeOf(graph, facts) : undefined;
  return identity ? { ...facts, identity } : facts;
}

function identityNodeOf(graph: IdentityGraph, facts: IdentityIdFacts): Identity | undefined {
  const r = facts.resource!;
  if (facts.aks === 'kubelet') {
    // A kubelet identity of the user's own: the user-assigned identity its resource ID names.
    const resourceId = r.format === 'terraform'
      ? getProp(getPath(r.body, ['kubelet_identity', 0]), 'user_assigned_identity_id')
      : getPath(r.body, ['properties', 'identityProfile', 'kubeletidentity', 'resourceId']);
    const u = unwrap(resourceId);
    if (!u || u.kind === 'null') return graph.identityIndex.get(`kubelet:${azureResourceKey(r)}`);
    const named = identityIdFacts(resourceId);
    return named?.resource && named.property === 'resourceId' ? graph.identityIndex.get(`user:${azureResourceKey(named.resource)}`) : undefined;
  }
  return graph.identityIndex.get(`${facts.system ? 'system' : 'user'}:${azureResourceKey(r)}`);
}
