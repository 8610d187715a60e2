/**
 * Item 6 of issue 8: a root's defaults are possibilities. A condition that depends on a root's
 * input (Bicep `if`, ARM `condition`, Terraform `count`/`for_each` conditionals) is possibly true,
 * so what it guards is analysed while the flag is off; a condition on facts (variables, locals,
 * literals) is not; a loop over an input's default uses that default.
 */
import { describe } from 'vitest';
import { ruleCases } from '../../helpers/rule-tester.js';
import { armTemplate, OWNER } from './fixtures.js';

const bicep = (head: string, condition: string) => `${head}
resource uami 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'ops-id'
  location: 'westeurope'
}

resource ownerGrant 'Microsoft.Authorization/roleAssignments@2022-04-01' = ${condition}{
  name: guid(resourceGroup().id, uami.id, '${OWNER}')
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${OWNER}')
    principalId: uami.properties.principalId
    principalType: 'ServicePrincipal'
  }
}
`;

describe('Bicep: if (flag)', () => {
  ruleCases('privileged-role', [
    { name: 'a parameter that defaults to false', files: { 'main.bicep': bicep('param grantOwner bool = false', 'if (grantOwner) ') }, findings: [{ file: 'main.bicep', line: 7 }] },
    { name: 'a negated comparison on a parameter', files: { 'main.bicep': bicep("param mode string = 'locked'", "if (!(mode == 'locked')) ") }, findings: [{ file: 'main.bicep', line: 7 }] },
    { name: 'a variable that depends on a parameter', files: { 'main.bicep': bicep('param grantOwner bool = false\nvar on = grantOwner && true', 'if (on) ') }, findings: [{ file: 'main.bicep', line: 8 }] },
    {
      name: "a module parameter the caller sets from its own parameter's default",
      files: {
        'main.bicep': "param grantOwner bool = false\nmodule m 'm.bicep' = {\n  name: 'm'\n  params: {\n    enabled: grantOwner\n  }\n}\n",
        'm.bicep': bicep('param enabled bool', 'if (enabled) '),
      },
      findings: [{ file: 'm.bicep', line: 7 }],
    },
    { name: 'near miss: a variable that depends on nothing is a fact', files: { 'main.bicep': bicep('var grantOwner = false', 'if (grantOwner) ') }, findings: [] },
    { name: 'near miss: a literal false', files: { 'main.bicep': bicep('', 'if (false) ') }, findings: [] },
    {
      name: "near miss: a module's default, when the call passes none, is a fact",
      files: { 'main.bicep': "module m 'm.bicep' = {\n  name: 'm'\n}\n", 'm.bicep': bicep('param enabled bool = false', 'if (enabled) ') },
      findings: [],
    },
    {
      name: 'near miss: a loop over an input whose default is empty makes no instances',
      files: { 'main.bicep': bicep('param roles array = []', '[for r in roles: ').replace(/\n}\n$/, '\n}]\n') },
      findings: [],
    },
  ]);
});

const armOwner = (condition: string) => ({
  type: 'Microsoft.Authorization/roleAssignments',
  apiVersion: '2022-04-01',
  condition,
  name: `[guid(resourceGroup().id, parameters('principalId'), '${OWNER}')]`,
  properties: {
    roleDefinitionId: `[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${OWNER}')]`,
    principalId: "[parameters('principalId')]",
    principalType: 'ServicePrincipal',
  },
});
const armParams = { principalId: { type: 'string' }, grantOwner: { type: 'bool', defaultValue: false } };

describe('ARM: condition', () => {
  ruleCases('privileged-role', [
    { name: 'a parameter that defaults to false', files: { 'azuredeploy.json': armTemplate([armOwner("[parameters('grantOwner')]")], { parameters: armParams }) }, findings: [{ file: 'azuredeploy.json', line: 14 }] },
    {
      name: 'a variable built on a parameter',
      files: { 'azuredeploy.json': armTemplate([armOwner("[variables('on')]")], { parameters: armParams, variables: { on: "[and(parameters('grantOwner'), true())]" } }) },
      findings: [{ file: 'azuredeploy.json', line: 17 }],
    },
    { name: 'near miss: a variable that depends on nothing', files: { 'azuredeploy.json': armTemplate([armOwner("[variables('on')]")], { parameters: armParams, variables: { on: false } }) }, findings: [] },
    { name: 'near miss: a literal false', files: { 'azuredeploy.json': armTemplate([armOwner('[false()]')], { parameters: armParams }) }, findings: [] },
  ]);
});

const tf = (head: string, loop: string) => `${head}
resource "azurerm_user_assigned_identity" "ops" {
  name                = "ops-id"
  resource_group_name = "rg"
  location            = "westeurope"
}

resource "azurerm_role_assignment" "owner" {
  ${loop}
  scope                = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg"
  role_definition_name = "Owner"
  principal_id         = azurerm_user_assigned_identity.ops.principal_id
  principal_type       = "ServicePrincipal"
}
`;

describe('Terraform: count and for_each', () => {
  ruleCases('privileged-role', [
    { name: 'count = var.x ? 1 : 0 with a false default', files: { 'main.tf': tf('variable "enable" {\n  default = false\n}', 'count = var.enable ? 1 : 0') }, findings: [{ file: 'main.tf', line: 10 }] },
    { name: 'count = var.x ? 0 : 1 with a true default', files: { 'main.tf': tf('variable "disable" {\n  default = true\n}', 'count = var.disable ? 0 : 1') }, findings: [{ file: 'main.tf', line: 10 }] },
    { name: 'for_each = var.x ? toset(["a"]) : [] with a false default', files: { 'main.tf': tf('variable "enable" {\n  default = false\n}', 'for_each = var.enable ? toset(["a"]) : []') }, findings: [{ file: 'main.tf', line: 10 }] },
    { name: 'a local built on a variable', files: { 'main.tf': tf('variable "enable" {\n  default = false\n}\nlocals {\n  on = var.enable\n}', 'count = local.on ? 1 : 0') }, findings: [{ file: 'main.tf', line: 13 }] },
    { name: 'near miss: terraform.tfvars sets the flag: a fact', files: { 'main.tf': tf('variable "enable" {\n  default = true\n}', 'count = var.enable ? 1 : 0'), 'terraform.tfvars': 'enable = false\n' }, findings: [] },
    { name: 'near miss: a local that depends on nothing', files: { 'main.tf': tf('locals {\n  on = false\n}', 'count = local.on ? 1 : 0') }, findings: [] },
    { name: "near miss: a loop over an input's empty default", files: { 'main.tf': tf('variable "roles" {\n  default = []\n}', 'count = length(var.roles)') }, findings: [] },
  ]);
});
