import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/engine/lint.js';
import { vaultAccessModel } from '../../src/graph/keyvault-model.js';
import type { AccessNeed } from '../../src/graph/needs.js';
import type { IdentityGraph } from '../../src/graph/types.js';
import { graphView } from '../../src/format/graph/view.js';
import { treeMaker } from '../helpers/tree.js';

const { tree } = treeMaker('grantlint-needs-');

async function graphOf(files: Record<string, string>): Promise<{ graph: IdentityGraph; dir: string }> {
  const dir = tree(files);
  return { graph: (await analyze([dir], { cwd: dir })).graph, dir };
}

/** A need as a line: kind, identity label (or -), target kind:name, first operation's tail, line. */
function show(n: AccessNeed): string {
  const op = n.operations.map((o) => o.name.split('/').slice(-2).join('/')).join('+');
  return `${n.kind} ${n.identity ? `${n.identity.kind}:${n.identity.label}` : '-'} ${n.target.kind}:${n.target.name ?? '?'} ${op} @${n.at.range.start.line}`;
}

async function needsOf(files: Record<string, string>): Promise<string[]> {
  return (await graphOf(files)).graph.needs.map(show);
}

const uami = (name = 'uami') => `resource ${name} 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${name}-id'
  location: 'westeurope'
}
`;

