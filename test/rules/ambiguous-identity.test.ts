import { describe } from 'vitest';
import { ruleCases } from '../helpers/rule-tester.js';

const bicepUamis = `resource documents 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'documents'
  location: 'westeurope'
}
resource messaging 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'messaging'
  location: 'westeurope'
}
`;
const containerApp = (env: string, type = 'Microsoft.App/containerApps@2024-03-01', ids = ['documents', 'messaging'], extra = '') => `resource orders '${type}' = {
  name: 'orders'
  location: 'westeurope'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
${ids.map((i) => `      '\${${i}.id}': {}\n`).join('')}    }
  }
  properties: {
${extra}    template: {
      containers: [
        {
          name: 'orders'
          image: 'mcr.microsoft.com/k8se/quickstart:latest'
${env}        }
      ]
    }
  }
}
`;
const env = (name: string, value: string) => `          env: [
            {
              name: '${name}'
              value: ${value}
            }
          ]
`;
const APP_LINE = 9;

const tf = (app: string, grants = '') => `resource "azurerm_user_assigned_identity" "docs" {
  name                = "docs"
  resource_group_name = "rg"
  location            = "westeurope"
}
resource "azurerm_role_assignment" "docs_blobs" {
  scope                = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/docs"
  role_definition_name = "Storage Blob Data Reader"
  principal_id         = azurerm_user_assigned_identity.docs.principal_id
  principal_type       = "ServicePrincipal"
}
${app}${grants}`;
const tfApp = (body = '', siteConfig = '') => `resource "azurerm_linux_web_app" "portal" {
  name                = "portal"
  resource_group_name = "rg"
  location            = "westeurope"
  service_plan_id     = "plan"
  identity {
    type         = "SystemAssigned, UserAssigned"
    identity_ids = [azurerm_user_assigned_identity.docs.id]
  }
${body}  site_config {
${siteConfig}  }
}
`;
const TF_APP_LINE = 12;

/** A Bicep site with both kinds of identity, its user-assigned one granted on storage, and a config module on an \`existing\` site (as Azure Verified Modules write it). */
const bicepSiteWithConfigModule = (settings: string, appName = 'app.name') => ({
  'main.bicep': `resource uami 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'app-id'
  location: 'westeurope'
}
resource store 'Microsoft.Storage/storageAccounts@2023-01-01' existing = {
  name: 'mystore'
}
resource grant 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(store.id, uami.id, 'ba92f5b4-2d11-453d-a403-e96b0029c9fe')
  scope: store
  properties: {
    principalId: uami.properties.principalId
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'ba92f5b4-2d11-453d-a403-e96b0029c9fe')
    principalType: 'ServicePrincipal'
  }
}
resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: 'portal'
  location: 'westeurope'
  identity: {
    type: 'SystemAssigned, UserAssigned'
    userAssignedIdentities: { '\${uami.id}': {} }
  }
  properties: {}
}
module cfg 'config.bicep' = {
  name: 'cfg'
  params: {
    appName: ${appName}
    properties: { AZURE_CLIENT_ID: uami.properties.clientId }
  }
}
`,
  'config.bicep': `param appName string
param properties object
resource site 'Microsoft.Web/sites@2024-04-01' existing = {
  name: appName
}
resource config 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'appsettings'
  properties: ${settings}
}
`,
});
const SITE_LINE = 17;

