/**
 * Item 3 of issue 8: what grantlint cannot read is not a fact. An identity whose principal ID is
 * passed to a module grantlint cannot read (a registry module, a template spec, a remote or missing
 * file) may be granted there; passing something else, or passing it to a module that is read and
 * grants nothing, leaves the finding.
 */
import { describe } from 'vitest';
import { ruleCases } from '../../helpers/rule-tester.js';
import { armSite, armTemplate, bicepSite, tfIdentityOnJob } from './fixtures.js';

const bicepModule = (path: string, value: string) => `module vault '${path}' = {
  name: 'vault'
  params: {
    roleAssignments: [
      {
        principalId: ${value}
        roleDefinitionIdOrName: 'Key Vault Secrets User'
      }
    ]
  }
}
`;

describe('Bicep: registry modules, template specs, missing files', () => {
  ruleCases('missing-role-grant', [
    ...['br/public:avm/res/key-vault/vault:0.13.3', 'br:contoso.azurecr.io/bicep/vault:1.0', 'ts:00000000-0000-0000-0000-000000000000/rg/vault:1.0', 'modules/not-here.bicep'].map((path) => ({
      name: `a principal ID passed to '${path}' may be granted there`,
      files: { 'main.bicep': bicepSite('web') + bicepModule(path, 'web.identity.principalId') },
      findings: [],
    })),
    {
      name: 'near miss: passing the resource ID is not passing the principal',
      files: { 'main.bicep': bicepSite('web') + bicepModule('br/public:avm/res/key-vault/vault:0.13.3', 'web.id') },
      findings: [{ file: 'main.bicep', line: 1, message: "'web' enables a system-assigned identity" }],
    },
    {
      name: 'near miss: a local module that is read and grants nothing',
      files: { 'main.bicep': bicepSite('web') + bicepModule('modules/vault.bicep', 'web.identity.principalId'), 'modules/vault.bicep': 'param roleAssignments array\n' },
      findings: [{ file: 'main.bicep', line: 1 }],
    },
  ]);
});

describe('Terraform: registry and git modules', () => {
  const call = (source: string, value: string) => `module "vault" {
  source = "${source}"
  role_assignments = {
    app = {
      principal_id               = ${value}
      role_definition_id_or_name = "Key Vault Secrets User"
    }
  }
}
`;
  ruleCases('missing-role-grant', [
    ...['Azure/avm-res-keyvault-vault/azurerm', 'git::https://github.com/contoso/tf-vault.git?ref=v1'].map((source) => ({
      name: `a principal ID passed to '${source}' may be granted there`,
      files: { 'main.tf': tfIdentityOnJob() + call(source, 'azurerm_user_assigned_identity.app.principal_id') },
      findings: [],
    })),
    {
      name: 'near miss: the client ID is not the principal',
      files: { 'main.tf': tfIdentityOnJob() + call('Azure/avm-res-keyvault-vault/azurerm', 'azurerm_user_assigned_identity.app.client_id') },
      findings: [{ file: 'main.tf', line: 1 }],
    },
    {
      name: 'near miss: a local module that is read and grants nothing',
      files: { 'main.tf': tfIdentityOnJob() + call('./vault', 'azurerm_user_assigned_identity.app.principal_id'), 'vault/main.tf': 'variable "role_assignments" {}\n' },
      findings: [{ file: 'main.tf', line: 1 }],
    },
  ]);
});

describe('ARM: linked templates grantlint cannot read', () => {
  const nested = (link: Record<string, unknown>) => ({
    type: 'Microsoft.Resources/deployments',
    apiVersion: '2022-09-01',
    name: 'vault',
    properties: {
      mode: 'Incremental',
      templateLink: link,
      parameters: { principalId: { value: "[reference(resourceId('Microsoft.Web/sites', 'web'), '2023-12-01', 'Full').identity.principalId]" } },
    },
  });
  ruleCases('missing-role-grant', [
    {
      name: 'a principal ID passed to a remote template may be granted there',
      files: { 'azuredeploy.json': armTemplate([armSite('web'), nested({ uri: 'https://example.com/templates/vault.json' })]) },
      findings: [],
    },
    {
      name: 'a principal ID passed to a template spec may be granted there',
      files: { 'azuredeploy.json': armTemplate([armSite('web'), nested({ id: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Resources/templateSpecs/vault/versions/1.0' })]) },
      findings: [],
    },
    {
      name: 'near miss: a local linked template that is read and grants nothing',
      files: {
        'azuredeploy.json': armTemplate([armSite('web'), nested({ relativePath: 'nested/vault.json' })]),
        'nested/vault.json': armTemplate([], { parameters: { principalId: { type: 'string' } } }),
      },
      findings: [{ file: 'azuredeploy.json', line: 5 }],
    },
  ]);
});
