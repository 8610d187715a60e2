import { describe } from 'vitest';
import { ruleCases } from '../helpers/rule-tester.js';

const uami = (name = 'uami') => `resource ${name} 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${name}-id'
  location: 'westeurope'
}
`;
const vault = `resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: 'app-kv'
}
`;
const assignment = (o: { name?: string; scope?: string; role: string; principal: string; principalType?: string | null }) => `resource grant 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: ${o.name ?? `guid(vault.id, uami.id, '${o.role}')`}
${o.scope === '' ? '' : `  scope: ${o.scope ?? 'vault'}\n`}  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${o.role}')
    principalId: ${o.principal}
${o.principalType === null ? '' : `    principalType: '${o.principalType ?? 'ServicePrincipal'}'\n`}  }
}
`;
const OWNER = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';
const CONTRIBUTOR = 'b24988ac-6180-42a0-ab88-20f7382dd24c';
const SECRETS_USER = '4633458b-17de-408a-b874-0445c86b69e6';
const UAA = '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9';

describe('privileged-role', () => {
  ruleCases('privileged-role', [
    {
      name: 'Owner on a vault to a user-assigned identity, with the narrow role suggested',
      files: { 'main.bicep': uami() + vault + assignment({ role: OWNER, principal: 'uami.properties.principalId' }) },
      findings: [{ file: 'main.bicep', line: 8, message: "Grants 'Owner' to user-assigned identity 'uami' on 'app-kv' (Microsoft.KeyVault/vaults); grant 'Key Vault Secrets User'" }],
    },
    {
      name: 'User Access Administrator to a principal passed in',
      files: { 'main.bicep': 'param principalId string\n' + vault + assignment({ role: UAA, principal: 'principalId', name: `guid(vault.id, principalId, '${UAA}')` }) },
      findings: [{ file: 'main.bicep', line: 5, message: "principal 'principalId' (passed in, kind unknown)" }],
    },
    {
      name: 'Owner to a group is outside the rule',
      files: { 'main.bicep': 'param groupId string\n' + vault + assignment({ role: OWNER, principal: 'groupId', principalType: 'Group', name: `guid(vault.id, groupId, '${OWNER}')` }) },
      findings: [],
    },
    {
      name: 'a narrow role is fine',
      files: { 'main.bicep': uami() + vault + assignment({ role: SECRETS_USER, principal: 'uami.properties.principalId' }) },
      findings: [],
    },
    {
      name: 'the role arrives through a module parameter: reported at the module call',
      files: {
        'main.bicep': uami() + `module grant 'grant.bicep' = {
  name: 'grant'
  params: {
    principalId: uami.properties.principalId
    roleId: '${CONTRIBUTOR}'
  }
}
`,
        'grant.bicep': `param principalId string
param roleId string
${vault}
resource grant 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, principalId, roleId)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}
`,
      },
      findings: [{ file: 'main.bicep', line: 5, message: "Grants 'Contributor'" }],
    },
    {
      name: 'Terraform role by name',
      files: {
        'main.tf': `resource "azurerm_user_assigned_identity" "a" {
  name                = "a"
  resource_group_name = "rg"
  location            = "westeurope"
}

resource "azurerm_role_assignment" "a" {
  scope                = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv"
  role_definition_name = "Contributor"
  principal_id         = azurerm_user_assigned_identity.a.principal_id
  principal_type       = "ServicePrincipal"
}
`,
      },
      findings: [{ file: 'main.tf', line: 7, message: "Grants 'Contributor'" }],
    },
  ]);
});