describe('access needs: App Service and Functions (Bicep)', () => {
  it('Key Vault references by SecretUri and VaultName, through keyVaultReferenceIdentity or the system identity', async () => {
    expect(
      await needsOf({
        'main.bicep': `${uami()}
resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: 'app-kv'
}
resource site 'Microsoft.Web/sites@2023-12-01' = {
  name: 'web'
  location: 'westeurope'
  identity: { type: 'SystemAssigned, UserAssigned', userAssignedIdentities: { '\${uami.id}': {} } }
  properties: {
    keyVaultReferenceIdentity: uami.id
    siteConfig: {
      appSettings: [
        { name: 'A', value: '@Microsoft.KeyVault(SecretUri=\${vault.properties.vaultUri}secrets/a/)' }
        { name: 'B', value: '@Microsoft.KeyVault(VaultName=other-kv;SecretName=b)' }
        { name: 'C', value: 'plain' }
      ]
      connectionStrings: [ { name: 'Db', connectionString: '@Microsoft.KeyVault(SecretUri=https://db-kv.vault.azure.net/secrets/db/)', type: 'SQLAzure' } ]
    }
  }
}
resource other 'Microsoft.Web/sites@2023-12-01' = {
  name: 'other'
  location: 'westeurope'
  identity: { type: 'SystemAssigned' }
  properties: {}
}
resource otherSettings 'Microsoft.Web/sites/config@2023-12-01' = {
  parent: other
  name: 'appsettings'
  properties: { S: '@Microsoft.KeyVault(VaultName=app-kv;SecretName=s)' }
}
`,
      }),
    ).toEqual([
      'keyVaultReference user:uami declared:app-kv getSecret/action @17',
      'keyVaultReference user:uami named:other-kv getSecret/action @18',
      'keyVaultReference user:uami named:db-kv getSecret/action @21',
      'keyVaultReference system:other declared:app-kv getSecret/action @34',
    ]);
  });

  it('host storage by identity: __accountName with __clientId, __blobServiceUri with the system identity; a connection string wins', async () => {
    expect(
      await needsOf({
        'main.bicep': `${uami()}
resource host 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: 'fnhost'
}
resource a 'Microsoft.Web/sites@2023-12-01' = {
  name: 'a'
  location: 'westeurope'
  identity: { type: 'UserAssigned', userAssignedIdentities: { '\${uami.id}': {} } }
  properties: { siteConfig: { appSettings: [
    { name: 'AzureWebJobsStorage__accountName', value: host.name }
    { name: 'AzureWebJobsStorage__clientId', value: uami.properties.clientId }
  ] } }
}
resource b 'Microsoft.Web/sites@2023-12-01' = {
  name: 'b'
  location: 'westeurope'
  identity: { type: 'SystemAssigned' }
  properties: { siteConfig: { appSettings: [
    { name: 'AzureWebJobsStorage__blobServiceUri', value: 'https://fnhost.blob.core.windows.net' }
  ] } }
}
resource c 'Microsoft.Web/sites@2023-12-01' = {
  name: 'c'
  location: 'westeurope'
  identity: { type: 'SystemAssigned' }
  properties: { siteConfig: { appSettings: [
    { name: 'AzureWebJobsStorage', value: 'DefaultEndpointsProtocol=https;AccountName=fnhost;AccountKey=x' }
    { name: 'AzureWebJobsStorage__accountName', value: 'fnhost' }
  ] } }
}
`,
      }),
    ).toEqual(['hostStorage user:uami declared:fnhost blobs/read+blobs/write @14', 'hostStorage system:b declared:fnhost blobs/read+blobs/write @23']);
  });

  it('settings partly unknown: a host-storage connection whose __clientId may be hidden has no known identity', async () => {
    const { graph } = await graphOf({
      'main.bicep': `param extra object
resource a 'Microsoft.Web/sites@2023-12-01' = {
  name: 'a'
  location: 'westeurope'
  identity: { type: 'SystemAssigned' }
  properties: { siteConfig: { appSettings: [ { name: 'AzureWebJobsStorage__accountName', value: 'fnhost' } ] } }
}
resource more 'Microsoft.Web/sites/config@2023-12-01' = {
  parent: a
  name: 'appsettings'
  properties: extra
}
`,
    });
    expect(graph.needs.map((n) => [n.kind, n.identity?.id])).toEqual([['hostStorage', undefined]]);
  });

  it('identity-based binding connections: Service Bus / Event Hubs namespaces and Storage services', async () => {
    expect(
      await needsOf({
        'main.bicep': `resource bus 'Microsoft.ServiceBus/namespaces@2022-10-01-preview' existing = {
  name: 'orders-bus'
}
resource f 'Microsoft.Web/sites@2023-12-01' = {
  name: 'f'
  location: 'westeurope'
  identity: { type: 'SystemAssigned' }
  properties: { siteConfig: { appSettings: [
    { name: 'Orders__fullyQualifiedNamespace', value: 'orders-bus.servicebus.windows.net' }
    { name: 'Events__fullyQualifiedNamespace', value: 'telemetry.servicebus.windows.net' }
    { name: 'Jobs__queueServiceUri', value: 'https://jobsstore.queue.core.windows.net' }
    { name: 'Keyed', value: 'Endpoint=sb://keyed.servicebus.windows.net/;SharedAccessKey=x' }
    { name: 'Keyed__fullyQualifiedNamespace', value: 'keyed.servicebus.windows.net' }
  ] } }
}
`,
      }),
    ).toEqual([
      'messagingConnection system:f declared:orders-bus receive/action+send/action @9',
      'messagingConnection system:f named:telemetry receive/action+send/action+receive/action+send/action @10',
      'storageConnection system:f named:jobsstore messages/read+add/action @11',
    ]);
  });

  it('image pulls: acrUseManagedIdentityCreds with a DOCKER| image, by client ID or the system identity, also in a config child named web', async () => {
    expect(
      await needsOf({
        'main.bicep': `${uami()}
resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' existing = {
  name: 'shopacr'
}
resource a 'Microsoft.Web/sites@2023-12-01' = {
  name: 'a'
  location: 'westeurope'
  identity: { type: 'UserAssigned', userAssignedIdentities: { '\${uami.id}': {} } }
  properties: { siteConfig: {
    linuxFxVersion: 'DOCKER|\${registry.properties.loginServer}/a:1'
    acrUseManagedIdentityCreds: true
    acrUserManagedIdentityID: uami.properties.clientId
  } }
}
resource b 'Microsoft.Web/sites@2023-12-01' = {
  name: 'b'
  location: 'westeurope'
  identity: { type: 'SystemAssigned' }
  properties: {}
}
resource bWeb 'Microsoft.Web/sites/config@2023-12-01' = {
  parent: b
  name: 'web'
  properties: { windowsFxVersion: 'DOCKER|otheracr.azurecr.io/b:1', acrUseManagedIdentityCreds: true }
}
resource hub 'Microsoft.Web/sites@2023-12-01' = {
  name: 'hub'
  location: 'westeurope'
  identity: { type: 'SystemAssigned' }
  properties: { siteConfig: { linuxFxVersion: 'DOCKER|nginx:latest', acrUseManagedIdentityCreds: false } }
}
`,
      }),
    ).toEqual(['imagePull user:uami declared:shopacr pull/read @15', 'imagePull system:b named:otheracr pull/read @28']);
  });

  it('Flex Consumption deployment storage with an identity; a connection string is no need', async () => {
    expect(
      await needsOf({
        'main.bicep': `${uami()}
resource store 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: 'flexdeploy'
}
resource a 'Microsoft.Web/sites@2023-12-01' = {
  name: 'a'
  location: 'westeurope'
  identity: { type: 'SystemAssigned, UserAssigned', userAssignedIdentities: { '\${uami.id}': {} } }
  properties: { functionAppConfig: { deployment: { storage: {
    type: 'blobContainer'
    value: '\${store.properties.primaryEndpoints.blob}deployments'
    authentication: { type: 'UserAssignedIdentity', userAssignedIdentityResourceId: uami.id }
  } } } }
}
resource b 'Microsoft.Web/sites@2023-12-01' = {
  name: 'b'
  location: 'westeurope'
  identity: { type: 'SystemAssigned' }
  properties: { functionAppConfig: { deployment: { storage: {
    type: 'blobContainer'
    value: 'https://flexdeploy.blob.core.windows.net/b'
    authentication: { type: 'StorageAccountConnectionString', storageAccountConnectionStringName: 'X' }
  } } } }
}
`,
      }),
    ).toEqual(['deploymentStorage user:uami declared:flexdeploy blobs/read+blobs/write @13']);
  });
});

