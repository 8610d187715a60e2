/**
 * How the identity graph reads Terraform resources: azurerm (and azuread for principals) and azapi.
 *
 * Workloads are recognised by shape: any resource with an `identity { type = ... }` block holds the
 * identities its type names ("SystemAssigned", "UserAssigned", "SystemAssigned, UserAssigned",
 * `identity_ids`). Checked against the provider documentation (website/docs/r/*.html.markdown of
 * hashicorp/terraform-provider-azurerm, and the doc snippets in shared/corpus) for:
 * azurerm_linux_web_app, azurerm_windows_web_app, azurerm_linux_function_app,
 * azurerm_windows_function_app (and their _slot variants), azurerm_container_app,
 * azurerm_container_app_job, azurerm_linux_virtual_machine, azurerm_windows_virtual_machine,
 * azurerm_linux/windows_virtual_machine_scale_set, azurerm_kubernetes_cluster, azurerm_data_factory,
 * azurerm_logic_app_standard, azurerm_logic_app_workflow, azurerm_api_management,
 * azurerm_cognitive_account, azurerm_search_service, azurerm_synapse_workspace,
 * azurerm_machine_learning_workspace, azurerm_cosmosdb_account, azurerm_mssql_server,
 * azurerm_container_registry, azurerm_data_protection_backup_vault, azurerm_resource_deployment_script_*,
 * azurerm_*_policy_assignment. All use the same block: `type` (required) and `identity_ids`; the
 * exported `identity[0].principal_id` is the system identity's principal (written
 * `identity.0.principal_id` in older configurations, or through a splat).
 *
 * Special case: azurerm_kubernetes_cluster. Its `identity` (SystemAssigned or UserAssigned) is the
 * control plane's; the optional `kubelet_identity` block (`client_id`, `object_id`,
 * `user_assigned_identity_id`) attaches a user-assigned identity to the kubelets, and the exported
 * `kubelet_identity[0].object_id` is the kubelet identity's principal. Add-on identities are exported
 * as `<addon>[0].<addon>_identity[0].object_id` (key_vault_secrets_provider → secret_identity,
 * oms_agent → oms_agent_identity, ingress_application_gateway → ingress_application_gateway_identity,
 * web_app_routing → web_app_routing_identity). All of these are managed by the platform.
 *
 * azapi: `azapi_resource` with `type = "Microsoft.X/y@version"`, an `identity { type, identity_ids }`
 * block or an ARM-shaped `body.identity`, role assignments of type Microsoft.Authorization/roleAssignments
 * (`parent_id` is the scope), and user-assigned identities of type
 * Microsoft.ManagedIdentity/userAssignedIdentities.
 */
import type { ResourceInstance } from '../model/template.js';
import { asString, getProp, type Value } from '../model/value.js';
import { armTypeOf, azapiArmType } from './azurerm-types.js';
import { parseResourceIdShape } from './resource-id.js';
import type { GrantFacts, PrincipalFacts, PrincipalLookup, ScopeFacts, ShapeAdapter, WorkloadIdentityFacts } from './shape.js';
import { lowerPath, unwrap } from './values.js';

const UAMI_ARM = 'microsoft.managedidentity/userassignedidentities';
const AKS_ARM = 'microsoft.containerservice/managedclusters';
const ROLE_ASSIGNMENT_ARM = 'microsoft.authorization/roleassignments';

function isTerraform(r: ResourceInstance): boolean {
  return r.format === 'terraform';
}

/** The ARM type of an azapi resource (lower case), or undefined for other resources. */
function azapiType(r: ResourceInstance): string | undefined {
  if (r.type !== 'azapi_resource') return undefined;
  return azapiArmType(asString(getProp(r.body, 'type')))?.toLowerCase();
}

/** The first element of a nested block (`identity[0]`), or the value itself when written as an object. */
function firstBlock(v: Value | undefined): Value | undefined {
  if (!v) return undefined;
  if (v.kind === 'array') return v.items[0];
  if (v.kind === 'object') return v;
  return undefined;
}

function parseIdentityType(type: string): { system: boolean; user: boolean } {
  const parts = type
    .toLowerCase()
    .split(',')
    .map((s) => s.trim());
  return { system: parts.includes('systemassigned'), user: parts.includes('userassigned') };
}

