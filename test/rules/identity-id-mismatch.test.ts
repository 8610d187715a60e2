import { describe } from 'vitest';
import { ruleCases } from '../helpers/rule-tester.js';

const uami = (name = 'worker') => `resource "azurerm_user_assigned_identity" "${name}" {
  name                = "${name}"
  resource_group_name = "work-rg"
  location            = "westeurope"
}
`;
const STORAGE = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/work-rg/providers/Microsoft.Storage/storageAccounts/workdata';
const tfGrant = (principal: string) => `resource "azurerm_role_assignment" "blobs" {
  scope                = "${STORAGE}"
  role_definition_name = "Storage Blob Data Reader"
  principal_id         = ${principal}
  principal_type       = "ServicePrincipal"
}
`;
const PLAN = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/work-rg/providers/Microsoft.Web/serverFarms/plan';
const tfApp = (body: string, identity = 'type = "UserAssigned"\n    identity_ids = [azurerm_user_assigned_identity.worker.id]') => `resource "azurerm_linux_web_app" "web" {
  name                = "web"
  resource_group_name = "work-rg"
  location            = "westeurope"
  service_plan_id     = "${PLAN}"
  identity {
    ${identity}
  }
${body}  site_config {}
}
`;
const bicepUami = `resource shared 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'shared'
  location: 'westeurope'
}
`;
const bicepSite = (props: string) => `resource web 'Microsoft.Web/sites@2023-12-01' = {
  name: 'web'
  location: 'westeurope'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '\${shared.id}': {}
    }
  }
  properties: {
${props}  }
}
`;
const appSetting = (value: string) => `    siteConfig: {
      appSettings: [
        {
          name: 'AZURE_CLIENT_ID'
          value: ${value}
        }
      ]
    }
`;