describe('access needs: containers, API Management, Application Gateway (Bicep)', () => {
  it('Container Apps registries and Key Vault secrets; container groups; environment certificates', async () => {
    expect(
      await needsOf({
        'main.bicep': `${uami()}
resource app 'Microsoft.App/containerApps@2024-03-01' = {
  name: 'app'
  location: 'westeurope'
  identity: { type: 'SystemAssigned, UserAssigned', userAssignedIdentities: { '\${uami.id}': {} } }
  properties: { configuration: {
    registries: [ { server: 'appacr.azurecr.io', identity: 'system' }, { server: 'docker.io', username: 'x', passwordSecretRef: 'p' } ]
    secrets: [ { name: 'k', keyVaultUrl: 'https://app-kv.vault.azure.net/secrets/k', identity: uami.id }, { name: 'p', value: 'x' } ]
  } }
}
resource group 'Microsoft.ContainerInstance/containerGroups@2023-05-01' = {
  name: 'cg'
  location: 'westeurope'
  identity: { type: 'UserAssigned', userAssignedIdentities: { '\${uami.id}': {} } }
  properties: { osType: 'Linux', containers: [], imageRegistryCredentials: [ { server: 'cgacr.azurecr.io', identity: uami.id } ] }
}
resource env 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: 'env'
  location: 'westeurope'
  identity: { type: 'UserAssigned', userAssignedIdentities: { '\${uami.id}': {} } }
  properties: {}
}
resource cert 'Microsoft.App/managedEnvironments/certificates@2024-03-01' = {
  parent: env
  name: 'cert'
  location: 'westeurope'
  properties: { certificateKeyVaultProperties: { identity: uami.id, keyVaultUrl: 'https://certs-kv.vault.azure.net/secrets/cert' } }
}
`,
      }),
    ).toEqual([
      'imagePull system:app named:appacr pull/read @11',
      'keyVaultSecret user:uami named:app-kv getSecret/action @12',
      'imagePull user:uami named:cgacr pull/read @19',
      'keyVaultCertificate user:uami named:certs-kv getSecret/action @31',
    ]);
  });

  it('API Management named values and custom domains from Key Vault; Application Gateway certificates through its one identity', async () => {
    expect(
      await needsOf({
        'main.bicep': `${uami()}
resource apim 'Microsoft.ApiManagement/service@2023-05-01-preview' = {
  name: 'apim'
  location: 'westeurope'
  sku: { name: 'Developer', capacity: 1 }
  identity: { type: 'SystemAssigned, UserAssigned', userAssignedIdentities: { '\${uami.id}': {} } }
  properties: {
    publisherEmail: 'a@b.c'
    publisherName: 'x'
    hostnameConfigurations: [ { type: 'Proxy', hostName: 'api.contoso.com', keyVaultId: 'https://tls-kv.vault.azure.net/secrets/api' } ]
  }
}
resource nv 'Microsoft.ApiManagement/service/namedValues@2023-05-01-preview' = {
  parent: apim
  name: 'token'
  properties: { displayName: 'token', secret: true, keyVault: { secretIdentifier: 'https://apim-kv.vault.azure.net/secrets/token', identityClientId: uami.properties.clientId } }
}
resource gw 'Microsoft.Network/applicationGateways@2023-09-01' = {
  name: 'gw'
  location: 'westeurope'
  identity: { type: 'UserAssigned', userAssignedIdentities: { '\${uami.id}': {} } }
  properties: { sslCertificates: [ { name: 'tls', properties: { keyVaultSecretId: 'https://tls-kv.vault.azure.net/secrets/gw' } } ] }
}
`,
      }),
    ).toEqual([
      'keyVaultCertificate system:apim named:tls-kv getSecret/action @14',
      'keyVaultSecret user:uami named:apim-kv getSecret/action @20',
      'keyVaultCertificate user:uami named:tls-kv getSecret/action @26',
    ]);
  });
});

