/**
 * Synthetic repositories for the benchmark, at the scale of a landing-zone monorepo:
 *
 * - `bicep-layers`: 2,000 Bicep files in 4 layers of 500; each root calls one module of the next
 *   layer, which calls one of the next (so 500 closures of 4 files). Every file declares a
 *   user-assigned identity, a web app using it and 10 role assignments (20,000 grants in all),
 *   half of them to the app's system identity, names from guid() over scope, principal and role.
 * - `bicep-chains`: 2,000 Bicep files in 100 chains of 20 modules (deep module nesting).
 * - `terraform-modules`: 2,000 Terraform module folders, 200 roots each calling a chain of 9 local
 *   modules; each declares an identity, a web app and 3 role assignments.
 *
 * Written once into a folder (by default under the OS temporary folder), reused while the generator
 * version is the same.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const VERSION = '1';
const ROLES = [
  '4633458b-17de-408a-b874-0445c86b69e6', // Key Vault Secrets User
  '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1', // Storage Blob Data Reader
  '7f951dda-4ed3-4680-a7ca-43fe172d538d', // AcrPull
  'b24988ac-6180-42a0-ab88-20f7382dd24c', // Contributor
  'ba92f5b4-2d11-453d-a403-e96b0029c9fe', // Storage Blob Data Contributor
];

export type SyntheticKind = 'bicep-layers' | 'bicep-chains' | 'terraform-modules';
export const SYNTHETIC_KINDS: SyntheticKind[] = ['bicep-layers', 'bicep-chains', 'terraform-modules'];

/** The folder of a synthetic repository, generated if needed. */
export function syntheticRepo(kind: SyntheticKind, base = join(tmpdir(), 'grantlint-bench')): string {
  const dir = join(base, kind);
  const stamp = join(dir, '.generated');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === VERSION) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  if (kind === 'bicep-layers') bicepModules(dir, 500, 4);
  else if (kind === 'bicep-chains') bicepModules(dir, 100, 20);
  else terraformModules(dir, 200, 10);
  writeFileSync(stamp, VERSION);
  return dir;
}

/** `roots` closures of `depth` files: `l0/m<i>.bicep` calls `l1/m<i>.bicep`, and so on. */
function bicepModules(dir: string, roots: number, depth: number): void {
  for (let layer = 0; layer < depth; layer++) {
    const folder = join(dir, `l${layer}`);
    mkdirSync(folder, { recursive: true });
    for (let i = 0; i < roots; i++) writeFileSync(join(folder, `m${i}.bicep`), bicepFile(i, layer, layer + 1 < depth));
  }
}

function bicepFile(i: number, layer: number, callsNext: boolean): string {
  const lines = [
    `param prefix string = 'app${i}l${layer}'`,
    `param location string = resourceGroup().location`,
    '',
    `resource uami 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {`,
    `  name: '\${prefix}-id'`,
    `  location: location`,
    `}`,
    '',
    `resource site 'Microsoft.Web/sites@2023-01-01' = {`,
    `  name: '\${prefix}-site'`,
    `  location: location`,
    `  identity: {`,
    `    type: 'SystemAssigned, UserAssigned'`,
    `    userAssignedIdentities: { '\${uami.id}': {} }`,
    `  }`,
    `  properties: { siteConfig: { appSettings: [ { name: 'AZURE_CLIENT_ID', value: uami.properties.clientId } ] } }`,
    `}`,
    '',
    `resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {`,
    `  name: '\${prefix}-kv'`,
    `  location: location`,
    `  properties: { tenantId: tenant().tenantId, sku: { family: 'A', name: 'standard' }, enableRbacAuthorization: true }`,
    `}`,
    '',
  ];
  for (let k = 0; k < 10; k++) {
    const role = ROLES[k % ROLES.length];
    const principal = k % 2 === 0 ? 'uami.properties.principalId' : 'site.identity.principalId';
    // Every fourth assignment lands on the resource group: broad-scope and privileged findings.
    const onVault = k % 4 !== 3;
    lines.push(
      `resource ra${k} 'Microsoft.Authorization/roleAssignments@2022-04-01' = {`,
      `  name: guid(${onVault ? 'vault.id' : 'resourceGroup().id'}, ${principal}, '${role}', '${k}')`,
      ...(onVault ? ['  scope: vault'] : []),
      `  properties: {`,
      `    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${role}')`,
      `    principalId: ${principal}`,
      `    principalType: 'ServicePrincipal'`,
      `  }`,
      `}`,
      '',
    );
  }
  if (callsNext) {
    lines.push(`module next '../l${layer + 1}/m${i}.bicep' = {`, `  name: 'next-${i}'`, `  params: { prefix: '\${prefix}n' }`, `}`, '');
  }
  return lines.join('\n');
}

