import { describe, expect, it } from 'vitest';
import { azurermShape } from '../../src/graph/azurerm-shape.js';
import { buildGraph } from '../../src/graph/build.js';
import { roleCatalog } from '../../src/graph/roles.js';
import type { Value } from '../../src/model/value.js';
import { js, lowerMain, one, prop } from '../lower/terraform/helpers.js';

function probe(text: string, attr = 'v'): { value: Value; p: ReturnType<typeof lowerMain> } {
  const p = lowerMain(`${text}\nresource "probe" "x" {\n  v = ${attr}\n}\n`);
  return { value: prop(one(p, 'probe.x'), 'v')!, p };
}

describe('azurermShape.workloadIdentities', () => {
  it('recognises any resource with an identity block, by type', () => {
    const p = lowerMain(`
resource "azurerm_user_assigned_identity" "u" {
  name = "u"
}
resource "azurerm_linux_web_app" "sys" {
  identity {
    type = "SystemAssigned"
  }
}
resource "azurerm_container_app" "user" {
  identity {
    type         = "UserAssigned"
    identity_ids = [azurerm_user_assigned_identity.u.id]
  }
}
resource "azurerm_windows_virtual_machine" "both" {
  identity {
    type         = "SystemAssigned, UserAssigned"
    identity_ids = [azurerm_user_assigned_identity.u.id, "/subscriptions/s/resourceGroups/r/providers/Microsoft.ManagedIdentity/userAssignedIdentities/x"]
  }
}
resource "azurerm_storage_account" "none" {
  name = "x"
}
resource "azurerm_search_service" "off" {
  identity {
    type = "None"
  }
}
`);
    expect(azurermShape.workloadIdentities(one(p, 'azurerm_linux_web_app.sys'))).toEqual({ systemAssigned: true, userAssigned: [], platformManaged: false });
    const user = azurermShape.workloadIdentities(one(p, 'azurerm_container_app.user'))!;
    expect(user.systemAssigned).toBe(false);
    expect(user.userAssigned.map(js)).toEqual(['ref:azurerm_user_assigned_identity.u:id']);
    const both = azurermShape.workloadIdentities(one(p, 'azurerm_windows_virtual_machine.both'))!;
    expect(both.systemAssigned).toBe(true);
    expect(both.userAssigned).toHaveLength(2);
    expect(azurermShape.workloadIdentities(one(p, 'azurerm_storage_account.none'))).toBeUndefined();
    expect(azurermShape.workloadIdentities(one(p, 'azurerm_search_service.off'))).toBeUndefined();
    expect(azurermShape.workloadIdentities(one(p, 'azurerm_user_assigned_identity.u'))).toBeUndefined();
  });

  it('marks AKS identities as platform-managed and adds the kubelet identity', () => {
    const p = lowerMain(`
resource "azurerm_user_assigned_identity" "cp" {}
resource "azurerm_user_assigned_identity" "kubelet" {}
resource "azurerm_kubernetes_cluster" "aks" {
  identity {
    type         = "UserAssigned"
    identity_ids = [azurerm_user_assigned_identity.cp.id]
  }
  kubelet_identity {
    client_id                 = azurerm_user_assigned_identity.kubelet.client_id
    object_id                 = azurerm_user_assigned_identity.kubelet.principal_id
    user_assigned_identity_id = azurerm_user_assigned_identity.kubelet.id
  }
}
resource "azurerm_kubernetes_cluster" "sys" {
  identity {
    type = "SystemAssigned"
  }
}
`);
    const aks = azurermShape.workloadIdentities(one(p, 'azurerm_kubernetes_cluster.aks'))!;
    expect(aks.platformManaged).toBe(true);
    expect(aks.userAssigned.map(js)).toEqual(['ref:azurerm_user_assigned_identity.cp:id', 'ref:azurerm_user_assigned_identity.kubelet:id']);
    expect(azurermShape.workloadIdentities(one(p, 'azurerm_kubernetes_cluster.sys'))).toEqual({ systemAssigned: true, userAssigned: [], platformManaged: true });
  });

  it('reads azapi identity blocks and ARM-shaped body identities', () => {
    const p = lowerMain(`
resource "azapi_resource" "block" {
  type = "Microsoft.App/containerApps@2024-03-01"
  identity {
    type = "SystemAssigned"
  }
}
resource "azapi_resource" "body" {
  type = "Microsoft.Web/sites@2023-01-01"
  body = {
    identity = {
      type = "UserAssigned"
      userAssignedIdentities = {
        (azapi_resource.uami.id) = {}
      }
    }
  }
}
resource "azapi_resource" "uami" {
  type = "Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31"
}
`);
    expect(azurermShape.workloadIdentities(one(p, 'azapi_resource.block'))).toEqual({ systemAssigned: true, userAssigned: [], platformManaged: false });
    expect(azurermShape.workloadIdentities(one(p, 'azapi_resource.body'))!.userAssigned.map(js)).toEqual(['ref:azapi_resource.uami:id']);
    expect(azurermShape.isUserAssignedIdentity(one(p, 'azapi_resource.uami'))).toBe(true);
    expect(azurermShape.workloadIdentities(one(p, 'azapi_resource.uami'))).toBeUndefined();
  });
});

