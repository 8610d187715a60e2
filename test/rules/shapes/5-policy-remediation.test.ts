/**
 * Item 5 of issue 8: a policy assignment's remediation identity holds the roles its definition
 * lists at the assignment's scope. At or inside that scope: outside broad-scope; privileged-role
 * only for a role a definition declared here does not list (compared by GUID, whatever the ID's
 * prefix); a built-in or unseen definition says nothing. Anywhere else: the usual rules.
 */
import { describe } from 'vitest';
import { ruleCases } from '../../helpers/rule-tester.js';
import { CONTRIBUTOR, OWNER } from './fixtures.js';

const bicep = (o: { prefix?: string; definition?: 'here' | 'builtin'; role: string; scope?: string }) => `targetScope = 'subscription'

resource definition 'Microsoft.Authorization/policyDefinitions@2023-04-01' = {
  name: 'inherit-tag'
  properties: {
    policyType: 'Custom'
    mode: 'Indexed'
    policyRule: {
      if: { field: 'tags', exists: 'false' }
      then: {
        effect: 'modify'
        details: {
          roleDefinitionIds: [
            '${o.prefix ?? '/providers/Microsoft.Authorization/roleDefinitions/'}${CONTRIBUTOR}'
          ]
          operations: []
        }
      }
    }
  }
}

resource assignment 'Microsoft.Authorization/policyAssignments@2024-04-01' = {
  name: 'inherit-tag'
  location: 'westeurope'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    policyDefinitionId: ${o.definition === 'builtin' ? "'/providers/Microsoft.Authorization/policyDefinitions/ea3f2387-9b95-492a-a190-fcdc54f7b070'" : 'definition.id'}
  }
}

resource grant 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(subscription().id, assignment.id, '${o.role}')
${o.scope ? `  scope: ${o.scope}\n` : ''}  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${o.role}')
    principalId: assignment.identity.principalId
    principalType: 'ServicePrincipal'
  }
}
`;

describe('Bicep: remediation identities', () => {
  ruleCases('privileged-role', [
    { name: 'the listed role at the assignment scope', files: { 'main.bicep': bicep({ role: CONTRIBUTOR }) }, findings: [] },
    {
      name: 'the listed role, its ID written with a subscription prefix',
      files: { 'main.bicep': bicep({ role: CONTRIBUTOR, prefix: '/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/roleDefinitions/' }) },
      findings: [],
    },
    {
      name: 'a role the definition does not list',
      files: { 'main.bicep': bicep({ role: OWNER }) },
      findings: [{ file: 'main.bicep', line: 34, message: "Grants 'Owner' to the remediation identity of policy assignment 'assignment' on the subscription, a role its policy definition does not list; grant the roles in the definition's roleDefinitionIds ('Contributor') instead." }],
    },
    { name: 'near miss: a built-in definition may list it', files: { 'main.bicep': bicep({ role: OWNER, definition: 'builtin' }) }, findings: [] },
  ]);
  ruleCases('broad-scope', [
    { name: 'at the assignment scope', files: { 'main.bicep': bicep({ role: OWNER }) }, findings: [] },
  ]);
});

const arm = (o: { role: string; scope?: string }) =>
  JSON.stringify(
    {
      $schema: 'https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#',
      contentVersion: '1.0.0.0',
      parameters: { target: { type: 'string', defaultValue: '/subscriptions/00000000-0000-0000-0000-000000000000' } },
      resources: [
        {
          type: 'Microsoft.Authorization/policyDefinitions',
          apiVersion: '2023-04-01',
          name: 'deploy-diagnostics',
          properties: {
            policyType: 'Custom',
            mode: 'Indexed',
            policyRule: {
              if: { field: 'type', equals: 'Microsoft.KeyVault/vaults' },
              then: { effect: 'deployIfNotExists', details: { roleDefinitionIds: [`[concat(subscription().id, '/providers/Microsoft.Authorization/roleDefinitions/${CONTRIBUTOR}')]`] } },
            },
          },
        },
        {
          type: 'Microsoft.Authorization/policyAssignments',
          apiVersion: '2024-04-01',
          name: 'deploy-diagnostics',
          location: 'westeurope',
          identity: { type: 'SystemAssigned' },
          properties: { policyDefinitionId: "[subscriptionResourceId('Microsoft.Authorization/policyDefinitions', 'deploy-diagnostics')]" },
        },
        {
          type: 'Microsoft.Authorization/roleAssignments',
          apiVersion: '2022-04-01',
          name: `[guid(subscription().id, 'deploy-diagnostics', '${o.role}')]`,
          ...(o.scope ? { scope: o.scope } : {}),
          properties: {
            roleDefinitionId: `[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${o.role}')]`,
            principalId: "[reference(subscriptionResourceId('Microsoft.Authorization/policyAssignments', 'deploy-diagnostics'), '2024-04-01', 'full').identity.principalId]",
            principalType: 'ServicePrincipal',
          },
        },
      ],
    },
    null,
    2,
  );