function listOf(v: Value | undefined): Value[] {
  if (!v || v.kind === 'null') return [];
  if (v.kind === 'array') return v.items;
  return [v];
}

/** `identity { type, identity_ids }` (azurerm, azapi). */
function identityBlock(r: ResourceInstance): { system: boolean; userAssigned: Value[] } | undefined {
  const block = firstBlock(getProp(r.body, 'identity'));
  const type = asString(getProp(block, 'type'));
  if (type === undefined) return undefined;
  const t = parseIdentityType(type);
  return { system: t.system, userAssigned: t.user ? listOf(getProp(block, 'identity_ids')) : [] };
}

/** ARM-shaped `body.identity` of an azapi resource. */
function azapiBodyIdentity(r: ResourceInstance): { system: boolean; userAssigned: Value[] } | undefined {
  const identity = getProp(getProp(r.body, 'body'), 'identity');
  const type = asString(getProp(identity, 'type'));
  if (type === undefined) return undefined;
  const t = parseIdentityType(type);
  const map = getProp(identity, 'userAssignedIdentities');
  const userAssigned: Value[] = [];
  if (t.user && map && map.kind === 'object') {
    for (const k of map.entries.keys()) userAssigned.push(map.keyValues?.get(k) ?? { kind: 'string', value: k, ...(map.at ? { at: map.at } : {}) });
  }
  return { system: t.system, userAssigned };
}

function workloadIdentities(r: ResourceInstance): WorkloadIdentityFacts | undefined {
  if (!isTerraform(r)) return undefined;
  const arm = azapiType(r);
  if (arm === UAMI_ARM) return undefined;
  const found = identityBlock(r) ?? (arm ? azapiBodyIdentity(r) : undefined);
  if (!found) return undefined;
  // AKS (control plane, kubelet) and Arc-connected clusters, whose identity the Arc agents use.
  const platformManaged = r.type === 'azurerm_kubernetes_cluster' || arm === AKS_ARM || r.type === 'azurerm_arc_kubernetes_cluster' || arm === 'microsoft.kubernetes/connectedclusters';
  const userAssigned = [...found.userAssigned];
  if (r.type === 'azurerm_kubernetes_cluster') {
    const kubelet = getProp(firstBlock(getProp(r.body, 'kubelet_identity')), 'user_assigned_identity_id');
    if (kubelet && kubelet.kind !== 'null') userAssigned.push(kubelet);
  }
  if (!found.system && userAssigned.length === 0) return undefined;
  return { systemAssigned: found.system, userAssigned, platformManaged };
}

function isUserAssignedIdentity(r: ResourceInstance): boolean {
  if (!isTerraform(r)) return false;
  if (r.type === 'azurerm_user_assigned_identity') return true;
  return azapiType(r) === UAMI_ARM;
}

/** A role definition reference: a `data.azurerm_role_definition`'s name (or GUID) when written there. */
function roleValue(r: ResourceInstance): Value | undefined {
  const byName = getProp(r.body, 'role_definition_name');
  if (byName && byName.kind !== 'null') return byName;
  const byId = getProp(r.body, 'role_definition_id');
  const v = unwrap(byId);
  if (v && v.kind === 'ref' && v.resource.type === 'azurerm_role_definition' && v.resource.existing) {
    const path = lowerPath(v.path);
    if (path === 'id' || path === 'role_definition_id') {
      const name = getProp(v.resource.body, 'name');
      if (name && name.kind === 'string') return name;
      const guid = getProp(v.resource.body, 'role_definition_id');
      if (guid && guid.kind === 'string') return guid;
    }
  }
  return byId;
}

function present(v: Value | undefined): Value | undefined {
  return v && v.kind !== 'null' ? v : undefined;
}