describe('azurermShape.isUserAssignedIdentity', () => {
  it('knows azurerm_user_assigned_identity, resource and data source', () => {
    const p = lowerMain('resource "azurerm_user_assigned_identity" "a" {}\ndata "azurerm_user_assigned_identity" "b" {\n  name = "b"\n}\nresource "azurerm_role_assignment" "c" {}\n');
    expect(azurermShape.isUserAssignedIdentity(one(p, 'azurerm_user_assigned_identity.a'))).toBe(true);
    expect(azurermShape.isUserAssignedIdentity(one(p, 'data.azurerm_user_assigned_identity.b'))).toBe(true);
    expect(one(p, 'data.azurerm_user_assigned_identity.b').existing).toBe(true);
    expect(azurermShape.isUserAssignedIdentity(one(p, 'azurerm_role_assignment.c'))).toBe(false);
  });
});

describe('azurermShape.grants', () => {
  it('reads azurerm_role_assignment', () => {
    const p = lowerMain(`
resource "azurerm_role_assignment" "r" {
  name                             = "fixed"
  scope                            = "/subscriptions/s"
  role_definition_name             = "Reader"
  principal_id                     = "p"
  principal_type                   = "ServicePrincipal"
  skip_service_principal_aad_check = true
  condition                        = "c"
  condition_version                = "2.0"
}
data "azurerm_role_definition" "owner" {
  name = "Owner"
}
resource "azurerm_role_assignment" "by_id" {
  scope              = "/subscriptions/s"
  role_definition_id = data.azurerm_role_definition.owner.id
  principal_id       = "p"
}
resource "azurerm_role_assignment" "literal_id" {
  role_definition_id = "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
  principal_id       = "p"
}
`);
    const r = one(p, 'azurerm_role_assignment.r');
    const [g] = azurermShape.grants(r);
    expect(g.kind).toBe('rbac');
    expect(g.at).toBe(r.decl);
    expect(js(g.principal)).toBe('p');
    expect(js(g.role)).toBe('Reader');
    expect(js(g.scope)).toBe('/subscriptions/s');
    expect(js(g.principalType)).toBe('ServicePrincipal');
    expect(js(g.skipPrincipalCheck)).toBe(true);
    expect(js(g.name)).toBe('fixed');
    expect(js(g.condition)).toBe('c');
    const [byId] = azurermShape.grants(one(p, 'azurerm_role_assignment.by_id'));
    expect(js(byId.role)).toBe('Owner');
    expect(byId.role?.at?.range.start.line).toBe(13);
    expect(byId.name).toBeUndefined();
    expect(byId.principalType).toBeUndefined();
    const [lit] = azurermShape.grants(one(p, 'azurerm_role_assignment.literal_id'));
    expect(lit.scope).toBeUndefined();
    expect(js(lit.role)).toMatch(/8e3af657/);
  });

  it('reads Key Vault access policies, standalone and inline', () => {
    const p = lowerMain(`
resource "azurerm_key_vault" "kv" {
  name = "app-kv"
  access_policy {
    object_id = "a"
  }
  access_policy {
    object_id = "b"
  }
}
resource "azurerm_key_vault_access_policy" "p" {
  key_vault_id = azurerm_key_vault.kv.id
  object_id    = "c"
}
`);
    const kv = one(p, 'azurerm_key_vault.kv');
    const inline = azurermShape.grants(kv);
    expect(inline.map((g) => [g.kind, js(g.principal), g.impliedScope?.kind, g.impliedScope?.resourceType, g.impliedScope?.label])).toEqual([
      ['accessPolicy', 'a', 'resource', 'Microsoft.KeyVault/vaults', 'app-kv'],
      ['accessPolicy', 'b', 'resource', 'Microsoft.KeyVault/vaults', 'app-kv'],
    ]);
    expect(inline[0].impliedScope?.resource).toBe(kv);
    expect(inline[1].at.range.start.line).toBe(7);
    const [standalone] = azurermShape.grants(one(p, 'azurerm_key_vault_access_policy.p'));
    expect(standalone.kind).toBe('accessPolicy');
    expect(js(standalone.principal)).toBe('c');
    expect(standalone.impliedScope).toMatchObject({ kind: 'resource', resourceType: 'Microsoft.KeyVault/vaults', resource: kv, label: 'app-kv' });
  });

  it('reads azapi role assignments and Cosmos DB SQL role assignments', () => {
    const p = lowerMain(`
resource "azapi_resource" "ra" {
  type      = "Microsoft.Authorization/roleAssignments@2022-04-01"
  name      = "n"
  parent_id = "/subscriptions/s/resourceGroups/rg"
  body = {
    properties = {
      principalId      = "p"
      roleDefinitionId = "/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7"
      principalType    = "ServicePrincipal"
    }
  }
}
resource "azurerm_cosmosdb_sql_role_assignment" "c" {
  role_definition_id = "/x/sqlRoleDefinitions/00000000-0000-0000-0000-000000000002"
  principal_id       = "p"
  scope              = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.DocumentDB/databaseAccounts/acc"
}
`);
    const [ra] = azurermShape.grants(one(p, 'azapi_resource.ra'));
    expect([ra.kind, js(ra.principal), js(ra.scope), js(ra.principalType), js(ra.name)]).toEqual(['rbac', 'p', '/subscriptions/s/resourceGroups/rg', 'ServicePrincipal', 'n']);
    expect(js(ra.role)).toMatch(/acdd72a7/);
    const [c] = azurermShape.grants(one(p, 'azurerm_cosmosdb_sql_role_assignment.c'));
    expect(c.kind).toBe('dataPlane');
  });

  it('gives nothing for other resources', () => {
    const p = lowerMain('resource "azurerm_storage_account" "s" {}\nresource "azapi_resource" "x" {\n  type = "Microsoft.Web/sites@2023-01-01"\n}\n');
    expect(p.resources.flatMap((r) => azurermShape.grants(r))).toEqual([]);
  });
});

