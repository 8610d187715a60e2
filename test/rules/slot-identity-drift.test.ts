import { describe } from 'vitest';
import { ruleCases } from '../helpers/rule-tester.js';

const READER = '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1';
const QUEUE = '974c5e8b-45b9-4653-ba55-5f855dd0fb88';
const storage = `resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: 'shopmedia'
}
`;
const site = (symbol: string, identity: string, parent?: string) => `resource ${symbol} 'Microsoft.Web/sites${parent ? '/slots' : ''}@2023-12-01' = {
${parent ? `  parent: ${parent}\n` : ''}  name: '${symbol}'
  location: 'westeurope'
  identity: ${identity}
  properties: {}
}
`;
const SYSTEM = "{\n    type: 'SystemAssigned'\n  }";
const user = (...ids: string[]) => `{\n    type: 'UserAssigned'\n    userAssignedIdentities: {\n${ids.map((i) => `      '\${${i}.id}': {}\n`).join('')}    }\n  }`;
const uami = (symbol: string) => `resource ${symbol} 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${symbol}'
  location: 'westeurope'
}
`;
const grant = (symbol: string, principal: string, role = READER) => `resource ${symbol} 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, '${symbol}', '${role}')
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${role}')
    principalId: ${principal}
    principalType: 'ServicePrincipal'
  }
}
`;
// storage (3 lines) + production site (8 lines): the slot starts on line 12.
const SLOT_LINE = 12;

const tfApp = (extra = '') => `resource "azurerm_user_assigned_identity" "web" {
  name                = "web"
  resource_group_name = "rg"
  location            = "westeurope"
}
resource "azurerm_role_assignment" "web_secrets" {
  scope                = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv"
  role_definition_name = "Key Vault Secrets User"
  principal_id         = azurerm_user_assigned_identity.web.principal_id
  principal_type       = "ServicePrincipal"
}
${extra}`;