describe('ARM: remediation identities', () => {
  ruleCases('privileged-role', [
    { name: 'the listed role at the assignment scope', files: { 'azuredeploy.json': arm({ role: CONTRIBUTOR }) }, findings: [] },
    { name: 'a role the definition does not list', files: { 'azuredeploy.json': arm({ role: OWNER }) }, findings: [{ file: 'azuredeploy.json', line: 46, message: 'a role its policy definition does not list' }] },
    {
      name: 'near miss: the listed role on a scope from a parameter follows the usual rule',
      files: { 'azuredeploy.json': arm({ role: CONTRIBUTOR, scope: "[parameters('target')]" }) },
      findings: [{ file: 'azuredeploy.json', line: 46, message: "Grants 'Contributor' to the remediation identity" }],
    },
  ]);
  ruleCases('broad-scope', [
    { name: 'at the assignment scope', files: { 'azuredeploy.json': arm({ role: CONTRIBUTOR }) }, findings: [] },
    { name: 'near miss: a scope from a parameter is not shown to be the assignment scope', files: { 'azuredeploy.json': arm({ role: CONTRIBUTOR, scope: "[parameters('target')]" }) }, findings: [{ file: 'azuredeploy.json', line: 46 }] },
  ]);
});

const tf = (grants: string) => `data "azurerm_subscription" "current" {}

resource "azurerm_resource_group" "app" {
  name     = "app-rg"
  location = "westeurope"
}

resource "azurerm_policy_definition" "tags" {
  name         = "inherit-tag"
  policy_type  = "Custom"
  mode         = "Indexed"
  display_name = "Inherit a tag"
  policy_rule = jsonencode({
    if = { field = "tags", exists = "false" }
    then = {
      effect  = "modify"
      details = { roleDefinitionIds = ["/providers/Microsoft.Authorization/roleDefinitions/${CONTRIBUTOR}"], operations = [] }
    }
  })
}

resource "azurerm_subscription_policy_assignment" "tags" {
  name                 = "inherit-tag"
  subscription_id      = data.azurerm_subscription.current.id
  policy_definition_id = azurerm_policy_definition.tags.id
  location             = "westeurope"
  identity {
    type = "SystemAssigned"
  }
}
${grants}`;
const tfGrant = (name: string, scope: string, role: string) => `
resource "azurerm_role_assignment" "${name}" {
  scope                = ${scope}
  role_definition_name = "${role}"
  principal_id         = azurerm_subscription_policy_assignment.tags.identity[0].principal_id
  principal_type       = "ServicePrincipal"
}
`;

describe('Terraform: remediation identities', () => {
  ruleCases('privileged-role', [
    { name: 'the listed role at the assignment scope', files: { 'main.tf': tf(tfGrant('sub', 'data.azurerm_subscription.current.id', 'Contributor')) }, findings: [] },
    { name: 'the listed role on a resource group inside it', files: { 'main.tf': tf(tfGrant('rg', 'azurerm_resource_group.app.id', 'Contributor')) }, findings: [] },
    { name: 'a role the definition does not list', files: { 'main.tf': tf(tfGrant('sub', 'data.azurerm_subscription.current.id', 'Owner')) }, findings: [{ file: 'main.tf', line: 32, message: 'does not list' }] },
    {
      name: 'near miss: a management group is wider than the assignment scope',
      files: { 'main.tf': tf(tfGrant('mg', '"/providers/Microsoft.Management/managementGroups/contoso"', 'Contributor')) },
      findings: [{ file: 'main.tf', line: 32, message: "Grants 'Contributor'" }],
    },
  ]);
  ruleCases('broad-scope', [
    { name: 'at the assignment scope, and inside it', files: { 'main.tf': tf(tfGrant('sub', 'data.azurerm_subscription.current.id', 'Contributor') + tfGrant('rg', 'azurerm_resource_group.app.id', 'Contributor')) }, findings: [] },
    { name: 'near miss: wider than the assignment scope', files: { 'main.tf': tf(tfGrant('mg', '"/providers/Microsoft.Management/managementGroups/contoso"', 'Contributor')) }, findings: [{ file: 'main.tf', line: 32 }] },
  ]);
});