describe('broad-scope', () => {
  ruleCases('broad-scope', [
    {
      name: 'no scope lands on the resource group',
      files: { 'main.bicep': uami() + assignment({ role: SECRETS_USER, principal: 'uami.properties.principalId', scope: '', name: `guid(resourceGroup().id, uami.id, '${SECRETS_USER}')` }) },
      findings: [{ file: 'main.bicep', line: 5, message: 'on the resource group, because the assignment has no scope' }],
    },
    {
      name: 'no scope in a subscription-scoped file lands on the subscription',
      files: {
        'main.bicep': `targetScope = 'subscription'
param principalId string

resource grant 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(subscription().id, principalId, '${SECRETS_USER}')
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${SECRETS_USER}')
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}
`,
      },
      findings: [{ file: 'main.bicep', line: 4, message: 'on the subscription' }],
    },
    {
      name: 'a grant on the vault is fine',
      files: { 'main.bicep': uami() + vault + assignment({ role: SECRETS_USER, principal: 'uami.properties.principalId' }) },
      findings: [],
    },
    {
      name: 'Terraform: a literal resource group ID and a subscription ID with unknown parts',
      files: {
        'main.tf': `variable "sub" {
  type = string
}

resource "azurerm_user_assigned_identity" "a" {
  name                = "a"
  resource_group_name = "rg"
  location            = "westeurope"
}

resource "azurerm_role_assignment" "rg" {
  scope                = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg"
  role_definition_name = "Reader"
  principal_id         = azurerm_user_assigned_identity.a.principal_id
  principal_type       = "ServicePrincipal"
}

resource "azurerm_role_assignment" "sub" {
  scope                = "/subscriptions/\${var.sub}"
  role_definition_name = "Reader"
  principal_id         = azurerm_user_assigned_identity.a.principal_id
  principal_type       = "ServicePrincipal"
}
`,
      },
      findings: [
        { file: 'main.tf', line: 11, message: "resource group 'rg'" },
        { file: 'main.tf', line: 18, message: 'subscription' },
      ],
    },
  ]);
});

describe('missing-principal-type', () => {
  ruleCases('missing-principal-type', [
    {
      name: 'Bicep: missing on a managed identity',
      files: { 'main.bicep': uami() + vault + assignment({ role: SECRETS_USER, principal: 'uami.properties.principalId', principalType: null }) },
      findings: [{ file: 'main.bicep', line: 8, message: "add principalType: 'ServicePrincipal'" }],
    },
    {
      name: 'Bicep: set is fine',
      files: { 'main.bicep': uami() + vault + assignment({ role: SECRETS_USER, principal: 'uami.properties.principalId' }) },
      findings: [],
    },
    {
      name: 'Terraform: a principal not created here is not racing anything',
      files: {
        'main.tf': `variable "principal_id" {
  type = string
}

resource "azurerm_role_assignment" "a" {
  scope                = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv"
  role_definition_name = "Key Vault Secrets User"
  principal_id         = var.principal_id
}
`,
      },
      findings: [],
    },
  ]);
});