describe('access needs: customer-managed keys', () => {
  it('storage, Service Bus, Cognitive Services; Managed HSM keys, keys whose location is not known and ML workspaces without an identity are left out', async () => {
    expect(
      await needsOf({
        'main.bicep': `${uami()}
resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: 'cmk-kv'
}
resource sa 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: 'cmkdata'
  location: 'westeurope'
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  identity: { type: 'UserAssigned', userAssignedIdentities: { '\${uami.id}': {} } }
  properties: { encryption: {
    keySource: 'Microsoft.Keyvault'
    identity: { userAssignedIdentity: uami.id }
    keyvaultproperties: { keyname: 'k', keyvaulturi: vault.properties.vaultUri }
  } }
}
resource plain 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: 'plaindata'
  location: 'westeurope'
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  identity: { type: 'SystemAssigned' }
  properties: { encryption: { keySource: 'Microsoft.Storage', keyvaultproperties: { keyvaulturi: 'https://x.vault.azure.net' } } }
}
resource bus 'Microsoft.ServiceBus/namespaces@2022-10-01-preview' = {
  name: 'bus'
  location: 'westeurope'
  sku: { name: 'Premium' }
  identity: { type: 'SystemAssigned' }
  properties: { encryption: { keySource: 'Microsoft.KeyVault', keyVaultProperties: [ { keyName: 'k', keyVaultUri: 'https://bus-kv.vault.azure.net' } ] } }
}
resource ai 'Microsoft.CognitiveServices/accounts@2023-05-01' = {
  name: 'ai'
  location: 'westeurope'
  kind: 'OpenAI'
  sku: { name: 'S0' }
  identity: { type: 'UserAssigned', userAssignedIdentities: { '\${uami.id}': {} } }
  properties: { encryption: { keySource: 'Microsoft.KeyVault', keyVaultProperties: { keyName: 'k', keyVaultUri: 'https://ai-kv.vault.azure.net/', identityClientId: uami.properties.clientId } } }
}
resource hsm 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: 'hsmdata'
  location: 'westeurope'
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  identity: { type: 'SystemAssigned' }
  properties: { encryption: { keySource: 'Microsoft.Keyvault', keyvaultproperties: { keyname: 'k', keyvaulturi: 'https://h.managedhsm.azure.net/' } } }
}
resource ml 'Microsoft.MachineLearningServices/workspaces@2024-04-01' = {
  name: 'ml'
  location: 'westeurope'
  identity: { type: 'SystemAssigned' }
  properties: { encryption: { status: 'Enabled', keyVaultProperties: { keyVaultArmId: vault.id, keyIdentifier: 'https://cmk-kv.vault.azure.net/keys/k' } } }
}
param keyUri string
resource somewhere 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: 'somewhere'
  location: 'westeurope'
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  identity: { type: 'SystemAssigned' }
  properties: { encryption: { keySource: 'Microsoft.Keyvault', keyvaultproperties: { keyname: 'k', keyvaulturi: keyUri } } }
}
`,
      }),
    ).toEqual([
      'customerManagedKey user:uami declared:cmk-kv wrap/action+unwrap/action @15',
      'customerManagedKey system:bus named:bus-kv wrap/action+unwrap/action @34',
      'customerManagedKey user:uami named:ai-kv wrap/action+unwrap/action @42',
    ]);
  });
});

