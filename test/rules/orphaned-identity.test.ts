import { describe } from 'vitest';
import { bicepGrantedIdentity } from '../helpers/identity-fixtures.js';
import { ruleCases } from '../helpers/rule-tester.js';

const STORAGE = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/data';
const tfIdentity = `resource "azurerm_user_assigned_identity" "sync" {
  name                = "sync"
  resource_group_name = "rg"
  location            = "westeurope"
}
resource "azurerm_role_assignment" "sync_blobs" {
  scope                = "${STORAGE}"
  role_definition_name = "Storage Blob Data Reader"
  principal_id         = azurerm_user_assigned_identity.sync.principal_id
  principal_type       = "ServicePrincipal"
}
`;
const bicepIdentity = bicepGrantedIdentity();

describe('orphaned-identity', () => {
  ruleCases('orphaned-identity', [
    {
      name: 'Terraform: granted, used by nothing',
      files: { 'main.tf': tfIdentity },
      findings: [{ file: 'main.tf', line: 1, message: "User-assigned identity 'azurerm_user_assigned_identity.sync' holds 'Storage Blob Data Reader' on 'data' (Microsoft.Storage/storageAccounts), but nothing here uses it" }],
    },
    {
      name: 'Terraform: an identity only a federated credential uses is not orphaned',
      files: {
        'main.tf':
          tfIdentity +
          `resource "azurerm_federated_identity_credential" "github" {
  name                = "github"
  resource_group_name = "rg"
  parent_id           = azurerm_user_assigned_identity.sync.id
  audience            = ["api://AzureADTokenExchange"]
  issuer              = "https://token.actions.githubusercontent.com"
  subject             = "repo:contoso/sync:environment:production"
}
`,
      },
      findings: [],
    },
    {
      name: 'Terraform: passed to a registry module grantlint cannot read',
      files: { 'main.tf': tfIdentity + 'module "app" {\n  source  = "Azure/avm-res-app-containerapp/azurerm"\n  version = "0.9.0"\n  identity_ids = [azurerm_user_assigned_identity.sync.id]\n}\n' },
      findings: [],
    },
    {
      name: 'Terraform: passed by name to a local module (that does nothing with it)',
      files: {
        'main.tf': tfIdentity + 'module "names" {\n  source = "./names"\n  identity = azurerm_user_assigned_identity.sync.name\n}\n',
        'names/main.tf': 'variable "identity" { type = string }\n',
      },
      findings: [],
    },
    {
      name: 'Terraform: an output hands it on',
      files: { 'main.tf': tfIdentity + 'output "sync_client_id" {\n  value = azurerm_user_assigned_identity.sync.client_id\n}\n' },
      findings: [],
    },
    {
      name: 'Terraform: selected by a setting of an app',
      files: {
        'main.tf':
          tfIdentity +
          `resource "azurerm_linux_web_app" "web" {
  name                = "web"
  resource_group_name = "rg"
  location            = "westeurope"
  service_plan_id     = "plan"
  app_settings = {
    SYNC_CLIENT_ID = azurerm_user_assigned_identity.sync.client_id
  }
  site_config {}
}
`,
      },
      findings: [],
    },
    {
      name: 'Terraform: an identity with no grant is not orphaned here (nothing at stake)',
      files: { 'main.tf': tfIdentity.replace(/resource "azurerm_role_assignment"[\s\S]*$/, '') },
      findings: [],
    },
    {
      name: 'Terraform: an identity read through a data source is owned elsewhere',
      files: { 'main.tf': tfIdentity.replace('resource "azurerm_user_assigned_identity" "sync" {\n  name                = "sync"\n  resource_group_name = "rg"\n  location            = "westeurope"\n}', 'data "azurerm_user_assigned_identity" "sync" {\n  name                = "sync"\n  resource_group_name = "rg"\n}').replace('azurerm_user_assigned_identity.sync.principal_id', 'data.azurerm_user_assigned_identity.sync.principal_id') },
      findings: [],
    },
    {
      name: 'Bicep: granted, used by nothing (its grant and dependsOn are no use)',
      files: { 'main.bicep': bicepIdentity },
      findings: [{ file: 'main.bicep', line: 4 }],
    },
    {
      name: 'Bicep: the name given to the module that creates the identity is no use of it',
      files: {
        'main.bicep': "module deps 'deps.bicep' = {\n  name: 'deps'\n  params: {\n    identityName: 'sync'\n  }\n}\n",
        'deps.bicep': 'param identityName string\n' + bicepIdentity.replace("name: 'sync'", 'name: identityName'),
      },
      findings: [{ file: 'deps.bicep', line: 5 }],
    },
    {
      name: 'Bicep: an output hands it on',
      files: { 'main.bicep': bicepIdentity + 'output syncId string = sync.id\n' },
      findings: [],
    },
    {
      name: 'Bicep: passed to a registry module',
      files: { 'main.bicep': bicepIdentity + "module job 'br/public:avm/res/app/job:0.7.0' = {\n  name: 'job'\n  params: {\n    identityId: sync.id\n  }\n}\n" },
      findings: [],
    },
    {
      name: 'Bicep: another principal may operate it (a grant scoped on the identity)',
      files: {
        'main.bicep':
          bicepIdentity +
          `param operatorId string
resource operates 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(sync.id, operatorId, 'operator')
  scope: sync
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'f1a07417-d97a-45cb-824c-7a7467783830')
    principalId: operatorId
  }
}
`,
      },
      findings: [],
    },
    {
      name: 'Bicep: another root declares the same identity and attaches it',
      files: {
        'main.bicep': bicepIdentity,
        'app.bicep': `resource sync 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: 'sync'
}
resource web 'Microsoft.Web/sites@2023-12-01' = {
  name: 'web'
  location: 'westeurope'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '\${sync.id}': {}
    }
  }
  properties: {}
}
`,
      },
      findings: [],
    },
    {
      name: 'Bicep: an identity named by a parameter is judged on its own',
      files: { 'main.bicep': 'param identityName string\n' + bicepIdentity.replace("name: 'sync'", 'name: identityName') },
      findings: [{ file: 'main.bicep', line: 5 }],
    },
    {
      name: 'Bicep: ... but not when another declaration names an identity by a name grantlint cannot know either',
      files: {
        'main.bicep': 'param identityName string\n' + bicepIdentity.replace("name: 'sync'", 'name: identityName'),
        'app.bicep': `param identityName string
resource sync 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: identityName
}
resource web 'Microsoft.Web/sites@2023-12-01' = {
  name: 'web'
  location: 'westeurope'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '\${sync.id}': {}
    }
  }
  properties: {}
}
`,
      },
      findings: [],
    },
    {
      name: 'ARM JSON: passed to a nested deployment',
      files: {
        'azuredeploy.json': JSON.stringify(
          {
            $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
            contentVersion: '1.0.0.0',
            variables: { id: "[resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', 'sync')]" },
            resources: [
              { type: 'Microsoft.ManagedIdentity/userAssignedIdentities', apiVersion: '2023-01-31', name: 'sync', location: 'westeurope' },
              {
                type: 'Microsoft.Authorization/roleAssignments',
                apiVersion: '2022-04-01',
                name: "[guid(variables('id'), 'reader')]",
                properties: {
                  roleDefinitionId: "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1')]",
                  principalId: "[reference(variables('id'), '2023-01-31').principalId]",
                  principalType: 'ServicePrincipal',
                },
              },
              {
                type: 'Microsoft.Resources/deployments',
                apiVersion: '2022-09-01',
                name: 'app',
                properties: {
                  mode: 'Incremental',
                  templateLink: { uri: 'https://example.com/app.json' },
                  parameters: { identityId: { value: "[variables('id')]" } },
                },
              },
            ],
          },
          null,
          2,
        ),
      },
      findings: [],
    },
  ]);
});