/** `roots` root folders, each the head of a chain of `depth` module folders. */
function terraformModules(dir: string, roots: number, depth: number): void {
  for (let i = 0; i < roots; i++) {
    for (let d = 0; d < depth; d++) {
      const folder = join(dir, `stack${i}`, ...Array.from({ length: d }, (_, k) => `m${k}`));
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, 'main.tf'), terraformFile(i, d, d + 1 < depth));
    }
  }
}

function terraformFile(i: number, depth: number, callsNext: boolean): string {
  const lines = [
    `variable "prefix" {`,
    `  type    = string`,
    `  default = "app${i}d${depth}"`,
    `}`,
    '',
    `variable "resource_group_name" {`,
    `  type    = string`,
    `  default = "rg-app${i}"`,
    `}`,
    '',
    `resource "azurerm_user_assigned_identity" "app" {`,
    `  name                = "\${var.prefix}-id"`,
    `  location            = "westeurope"`,
    `  resource_group_name = var.resource_group_name`,
    `}`,
    '',
    `resource "azurerm_key_vault" "kv" {`,
    `  name                      = "\${var.prefix}-kv"`,
    `  location                  = "westeurope"`,
    `  resource_group_name       = var.resource_group_name`,
    `  tenant_id                 = "00000000-0000-0000-0000-000000000000"`,
    `  sku_name                  = "standard"`,
    `  enable_rbac_authorization = true`,
    `}`,
    '',
    `resource "azurerm_linux_web_app" "site" {`,
    `  name                = "\${var.prefix}-site"`,
    `  location            = "westeurope"`,
    `  resource_group_name = var.resource_group_name`,
    `  service_plan_id     = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Web/serverFarms/plan"`,
    `  site_config {}`,
    `  identity {`,
    `    type         = "SystemAssigned, UserAssigned"`,
    `    identity_ids = [azurerm_user_assigned_identity.app.id]`,
    `  }`,
    `}`,
    '',
  ];
  const roleNames = ['Key Vault Secrets User', 'Storage Blob Data Reader', 'Contributor'];
  for (let k = 0; k < 3; k++) {
    const principal = k === 1 ? 'azurerm_linux_web_app.site.identity[0].principal_id' : 'azurerm_user_assigned_identity.app.principal_id';
    lines.push(
      `resource "azurerm_role_assignment" "ra${k}" {`,
      `  scope                = ${k === 2 ? `"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/\${var.resource_group_name}"` : 'azurerm_key_vault.kv.id'}`,
      `  role_definition_name = "${roleNames[k]}"`,
      `  principal_id         = ${principal}`,
      ...(k === 1 ? [] : ['  principal_type       = "ServicePrincipal"']),
      `}`,
      '',
    );
  }
  if (callsNext) {
    lines.push(`module "next" {`, `  source              = "./m${depth}"`, `  prefix              = "\${var.prefix}n"`, `  resource_group_name = var.resource_group_name`, `}`, '');
  }
  return lines.join('\n');
}
