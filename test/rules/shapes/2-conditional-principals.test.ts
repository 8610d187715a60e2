/**
 * Item 2 of issue 8: a conditional whose branches are one identity's principal ID and an empty
 * value is that identity (azd's `cond ? app.identity.principalId : ''`, Terraform's
 * `length(x.identity) == 0 ? "" : x.identity[0].principal_id`), whatever the condition's default;
 * two identities in the branches name neither.
 */
import { describe } from 'vitest';
import { ruleCases } from '../../helpers/rule-tester.js';
import { armGrant, armSite, armTemplate, BLOB_READER, bicepGrant, bicepImages, bicepSite, tfGrant } from './fixtures.js';

const flag = (d: boolean) => `param deployApi bool = ${d}\n`;

describe('Bicep: cond ? x.identity.principalId : empty', () => {
  ruleCases('missing-role-grant', [
    ...[true, false].map((d) => ({
      name: `the flag defaults to ${d}: the grant is to the API's identity`,
      files: { 'main.bicep': flag(d) + bicepImages + bicepSite('api', 'if (deployApi) ') + bicepGrant('grant', "deployApi ? api.identity.principalId : ''", { condition: 'if (deployApi) ' }) },
      findings: [],
    })),
    {
      name: 'the empty branch first, null as the empty value',
      files: { 'main.bicep': flag(true) + bicepImages + bicepSite('api') + bicepGrant('grant', '!deployApi ? null : api.identity.principalId') },
      findings: [],
    },
    {
      name: 'a choice between two identities on a root input may be either: neither is granted nothing',
      files: { 'main.bicep': flag(true) + bicepImages + bicepSite('api') + bicepSite('web') + bicepGrant('grant', 'deployApi ? api.identity.principalId : web.identity.principalId') },
      findings: [],
    },
    {
      name: 'near miss: the same choice on a variable that is a fact takes its branch',
      files: { 'main.bicep': 'var deployApi = true\n' + bicepImages + bicepSite('api') + bicepSite('web') + bicepGrant('grant', 'deployApi ? api.identity.principalId : web.identity.principalId') },
      findings: [{ file: 'main.bicep', line: 13, message: "'web'" }],
    },
  ]);

  ruleCases('non-idempotent-assignment-name', [
    {
      name: 'the conditional principal is seen, so a name without the role is found',
      files: { 'main.bicep': flag(false) + bicepImages + bicepSite('api', 'if (deployApi) ') + bicepGrant('grant', "deployApi ? api.identity.principalId : ''", { condition: 'if (deployApi) ', name: 'guid(images.id, api.id)' }) },
      findings: [{ file: 'main.bicep', line: 13, message: 'The assignment name guid(images.id, api.id) leaves out the role' }],
    },
    {
      name: 'near miss: with the role in the seed the name is stable',
      files: { 'main.bicep': flag(false) + bicepImages + bicepSite('api', 'if (deployApi) ') + bicepGrant('grant', "deployApi ? api.identity.principalId : ''", { condition: 'if (deployApi) ', name: `guid(images.id, api.id, '${BLOB_READER}')` }) },
      findings: [],
    },
  ]);
});

describe('ARM: if(cond, reference(...).identity.principalId, empty)', () => {
  const principal = (d: string) => `[if(${d}, reference(resourceId('Microsoft.Web/sites', 'api'), '2023-12-01', 'Full').identity.principalId, '')]`;
  ruleCases('missing-role-grant', [
    {
      name: "the flag is a parameter that defaults to false: the grant is to the site's identity",
      files: {
        'azuredeploy.json': armTemplate([armSite('api', { condition: "[parameters('deployApi')]" }), armGrant(principal("parameters('deployApi')"), { condition: "[parameters('deployApi')]" })], {
          parameters: { deployApi: { type: 'bool', defaultValue: false } },
        }),
      },
      findings: [],
    },
    {
      name: 'an unknown condition',
      files: { 'azuredeploy.json': armTemplate([armSite('api'), armGrant(principal("equals(resourceGroup().location, 'x')"))]) },
      findings: [],
    },
  ]);
});

describe('Terraform: length(x.identity) == 0 ? "" : x.identity[0].principal_id', () => {
  const app = `resource "azurerm_linux_web_app" "api" {
  name                = "api"
  resource_group_name = "rg"
  location            = "westeurope"
  service_plan_id     = "plan"
  site_config {}
  identity {
    type = "SystemAssigned"
  }
}
`;
  ruleCases('missing-role-grant', [
    {
      name: 'the conditional on the identity block is the identity',
      files: { 'main.tf': app + tfGrant('g', 'length(azurerm_linux_web_app.api.identity) == 0 ? "" : azurerm_linux_web_app.api.identity[0].principal_id') },
      findings: [],
    },
    {
      name: 'a conditional on a variable that defaults to false is the identity',
      files: { 'main.tf': 'variable "grant" {\n  default = false\n}\n' + app + tfGrant('g', 'var.grant ? azurerm_linux_web_app.api.identity[0].principal_id : null') },
      findings: [],
    },
    {
      name: 'a choice between a user-assigned and the system identity on a variable may be either',
      files: {
        'main.tf':
          'variable "use_uami" {\n  default = false\n}\n' +
          app.replace('type = "SystemAssigned"', 'type         = "SystemAssigned, UserAssigned"\n    identity_ids = [azurerm_user_assigned_identity.u.id]') +
          'resource "azurerm_user_assigned_identity" "u" {\n  name                = "u"\n  resource_group_name = "rg"\n  location            = "westeurope"\n}\n' +
          tfGrant('g', 'var.use_uami ? azurerm_user_assigned_identity.u.principal_id : azurerm_linux_web_app.api.identity[0].principal_id'),
      },
      findings: [],
    },
    {
      name: 'near miss: a conditional on a local that is false is the empty branch',
      files: { 'main.tf': 'locals {\n  grant = false\n}\n' + app + tfGrant('g', 'local.grant ? azurerm_linux_web_app.api.identity[0].principal_id : ""') },
      findings: [{ file: 'main.tf', line: 4, message: "'azurerm_linux_web_app.api' enables a system-assigned identity" }],
    },
  ]);
});
