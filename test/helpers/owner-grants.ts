/** Owner grants on a resource group: privileged-role findings that must never be lost (the hostile-input and worker tests). */
export const OWNER = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';

/** Terraform; `extra` lines go first in the block (a `count`). */
export const tfOwner = (extra = ''): string => `resource "azurerm_role_assignment" "owner" {
${extra}  scope                = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg"
  role_definition_name = "Owner"
  principal_id         = var.principal_id
}
`;

export const BICEP_OWNER = `param principalId string
resource owner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(resourceGroup().id, principalId, '${OWNER}')
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${OWNER}')
    principalId: principalId
  }
}
`;
