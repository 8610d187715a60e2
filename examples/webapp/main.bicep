// A web app that reads secrets from a vault and writes blobs: one grant done right, two common mistakes.
param location string = resourceGroup().location

resource site 'Microsoft.Web/sites@2023-01-01' = {
  name: 'orders-web'
  location: location
  identity: {
    type: 'SystemAssigned'
  }
  properties: {}
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: 'orders-kv'
}

resource storage 'Microsoft.Storage/storageAccounts@2023-01-01' existing = {
  name: 'ordersstore'
}

var secretsUser = '4633458b-17de-408a-b874-0445c86b69e6'
var contributor = 'b24988ac-6180-42a0-ab88-20f7382dd24c'

// Right: a narrow data-plane role on the vault, a stable name, the principal type.
resource readSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, site.id, secretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', secretsUser)
    principalId: site.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

// Wrong: Contributor "to make the 403 go away", under a name that leaves out the role.
resource writeBlobs 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, site.id)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', contributor)
    principalId: site.identity.principalId
    principalType: 'ServicePrincipal'
  }
}