function roleAssignment(r: ResourceInstance): GrantFacts {
  const facts: GrantFacts = {
    kind: 'rbac',
    at: r.decl,
    principal: getProp(r.body, 'principal_id') ?? { kind: 'unknown' },
  };
  const role = roleValue(r);
  if (role) facts.role = role;
  const scope = present(getProp(r.body, 'scope'));
  if (scope) facts.scope = scope;
  const principalType = present(getProp(r.body, 'principal_type'));
  if (principalType) facts.principalType = principalType;
  const skip = present(getProp(r.body, 'skip_service_principal_aad_check'));
  if (skip) facts.skipPrincipalCheck = skip;
  const name = present(getProp(r.body, 'name'));
  if (name) facts.name = name;
  const condition = present(getProp(r.body, 'condition'));
  if (condition) facts.condition = condition;
  return facts;
}

function vaultScope(vault: Value | undefined): ScopeFacts {
  const resolved = vault ? resolveScope(vault) : undefined;
  if (resolved && resolved.kind === 'resource') return resolved;
  return { kind: 'resource', resourceType: 'Microsoft.KeyVault/vaults' };
}

/** `key_permissions`, `secret_permissions`, ... as the ARM-shaped `{ keys, secrets, certificates, storage }` (absent lists stay absent). */
function policyPermissions(block: Value): Value {
  const entries: [string, Value][] = [];
  for (const [arm, tf] of [['keys', 'key_permissions'], ['secrets', 'secret_permissions'], ['certificates', 'certificate_permissions'], ['storage', 'storage_permissions']]) {
    const list = getProp(block, tf);
    if (list) entries.push([arm, list]);
  }
  return { kind: 'object', entries: new Map(entries), ...(block.at ? { at: block.at } : {}) };
}

function azapiRoleAssignment(r: ResourceInstance): GrantFacts {
  const body = getProp(r.body, 'body');
  const props = getProp(body, 'properties');
  const facts: GrantFacts = {
    kind: 'rbac',
    at: r.decl,
    principal: getProp(props, 'principalId') ?? { kind: 'unknown' },
  };
  const role = present(getProp(props, 'roleDefinitionId'));
  if (role) facts.role = role;
  const scope = present(getProp(r.body, 'parent_id'));
  if (scope) facts.scope = scope;
  const principalType = present(getProp(props, 'principalType'));
  if (principalType) facts.principalType = principalType;
  const name = present(getProp(r.body, 'name'));
  if (name) facts.name = name;
  const condition = present(getProp(props, 'condition'));
  if (condition) facts.condition = condition;
  return facts;
}

/** ARM-shaped `body.properties.accessPolicies` of an azapi vault or `vaults/accessPolicies`. */
function azapiAccessPolicies(r: ResourceInstance, scope: ScopeFacts): GrantFacts[] {
  const list = getProp(getProp(getProp(r.body, 'body'), 'properties'), 'accessPolicies');
  return listOf(list)
    .filter((p) => p.kind === 'object')
    .map((p) => {
      const facts: GrantFacts = { kind: 'accessPolicy', at: p.at ?? r.decl, principal: getProp(p, 'objectId') ?? { kind: 'unknown' }, impliedScope: scope };
      const permissions = getProp(p, 'permissions');
      if (permissions) facts.permissions = permissions;
      return facts;
    });
}

