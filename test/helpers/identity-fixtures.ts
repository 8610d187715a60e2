/**
 * A Bicep user-assigned identity holding one grant (Storage Blob Data Reader on an existing
 * account) and used by nothing: the assignment's `dependsOn` names it, which is no use. `name` is
 * the identity's name expression as written (`'sync'`, or a parameter).
 */
export const bicepGrantedIdentity = (name = "'sync'"): string => `resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: 'data'
}
resource sync 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: ${name}
  location: 'westeurope'
}
resource syncBlobs 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, sync.id, 'reader')
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1')
    principalId: sync.properties.principalId
    principalType: 'ServicePrincipal'
  }
  dependsOn: [
    sync
  ]
}
`;