describe('slot-identity-drift', () => {
  ruleCases('slot-identity-drift', [
    {
      name: "Bicep: the slot's own system-assigned identity lacks production's grant",
      files: { 'main.bicep': storage + site('shop', SYSTEM) + site('staging', SYSTEM, 'shop') + grant('shopMedia', 'shop.identity.principalId') },
      findings: [{ file: 'main.bicep', line: SLOT_LINE, message: "Slot 'staging' runs as its system-assigned identity, which lacks 'Storage Blob Data Reader' on 'shopmedia' (Microsoft.Storage/storageAccounts) that production 'shop' holds" }],
    },
    {
      name: 'Bicep: the slot holds some grant, not all of them',
      files: {
        'main.bicep':
          storage + site('shop', SYSTEM) + site('staging', SYSTEM, 'shop') + grant('shopMedia', 'shop.identity.principalId') + grant('shopQueue', 'shop.identity.principalId', QUEUE) + grant('stagingQueue', 'staging.identity.principalId', QUEUE),
      },
      findings: [{ file: 'main.bicep', line: SLOT_LINE, message: "lacks 'Storage Blob Data Reader'" }],
    },
    {
      name: 'Bicep: the slot holds the same grants with its own identity',
      files: { 'main.bicep': storage + site('shop', SYSTEM) + site('staging', SYSTEM, 'shop') + grant('shopMedia', 'shop.identity.principalId') + grant('stagingMedia', 'staging.identity.principalId') },
      findings: [],
    },
    {
      name: 'Bicep: a user-assigned identity shared by app and slot holds them by construction',
      files: { 'main.bicep': storage + site('shop', user('shared')) + site('staging', user('shared'), 'shop') + uami('shared') + grant('sharedMedia', 'shared.properties.principalId') },
      findings: [],
    },
    {
      name: 'Bicep: another user-assigned identity that holds all the grants is fine',
      files: { 'main.bicep': storage + site('shop', user('prod')) + site('staging', user('stage'), 'shop') + uami('prod') + uami('stage') + grant('prodMedia', 'prod.properties.principalId') + grant('stageMedia', 'stage.properties.principalId') },
      findings: [],
    },
    {
      name: 'Bicep: a slot identity owned elsewhere may hold its grants elsewhere',
      files: {
        'main.bicep':
          storage +
          site('shop', SYSTEM) +
          site('staging', user('platform'), 'shop') +
          "resource platform 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {\n  name: 'platform'\n}\n" +
          grant('shopMedia', 'shop.identity.principalId'),
      },
      findings: [],
    },
    {
      name: 'Bicep: a role from a parameter may be the same role',
      files: {
        'main.bicep':
          storage +
          site('shop', SYSTEM) +
          site('staging', SYSTEM, 'shop') +
          grant('shopMedia', 'shop.identity.principalId') +
          grant('stagingMedia', 'staging.identity.principalId').replace(`subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${READER}')`, 'role') +
          'param role string\n',
      },
      findings: [],
    },
    {
      name: 'Terraform: the slot has no identity',
      files: {
        'main.tf': tfApp(`resource "azurerm_linux_web_app" "web" {
  name                = "web"
  resource_group_name = "rg"
  location            = "westeurope"
  service_plan_id     = "plan"
  identity {
    type         = "UserAssigned"
    identity_ids = [azurerm_user_assigned_identity.web.id]
  }
  site_config {}
}
resource "azurerm_linux_web_app_slot" "staging" {
  name           = "staging"
  app_service_id = azurerm_linux_web_app.web.id
  site_config {}
}
`),
      },
      findings: [{ file: 'main.tf', line: 23, message: "Slot 'azurerm_linux_web_app_slot.staging' has no managed identity, while production 'azurerm_linux_web_app.web' holds 'Key Vault Secrets User' on" }],
    },
    {
      name: 'Terraform: a function app slot by function_app_id, with its own system identity',
      files: {
        'main.tf': tfApp(`resource "azurerm_windows_function_app" "web" {
  name                = "web"
  resource_group_name = "rg"
  location            = "westeurope"
  service_plan_id     = "plan"
  identity {
    type         = "UserAssigned"
    identity_ids = [azurerm_user_assigned_identity.web.id]
  }
  site_config {}
}
resource "azurerm_windows_function_app_slot" "staging" {
  name            = "staging"
  function_app_id = azurerm_windows_function_app.web.id
  identity {
    type = "SystemAssigned"
  }
  site_config {}
}
`),
      },
      findings: [{ file: 'main.tf', line: 23, message: 'runs as its system-assigned identity' }],
    },
    {
      name: 'Terraform: the older azurerm_app_service_slot, by app name',
      files: {
        'main.tf': tfApp(`resource "azurerm_app_service" "web" {
  name                = "legacy-web"
  resource_group_name = "rg"
  location            = "westeurope"
  app_service_plan_id = "plan"
  identity {
    type         = "UserAssigned"
    identity_ids = [azurerm_user_assigned_identity.web.id]
  }
}
resource "azurerm_app_service_slot" "staging" {
  name                = "staging"
  app_service_name    = azurerm_app_service.web.name
  resource_group_name = "rg"
  location            = "westeurope"
  app_service_plan_id = "plan"
}
`),
      },
      findings: [{ file: 'main.tf', line: 22 }],
    },
    {
      name: 'Terraform: the slot carries the same user-assigned identity',
      files: {
        'main.tf': tfApp(`resource "azurerm_linux_web_app" "web" {
  name                = "web"
  resource_group_name = "rg"
  location            = "westeurope"
  service_plan_id     = "plan"
  identity {
    type         = "UserAssigned"
    identity_ids = [azurerm_user_assigned_identity.web.id]
  }
  site_config {}
}
resource "azurerm_linux_web_app_slot" "staging" {
  name           = "staging"
  app_service_id = azurerm_linux_web_app.web.id
  identity {
    type         = "UserAssigned"
    identity_ids = [azurerm_user_assigned_identity.web.id]
  }
  site_config {}
}
`),
      },
      findings: [],
    },
    {
      name: "ARM JSON: a slot nested in its app's resources",
      files: {
        'azuredeploy.json': JSON.stringify(
          {
            $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
            contentVersion: '1.0.0.0',
            resources: [
              {
                type: 'Microsoft.Web/sites',
                apiVersion: '2023-12-01',
                name: 'api',
                location: 'westeurope',
                identity: { type: 'SystemAssigned' },
                properties: {},
                resources: [{ type: 'slots', apiVersion: '2023-12-01', name: 'staging', location: 'westeurope', dependsOn: ['api'], properties: {} }],
              },
              {
                type: 'Microsoft.Authorization/roleAssignments',
                apiVersion: '2022-04-01',
                name: "[guid('api', 'queue')]",
                properties: {
                  roleDefinitionId: `[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${QUEUE}')]`,
                  principalId: "[reference(resourceId('Microsoft.Web/sites', 'api'), '2023-12-01', 'full').identity.principalId]",
                  principalType: 'ServicePrincipal',
                },
              },
            ],
          },
          null,
          2,
        ),
      },
      findings: [{ file: 'azuredeploy.json', line: 15, message: "Slot 'Microsoft.Web/sites/slots/api/staging' has no managed identity" }],
    },
  ]);
});

describe('missing-role-grant beside slot-identity-drift (one mistake, one finding)', () => {
  ruleCases('missing-role-grant', [
    {
      name: "a drifting slot's ungranted identity is slot-identity-drift's alone",
      files: { 'main.bicep': storage + site('shop', SYSTEM) + site('staging', SYSTEM, 'shop') + grant('shopMedia', 'shop.identity.principalId') },
      findings: [],
    },
    {
      name: 'when production holds nothing either, the slot identity is simply never granted',
      files: { 'main.bicep': site('shop', SYSTEM) + site('staging', SYSTEM, 'shop') },
      findings: [
        { file: 'main.bicep', line: 1 },
        { file: 'main.bicep', line: 9 },
      ],
    },
  ]);
});
