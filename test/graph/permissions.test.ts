import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/engine/lint.js';
import { action, allows, allowsAll, dataAction, hasDataActions, matchesPermission, permissionModel, suggestedRole } from '../../src/graph/permissions.js';
import { roleCatalog, type RoleDefinition } from '../../src/graph/roles.js';
import { repoRoot, sharedRoot } from '../helpers/paths.js';
import { treeMaker } from '../helpers/tree.js';

const roles = roleCatalog();
const named = (n: string): RoleDefinition => roles.named(n);
const GET_SECRET = dataAction('Microsoft.KeyVault/vaults/secrets/getSecret/action');
const PULL = action('Microsoft.ContainerRegistry/registries/pull/read');
const BLOB_READ = dataAction('Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read');
const BLOB_WRITE = dataAction('Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write');

describe('permission patterns', () => {
  it('match as Azure matches: * spans slashes, case-insensitively', () => {
    expect(matchesPermission('*', 'Microsoft.Web/sites/read')).toBe(true);
    expect(matchesPermission('*/read', 'Microsoft.ContainerRegistry/registries/pull/read')).toBe(true);
    expect(matchesPermission('*/read', 'Microsoft.Web/sites/write')).toBe(false);
    expect(matchesPermission('Microsoft.Authorization/*/Write', 'microsoft.authorization/roleAssignments/write')).toBe(true);
    expect(matchesPermission('Microsoft.Storage/*', 'Microsoft.StorageSync/x/read')).toBe(false);
    expect(matchesPermission('Microsoft.KeyVault/vaults/secrets/getSecret/action', 'Microsoft.KeyVault/vaults/secrets/getSecret/action/x')).toBe(false);
    expect(matchesPermission('a*b*c', 'aXbYc')).toBe(true);
    expect(matchesPermission('a*b*c', 'aXbY')).toBe(false);
  });

  it('stay fast on a pattern written to make a backtracking matcher blow up', () => {
    const pattern = `${'*a'.repeat(40)}b`;
    const text = 'a'.repeat(5000);
    // Counted, not timed: the greedy matcher backtracks only to the last star.
    expect(matchesPermission(pattern, text)).toBe(false);
  });
});

describe('allows', () => {
  it('keeps actions and data actions apart: Owner and Contributor carry no data actions', () => {
    for (const name of ['Owner', 'Contributor']) {
      expect(allows(named(name), PULL)).toBe(true);
      expect(allows(named(name), GET_SECRET)).toBe(false);
      expect(hasDataActions(named(name))).toBe(false);
    }
    expect(allows(named('Reader'), PULL)).toBe(true);
    expect(allows(named('Key Vault Secrets User'), GET_SECRET)).toBe(true);
    expect(allows(named('Key Vault Secrets User'), PULL)).toBe(false);
  });

  it('subtracts notActions: Contributor cannot write role assignments', () => {
    expect(allows(named('Contributor'), action('Microsoft.Authorization/roleAssignments/write'))).toBe(false);
    expect(allows(named('Owner'), action('Microsoft.Authorization/roleAssignments/write'))).toBe(true);
  });

  it('evaluates permission blocks separately where the catalog keeps them', () => {
    const role: RoleDefinition = {
      id: 'x',
      roleName: 'two blocks',
      category: null,
      actions: ['Microsoft.Web/*'],
      notActions: ['Microsoft.Web/sites/delete'],
      dataActions: [],
      notDataActions: [],
      permissionBlocks: [
        { actions: ['Microsoft.Web/*'], notActions: [], dataActions: [], notDataActions: [] },
        { actions: ['Microsoft.Sql/*'], notActions: ['Microsoft.Web/sites/delete'], dataActions: [], notDataActions: [] },
      ],
    };
    // The flat lists would subtract the delete; the first block alone allows it.
    expect(allows(role, action('Microsoft.Web/sites/delete'))).toBe(true);
    expect(roles.all().filter((r) => r.permissionBlocks).length).toBe(30);
  });

  it('cannot tell for a custom role whose permissions are not known', () => {
    const role: RoleDefinition = { id: 'y', roleName: 'y', category: null, actions: [], notActions: [], dataActions: [], notDataActions: [], custom: true, permissionsKnown: false };
    expect(allows(role, PULL)).toBeUndefined();
    expect(allowsAll(role, [PULL])).toBeUndefined();
  });
});