describe('ambiguous-identity', () => {
  ruleCases('ambiguous-identity', [
    {
      name: 'Bicep: two user-assigned identities, no system-assigned one, no AZURE_CLIENT_ID',
      files: { 'main.bicep': bicepUamis + containerApp('') },
      findings: [{ file: 'main.bicep', line: APP_LINE, message: "'orders' carries the user-assigned identities 'documents' and 'messaging' and no system-assigned one, and sets no AZURE_CLIENT_ID" }],
    },
    {
      name: 'Bicep: AZURE_CLIENT_ID chooses',
      files: { 'main.bicep': bicepUamis + containerApp(env('AZURE_CLIENT_ID', 'documents.properties.clientId')) },
      findings: [],
    },
    {
      name: "Bicep: another setting holds a carried identity's client ID: the code selects by it",
      files: { 'main.bicep': bicepUamis + containerApp(env('DOCUMENTS_CLIENT_ID', 'documents.properties.clientId')) },
      findings: [],
    },
    {
      name: 'Bicep: environment variables from a parameter cannot be seen',
      files: { 'main.bicep': 'param containerEnv array\n' + bicepUamis + containerApp('          env: containerEnv\n') },
      findings: [],
    },
    {
      name: 'Bicep: one user-assigned identity is no choice',
      files: { 'main.bicep': bicepUamis + containerApp('', 'Microsoft.App/containerApps@2024-03-01', ['documents']) },
      findings: [],
    },
    {
      name: 'Bicep: a Container Apps job is read the same way',
      files: { 'main.bicep': bicepUamis + containerApp('', 'Microsoft.App/jobs@2024-03-01').replace('    template: {', '    jobTemplate: {') },
      findings: [{ file: 'main.bicep', line: APP_LINE }],
    },
    {
      name: 'Bicep: a virtual machine is outside the rule',
      files: {
        'main.bicep':
          bicepUamis +
          `resource vm 'Microsoft.Compute/virtualMachines@2023-09-01' = {
  name: 'vm'
  location: 'westeurope'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '\${documents.id}': {}
      '\${messaging.id}': {}
    }
  }
  properties: {}
}
`,
      },
      findings: [],
    },
    {
      name: "Bicep: the app settings are written by a config module on an existing site of the app's name: AZURE_CLIENT_ID is seen",
      files: bicepSiteWithConfigModule('properties'),
      findings: [],
    },
    {
      name: "Bicep: a config module merges the site's current settings (list()): the settings cannot be seen",
      files: bicepSiteWithConfigModule(`union(list('\${site.id}/config/appsettings', '2023-12-01').properties, {})`),
      findings: [],
    },
    {
      name: 'Bicep: a config module on an existing site whose name is unknown may write any declared site: no finding',
      files: { ...bicepSiteWithConfigModule('{}', 'uniqueString(deployment().name)'), 'config.bicep': bicepSiteWithConfigModule('{}')['config.bicep'].replace('name: appName', 'name: last(split(appName, \'/\'))') },
      findings: [],
    },
    {
      name: 'Bicep: a config module on an existing site of another name does not set the app\'s settings',
      files: bicepSiteWithConfigModule('properties', "'other-app'"),
      findings: [{ file: 'main.bicep', line: SITE_LINE, message: "'app' carries a system-assigned identity and user-assigned identity 'uami', and sets no AZURE_CLIENT_ID" }],
    },
    {
      name: 'Terraform: the code gets the system identity, which lacks the blob grant',
      files: { 'main.tf': tf(tfApp()) },
      findings: [{ file: 'main.tf', line: TF_APP_LINE, message: "'azurerm_linux_web_app.portal' carries a system-assigned identity and user-assigned identity 'azurerm_user_assigned_identity.docs', and sets no AZURE_CLIENT_ID, so its code gets the system-assigned identity, which lacks the 'Storage Blob Data Reader' on 'docs' (Microsoft.Storage/storageAccounts) that user-assigned identity 'azurerm_user_assigned_identity.docs' holds. Set AZURE_CLIENT_ID to azurerm_user_assigned_identity.docs.client_id" }],
    },
    {
      name: 'Terraform: the system identity holds the same grant',
      files: {
        'main.tf': tf(
          tfApp(),
          `resource "azurerm_role_assignment" "portal_blobs" {
  scope                = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/docs"
  role_definition_name = "Storage Blob Data Reader"
  principal_id         = azurerm_linux_web_app.portal.identity[0].principal_id
  principal_type       = "ServicePrincipal"
}
`,
        ),
      },
      findings: [],
    },
    {
      name: 'Terraform: AZURE_CLIENT_ID in app_settings',
      files: { 'main.tf': tf(tfApp('  app_settings = {\n    AZURE_CLIENT_ID = azurerm_user_assigned_identity.docs.client_id\n  }\n')) },
      findings: [],
    },
    {
      name: "Terraform: the user-assigned identity is selected for the platform's image pulls: its grants serve that",
      files: { 'main.tf': tf(tfApp('', '    container_registry_use_managed_identity       = true\n    container_registry_managed_identity_client_id = azurerm_user_assigned_identity.docs.client_id\n')) },
      findings: [],
    },
    {
      name: 'Terraform: the user-assigned identity holds nothing the system one lacks',
      files: { 'main.tf': tf(tfApp()).replace(/resource "azurerm_role_assignment" "docs_blobs" \{[\s\S]*?\n\}\n/, '') },
      findings: [],
    },
    {
      name: 'ARM JSON: a container group with two user-assigned identities',
      files: {
        'azuredeploy.json': JSON.stringify(
          {
            $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
            contentVersion: '1.0.0.0',
            resources: [
              { type: 'Microsoft.ManagedIdentity/userAssignedIdentities', apiVersion: '2023-01-31', name: 'a', location: 'westeurope' },
              { type: 'Microsoft.ManagedIdentity/userAssignedIdentities', apiVersion: '2023-01-31', name: 'b', location: 'westeurope' },
              {
                type: 'Microsoft.ContainerInstance/containerGroups',
                apiVersion: '2023-05-01',
                name: 'batch',
                location: 'westeurope',
                identity: {
                  type: 'UserAssigned',
                  userAssignedIdentities: { "[resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', 'a')]": {}, "[resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', 'b')]": {} },
                },
                properties: { containers: [{ name: 'batch', properties: { image: 'x' } }] },
              },
            ],
          },
          null,
          2,
        ),
      },
      findings: [{ file: 'azuredeploy.json', line: 17 }],
    },
  ]);
});
