/**
 * Messages of issue 8: they speak of what the user wrote (expressions as written, symbols, the
 * real target), never an internal form, and claim only what the analysed files show.
 */
import { describe } from 'vitest';
import { ruleCases } from '../../helpers/rule-tester.js';
import { armTemplate, BLOB_READER, bicepGrant, bicepImages, bicepSite, OWNER, tfIdentityOnJob } from './fixtures.js';

const NOT_BUILT_IN = '11111111-2222-3333-4444-555555555555';

describe('broad-scope messages', () => {
  ruleCases('broad-scope', [
    {
      name: 'an assignment without a scope: no "scope: vault" advice for a storage grant',
      files: {
        'main.bicep': `param principalId string
resource grant 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(resourceGroup().id, principalId, '${BLOB_READER}')
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${BLOB_READER}')
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}
`,
      },
      findings: [{ file: 'main.bicep', line: 2, message: /^Grants 'Storage Blob Data Reader' to principal 'principalId' \(passed in, kind unknown\) on the resource group, because the assignment has no scope; set its scope to the resource the identity uses\.$/ }],
    },
    {
      name: 'a role that is not built in is named by its GUID',
      files: {
        'main.bicep': `param principalId string
var custom = '${NOT_BUILT_IN}'
resource grant 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(resourceGroup().id, principalId, custom)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', custom)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}
`,
      },
      findings: [{ file: 'main.bicep', line: 3, message: `Grants role '${NOT_BUILT_IN}', which is not a built-in role, to principal 'principalId'` }],
    },
    {
      name: 'a role passed in is named by its parameter, the function as written',
      files: {
        'main.bicep': `param principalId string
param roleDefinitionId string
resource grant 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(resourceGroup().id, principalId, roleDefinitionId)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleDefinitionId)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}
`,
      },
      findings: [{ file: 'main.bicep', line: 3, message: "Grants the role subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleDefinitionId) to principal 'principalId'" }],
    },
  ]);
});

describe('missing-principal-type messages', () => {
  ruleCases('missing-principal-type', [
    {
      name: 'azapi: the property is body.properties.principalType',
      files: {
        'main.tf':
          tfIdentityOnJob() +
          `resource "azapi_resource" "grant" {
  type      = "Microsoft.Authorization/roleAssignments@2022-04-01"
  name      = "00000000-0000-0000-0000-000000000001"
  parent_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/images"
  body = {
    properties = {
      roleDefinitionId = "/providers/Microsoft.Authorization/roleDefinitions/${BLOB_READER}"
      principalId      = azurerm_user_assigned_identity.app.principal_id
    }
  }
}
`,
      },
      findings: [{ file: 'main.tf', line: 29, message: 'does not set principalType; add principalType = "ServicePrincipal" to body.properties' }],
    },
    {
      name: 'a principal of unknown kind: pass its type through rather than hard-coding it',
      files: {
        'azuredeploy.json': armTemplate(
          [
            {
              type: 'Microsoft.Authorization/roleAssignments',
              apiVersion: '2022-04-01',
              name: `[guid(resourceGroup().id, parameters('principalId'), '${BLOB_READER}')]`,
              properties: { roleDefinitionId: `[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${BLOB_READER}')]`, principalId: "[parameters('principalId')]" },
            },
          ],
          { parameters: { principalId: { type: 'string' } } },
        ),
      },
      findings: [{ file: 'azuredeploy.json', line: 10, message: "take the principal's type as a parameter beside its ID and pass it to principalType" }],
    },
    {
      name: "an identity declared here: principalType: 'ServicePrincipal'",
      files: { 'main.bicep': bicepImages + bicepSite('api') + bicepGrant('grant', 'api.identity.principalId').replace("    principalType: 'ServicePrincipal'\n", '') },
      findings: [{ file: 'main.bicep', line: 12, message: "to the system-assigned identity of 'api' does not set principalType; add principalType: 'ServicePrincipal'" }],
    },
  ]);
});

describe('missing-role-grant messages', () => {
  ruleCases('missing-role-grant', [
    {
      name: 'says plainly that nothing here grants it a role: no 403 forecast, no blanket Key Vault advice',
      files: { 'main.bicep': bicepSite('api') },
      findings: [{ file: 'main.bicep', line: 1, message: /^'api' enables a system-assigned identity, but nothing here grants it a role\. Grant it the role it needs on the resource it uses, or remove the identity if nothing uses it\.$/ }],
    },
  ]);
});

describe('non-idempotent-assignment-name messages', () => {
  const module = `param principalId string
param roleIds array
resource grants 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for roleId in roleIds: {
  name: guid(resourceGroup().id, principalId)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}]
`;
  ruleCases('non-idempotent-assignment-name', [
    {
      name: 'one assignment: what would collide with it, not a claim that two do',
      files: { 'main.bicep': bicepImages + bicepSite('api') + bicepGrant('grant', 'api.identity.principalId', { name: 'guid(images.id, api.id)' }) },
      findings: [{ file: 'main.bicep', line: 12, message: 'The assignment name guid(images.id, api.id) leaves out the role: an assignment that differs from this one only in its role gets the same name, and the two collide.' }],
    },
    {
      name: "a loop's instances that get the same name are said to",
      files: { 'main.bicep': `param principalId string\nmodule m 'm.bicep' = {\n  name: 'm'\n  params: {\n    principalId: principalId\n    roleIds: [\n      '${BLOB_READER}'\n      '${OWNER}'\n    ]\n  }\n}\n`, 'm.bicep': module },
      findings: [{ file: 'm.bicep', line: 3, message: 'leaves out the role: its 2 instances get the same name' }],
    },
    {
      name: 'utcNow() is spelled as written',
      files: { 'main.bicep': "param stamp string = utcNow()\n" + bicepImages + bicepSite('api') + bicepGrant('grant', 'api.identity.principalId', { name: 'guid(stamp)' }) },
      findings: [{ file: 'main.bicep', line: 13, message: 'The assignment name comes from utcNow()' }],
    },
  ]);
});

describe('call paths', () => {
  const leaf = `param principalId string
param roleId string
resource a 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(resourceGroup().id, principalId, roleId, 'a')
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}
resource b 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(resourceGroup().id, principalId, roleId, 'b')
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}
`;
  const mid = "param principalId string\nparam roleId string\nmodule inner 'leaf.bicep' = {\n  name: 'inner'\n  params: {\n    principalId: principalId\n    roleId: roleId\n  }\n}\n";
  ruleCases('privileged-role', [
    {
      name: 'two findings at one module call name the path to each declaration',
      files: {
        'main.bicep': `param principalId string\nmodule outer 'mid.bicep' = {\n  name: 'outer'\n  params: {\n    principalId: principalId\n    roleId: '${OWNER}'\n  }\n}\n`,
        'mid.bicep': mid,
        'leaf.bicep': leaf,
      },
      findings: [
        { file: 'main.bicep', line: 2, message: "Reached through module 'outer' → module 'inner' → 'a' in leaf.bicep." },
        { file: 'main.bicep', line: 2, message: "Reached through module 'outer' → module 'inner' → 'b' in leaf.bicep." },
      ],
    },
  ]);
});