describe('access needs: Terraform', () => {
  const rg = `resource "azurerm_resource_group" "app" {
  name     = "app-rg"
  location = "westeurope"
}
resource "azurerm_user_assigned_identity" "app" {
  name                = "app-id"
  resource_group_name = azurerm_resource_group.app.name
  location            = azurerm_resource_group.app.location
}
`;
  it('apps: Key Vault references with key_vault_reference_identity_id, connection strings, host storage, Flex deployment storage, image pulls', async () => {
    expect(
      await needsOf({
        'main.tf': `${rg}
resource "azurerm_key_vault_secret" "db" {
  name         = "db"
  value        = "x"
  key_vault_id = "/subscriptions/0/resourceGroups/app-rg/providers/Microsoft.KeyVault/vaults/db-kv"
}
resource "azurerm_linux_web_app" "web" {
  name                            = "web"
  resource_group_name             = azurerm_resource_group.app.name
  location                        = azurerm_resource_group.app.location
  service_plan_id                 = "x"
  key_vault_reference_identity_id = azurerm_user_assigned_identity.app.id
  identity {
    type         = "UserAssigned"
    identity_ids = [azurerm_user_assigned_identity.app.id]
  }
  app_settings = {
    A = "@Microsoft.KeyVault(SecretUri=\${azurerm_key_vault_secret.db.id})"
  }
  connection_string {
    name  = "Db"
    type  = "SQLAzure"
    value = "@Microsoft.KeyVault(VaultName=conn-kv;SecretName=db)"
  }
  site_config {
    container_registry_use_managed_identity       = true
    container_registry_managed_identity_client_id = azurerm_user_assigned_identity.app.client_id
    application_stack {
      docker_image_name   = "web:1"
      docker_registry_url = "https://webacr.azurecr.io"
    }
  }
}
resource "azurerm_linux_function_app" "fn" {
  name                          = "fn"
  resource_group_name           = azurerm_resource_group.app.name
  location                      = azurerm_resource_group.app.location
  service_plan_id               = "x"
  storage_account_name          = "fnhost"
  storage_uses_managed_identity = true
  identity {
    type = "SystemAssigned"
  }
  site_config {}
}
resource "azurerm_function_app_flex_consumption" "flex" {
  name                       = "flex"
  resource_group_name        = azurerm_resource_group.app.name
  location                   = azurerm_resource_group.app.location
  service_plan_id            = "x"
  storage_container_type     = "blobContainer"
  storage_container_endpoint = "https://flexstore.blob.core.windows.net/deploy"
  storage_authentication_type = "SystemAssignedIdentity"
  runtime_name               = "node"
  runtime_version            = "20"
  identity {
    type = "SystemAssigned"
  }
  site_config {}
}
`,
      }),
    ).toEqual([
      'keyVaultReference user:azurerm_user_assigned_identity.app named:db-kv getSecret/action @27',
      'keyVaultReference user:azurerm_user_assigned_identity.app named:conn-kv getSecret/action @29',
      'imagePull user:azurerm_user_assigned_identity.app named:webacr pull/read @35',
      'hostStorage system:azurerm_linux_function_app.fn named:fnhost blobs/read+blobs/write @49',
      'deploymentStorage system:azurerm_function_app_flex_consumption.flex named:flexstore blobs/read+blobs/write @62',
    ]);
  });

  it('container apps, container groups, API Management, Application Gateway', async () => {
    expect(
      await needsOf({
        'main.tf': `${rg}
resource "azurerm_container_app" "app" {
  name                         = "app"
  container_app_environment_id = "x"
  resource_group_name          = azurerm_resource_group.app.name
  revision_mode                = "Single"
  identity {
    type         = "SystemAssigned, UserAssigned"
    identity_ids = [azurerm_user_assigned_identity.app.id]
  }
  registry {
    server   = "appacr.azurecr.io"
    identity = "System"
  }
  secret {
    name                = "k"
    key_vault_secret_id = "https://app-kv.vault.azure.net/secrets/k"
    identity            = azurerm_user_assigned_identity.app.id
  }
  template {
    container {
      name   = "c"
      image  = "appacr.azurecr.io/c:1"
      cpu    = 0.25
      memory = "0.5Gi"
    }
  }
}
resource "azurerm_container_group" "cg" {
  name                = "cg"
  location            = azurerm_resource_group.app.location
  resource_group_name = azurerm_resource_group.app.name
  os_type             = "Linux"
  identity {
    type         = "UserAssigned"
    identity_ids = [azurerm_user_assigned_identity.app.id]
  }
  image_registry_credential {
    server                    = "cgacr.azurecr.io"
    user_assigned_identity_id = azurerm_user_assigned_identity.app.id
  }
  container {
    name   = "c"
    image  = "cgacr.azurecr.io/c:1"
    cpu    = 1
    memory = 1
  }
}
resource "azurerm_api_management" "apim" {
  name                = "apim"
  location            = azurerm_resource_group.app.location
  resource_group_name = azurerm_resource_group.app.name
  publisher_name      = "x"
  publisher_email     = "a@b.c"
  sku_name            = "Developer_1"
  identity {
    type = "SystemAssigned"
  }
}
resource "azurerm_api_management_named_value" "token" {
  name                = "token"
  resource_group_name = azurerm_resource_group.app.name
  api_management_name = azurerm_api_management.apim.name
  display_name        = "token"
  secret              = true
  value_from_key_vault {
    secret_id = "https://apim-kv.vault.azure.net/secrets/token"
  }
}
resource "azurerm_application_gateway" "gw" {
  name                = "gw"
  resource_group_name = azurerm_resource_group.app.name
  location            = azurerm_resource_group.app.location
  identity {
    type         = "UserAssigned"
    identity_ids = [azurerm_user_assigned_identity.app.id]
  }
  ssl_certificate {
    name                = "tls"
    key_vault_secret_id = "https://tls-kv.vault.azure.net/secrets/gw"
  }
}
`,
      }),
    ).toEqual([
      'imagePull system:azurerm_container_app.app named:appacr pull/read @20',
      'keyVaultSecret user:azurerm_user_assigned_identity.app named:app-kv getSecret/action @24',
      'imagePull user:azurerm_user_assigned_identity.app named:cgacr pull/read @47',
      'keyVaultSecret system:azurerm_api_management.apim named:apim-kv getSecret/action @75',
      'keyVaultCertificate user:azurerm_user_assigned_identity.app named:tls-kv getSecret/action @87',
    ]);
  });

  it('customer-managed keys: inline blocks and the separate resources', async () => {
    expect(
      await needsOf({
        'main.tf': `${rg}
resource "azurerm_key_vault" "cmk" {
  name                = "cmk-kv"
  location            = azurerm_resource_group.app.location
  resource_group_name = azurerm_resource_group.app.name
  tenant_id           = "t"
  sku_name            = "premium"
}
resource "azurerm_key_vault_key" "k" {
  name         = "k"
  key_vault_id = azurerm_key_vault.cmk.id
  key_type     = "RSA"
  key_size     = 2048
  key_opts     = ["wrapKey", "unwrapKey"]
}
resource "azurerm_storage_account" "a" {
  name                     = "cmka"
  resource_group_name      = azurerm_resource_group.app.name
  location                 = azurerm_resource_group.app.location
  account_tier             = "Standard"
  account_replication_type = "LRS"
  identity {
    type         = "UserAssigned"
    identity_ids = [azurerm_user_assigned_identity.app.id]
  }
  customer_managed_key {
    key_vault_key_id          = azurerm_key_vault_key.k.versionless_id
    user_assigned_identity_id = azurerm_user_assigned_identity.app.id
  }
}
resource "azurerm_storage_account" "b" {
  name                     = "cmkb"
  resource_group_name      = azurerm_resource_group.app.name
  location                 = azurerm_resource_group.app.location
  account_tier             = "Standard"
  account_replication_type = "LRS"
  identity {
    type = "SystemAssigned"
  }
}
resource "azurerm_storage_account_customer_managed_key" "b" {
  storage_account_id = azurerm_storage_account.b.id
  key_vault_id       = azurerm_key_vault.cmk.id
  key_name           = azurerm_key_vault_key.k.name
}
`,
      }),
    ).toEqual([
      'customerManagedKey user:azurerm_user_assigned_identity.app declared:cmk-kv wrap/action+unwrap/action @35',
      'customerManagedKey system:azurerm_storage_account.b declared:cmk-kv wrap/action+unwrap/action @50',
    ]);
  });
});

