/** Small building blocks for the shape tests: a template or configuration around the part under test. */

export const OWNER = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';
export const CONTRIBUTOR = 'b24988ac-6180-42a0-ab88-20f7382dd24c';
export const READER = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';
export const BLOB_READER = '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1';

const RG_SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';

/** An ARM template (resource group scope) with these parameters, variables and resources. */
export function armTemplate(resources: unknown[], rest: { parameters?: unknown; variables?: unknown } = {}): string {
  return JSON.stringify({ $schema: RG_SCHEMA, contentVersion: '1.0.0.0', ...rest, resources }, null, 2);
}

/** A web app with a system-assigned identity (ARM). */
export function armSite(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'Microsoft.Web/sites', apiVersion: '2023-12-01', name, location: 'westeurope', identity: { type: 'SystemAssigned' }, properties: {}, ...extra };
}

/** A role assignment on a storage account declared elsewhere (ARM), to `principal`. */
export function armGrant(principal: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'Microsoft.Authorization/roleAssignments',
    apiVersion: '2022-04-01',
    scope: "[resourceId('Microsoft.Storage/storageAccounts', 'images')]",
    name: `[guid(resourceId('Microsoft.Storage/storageAccounts', 'images'), '${principal.replace(/'/g, "''")}', '${BLOB_READER}')]`,
    properties: {
      roleDefinitionId: `[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${BLOB_READER}')]`,
      principalId: principal,
      principalType: 'ServicePrincipal',
    },
    ...extra,
  };
}

/** A Bicep web app with a system-assigned identity. */
export function bicepSite(symbol: string, condition = ''): string {
  return `resource ${symbol} 'Microsoft.Web/sites@2023-12-01' = ${condition}{
  name: '${symbol}-app'
  location: 'westeurope'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {}
}
`;
}

export const bicepImages = `resource images 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: 'images'
}
`;

/** A Bicep role assignment of Storage Blob Data Reader on `images` to `principal`. */
export function bicepGrant(symbol: string, principal: string, o: { name?: string; condition?: string } = {}): string {
  return `resource ${symbol} 'Microsoft.Authorization/roleAssignments@2022-04-01' = ${o.condition ?? ''}{
  name: ${o.name ?? `guid(images.id, '${symbol}', '${BLOB_READER}')`}
  scope: images
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${BLOB_READER}')
    principalId: ${principal}
    principalType: 'ServicePrincipal'
  }
}
`;
}

/** A Terraform user-assigned identity attached to a container app job (a workload). */
export function tfIdentityOnJob(name = 'app'): string {
  return `resource "azurerm_user_assigned_identity" "${name}" {
  name                = "${name}-id"
  resource_group_name = "rg"
  location            = "westeurope"
}

resource "azurerm_container_app_job" "${name}" {
  name                         = "${name}"
  location                     = "westeurope"
  resource_group_name          = "rg"
  container_app_environment_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.App/managedEnvironments/env"
  replica_timeout_in_seconds   = 300
  manual_trigger_config {
    parallelism = 1
  }
  identity {
    type         = "UserAssigned"
    identity_ids = [azurerm_user_assigned_identity.${name}.id]
  }
  template {
    container {
      name   = "job"
      image  = "mcr.microsoft.com/k8se/quickstart-jobs:latest"
      cpu    = 0.5
      memory = "1Gi"
    }
  }
}
`;
}

/** A Terraform Storage Blob Data Reader grant on a storage account, to `principal`. */
export function tfGrant(name: string, principal: string, extra = ''): string {
  return `resource "azurerm_role_assignment" "${name}" {
  scope                = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/images"
  role_definition_name = "Storage Blob Data Reader"
  principal_id         = ${principal}
  principal_type       = "ServicePrincipal"
${extra}}
`;
}
