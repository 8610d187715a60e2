/**
 * Item 1 of issue 8: identity references wrapped in functions that keep their meaning (`toLower`,
 * `toUpper`, `trim`, `string`; Terraform `lower`, `upper`, `trimspace`, `tostring`), and resource
 * types written with a trailing `/`, still name the identity. Functions that change the value
 * (`replace`, `substring`) do not.
 */
import { describe } from 'vitest';
import { ruleCases } from '../../helpers/rule-tester.js';
import { armGrant, armSite, armTemplate, bicepGrant, bicepImages, bicepSite, tfGrant, tfIdentityOnJob } from './fixtures.js';

const ref = (type = 'Microsoft.Web/sites') => `reference(resourceId('${type}', 'api'), '2023-12-01', 'Full').identity.principalId`;

describe('ARM: wrapped reference() principals', () => {
  ruleCases('missing-role-grant', [
    ...['toLower', 'toUpper', 'trim', 'string'].map((fn) => ({
      name: `${fn}(reference(...).identity.principalId) is the site's identity`,
      files: { 'azuredeploy.json': armTemplate([armSite('api'), armGrant(`[${fn}(${ref()})]`)]) },
      findings: [],
    })),
    {
      name: "a trailing '/' on the type is the same type",
      files: { 'azuredeploy.json': armTemplate([armSite('api'), armGrant(`[toLower(${ref('Microsoft.Web/sites/')})]`)]) },
      findings: [],
    },
    {
      name: 'near miss: replace() changes the value, so it is not the identity',
      files: { 'azuredeploy.json': armTemplate([armSite('api'), armGrant(`[replace(${ref()}, '-', '')]`)]) },
      findings: [{ file: 'azuredeploy.json', line: 5, message: 'nothing here grants it a role' }],
    },
    {
      name: 'near miss: the wrapper holds another resource',
      files: { 'azuredeploy.json': armTemplate([armSite('api'), armGrant(`[toLower(reference(resourceId('Microsoft.Web/sites', 'other'), '2023-12-01', 'Full').identity.principalId)]`)]) },
      findings: [{ file: 'azuredeploy.json', line: 5 }],
    },
  ]);

  ruleCases('missing-principal-type', [
    {
      name: 'a principal that stays unknown is quoted as written, function names spelled as in the template',
      files: {
        'azuredeploy.json': armTemplate([
          {
            type: 'Microsoft.Authorization/roleAssignments',
            apiVersion: '2022-04-01',
            name: "[guid(resourceGroup().id, parameters('p'))]",
            properties: { roleDefinitionId: "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'acdd72a7-3385-48ef-bd42-f606fba81ae7')]", principalId: "[toLower(replace(parameters('p'), '-', ''))]" },
          },
        ], { parameters: { p: { type: 'string' } } }),
      },
      findings: [{ file: 'azuredeploy.json', line: 10, message: "principal toLower(replace(parameters('p'), '-', ''))" }],
    },
  ]);
});

describe('Bicep: wrapped principals', () => {
  ruleCases('missing-role-grant', [
    ...['toLower', 'toUpper', 'trim', 'string'].map((fn) => ({
      name: `${fn}(api.identity.principalId) is the API's identity`,
      files: { 'main.bicep': bicepImages + bicepSite('api') + bicepGrant('grant', `${fn}(api.identity.principalId)`) },
      findings: [],
    })),
    {
      name: 'near miss: substring() changes the value',
      files: { 'main.bicep': bicepImages + bicepSite('api') + bicepGrant('grant', 'substring(api.identity.principalId, 0, 8)') },
      findings: [{ file: 'main.bicep', line: 4, message: "'api' enables a system-assigned identity, but nothing here grants it a role." }],
    },
  ]);
});

describe('Terraform: wrapped principals', () => {
  ruleCases('missing-role-grant', [
    ...['lower', 'upper', 'trimspace', 'tostring'].map((fn) => ({
      name: `${fn}(azurerm_user_assigned_identity.app.principal_id) is the identity`,
      files: { 'main.tf': tfIdentityOnJob() + tfGrant('g', `${fn}(azurerm_user_assigned_identity.app.principal_id)`) },
      findings: [],
    })),
    {
      name: 'near miss: replace() changes the value',
      files: { 'main.tf': tfIdentityOnJob() + tfGrant('g', 'replace(azurerm_user_assigned_identity.app.principal_id, "-", "")') },
      findings: [{ file: 'main.tf', line: 1, message: "User-assigned identity 'azurerm_user_assigned_identity.app' is attached to 'azurerm_container_app_job.app'" }],
    },
  ]);
});