function grants(r: ResourceInstance): GrantFacts[] {
  if (!isTerraform(r) || r.existing) return [];
  switch (r.type) {
    case 'azurerm_role_assignment':
      return [roleAssignment(r)];
    case 'azurerm_key_vault_access_policy':
      return [
        {
          kind: 'accessPolicy',
          at: r.decl,
          principal: getProp(r.body, 'object_id') ?? { kind: 'unknown' },
          impliedScope: vaultScope(getProp(r.body, 'key_vault_id')),
          permissions: policyPermissions(r.body),
        },
      ];
    case 'azurerm_key_vault': {
      const policies = listOf(getProp(r.body, 'access_policy'));
      const scope: ScopeFacts = { kind: 'resource', resourceType: 'Microsoft.KeyVault/vaults', resource: r };
      const label = asString(r.name);
      if (label) scope.label = label;
      return policies
        .filter((p) => p.kind === 'object')
        .map((p) => ({
          kind: 'accessPolicy' as const,
          at: p.at ?? r.decl,
          principal: getProp(p, 'object_id') ?? { kind: 'unknown' },
          impliedScope: scope,
          permissions: policyPermissions(p),
        }));
    }
    case 'azurerm_cosmosdb_sql_role_assignment': {
      const facts: GrantFacts = {
        kind: 'dataPlane',
        at: r.decl,
        principal: getProp(r.body, 'principal_id') ?? { kind: 'unknown' },
      };
      const role = present(getProp(r.body, 'role_definition_id'));
      if (role) facts.role = role;
      const scope = present(getProp(r.body, 'scope'));
      if (scope) facts.scope = scope;
      else facts.impliedScope = { kind: 'resource', resourceType: 'Microsoft.DocumentDB/databaseAccounts' };
      const name = present(getProp(r.body, 'name'));
      if (name) facts.name = name;
      return [facts];
    }
    case 'azapi_resource': {
      const arm = azapiType(r);
      if (arm === ROLE_ASSIGNMENT_ARM) return [azapiRoleAssignment(r)];
      if (arm === 'microsoft.keyvault/vaults') return azapiAccessPolicies(r, { kind: 'resource', resourceType: 'Microsoft.KeyVault/vaults', resource: r, ...(asString(r.name) ? { label: asString(r.name) } : {}) });
      if (arm === 'microsoft.keyvault/vaults/accesspolicies') return azapiAccessPolicies(r, vaultScope(getProp(r.body, 'parent_id')));
      return [];
    }
    default:
      return [];
  }
}

/** AKS add-on identities, exported as `<addon>[0].<identity block>[0].object_id`. */
const AKS_PLATFORM_PRINCIPALS = [
  /^kubelet_identity\.0\.object_id$/,
  /^key_vault_secrets_provider\.0\.secret_identity\.0\.object_id$/,
  /^oms_agent\.0\.oms_agent_identity\.0\.object_id$/,
  /^ingress_application_gateway\.0\.ingress_application_gateway_identity\.0\.object_id$/,
  /^web_app_routing\.0\.web_app_routing_identity\.0\.object_id$/,
];

const SERVICE_IDENTITY_PATH = /^(?:[a-z0-9_]+\.0\.)?[a-z0-9_]*_identity\.0\.(?:object_id|principal_id)$/;

/** `identity[0].principal_id`, `identity.0.principal_id`, `identity[*].principal_id` (after indexing). */
function isSystemPrincipalPath(path: string): boolean {
  return path === 'identity.0.principal_id' || path === 'identity.principal_id';
}

function resolvePrincipal(value: Value, lookup?: PrincipalLookup): PrincipalFacts | undefined {
  let v = unwrap(value);
  // A one-element list from a splat: `azurerm_x.y.identity[*].principal_id`.
  if (v && v.kind === 'array' && v.items.length === 1) v = unwrap(v.items[0]);
  if (!v || v.kind !== 'ref' || !isTerraform(v.resource)) return undefined;
  const r = v.resource;
  const path = lowerPath(v.path);
  switch (r.type) {
    case 'azurerm_user_assigned_identity':
      return path === 'principal_id' ? { kind: 'managedIdentity', resource: r, system: false } : { kind: 'unknown' };
    case 'azuread_user':
      return path === 'object_id' || path === 'id' ? { kind: 'user' } : { kind: 'unknown' };
    case 'azuread_group':
      return path === 'object_id' || path === 'id' ? { kind: 'group' } : { kind: 'unknown' };
    case 'azuread_service_principal':
      if (path !== 'object_id' && path !== 'id') return { kind: 'unknown' };
      return (r.existing ? lookedUpIdentity(r, lookup) : undefined) ?? { kind: 'servicePrincipal' };
    case 'azurerm_client_config':
      return { kind: 'unknown' };
    default:
      break;
  }
  const arm = azapiType(r);
  if (arm) {
    if (arm === UAMI_ARM && (path === 'output.properties.principalid' || path === 'output.principalid')) {
      return { kind: 'managedIdentity', resource: r, system: false };
    }
    if (path === 'output.identity.principalid' || isSystemPrincipalPath(path)) return { kind: 'managedIdentity', resource: r, system: true };
    return { kind: 'unknown' };
  }
  if (isSystemPrincipalPath(path)) return { kind: 'managedIdentity', resource: r, system: true };
  if (r.type === 'azurerm_kubernetes_cluster' && AKS_PLATFORM_PRINCIPALS.some((re) => re.test(path))) return { kind: 'managedIdentity' };
  // Other identities a service creates for itself and exports by shape: `storage_account_identity[0].principal_id`
  // (Databricks), `aci_connector_linux[0].connector_identity[0].object_id` (AKS add-on), ...
  if (SERVICE_IDENTITY_PATH.test(path)) return { kind: 'managedIdentity' };
  return { kind: 'unknown' };
}