describe('non-idempotent-assignment-name', () => {
  ruleCases('non-idempotent-assignment-name', [
    {
      name: 'guid() seeded with a typed-out identity name covers nothing',
      files: { 'main.bicep': uami() + vault + assignment({ role: SECRETS_USER, principal: 'uami.properties.principalId', name: `guid(vault.id, 'uami-id', '${SECRETS_USER}')` }) },
      findings: [{ file: 'main.bicep', line: 8, message: 'leaves out the principal' }],
    },
    {
      name: 'guid() with resourceGroup().id for a vault-scoped assignment leaves out the scope',
      files: { 'main.bicep': uami() + vault + assignment({ role: SECRETS_USER, principal: 'uami.properties.principalId', name: `guid(resourceGroup().id, uami.id, '${SECRETS_USER}')` }) },
      findings: [{ file: 'main.bicep', line: 8, message: 'leaves out the scope' }],
    },
    {
      name: 'guid() with the principal ID and the role definition ID expression',
      files: {
        'main.bicep':
          uami() +
          vault +
          `var roleDefinitionId = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${SECRETS_USER}')
` +
          assignment({ role: SECRETS_USER, principal: 'uami.properties.principalId', name: 'guid(vault.id, uami.properties.principalId, roleDefinitionId)' }),
      },
      findings: [],
    },
    {
      name: 'a literal name',
      files: { 'main.bicep': uami() + vault + assignment({ role: SECRETS_USER, principal: 'uami.properties.principalId', name: "'b1d3f0e4-50a5-4a9b-9d4e-8f4f3c2a1b0c'" }) },
      findings: [{ file: 'main.bicep', line: 8, message: "the fixed string 'b1d3f0e4-50a5-4a9b-9d4e-8f4f3c2a1b0c'" }],
    },
    {
      name: 'Terraform random_uuid is stable, uuid() is not',
      files: {
        'main.tf': `resource "random_uuid" "name" {}

resource "azurerm_user_assigned_identity" "a" {
  name                = "a"
  resource_group_name = "rg"
  location            = "westeurope"
}

resource "azurerm_role_assignment" "stable" {
  name                 = random_uuid.name.result
  scope                = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv"
  role_definition_name = "Key Vault Secrets User"
  principal_id         = azurerm_user_assigned_identity.a.principal_id
  principal_type       = "ServicePrincipal"
}

resource "azurerm_role_assignment" "random" {
  name                 = uuid()
  scope                = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv"
  role_definition_name = "Key Vault Secrets Officer"
  principal_id         = azurerm_user_assigned_identity.a.principal_id
  principal_type       = "ServicePrincipal"
}
`,
      },
      findings: [{ file: 'main.tf', line: 17, message: 'uuid()' }],
    },
  ]);
});

describe('non-idempotent-assignment-name: the same name twice', () => {
  const grant = assignment({ role: SECRETS_USER, principal: 'uami.properties.principalId', name: `guid(vault.id, uami.id, '${SECRETS_USER}')` });
  ruleCases('non-idempotent-assignment-name', [
    {
      name: 'two declarations of one root with the same name: each names the other',
      files: { 'main.bicep': uami() + vault + grant + grant.replace('resource grant ', 'resource again ') },
      findings: [
        { file: 'main.bicep', line: 8, message: "is the same as that of 'again'" },
        { file: 'main.bicep', line: 17, message: "is the same as that of 'grant'" },
      ],
    },
    {
      name: 'the same name in two roots is two deployments, not a collision',
      files: { 'dev/main.bicep': uami() + vault + grant, 'prod/main.bicep': uami() + vault + grant },
      findings: [],
    },
  ]);
});

describe('missing-role-grant', () => {
  ruleCases('missing-role-grant', [
    {
      name: 'a user-assigned identity on two workloads, never granted: one finding at the identity',
      files: {
        'main.bicep':
          uami() +
          `resource a 'Microsoft.Web/sites@2023-01-01' = {
  name: 'a'
  location: 'westeurope'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '\${uami.id}': {}
    }
  }
}

resource b 'Microsoft.App/containerApps@2023-05-01' = {
  name: 'b'
  location: 'westeurope'
  identity: {
    type: 'SystemAssigned, UserAssigned'
    userAssignedIdentities: {
      '\${uami.id}': {}
    }
  }
}
`,
      },
      findings: [
        { file: 'main.bicep', line: 1, message: "is attached to 'a', 'b'" },
        { file: 'main.bicep', line: 16, message: "'b' enables a system-assigned identity" },
      ],
    },
    {
      name: 'an AKS cluster is left out',
      files: {
        'main.bicep': `resource aks 'Microsoft.ContainerService/managedClusters@2024-02-01' = {
  name: 'aks'
  location: 'westeurope'
  identity: {
    type: 'SystemAssigned'
  }
}
`,
      },
      findings: [],
    },
    {
      name: 'a Key Vault access policy naming the identity counts as a grant',
      files: {
        'main.bicep': `resource site 'Microsoft.Web/sites@2023-01-01' = {
  name: 'site'
  location: 'westeurope'
  identity: {
    type: 'SystemAssigned'
  }
}

resource kv 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: 'kv'
  location: 'westeurope'
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    accessPolicies: [
      {
        tenantId: subscription().tenantId
        objectId: site.identity.principalId
        permissions: { secrets: ['get'] }
      }
    ]
  }
}
`,
      },
      findings: [],
    },
  ]);
});