describe('least privilege', () => {
  const model = permissionModel();
  it.each([
    [[GET_SECRET], 'Key Vault Secrets User'],
    [[PULL], 'AcrPull'],
    [[BLOB_READ], 'Storage Blob Data Reader'],
    [[BLOB_READ, BLOB_WRITE], 'Storage Blob Data Contributor'],
    [[dataAction('Microsoft.KeyVault/vaults/keys/wrap/action'), dataAction('Microsoft.KeyVault/vaults/keys/unwrap/action')], 'Key Vault Crypto Service Encryption User'],
    [[dataAction('Microsoft.ServiceBus/namespaces/messages/send/action')], 'Azure Service Bus Data Sender'],
  ])('%j is best met by %s', (ops, expected) => {
    expect(model.narrowest(ops)?.roleName).toBe(expected);
    for (const r of model.leastPrivileged(ops)) expect(allowsAll(r, ops)).toBe(true);
  });

  it('suggests a role for a target type from what workloads typically need there', () => {
    expect(suggestedRole(model, 'Microsoft.KeyVault/vaults')?.roleName).toBe('Key Vault Secrets User');
    expect(suggestedRole(model, 'microsoft.containerregistry/registries')?.roleName).toBe('AcrPull');
    expect(suggestedRole(model, 'Microsoft.Web/sites')).toBeUndefined();
    expect(suggestedRole(model, undefined)).toBeUndefined();
  });
});

describe('custom roles declared here', () => {
  const { tree } = treeMaker('grantlint-permissions-');

  it('are read from Bicep and Terraform and resolved as the grants role', async () => {
    const dir = tree({
      'main.bicep': `
resource restarter 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid(subscription().id, 'restarter')
  properties: {
    roleName: 'App Restarter'
    permissions: [ { actions: [ 'Microsoft.Web/sites/read', 'Microsoft.Web/sites/restart/action' ] } ]
    assignableScopes: [ subscription().id ]
  }
}
resource site 'Microsoft.Web/sites@2023-01-01' = { name: 'web', location: 'westeurope', identity: { type: 'SystemAssigned' } }
resource ra 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(site.id, restarter.id)
  properties: { roleDefinitionId: restarter.id, principalId: site.identity.principalId, principalType: 'ServicePrincipal' }
}
`,
      'tf/main.tf': `
resource "azurerm_role_definition" "reader" {
  name  = "Blob Peeker"
  scope = "/subscriptions/x"
  permissions {
    data_actions = ["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read"]
  }
}
resource "azurerm_role_definition" "vague" {
  name  = "Vague"
  scope = "/subscriptions/x"
  permissions {
    actions = var.actions
  }
}
variable "actions" { type = list(string) }
resource "azurerm_role_assignment" "a" {
  scope              = "/subscriptions/x"
  role_definition_id = azurerm_role_definition.reader.role_definition_resource_id
  principal_id       = "00000000-0000-0000-0000-000000000001"
}
resource "azurerm_role_assignment" "b" {
  scope                = "/subscriptions/x"
  role_definition_name = azurerm_role_definition.vague.name
  principal_id         = "00000000-0000-0000-0000-000000000001"
}
`,
    });
    const { graph } = await analyze([dir], { cwd: dir });
    expect(graph.roleDefinitions.map((r) => r.roleName).sort()).toEqual(['App Restarter', 'Blob Peeker', 'Vague']);
    const byRole = new Map(graph.grants.map((g) => [g.role?.roleName, g.role]));
    expect(allows(byRole.get('App Restarter')!, action('Microsoft.Web/sites/restart/action'))).toBe(true);
    expect(allows(byRole.get('App Restarter')!, PULL)).toBe(false);
    expect(allows(byRole.get('Blob Peeker')!, BLOB_READ)).toBe(true);
    expect(allows(byRole.get('Vague')!, PULL)).toBeUndefined();
  });
});

describe('the shipped catalog', () => {
  it('is what scripts/build-roles.mjs generates from the shared catalog', () => {
    const source = join(sharedRoot, 'data', 'azure-builtin-roles.json');
    expect(existsSync(source), `the shared role catalog is missing: ${source}`).toBe(true);
    const r = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'build-roles.mjs'), '--check', source], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