describe('access needs: ARM JSON and azapi', () => {
  it('ARM: a Key Vault reference built with concat(reference(...).vaultUri)', async () => {
    expect(
      await needsOf({
        'azuredeploy.json': JSON.stringify(
          {
            $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
            contentVersion: '1.0.0.0',
            resources: [
              { type: 'Microsoft.KeyVault/vaults', apiVersion: '2023-07-01', name: 'arm-kv', location: 'westeurope', properties: { tenantId: 't', sku: { family: 'A', name: 'standard' } } },
              {
                type: 'Microsoft.Web/sites',
                apiVersion: '2023-12-01',
                name: 'arm-web',
                location: 'westeurope',
                identity: { type: 'SystemAssigned' },
                properties: {
                  siteConfig: {
                    appSettings: [{ name: 'S', value: "[concat('@Microsoft.KeyVault(SecretUri=', reference(resourceId('Microsoft.KeyVault/vaults', 'arm-kv'), '2023-07-01').vaultUri, 'secrets/s/)')]" }],
                  },
                },
              },
            ],
          },
          null,
          2,
        ),
      }),
    ).toEqual(['keyVaultReference system:Microsoft.Web/sites/arm-web declared:arm-kv getSecret/action @29']);
  });

  it('azapi: an ARM-shaped body is read like Bicep', async () => {
    expect(
      await needsOf({
        'main.tf': `resource "azapi_resource" "web" {
  type      = "Microsoft.Web/sites@2023-12-01"
  name      = "azapi-web"
  parent_id = "/subscriptions/0/resourceGroups/rg"
  location  = "westeurope"
  identity {
    type = "SystemAssigned"
  }
  body = {
    properties = {
      siteConfig = {
        appSettings = [
          { name = "S", value = "@Microsoft.KeyVault(VaultName=azapi-kv;SecretName=s)" }
        ]
      }
    }
  }
}
`,
      }),
    ).toEqual(['keyVaultReference system:azapi_resource.web named:azapi-kv getSecret/action @13']);
  });
});

