/** A small workspace for the language-server tests: an identity granted in another file. */
export const SECRETS_USER = '4633458b-17de-408a-b874-0445c86b69e6';

export const MAIN_BICEP = `resource uami 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'app-id'
  location: 'westeurope'
}

resource site 'Microsoft.Web/sites@2023-01-01' = {
  name: 'app'
  location: 'westeurope'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '\${uami.id}': {}
    }
  }
}

module grant 'grant.bicep' = {
  name: 'grant'
  params: {
    principalId: uami.properties.principalId
  }
}
`;

export const GRANT_BICEP = `param principalId string

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: 'kv'
}

resource ra 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, principalId, '${SECRETS_USER}')
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${SECRETS_USER}')
    principalId: principalId
  }
}
`;