describe('identity-id-mismatch', () => {
  ruleCases('identity-id-mismatch', [
    {
      name: 'Terraform: a role granted to the client ID',
      files: { 'main.tf': uami() + tfGrant('azurerm_user_assigned_identity.worker.client_id') },
      findings: [{ file: 'main.tf', line: 6, message: 'principal_id takes the principal (object) ID of an identity, but azurerm_user_assigned_identity.worker.client_id is the client ID of user-assigned identity \'azurerm_user_assigned_identity.worker\'; write azurerm_user_assigned_identity.worker.principal_id.' }],
    },
    {
      name: 'Terraform: the principal ID where it belongs',
      files: { 'main.tf': uami() + tfGrant('azurerm_user_assigned_identity.worker.principal_id') },
      findings: [],
    },
    {
      name: 'Terraform: a value passed in is not judged',
      files: { 'main.tf': 'variable "principal" { type = string }\n' + tfGrant('var.principal') },
      findings: [],
    },
    {
      name: 'Terraform: identity_ids given a principal ID',
      files: { 'main.tf': uami() + tfApp('', 'type = "UserAssigned"\n    identity_ids = [azurerm_user_assigned_identity.worker.principal_id]') },
      findings: [{ file: 'main.tf', line: 13, message: 'identity_ids takes the resource ID' }],
    },
    {
      name: 'Terraform: AZURE_CLIENT_ID set to the principal ID',
      files: { 'main.tf': uami() + tfApp('  app_settings = {\n    AZURE_CLIENT_ID = azurerm_user_assigned_identity.worker.principal_id\n  }\n') },
      findings: [{ file: 'main.tf', line: 16, message: 'write azurerm_user_assigned_identity.worker.client_id' }],
    },
    {
      name: 'Terraform: a connection setting __clientId set to the resource ID',
      files: { 'main.tf': uami() + tfApp('  app_settings = {\n    AzureWebJobsStorage__clientId = azurerm_user_assigned_identity.worker.id\n  }\n') },
      findings: [{ file: 'main.tf', line: 16, message: 'AzureWebJobsStorage__clientId takes the client ID' }],
    },
    {
      name: 'Terraform: key_vault_reference_identity_id given the client ID',
      files: { 'main.tf': uami() + tfApp('  key_vault_reference_identity_id = azurerm_user_assigned_identity.worker.client_id\n') },
      findings: [{ file: 'main.tf', line: 15, message: 'key_vault_reference_identity_id takes the resource ID' }],
    },
    {
      name: 'Terraform: the registry pull client ID given the resource ID',
      files: {
        'main.tf': uami() + `resource "azurerm_linux_web_app" "web" {
  name                = "web"
  resource_group_name = "work-rg"
  location            = "westeurope"
  service_plan_id     = "${PLAN}"
  identity {
    type         = "UserAssigned"
    identity_ids = [azurerm_user_assigned_identity.worker.id]
  }
  site_config {
    container_registry_use_managed_identity       = true
    container_registry_managed_identity_client_id = azurerm_user_assigned_identity.worker.id
  }
}
`,
      },
      findings: [{ file: 'main.tf', line: 17, message: 'container_registry_managed_identity_client_id takes the client ID' }],
    },
    {
      name: 'Terraform: a Container Apps environment variable',
      files: {
        'main.tf': uami() + `resource "azurerm_container_app" "worker" {
  name                         = "worker"
  container_app_environment_id = "env"
  resource_group_name          = "work-rg"
  revision_mode                = "Single"
  identity {
    type         = "UserAssigned"
    identity_ids = [azurerm_user_assigned_identity.worker.id]
  }
  template {
    container {
      name   = "worker"
      image  = "mcr.microsoft.com/k8se/quickstart:latest"
      cpu    = 0.25
      memory = "0.5Gi"
      env {
        name  = "AZURE_CLIENT_ID"
        value = azurerm_user_assigned_identity.worker.principal_id
      }
    }
  }
}
`,
      },
      findings: [{ file: 'main.tf', line: 21, message: 'AZURE_CLIENT_ID takes the client ID' }],
    },
    {
      name: 'Terraform: an access policy object_id given the client ID',
      files: {
        'main.tf': uami() + `resource "azurerm_key_vault_access_policy" "worker" {
  key_vault_id       = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/work-rg/providers/Microsoft.KeyVault/vaults/kv"
  tenant_id          = azurerm_user_assigned_identity.worker.tenant_id
  object_id          = azurerm_user_assigned_identity.worker.client_id
  secret_permissions = ["Get"]
}
`,
      },
      findings: [{ file: 'main.tf', line: 6, message: 'object_id takes the principal (object) ID' }],
    },
    {
      name: 'Terraform: the client ID passed through a module into principal_id: reported at the call',
      files: {
        'main.tf': uami() + `module "grant" {
  source    = "./grant"
  principal = azurerm_user_assigned_identity.worker.client_id
}
`,
        'grant/main.tf': 'variable "principal" { type = string }\n' + tfGrant('var.principal'),
      },
      findings: [{ file: 'main.tf', line: 6 }],
    },
    {
      name: "Terraform: AZURE_CLIENT_ID set to a system-assigned identity's principal ID",
      files: { 'main.tf': tfApp('  app_settings = {\n    AZURE_CLIENT_ID = azurerm_linux_web_app.web.identity[0].principal_id\n  }\n', 'type = "SystemAssigned"') },
      findings: [{ file: 'main.tf', line: 10, message: 'which needs no selecting: remove AZURE_CLIENT_ID' }],
    },
    {
      name: 'Bicep: AZURE_CLIENT_ID set to the principal ID',
      files: { 'main.bicep': bicepUami + bicepSite(appSetting('shared.properties.principalId')) },
      findings: [{ file: 'main.bicep', line: 17, message: 'write shared.properties.clientId' }],
    },
    {
      name: 'Bicep: AZURE_CLIENT_ID set to the client ID',
      files: { 'main.bicep': bicepUami + bicepSite(appSetting('shared.properties.clientId')) },
      findings: [],
    },
    {
      name: 'Bicep: keyVaultReferenceIdentity given the client ID',
      files: { 'main.bicep': bicepUami + bicepSite('    keyVaultReferenceIdentity: shared.properties.clientId\n') },
      findings: [{ file: 'main.bicep', line: 15, message: 'keyVaultReferenceIdentity takes the resource ID of an identity, but shared.properties.clientId is the client ID' }],
    },
    {
      name: "Bicep: a module's output followed back to the identity",
      files: {
        'main.bicep': `module identity 'identity.bicep' = {
  name: 'identity'
}
resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: 'workdata'
}
resource blobs 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, 'blobs')
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1')
    principalId: identity.outputs.clientId
    principalType: 'ServicePrincipal'
  }
}
`,
        'identity.bicep': `resource shared 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'shared'
  location: 'westeurope'
}
output clientId string = shared.properties.clientId
`,
      },
      findings: [{ file: 'main.bicep', line: 7, message: 'write its principal (object) ID (shared.properties.principalId where the identity is declared)' }],
    },
    {
      name: "Terraform: a module's output followed back to the identity",
      files: {
        'main.tf': 'module "id" {\n  source = "./id"\n}\n' + tfGrant('module.id.client_id'),
        'id/main.tf': uami() + 'output "client_id" {\n  value = azurerm_user_assigned_identity.worker.client_id\n}\n',
      },
      findings: [{ file: 'main.tf', line: 4, message: 'azurerm_user_assigned_identity.worker.principal_id where the identity is declared' }],
    },
    {
      name: "ARM JSON: a nested deployment's output followed back to the identity",
      files: {
        'azuredeploy.json': JSON.stringify(
          {
            $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
            contentVersion: '1.0.0.0',
            resources: [
              {
                type: 'Microsoft.Resources/deployments',
                apiVersion: '2022-09-01',
                name: 'identity',
                properties: {
                  mode: 'Incremental',
                  expressionEvaluationOptions: { scope: 'inner' },
                  template: {
                    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
                    contentVersion: '1.0.0.0',
                    resources: [{ type: 'Microsoft.ManagedIdentity/userAssignedIdentities', apiVersion: '2023-01-31', name: 'w', location: 'westeurope' }],
                    outputs: { clientId: { type: 'string', value: "[reference(resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', 'w'), '2023-01-31').clientId]" } },
                  },
                },
              },
              {
                type: 'Microsoft.Authorization/roleAssignments',
                apiVersion: '2022-04-01',
                name: "[guid('x')]",
                properties: {
                  roleDefinitionId: "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'acdd72a7-3385-48ef-bd42-f606fba81ae7')]",
                  principalId: "[reference('identity').outputs.clientId.value]",
                  principalType: 'ServicePrincipal',
                },
              },
            ],
          },
          null,
          2,
        ),
      },
      findings: [{ file: 'azuredeploy.json', line: 34, message: "write [reference(resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', 'w'), '2023-01-31').principalId]" }],
    },
    {
      name: "Bicep: an AKS kubelet identity's objectId given the client ID",
      files: {
        'main.bicep': `resource kubelet 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'kubelet'
  location: 'westeurope'
}
resource aks 'Microsoft.ContainerService/managedClusters@2024-05-01' = {
  name: 'aks'
  location: 'westeurope'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    identityProfile: {
      kubeletidentity: {
        resourceId: kubelet.id
        clientId: kubelet.properties.clientId
        objectId: kubelet.properties.clientId
      }
    }
  }
}
`,
      },
      findings: [{ file: 'main.bicep', line: 16, message: 'objectId takes the principal (object) ID' }],
    },
    {
      name: 'ARM JSON: acrUserManagedIdentityID given the principal ID',
      files: {
        'azuredeploy.json': JSON.stringify(
          {
            $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
            contentVersion: '1.0.0.0',
            variables: { puller: "[resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', 'puller')]" },
            resources: [
              { type: 'Microsoft.ManagedIdentity/userAssignedIdentities', apiVersion: '2023-01-31', name: 'puller', location: 'westeurope' },
              {
                type: 'Microsoft.Web/sites',
                apiVersion: '2023-12-01',
                name: 'web',
                location: 'westeurope',
                identity: { type: 'UserAssigned', userAssignedIdentities: { "[variables('puller')]": {} } },
                properties: { siteConfig: { acrUseManagedIdentityCreds: true, acrUserManagedIdentityID: "[reference(variables('puller'), '2023-01-31').principalId]" } },
              },
            ],
          },
          null,
          2,
        ),
      },
      findings: [{ file: 'azuredeploy.json', line: 28, message: "write [reference(resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', 'puller'), '2023-01-31').clientId]" }],
    },
  ]);
});