describe('azurermShape.resolvePrincipal', () => {
  const prelude = `
resource "azurerm_user_assigned_identity" "u" {}
data "azurerm_user_assigned_identity" "d" {}
resource "azurerm_linux_web_app" "app" {
  identity {
    type = "SystemAssigned"
  }
}
resource "azurerm_kubernetes_cluster" "aks" {
  identity {
    type = "SystemAssigned"
  }
}
resource "azurerm_databricks_workspace" "dbw" {}
resource "azuread_user" "alice" {}
data "azuread_group" "ops" {}
resource "azuread_service_principal" "sp" {}
data "azurerm_client_config" "current" {}
`;
  const cases: [string, unknown][] = [
    ['azurerm_user_assigned_identity.u.principal_id', { kind: 'managedIdentity', system: false, resource: 'azurerm_user_assigned_identity.u' }],
    ['data.azurerm_user_assigned_identity.d.principal_id', { kind: 'managedIdentity', system: false, resource: 'data.azurerm_user_assigned_identity.d' }],
    ['azurerm_user_assigned_identity.u.client_id', { kind: 'unknown' }],
    ['azurerm_linux_web_app.app.identity[0].principal_id', { kind: 'managedIdentity', system: true, resource: 'azurerm_linux_web_app.app' }],
    ['azurerm_linux_web_app.app.identity.0.principal_id', { kind: 'managedIdentity', system: true, resource: 'azurerm_linux_web_app.app' }],
    ['azurerm_linux_web_app.app.identity[*].principal_id', { kind: 'managedIdentity', system: true, resource: 'azurerm_linux_web_app.app' }],
    ['one(azurerm_linux_web_app.app.identity).principal_id', { kind: 'managedIdentity', system: true, resource: 'azurerm_linux_web_app.app' }],
    ['azurerm_kubernetes_cluster.aks.kubelet_identity[0].object_id', { kind: 'managedIdentity' }],
    ['azurerm_kubernetes_cluster.aks.key_vault_secrets_provider[0].secret_identity[0].object_id', { kind: 'managedIdentity' }],
    ['azurerm_kubernetes_cluster.aks.aci_connector_linux[0].connector_identity[0].object_id', { kind: 'managedIdentity' }],
    ['azurerm_databricks_workspace.dbw.storage_account_identity[0].principal_id', { kind: 'managedIdentity' }],
    ['azurerm_kubernetes_cluster.aks.identity[0].principal_id', { kind: 'managedIdentity', system: true, resource: 'azurerm_kubernetes_cluster.aks' }],
    ['azuread_user.alice.object_id', { kind: 'user' }],
    ['data.azuread_group.ops.object_id', { kind: 'group' }],
    ['azuread_service_principal.sp.object_id', { kind: 'servicePrincipal' }],
    ['data.azurerm_client_config.current.object_id', { kind: 'unknown' }],
  ];
  for (const [expr, expected] of cases) {
    it(expr, () => {
      const { value } = probe(prelude, expr);
      const facts = azurermShape.resolvePrincipal(value);
      expect(facts ? { ...facts, ...(facts.resource ? { resource: facts.resource.symbol } : {}) } : facts).toEqual(expected);
    });
  }

  it('leaves values it does not know to others', () => {
    expect(azurermShape.resolvePrincipal({ kind: 'string', value: 'x' })).toBeUndefined();
    expect(azurermShape.resolvePrincipal({ kind: 'unknown', symbol: 'param:x#p' })).toBeUndefined();
  });
});

