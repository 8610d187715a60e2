/**
 * Item 7 of issue 8: a module (or nested deployment) given its scope from a loop variable
 * (`scope: managementGroup(mgId)`) whose assignment lands on that scope is covered by a `guid()`
 * seeded with the same loop variable; a seed that names the caller's own scope is not, and the name
 * is then the same for every instance. Terraform names are not `guid()`s: the shape does not exist.
 */
import { describe } from 'vitest';
import { ruleCases } from '../../helpers/rule-tester.js';
import { READER } from './fixtures.js';

const module = `targetScope = 'managementGroup'
param principalId string
param roleId string
param assignmentName string = guid(managementGroup().name, roleId, principalId)

resource assignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: assignmentName
  properties: {
    roleDefinitionId: tenantResourceId('Microsoft.Authorization/roleDefinitions', roleId)
    principalId: principalId
    principalType: 'Group'
  }
}
`;
const caller = (scope: string, name?: string) => `targetScope = 'managementGroup'
param groupId string
param mgIds array = [
  'corp'
  'online'
]

module readers 'mg.bicep' = [for mgId in mgIds: {
  name: 'readers-\${mgId}'
  scope: ${scope}
  params: {
${name ? `    assignmentName: ${name}\n` : ''}    principalId: groupId
    roleId: '${READER}'
  }
}]
`;

describe('Bicep: module loops over management groups', () => {
  ruleCases('non-idempotent-assignment-name', [
    { name: 'seeded with the loop variable that sets the scope', files: { 'main.bicep': caller('managementGroup(mgId)', `guid(mgId, '${READER}', groupId)`), 'mg.bicep': module }, findings: [] },
    { name: "the module's default, evaluated in each instance", files: { 'main.bicep': caller('managementGroup(mgId)'), 'mg.bicep': module }, findings: [] },
    {
      name: "near miss: the caller's own management group is the same for every instance",
      files: { 'main.bicep': caller('managementGroup(mgId)', `guid(managementGroup().name, '${READER}', groupId)`), 'mg.bicep': module },
      findings: [{ file: 'main.bicep', line: 8, message: "leaves out the scope: its 2 instances get the same name, and only one of them can be created. Include scope, principal and role: guid(<scope id>, <principal id>, <role definition id>). Reached through module 'readers' → 'assignment' in mg.bicep." }],
    },
    {
      name: 'near miss: the management group name typed out again covers nothing',
      files: { 'main.bicep': caller("managementGroup('corp')", `guid('corp', '${READER}', groupId)`), 'mg.bicep': module },
      findings: [{ file: 'main.bicep', line: 8, message: 'leaves out the scope' }],
    },
  ]);
});

const arm = (seed: string) =>
  JSON.stringify(
    {
      $schema: 'https://schema.management.azure.com/schemas/2019-08-01/managementGroupDeploymentTemplate.json#',
      contentVersion: '1.0.0.0',
      parameters: { mgIds: { type: 'array', defaultValue: ['corp', 'online'] }, groupId: { type: 'string' } },
      resources: [
        {
          type: 'Microsoft.Resources/deployments',
          apiVersion: '2022-09-01',
          name: "[format('readers-{0}', parameters('mgIds')[copyIndex()])]",
          scope: "[format('Microsoft.Management/managementGroups/{0}', parameters('mgIds')[copyIndex()])]",
          location: 'westeurope',
          copy: { name: 'readers', count: "[length(parameters('mgIds'))]" },
          properties: {
            expressionEvaluationOptions: { scope: 'inner' },
            mode: 'Incremental',
            parameters: { assignmentName: { value: `[guid(${seed}, '${READER}', parameters('groupId'))]` }, principalId: { value: "[parameters('groupId')]" } },
            template: {
              $schema: 'https://schema.management.azure.com/schemas/2019-08-01/managementGroupDeploymentTemplate.json#',
              contentVersion: '1.0.0.0',
              parameters: { assignmentName: { type: 'string' }, principalId: { type: 'string' } },
              resources: [
                {
                  type: 'Microsoft.Authorization/roleAssignments',
                  apiVersion: '2022-04-01',
                  name: "[parameters('assignmentName')]",
                  properties: {
                    roleDefinitionId: `[tenantResourceId('Microsoft.Authorization/roleDefinitions', '${READER}')]`,
                    principalId: "[parameters('principalId')]",
                    principalType: 'Group',
                  },
                },
              ],
            },
          },
        },
      ],
    },
    null,
    2,
  );

describe('ARM: nested deployments copied over management groups', () => {
  ruleCases('non-idempotent-assignment-name', [
    { name: 'seeded with the copy element that sets the scope', files: { 'azuredeploy.json': arm("parameters('mgIds')[copyIndex()]") }, findings: [] },
    { name: "near miss: the caller's management group", files: { 'azuredeploy.json': arm('managementGroup().name') }, findings: [{ file: 'azuredeploy.json', line: 52, message: 'leaves out the scope' }] },
  ]);
});