describe('key vault access model', () => {
  it('written, the API version default from 2026-02-01, azurerm default, unknown, existing', async () => {
    const { graph } = await graphOf({
      'main.bicep': `param rbac bool
resource a 'Microsoft.KeyVault/vaults@2023-07-01' = { name: 'a', location: 'x', properties: { tenantId: 't', sku: { family: 'A', name: 'standard' } } }
resource b 'Microsoft.KeyVault/vaults@2026-02-01' = { name: 'b', location: 'x', properties: { tenantId: 't', sku: { family: 'A', name: 'standard' } } }
resource c 'Microsoft.KeyVault/vaults@2026-02-01' = { name: 'c', location: 'x', properties: { tenantId: 't', sku: { family: 'A', name: 'standard' }, enableRbacAuthorization: false } }
resource d 'Microsoft.KeyVault/vaults@2023-07-01' = { name: 'd', location: 'x', properties: { tenantId: 't', sku: { family: 'A', name: 'standard' }, enableRbacAuthorization: rbac } }
resource e 'Microsoft.KeyVault/vaults@2023-07-01' existing = { name: 'e' }
`,
      'tf/main.tf': `resource "azurerm_key_vault" "f" {
  name                = "f"
  location            = "x"
  resource_group_name = "rg"
  tenant_id           = "t"
  sku_name            = "standard"
}
resource "azurerm_key_vault" "g" {
  name                      = "g"
  location                  = "x"
  resource_group_name       = "rg"
  tenant_id                 = "t"
  sku_name                  = "standard"
  enable_rbac_authorization = true
}
`,
    });
    const model = (symbol: string) => {
      const m = vaultAccessModel(graph.resources.find((r) => r.symbol === symbol)!);
      return m ? `${m.model}${m.byDefault ? `/${m.byDefault}` : ''}` : 'unknown';
    };
    expect(['a', 'b', 'c', 'd', 'e', 'azurerm_key_vault.f', 'azurerm_key_vault.g'].map(model)).toEqual([
      'accessPolicy/apiVersion',
      'rbac/apiVersion',
      'accessPolicy',
      'unknown',
      'unknown',
      'accessPolicy/provider',
      'rbac',
    ]);
  });
});

describe('the graph picture shows needs', () => {
  it('a need edge from the identity to the target, met or not', async () => {
    const { graph, dir } = await graphOf({
      'main.bicep': `resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' existing = {
  name: 'picacr'
}
resource site 'Microsoft.Web/sites@2023-12-01' = {
  name: 'pic'
  location: 'westeurope'
  identity: { type: 'SystemAssigned' }
  properties: { siteConfig: { linuxFxVersion: 'DOCKER|picacr.azurecr.io/a:1', acrUseManagedIdentityCreds: true } }
}
`,
    });
    const view = graphView(graph, dir);
    expect(view.edges.filter((e) => e.kind === 'needs')).toEqual([
      { from: 'i_site', to: 's_picacr', kind: 'needs', label: 'needs image pull (not granted)', met: false, file: 'main.bicep', line: 8 },
    ]);
  });
});