describe('azurermShape.resolveScope', () => {
  const prelude = `
resource "azurerm_resource_group" "rg" {
  name = "app-rg"
}
data "azurerm_resource_group" "shared" {
  name = "shared-rg"
}
data "azurerm_subscription" "current" {}
data "azurerm_management_group" "corp" {
  name = "corp"
}
resource "azurerm_key_vault" "kv" {
  name = "app-kv"
}
data "azurerm_key_vault" "shared" {
  name = "shared-kv"
}
resource "azurerm_storage_account" "sa" {}
resource "azurerm_container_registry" "acr" {}
resource "azurerm_storage_container" "c" {}
resource "azurerm_something_new" "x" {}
resource "azapi_resource" "vault" {
  type = "Microsoft.KeyVault/vaults@2023-07-01"
  name = "azapi-kv"
}
variable "sub" {}
`;
  const cases: [string, unknown][] = [
    ['azurerm_resource_group.rg.id', { kind: 'resourceGroup', label: 'app-rg', resource: 'azurerm_resource_group.rg' }],
    ['data.azurerm_resource_group.shared.id', { kind: 'resourceGroup', label: 'shared-rg', resource: 'data.azurerm_resource_group.shared' }],
    ['data.azurerm_subscription.current.id', { kind: 'subscription', resource: 'data.azurerm_subscription.current' }],
    ['data.azurerm_management_group.corp.id', { kind: 'managementGroup', label: 'corp', resource: 'data.azurerm_management_group.corp' }],
    ['azurerm_key_vault.kv.id', { kind: 'resource', resourceType: 'Microsoft.KeyVault/vaults', label: 'app-kv', resource: 'azurerm_key_vault.kv' }],
    ['data.azurerm_key_vault.shared.id', { kind: 'resource', resourceType: 'Microsoft.KeyVault/vaults', label: 'shared-kv', resource: 'data.azurerm_key_vault.shared' }],
    ['azurerm_storage_account.sa.id', { kind: 'resource', resourceType: 'Microsoft.Storage/storageAccounts', resource: 'azurerm_storage_account.sa' }],
    ['azurerm_container_registry.acr.id', { kind: 'resource', resourceType: 'Microsoft.ContainerRegistry/registries', resource: 'azurerm_container_registry.acr' }],
    ['azurerm_storage_container.c.id', { kind: 'resource', resourceType: 'Microsoft.Storage/storageAccounts/blobServices/containers', resource: 'azurerm_storage_container.c' }],
    ['azurerm_something_new.x.id', { kind: 'resource', resource: 'azurerm_something_new.x' }],
    ['azapi_resource.vault.id', { kind: 'resource', resourceType: 'Microsoft.KeyVault/vaults', label: 'azapi-kv', resource: 'azapi_resource.vault' }],
    ['azurerm_key_vault.kv.vault_uri', { kind: 'unknown' }],
    ['"/subscriptions/${var.sub}"', { kind: 'subscription', label: '${sub}' }],
    ['"/subscriptions/${var.sub}/resourceGroups/${azurerm_resource_group.rg.name}"', { kind: 'resourceGroup', label: 'app-rg' }],
    ['"/providers/Microsoft.Management/managementGroups/corp"', { kind: 'managementGroup', label: 'corp' }],
  ];
  for (const [expr, expected] of cases) {
    it(expr, () => {
      const { value } = probe(prelude, expr);
      const facts = azurermShape.resolveScope(value);
      expect(facts ? { ...facts, ...(facts.resource ? { resource: facts.resource.symbol } : {}) } : facts).toEqual(expected);
    });
  }
});