describe('non-idempotent-assignment-name does not guess', () => {
  ruleCases('non-idempotent-assignment-name', [
    {
      name: 'a guid() seed grantlint cannot identify might be the missing part: no finding',
      files: {
        'azuredeploy.json': JSON.stringify(
          {
            $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
            contentVersion: '1.0.0.0',
            parameters: { principalId: { type: 'string' }, roleType: { type: 'string' } },
            variables: {
              role: {
                Reader: "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'acdd72a7-3385-48ef-bd42-f606fba81ae7')]",
              },
            },
            resources: [
              {
                type: 'Microsoft.Authorization/roleAssignments',
                apiVersion: '2022-04-01',
                name: "[guid(resourceGroup().id, variables('role')[parameters('roleType')], parameters('principalId'))]",
                properties: {
                  roleDefinitionId: "[variables('role')[parameters('roleType')]]",
                  principalId: "[parameters('principalId')]",
                  principalType: 'ServicePrincipal',
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
    {
      name: 'seeds wrapped in uniqueString() count as their parts',
      files: {
        'main.bicep': `param principalId string
var reader = 'acdd72a7-3385-48ef-bd42-f606fba81ae7'
resource grant 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(uniqueString(resourceGroup().id, principalId, reader))
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', reader)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}
`,
      },
      findings: [],
    },
  ]);
});

describe('missing-role-grant across artifact-location links and repeated deployments', () => {
  const schema = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';
  const linkedDeployment = (name: string, file: string, parameters: Record<string, unknown> = {}) => ({
    type: 'Microsoft.Resources/deployments',
    apiVersion: '2022-09-01',
    name,
    properties: {
      mode: 'Incremental',
      templateLink: { uri: `[uri(parameters('_artifactsLocation'), concat('nested/${file}', parameters('_artifactsLocationSasToken')))]` },
      parameters,
    },
  });
  const json = (o: unknown) => JSON.stringify(o, null, 2) + '\n';
  ruleCases('missing-role-grant', [
    {
      name: 'a VM deployed twice through a linked template and granted through another is granted',
      files: {
        'azuredeploy.json': json({
          $schema: schema,
          contentVersion: '1.0.0.0',
          parameters: {
            _artifactsLocation: { type: 'string', defaultValue: '[deployment().properties.templateLink.uri]' },
            _artifactsLocationSasToken: { type: 'securestring', defaultValue: '' },
          },
          resources: [
            linkedDeployment('creatingVM', 'vm.json'),
            linkedDeployment('grantVM', 'rbac.json', {
              principalId: { value: "[reference(resourceId('Microsoft.Resources/deployments', 'creatingVM')).outputs.principalId.value]" },
            }),
            linkedDeployment('updatingVM', 'vm.json'),
          ],
        }),
        'nested/vm.json': json({
          $schema: schema,
          contentVersion: '1.0.0.0',
          resources: [
            {
              type: 'Microsoft.Compute/virtualMachines',
              apiVersion: '2023-09-01',
              name: 'worker',
              location: 'westeurope',
              identity: { type: 'SystemAssigned' },
              properties: {},
            },
          ],
          outputs: {
            principalId: { type: 'string', value: "[reference(resourceId('Microsoft.Compute/virtualMachines', 'worker'), '2023-09-01', 'full').identity.principalId]" },
          },
        }),
        'nested/rbac.json': json({
          $schema: schema,
          contentVersion: '1.0.0.0',
          parameters: { principalId: { type: 'string' } },
          resources: [
            {
              type: 'Microsoft.Authorization/roleAssignments',
              apiVersion: '2022-04-01',
              name: "[guid(resourceGroup().id, parameters('principalId'), 'acdd72a7-3385-48ef-bd42-f606fba81ae7')]",
              properties: {
                roleDefinitionId: "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'acdd72a7-3385-48ef-bd42-f606fba81ae7')]",
                principalId: "[parameters('principalId')]",
                principalType: 'ServicePrincipal',
              },
            },
          ],
        }),
      },
      findings: [],
    },
  ]);
});

describe('parse-error for an invalid ARM template expression', () => {
  ruleCases('parse-error', [
    {
      name: 'one finding at the expression, the rest of the template still analysed',
      files: {
        'azuredeploy.json': `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "variables": { "a": "[concat('x', 'y'", "b": "[concat('x',, 'y')]", "c": "[toLower('X')]" },
  "resources": []
}
`,
      },
      findings: [{ file: 'azuredeploy.json', line: 4, message: 'Invalid template expression' }],
    },
  ]);
});

describe('separate roots are separate deployments', () => {
  ruleCases('missing-role-grant', [
    {
      name: 'a grant in one root does not cover the same-named identity of another root',
      files: {
        'dev/main.bicep': uami('worker') + `resource vm 'Microsoft.Compute/virtualMachines@2023-09-01' = {
  name: 'vm'
  location: 'westeurope'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '\${worker.id}': {}
    }
  }
}
`,
        'prod/main.bicep':
          uami('worker') +
          vault +
          assignment({ role: SECRETS_USER, principal: 'worker.properties.principalId', name: `guid(vault.id, worker.id, '${SECRETS_USER}')` }) +
          `resource vm 'Microsoft.Compute/virtualMachines@2023-09-01' = {
  name: 'vm'
  location: 'westeurope'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '\${worker.id}': {}
    }
  }
}
`,
      },
      findings: [{ file: 'dev/main.bicep', line: 1, message: "User-assigned identity 'worker'" }],
    },
  ]);
});

describe('Bicep modules written as ARM JSON', () => {
  const files = {
    'main.bicep': `resource site 'Microsoft.Web/sites@2023-01-01' = {
  name: 'orders-web'
  location: 'westeurope'
  identity: {
    type: 'SystemAssigned'
  }
}

module grant 'grant.json' = {
  name: 'grant'
  params: {
    principalId: site.identity.principalId
    roleId: 'b24988ac-6180-42a0-ab88-20f7382dd24c'
  }
}

output assignment string = grant.outputs.assignmentId
`,
    'grant.json': `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {
    "principalId": { "type": "string" },
    "roleId": { "type": "string" }
  },
  "resources": [
    {
      "type": "Microsoft.Authorization/roleAssignments",
      "apiVersion": "2022-04-01",
      "name": "[guid(resourceGroup().id, parameters('principalId'), parameters('roleId'))]",
      "properties": {
        "roleDefinitionId": "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', parameters('roleId'))]",
        "principalId": "[parameters('principalId')]",
        "principalType": "ServicePrincipal"
      }
    }
  ],
  "outputs": {
    "assignmentId": { "type": "string", "value": "[resourceId('Microsoft.Authorization/roleAssignments', guid(resourceGroup().id, parameters('principalId'), parameters('roleId')))]" }
  }
}
`,
  };
  ruleCases('missing-role-grant', [{ name: "the JSON module grants the caller's identity", files, findings: [] }]);
  ruleCases('privileged-role', [
    { name: 'a role chosen by the Bicep caller is reported at the module call', files, findings: [{ file: 'main.bicep', line: 9, message: "Grants 'Contributor'" }] },
  ]);
  ruleCases('broad-scope', [
    { name: 'a missing scope written in the JSON module is reported there, once', files, findings: [{ file: 'grant.json', line: 9, message: 'on the resource group' }] },
  ]);
});
