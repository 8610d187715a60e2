/**
 * Item 4 of issue 8: a Terraform `data "azuread_service_principal"` looked up by a managed
 * identity's object ID, client ID or display name is that identity: it is granted, and a grant to
 * it needs principal_type as for any identity created here. A lookup by something else is not.
 */
import { describe } from 'vitest';
import { ruleCases } from '../../helpers/rule-tester.js';
import { tfIdentityOnJob } from './fixtures.js';

const lookup = (arg: string) => `data "azuread_service_principal" "app" {
  ${arg}
}
`;
const grant = `resource "azurerm_role_assignment" "g" {
  scope                = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/images"
  role_definition_name = "Storage Blob Data Reader"
  principal_id         = data.azuread_service_principal.app.object_id
}
`;
const BY = {
  client_id: 'client_id = azurerm_user_assigned_identity.app.client_id',
  application_id: 'application_id = azurerm_user_assigned_identity.app.client_id',
  object_id: 'object_id = azurerm_user_assigned_identity.app.principal_id',
  display_name: 'display_name = azurerm_user_assigned_identity.app.name',
  'display name typed out': 'display_name = "app-id"',
};

describe('Terraform: azuread_service_principal lookups', () => {
  ruleCases('missing-role-grant', [
    ...Object.entries(BY).map(([by, arg]) => ({ name: `looked up by ${by}: the identity is granted`, files: { 'main.tf': tfIdentityOnJob() + lookup(arg) + grant }, findings: [] })),
    {
      name: 'near miss: another display name is another service principal',
      files: { 'main.tf': tfIdentityOnJob() + lookup('display_name = "deploy-sp"') + grant },
      findings: [{ file: 'main.tf', line: 1 }],
    },
  ]);
  ruleCases('missing-principal-type', [
    ...Object.entries(BY).map(([by, arg]) => ({
      name: `looked up by ${by}: the grant is to an identity created here`,
      files: { 'main.tf': tfIdentityOnJob() + lookup(arg) + grant },
      findings: [{ file: 'main.tf', line: 32, message: "to user-assigned identity 'azurerm_user_assigned_identity.app', created in this configuration" }],
    })),
    {
      name: 'near miss: another service principal is not known to be created here',
      files: { 'main.tf': tfIdentityOnJob() + lookup('display_name = "deploy-sp"') + grant },
      findings: [],
    },
  ]);
});