describe('the graph built with the azurerm adapter', () => {
  it('connects workloads, identities, grants and scopes', () => {
    const p = lowerMain(`
resource "azurerm_resource_group" "rg" {
  name = "rg"
}
resource "azurerm_user_assigned_identity" "u" {
  name = "u"
}
data "azurerm_user_assigned_identity" "shared" {
  name = "shared"
}
resource "azurerm_linux_web_app" "app" {
  identity {
    type         = "SystemAssigned, UserAssigned"
    identity_ids = [azurerm_user_assigned_identity.u.id, data.azurerm_user_assigned_identity.shared.id]
  }
}
resource "azurerm_role_assignment" "sys" {
  scope                = azurerm_resource_group.rg.id
  role_definition_name = "Reader"
  principal_id         = azurerm_linux_web_app.app.identity[0].principal_id
}
resource "azurerm_role_assignment" "user" {
  scope                = azurerm_resource_group.rg.id
  role_definition_name = "Reader"
  principal_id         = azurerm_user_assigned_identity.u.principal_id
}
`);
    const g = buildGraph(p.resources, roleCatalog());
    expect(g.workloads).toHaveLength(1);
    expect(g.workloads[0].identities.map((i) => [i.kind, i.label, i.createdHere])).toEqual([
      ['system', 'azurerm_linux_web_app.app', true],
      ['user', 'azurerm_user_assigned_identity.u', true],
      ['user', 'data.azurerm_user_assigned_identity.shared', false],
    ]);
    expect(g.grants.map((gr) => [gr.principal.identity?.kind, gr.role?.roleName, gr.scope.kind, gr.scope.label])).toEqual([
      ['system', 'Reader', 'resourceGroup', 'rg'],
      ['user', 'Reader', 'resourceGroup', 'rg'],
    ]);
  });
});
