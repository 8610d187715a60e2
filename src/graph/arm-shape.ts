import type { ResourceInstance } from '../model/template.js';
import { asString, getPath, getProp, type Value } from '../model/value.js';
import { parseResourceIdShape } from './resource-id.js';
import type { GrantFacts, PrincipalFacts, ScopeFacts, ShapeAdapter, WorkloadIdentityFacts } from './shape.js';
import { lowerPath, unwrap } from './values.js';

const ROLE_ASSIGNMENT = 'microsoft.authorization/roleassignments';
const USER_ASSIGNED_IDENTITY = 'microsoft.managedidentity/userassignedidentities';
const AKS = 'microsoft.containerservice/managedclusters';
/** Arc-connected clusters: their system identity is mandatory and used by the Arc agents. */
const ARC_CLUSTER = 'microsoft.kubernetes/connectedclusters';

function isArmShaped(r: ResourceInstance): boolean {
  return r.format !== 'terraform';
}

function typeOf(r: ResourceInstance): string {
  return r.type.toLowerCase();
}

/** The keys of `identity.userAssignedIdentities`, as values (computed keys keep their expression). */
function userAssignedKeys(identity: Value | undefined): Value[] {
  const map = getProp(identity, 'userAssignedIdentities');
  if (!map || map.kind !== 'object') return [];
  return [...map.entries.keys()].map((k) => map.keyValues?.get(k) ?? { kind: 'string', value: k, at: map.at });
}

function identityTypes(identity: Value | undefined): { system: boolean; user: boolean } | undefined {
  const type = asString(getProp(identity, 'type'));
  if (type === undefined) return undefined;
  const parts = type.toLowerCase().split(',').map((s) => s.trim());
  return { system: parts.includes('systemassigned'), user: parts.includes('userassigned') };
}

function workloadIdentities(r: ResourceInstance): WorkloadIdentityFacts | undefined {
  if (!isArmShaped(r)) return undefined;
  const identity = getProp(r.body, 'identity');
  const types = identityTypes(identity);
  if (!types) return undefined;
  const userAssigned = types.user ? userAssignedKeys(identity) : [];
  const platformManaged = typeOf(r) === AKS || typeOf(r) === ARC_CLUSTER;
  if (typeOf(r) === AKS) {
    const kubelet = getPath(r.body, ['properties', 'identityProfile', 'kubeletidentity', 'resourceId']);
    if (kubelet) userAssigned.push(kubelet);
  }
  if (!types.system && userAssigned.length === 0) return undefined;
  return { systemAssigned: types.system, userAssigned, platformManaged };
}

function roleAssignmentFacts(r: ResourceInstance): GrantFacts {
  const props = getProp(r.body, 'properties');
  return {
    kind: 'rbac',
    at: r.decl,
    principal: getProp(props, 'principalId') ?? { kind: 'unknown' },
    role: getProp(props, 'roleDefinitionId'),
    scope: r.scope,
    principalType: getProp(props, 'principalType'),
    name: r.name ?? getProp(r.body, 'name'),
    condition: getProp(props, 'condition'),
  };
}

/** Key Vault access policies: inline in the vault, or in a `vaults/accessPolicies` child. */
function accessPolicyFacts(r: ResourceInstance, vaultScope: ScopeFacts): GrantFacts[] {
  const policies = getPath(r.body, ['properties', 'accessPolicies']);
  if (!policies || policies.kind !== 'array') return [];
  return policies.items.map((entry) => {
    const facts: GrantFacts = { kind: 'accessPolicy', at: entry.at ?? r.decl, principal: getProp(entry, 'objectId') ?? { kind: 'unknown' }, impliedScope: vaultScope };
    const permissions = entry.kind === 'object' ? getProp(entry, 'permissions') : entry;
    if (permissions) facts.permissions = permissions;
    return facts;
  });
}

function grants(r: ResourceInstance): GrantFacts[] {
  if (!isArmShaped(r)) return [];
  const type = typeOf(r);
  if (type === ROLE_ASSIGNMENT) return [roleAssignmentFacts(r)];
  if (type === 'microsoft.keyvault/vaults') {
    return accessPolicyFacts(r, { kind: 'resource', resourceType: r.type, label: asString(r.name), resource: r });
  }
  if (type === 'microsoft.keyvault/vaults/accesspolicies') {
    const vault = r.parent;
    const vaultName = asString(r.name)?.split('/')[0];
    return accessPolicyFacts(r, vault
      ? { kind: 'resource', resourceType: vault.type, label: asString(vault.name), resource: vault }
      : { kind: 'resource', resourceType: 'Microsoft.KeyVault/vaults', label: vaultName });
  }
  if (type === 'microsoft.documentdb/databaseaccounts/sqlroleassignments') {
    const props = getProp(r.body, 'properties');
    return [
      {
        kind: 'dataPlane',
        at: r.decl,
        principal: getProp(props, 'principalId') ?? { kind: 'unknown' },
        role: getProp(props, 'roleDefinitionId'),
        impliedScope: { kind: 'resource', resourceType: 'Microsoft.DocumentDB/databaseAccounts', resource: r.parent },
        name: r.name,
      },
    ];
  }
  return [];
}

function resolvePrincipal(value: Value): PrincipalFacts | undefined {
  const v = unwrap(value);
  if (!v || v.kind !== 'ref' || !isArmShaped(v.resource)) return undefined;
  const path = lowerPath(v.path);
  const type = typeOf(v.resource);
  if (type === USER_ASSIGNED_IDENTITY && (path === 'properties.principalid' || path === 'principalid')) {
    return { kind: 'managedIdentity', resource: v.resource, system: false };
  }
  if (path === 'identity.principalid') return { kind: 'managedIdentity', resource: v.resource, system: true };
  if (type === AKS && path.startsWith('properties.identityprofile.kubeletidentity.')) {
    return { kind: 'managedIdentity' };
  }
  return { kind: 'unknown' };
}

function resolveScope(value: Value): ScopeFacts | undefined {
  const v = unwrap(value);
  if (!v) return undefined;
  if (v.kind === 'ref') {
    if (!isArmShaped(v.resource)) return undefined;
    const path = lowerPath(v.path);
    if (path !== '' && path !== 'id') return { kind: 'unknown' };
    const r = v.resource;
    if (typeOf(r) === 'microsoft.resources/resourcegroups') return { kind: 'resourceGroup', label: asString(r.name), resource: r };
    if (typeOf(r) === 'microsoft.management/managementgroups') return { kind: 'managementGroup', label: asString(r.name), resource: r };
    if (typeOf(r) === 'microsoft.subscription/aliases') return { kind: 'subscription', label: asString(r.name), resource: r };
    return { kind: 'resource', resourceType: r.type, label: asString(r.name), resource: r };
  }
  return parseResourceIdShape(v);
}

export const armShape: ShapeAdapter = {
  workloadIdentities,
  isUserAssignedIdentity: (r) => isArmShaped(r) && typeOf(r) === USER_ASSIGNED_IDENTITY,
  grants,
  resolvePrincipal,
  resolveScope,
};