/**
 * A `data "azuread_service_principal"` looked up by a managed identity's object ID, client ID or
 * display name (its resource's name) is that identity's service principal.
 */
function lookedUpIdentity(sp: ResourceInstance, lookup: PrincipalLookup | undefined): PrincipalFacts | undefined {
  const byObjectId = present(getProp(sp.body, 'object_id'));
  if (byObjectId) {
    const facts = resolvePrincipal(byObjectId);
    if (facts?.resource) return facts;
  }
  for (const arg of ['client_id', 'application_id', 'display_name']) {
    const v = unwrap(getProp(sp.body, arg));
    // A display name known as text: the identity of that name created in the same configuration.
    if (arg === 'display_name' && v?.kind === 'string' && lookup) {
      const named = lookup.userIdentitiesNamed(v.value, sp);
      if (named.length === 1) return { kind: 'managedIdentity', resource: named[0], system: false };
    }
    if (v?.kind !== 'ref' || !isTerraform(v.resource)) continue;
    const path = lowerPath(v.path);
    const target = v.resource;
    if (isUserAssignedIdentity(target) && (path === (arg === 'display_name' ? 'name' : 'client_id') || path === 'output.properties.clientid')) {
      return { kind: 'managedIdentity', resource: target, system: false };
    }
    // A system-assigned identity's service principal is named after its resource.
    if (arg === 'display_name' && path === 'name' && identityBlock(target)?.system) return { kind: 'managedIdentity', resource: target, system: true };
  }
  return undefined;
}

function refLabel(r: ResourceInstance): string | undefined {
  return asString(r.name) ?? asString(getProp(r.body, 'display_name'));
}

function withLabel(facts: ScopeFacts, label: string | undefined): ScopeFacts {
  if (label) facts.label = label;
  return facts;
}

function resolveScope(value: Value): ScopeFacts | undefined {
  const v = unwrap(value);
  if (!v) return undefined;
  if (v.kind === 'ref') {
    const r = v.resource;
    if (!isTerraform(r)) return undefined;
    const path = lowerPath(v.path);
    if (r.type === 'azurerm_kubernetes_cluster' && path === 'node_resource_group_id') return { kind: 'resourceGroup' };
    if (path !== 'id' && path !== '') return { kind: 'unknown' };
    switch (r.type) {
      case 'azurerm_resource_group':
        return withLabel({ kind: 'resourceGroup', resource: r }, refLabel(r));
      case 'azurerm_subscription':
        return withLabel({ kind: 'subscription', resource: r }, asString(getProp(r.body, 'subscription_name')) ?? asString(getProp(r.body, 'subscription_id')));
      case 'azurerm_management_group':
        return withLabel({ kind: 'managementGroup', resource: r }, refLabel(r));
      default:
        break;
    }
    const arm = azapiType(r);
    if (arm !== undefined) {
      if (arm === 'microsoft.resources/resourcegroups') return withLabel({ kind: 'resourceGroup', resource: r }, refLabel(r));
      if (arm === 'microsoft.management/managementgroups') return withLabel({ kind: 'managementGroup', resource: r }, refLabel(r));
      const type = azapiArmType(asString(getProp(r.body, 'type')));
      return withLabel({ kind: 'resource', resource: r, ...(type ? { resourceType: type } : {}) }, refLabel(r));
    }
    const type = armTypeOf(r.type);
    return withLabel({ kind: 'resource', resource: r, ...(type ? { resourceType: type } : {}) }, refLabel(r));
  }
  if (v.kind === 'string' || v.kind === 'concat') return parseResourceIdShape(v);
  return undefined;
}

export const azurermShape: ShapeAdapter = {
  workloadIdentities,
  isUserAssignedIdentity,
  grants,
  resolvePrincipal,
  resolveScope,
};
