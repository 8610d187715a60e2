import { describe, expect, it } from 'vitest';
import { lint } from '../../src/engine/lint.js';
import { ConfigResolver } from '../../src/engine/config.js';
import { builtinRules } from '../../rules/index.js';
import { ruleCases } from '../helpers/rule-tester.js';
import { treeMaker } from '../helpers/tree.js';

const SECRETS_USER = '4633458b-17de-408a-b874-0445c86b69e6';
const CONTRIBUTOR = 'b24988ac-6180-42a0-ab88-20f7382dd24c';
const OWNER = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';
const READER = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';
const BLOB_READER = '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1';
const KV_CONTRIBUTOR = 'f25e0fa2-a7c8-4377-a976-54943a77a395';
const SB_SENDER = '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39';
const STORAGE_ACCOUNT_CONTRIBUTOR = '17d1049b-9a84-46fb-8f53-869881c3d3ab';

/** A web app whose one app setting (line 5) is a Key Vault reference to 'app-kv'. Always first in its file. */
const site = (value = '@Microsoft.KeyVault(VaultName=app-kv;SecretName=s)', extra = '') => `resource site 'Microsoft.Web/sites@2023-12-01' = {
  name: 'web'
  location: 'westeurope'
  identity: { type: 'SystemAssigned' }
  properties: { siteConfig: { appSettings: [ { name: 'Secret', value: '${value}' }${extra} ] } }
}
`;
const vault = (o: { api?: string; rbac?: string; policies?: string; name?: string; symbol?: string } = {}) => `resource ${o.symbol ?? 'vault'} 'Microsoft.KeyVault/vaults@${o.api ?? '2023-07-01'}' = {
  name: '${o.name ?? 'app-kv'}'
  location: 'westeurope'
  properties: {
    tenantId: tenant().tenantId
    sku: { family: 'A', name: 'standard' }
${o.rbac === undefined ? '' : `    enableRbacAuthorization: ${o.rbac}\n`}${o.policies ? `    accessPolicies: [ { tenantId: tenant().tenantId, objectId: site.identity.principalId, permissions: { secrets: [ ${o.policies} ] } } ]\n` : ''}  }
}
`;
const grant = (role: string, o: { scope?: string | null; principal?: string; symbol?: string } = {}) => `resource ${o.symbol ?? 'grant'} 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid('${o.symbol ?? 'grant'}', '${role}')
${o.scope === null ? '' : `  scope: ${o.scope ?? 'vault'}\n`}  properties: {
    roleDefinitionId: ${role.startsWith('param:') ? role.slice(6) : `subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${role}')`}
    principalId: ${o.principal ?? 'site.identity.principalId'}
    principalType: 'ServicePrincipal'
  }
}
`;

describe('access-not-granted (Bicep)', () => {
  ruleCases('access-not-granted', [
    {
      name: 'Contributor on the vault carries no data actions: the reference is not granted',
      files: { 'main.bicep': site() + vault({ rbac: 'true' }) + grant(CONTRIBUTOR) },
      findings: [{ file: 'main.bicep', line: 5, message: "it holds 'Contributor' on 'app-kv' (Microsoft.KeyVault/vaults), which carries no data actions. Grant 'Key Vault Secrets User' on the key vault: add a role assignment with scope: vault" }],
    },
    {
      name: 'Owner does not meet a data-plane need either',
      files: { 'main.bicep': site() + vault({ rbac: 'true' }) + grant(OWNER) },
      findings: [{ file: 'main.bicep', line: 5, message: "'Owner' on 'app-kv'" }],
    },
    {
      name: 'Key Vault Secrets User on the vault meets it',
      files: { 'main.bicep': site() + vault({ rbac: 'true' }) + grant(SECRETS_USER) },
      findings: [],
    },
    {
      name: 'the right role on the resource group above the target meets it',
      files: { 'main.bicep': site() + vault({ rbac: 'true' }) + grant(SECRETS_USER, { scope: null }) },
      findings: [],
    },
    {
      name: 'the right role on another vault does not',
      files: { 'main.bicep': site() + vault({ rbac: 'true' }) + vault({ rbac: 'true', name: 'other-kv', symbol: 'other' }) + grant(SECRETS_USER, { scope: 'other' }) },
      findings: [{ file: 'main.bicep', line: 5, message: 'its grants are on other resources' }],
    },
    {
      name: 'a custom role declared here that allows getSecret meets it; one that only sets secrets does not',
      files: {
        'main.bicep':
          site() +
          vault({ rbac: 'true' }) +
          `resource reader 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid('reader')
  properties: { roleName: 'Secret Reader', permissions: [ { actions: [], dataActions: [ 'Microsoft.KeyVault/vaults/secrets/*/action' ], notDataActions: [ 'Microsoft.KeyVault/vaults/secrets/setSecret/action' ] } ], assignableScopes: [ resourceGroup().id ] }
}
` +
          grant('param:reader.id'),
      },
      findings: [],
    },
    {
      name: 'a custom role whose notDataActions take getSecret away does not meet it',
      files: {
        'main.bicep':
          site() +
          vault({ rbac: 'true' }) +
          `resource setter 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid('setter')
  properties: { roleName: 'Secret Setter', permissions: [ { dataActions: [ 'Microsoft.KeyVault/vaults/secrets/*' ], notDataActions: [ 'Microsoft.KeyVault/vaults/secrets/getSecret/action' ] } ], assignableScopes: [ resourceGroup().id ] }
}
` +
          grant('param:setter.id'),
      },
      findings: [{ file: 'main.bicep', line: 5, message: "'Secret Setter'" }],
    },
    {
      name: 'a role grantlint cannot resolve may meet it',
      files: { 'main.bicep': 'param roleId string\n' + site().replace(/^/, '') + vault({ rbac: 'true' }) + grant('param:roleId') },
      findings: [],
    },
    {
      name: 'no grant at all is missing-role-grant alone',
      files: { 'main.bicep': site() + vault({ rbac: 'true' }) },
      findings: [],
    },
    {
      name: 'an access-policy vault: a policy with get meets it, a role assignment is keyvault-access-model business',
      files: { 'main.bicep': site() + vault({ policies: "'get'" }) + grant(SECRETS_USER) },
      findings: [],
    },
    {
      name: 'an access-policy vault: a policy with list only does not meet it',
      files: { 'main.bicep': site() + vault({ policies: "'list'" }) + grant(READER, { scope: null }) },
      findings: [{ file: 'main.bicep', line: 5 }],
    },
    {
      name: 'an RBAC vault ignores the policy that would meet it: keyvault-access-model reports it, not this rule',
      files: { 'main.bicep': site() + vault({ rbac: 'true', policies: "'get'" }) + grant(READER, { scope: null }) },
      findings: [],
    },
    {
      name: 'two references to the same vault through the same identity: one finding',
      files: { 'main.bicep': site(undefined, ", { name: 'Other', value: '@Microsoft.KeyVault(SecretUri=https://app-kv.vault.azure.net/secrets/o/)' }") + vault({ rbac: 'true' }) + grant(CONTRIBUTOR) },
      findings: [{ file: 'main.bicep', line: 5 }],
    },
    {
      name: 'a Service Bus connection: a sender meets it (either direction counts), a blob role does not',
      files: {
        'main.bicep': `${site("x', value: 'y' }, { name: 'Bus__fullyQualifiedNamespace', value: 'orders-bus.servicebus.windows.net")}resource bus 'Microsoft.ServiceBus/namespaces@2022-10-01-preview' existing = {
  name: 'orders-bus'
}
${grant(BLOB_READER, { scope: 'bus' })}`,
        'ok.bicep': `${site("x', value: 'y' }, { name: 'Bus__fullyQualifiedNamespace', value: 'orders-bus.servicebus.windows.net")}resource bus 'Microsoft.ServiceBus/namespaces@2022-10-01-preview' existing = {
  name: 'orders-bus'
}
${grant(SB_SENDER, { scope: 'bus' })}`,
      },
      findings: [{ file: 'main.bicep', line: 5, message: "'Azure Service Bus Data Receiver' (or 'Azure Service Bus Data Sender')" }],
    },
    {
      name: 'a slot of an app declared here is slot-identity-drift business',
      files: {
        'main.bicep':
          site() +
          `resource slot 'Microsoft.Web/sites/slots@2023-12-01' = {
  parent: site
  name: 'staging'
  location: 'westeurope'
  identity: { type: 'SystemAssigned' }
  properties: { siteConfig: { appSettings: [ { name: 'Secret', value: '@Microsoft.KeyVault(VaultName=app-kv;SecretName=s)' } ] } }
}
` +
          vault({ rbac: 'true' }) +
          grant(SECRETS_USER) +
          grant(CONTRIBUTOR, { principal: 'slot.identity.principalId', symbol: 'slotGrant' }),
      },
      findings: [],
    },
    {
      name: 'the principal is also passed to a module grantlint cannot read: it may be granted there',
      files: {
        'main.bicep':
          site() +
          vault({ rbac: 'true' }) +
          grant(CONTRIBUTOR) +
          "module more 'br/public:avm/res/authorization/role-assignment:0.1.0' = {\n  name: 'more'\n  params: {\n    principalId: site.identity.principalId\n  }\n}\n",
      },
      findings: [],
    },
    {
      name: 'a grant to a conditional principal that may be the identity counts as its grant',
      files: {
        'main.bicep':
          'param useSite bool\nparam otherId string\n' +
          site() +
          vault({ rbac: 'true' }) +
          grant(CONTRIBUTOR) +
          grant(SECRETS_USER, { principal: 'useSite ? site.identity.principalId : otherId', symbol: 'maybe' }),
      },
      findings: [],
    },
    {
      name: 'the reference is passed in by the caller of a module: the finding is at the module call',
      files: {
        'main.bicep': `module app 'app.bicep' = {
  name: 'app'
  params: {
    secretRef: '@Microsoft.KeyVault(VaultName=app-kv;SecretName=s)'
  }
}
`,
        'app.bicep': `param secretRef string
${site("' , value: secretRef }, { name: 'x', value: 'y")}${vault({ rbac: 'true' })}${grant(CONTRIBUTOR)}`.replace("{ name: 'Secret', value: '' , value: secretRef }", "{ name: 'Secret', value: secretRef }"),
      },
      findings: [{ file: 'main.bicep', line: 1 }],
    },
  ]);
});

describe('access-not-granted (Terraform)', () => {
  const app = (role: string, scope = 'azurerm_storage_account.host.id') => `resource "azurerm_resource_group" "fn" {
  name     = "fn-rg"
  location = "westeurope"
}

resource "azurerm_storage_account" "host" {
  name                     = "fnhoststore"
  resource_group_name      = azurerm_resource_group.fn.name
  location                 = azurerm_resource_group.fn.location
  account_tier             = "Standard"
  account_replication_type = "LRS"
}

resource "azurerm_linux_function_app" "fn" {
  name                          = "fn"
  resource_group_name           = azurerm_resource_group.fn.name
  location                      = azurerm_resource_group.fn.location
  service_plan_id               = "x"
  storage_account_name          = azurerm_storage_account.host.name
  storage_uses_managed_identity = true

  identity {
    type = "SystemAssigned"
  }

  site_config {}
}

variable "scope" {
  type = string
}

resource "azurerm_resource_group" "other" {
  name     = "other-rg"
  location = "westeurope"
}

resource "azurerm_role_assignment" "host" {
  scope                = ${scope}
  role_definition_name = "${role}"
  principal_id         = azurerm_linux_function_app.fn.identity[0].principal_id
  principal_type       = "ServicePrincipal"
}
`;
  ruleCases('access-not-granted', [
    {
      name: 'Storage Blob Data Reader cannot write the host blobs',
      files: { 'main.tf': app('Storage Blob Data Reader') },
      findings: [{ file: 'main.tf', line: 20, message: 'which does not allow Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write. Grant \'Storage Blob Data Contributor\' on the storage account: add an azurerm_role_assignment with scope = azurerm_storage_account.host.id, role_definition_name = "Storage Blob Data Contributor", principal_id = azurerm_linux_function_app.fn.identity[0].principal_id' }],
    },
    { name: 'Storage Blob Data Owner meets it', files: { 'main.tf': app('Storage Blob Data Owner') }, findings: [] },
    { name: 'the right role on the resource group of the account meets it', files: { 'main.tf': app('Storage Blob Data Contributor', 'azurerm_resource_group.fn.id') }, findings: [] },
    { name: 'the right role on another resource group does not', files: { 'main.tf': app('Storage Blob Data Contributor', 'azurerm_resource_group.other.id') }, findings: [{ file: 'main.tf', line: 20, message: 'its grants are on other resources' }] },
    { name: 'an unknown scope may contain it', files: { 'main.tf': app('Storage Blob Data Contributor', 'var.scope') }, findings: [] },
    { name: 'Contributor carries no data actions', files: { 'main.tf': app('Contributor') }, findings: [{ file: 'main.tf', line: 20, message: 'carries no data actions' }] },
  ]);
});

describe('access-not-granted (ARM JSON)', () => {
  const template = (pullRole: string) =>
    JSON.stringify(
      {
        $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
        contentVersion: '1.0.0.0',
        variables: { identityId: "[resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', 'api')]" },
        resources: [
          { type: 'Microsoft.ManagedIdentity/userAssignedIdentities', apiVersion: '2023-01-31', name: 'api', location: 'westeurope' },
          {
            type: 'Microsoft.Authorization/roleAssignments',
            apiVersion: '2022-04-01',
            scope: 'Microsoft.ContainerRegistry/registries/apiacr',
            name: "[guid('pull')]",
            properties: {
              roleDefinitionId: `[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${pullRole}')]`,
              principalId: "[reference(variables('identityId'), '2023-01-31').principalId]",
              principalType: 'ServicePrincipal',
            },
          },
          {
            type: 'Microsoft.App/containerApps',
            apiVersion: '2024-03-01',
            name: 'api',
            location: 'westeurope',
            identity: { type: 'UserAssigned', userAssignedIdentities: { "[variables('identityId')]": {} } },
            properties: {
              configuration: {
                registries: [{ server: 'apiacr.azurecr.io', identity: "[variables('identityId')]" }],
                secrets: [{ name: 'k', keyVaultUrl: 'https://api-kv.vault.azure.net/secrets/k', identity: "[variables('identityId')]" }],
              },
            },
          },
        ],
      },
      null,
      2,
    );
  ruleCases('access-not-granted', [
    { name: "Reader's */read covers the pull; the Key Vault secret is not granted", files: { 'azuredeploy.json': template(READER) }, findings: [{ file: 'azuredeploy.json', line: 45, message: "Grant 'Key Vault Secrets User' on the key vault" }] },
    { name: "Contributor's * covers the pull too", files: { 'azuredeploy.json': template(CONTRIBUTOR) }, findings: [{ file: 'azuredeploy.json', line: 45 }] },
    { name: 'a blob role covers neither', files: { 'azuredeploy.json': template(BLOB_READER) }, findings: [{ file: 'azuredeploy.json', line: 39, message: "'AcrPull'" }, { file: 'azuredeploy.json', line: 45 }] },
  ]);
});

describe('missing-role-grant names what the identity needs', () => {
  ruleCases('missing-role-grant', [
    {
      name: 'a system-assigned identity with a known need and no grant',
      files: { 'main.bicep': site() + vault({ rbac: 'true' }) },
      findings: [{ file: 'main.bicep', line: 1, message: "'site' enables a system-assigned identity, but nothing here grants it a role, and the Key Vault reference in app setting 'Secret' needs Microsoft.KeyVault/vaults/secrets/getSecret/action on key vault 'app-kv' through it. Grant 'Key Vault Secrets User' on the key vault: add a role assignment with scope: vault" }],
    },
    {
      name: 'a user-assigned identity (Terraform) with a known need and no grant',
      files: {
        'main.tf': `resource "azurerm_user_assigned_identity" "pull" {
  name                = "pull"
  resource_group_name = "rg"
  location            = "westeurope"
}

resource "azurerm_container_group" "cg" {
  name                = "cg"
  location            = "westeurope"
  resource_group_name = "rg"
  os_type             = "Linux"
  identity {
    type         = "UserAssigned"
    identity_ids = [azurerm_user_assigned_identity.pull.id]
  }
  image_registry_credential {
    server                    = "cgacr.azurecr.io"
    user_assigned_identity_id = azurerm_user_assigned_identity.pull.id
  }
  container {
    name   = "c"
    image  = "cgacr.azurecr.io/c:1"
    cpu    = 1
    memory = 1
  }
}
`,
      },
      findings: [{ file: 'main.tf', line: 1, message: "needs Microsoft.ContainerRegistry/registries/pull/read on container registry 'cgacr' (cgacr.azurecr.io) through it. Grant 'AcrPull' on the container registry: add an azurerm_role_assignment with scope = <the ID of container registry \"cgacr\" (cgacr.azurecr.io)>, role_definition_name = \"AcrPull\", principal_id = azurerm_user_assigned_identity.pull.principal_id" }],
    },
    {
      name: 'without known needs the message stays as it was',
      files: { 'main.bicep': site('plain') },
      findings: [{ file: 'main.bicep', line: 1, message: "'site' enables a system-assigned identity, but nothing here grants it a role. Grant it the role it needs on the resource it uses" }],
    },
  ]);
});

describe('role-target-mismatch', () => {
  const onVault = (role: string, scope: string | null = 'vault') => site('plain') + vault({ rbac: 'true' }) + grant(role, { scope });
  ruleCases('role-target-mismatch', [
    { name: 'Storage Blob Data Reader on a vault', files: { 'main.bicep': onVault(BLOB_READER) }, findings: [{ file: 'main.bicep', line: 16, message: "Grants 'Storage Blob Data Reader' to the system-assigned identity of 'site' on 'app-kv' (Microsoft.KeyVault/vaults), but none of the role's permissions apply to Microsoft.KeyVault resources" }] },
    { name: 'Key Vault Secrets User on a vault', files: { 'main.bicep': onVault(SECRETS_USER) }, findings: [] },
    { name: "Reader's */read applies everywhere", files: { 'main.bicep': onVault(READER) }, findings: [] },
    { name: 'Storage Account Contributor lists Microsoft.Insights and Microsoft.Authorization actions, which apply everywhere', files: { 'main.bicep': onVault(STORAGE_ACCOUNT_CONTRIBUTOR) }, findings: [] },
    { name: 'a grant on the resource group is outside the rule', files: { 'main.bicep': onVault(BLOB_READER, null) }, findings: [] },
    { name: 'an unresolved role is not judged', files: { 'main.bicep': 'param roleId string\n' + site('plain') + vault({ rbac: 'true' }) + grant('param:roleId') }, findings: [] },
    {
      name: 'Terraform: a custom role whose permissions are not known is not judged; AcrPull on a registry fits',
      files: {
        'main.tf': `variable "actions" {
  type = list(string)
}

data "azurerm_storage_account" "data" {
  name                = "opsdata"
  resource_group_name = "ops-rg"
}

data "azurerm_container_registry" "acr" {
  name                = "opsacr"
  resource_group_name = "ops-rg"
}

resource "azurerm_role_definition" "ops" {
  name  = "Ops"
  scope = "/subscriptions/00000000-0000-0000-0000-000000000000"
  permissions {
    actions = var.actions
  }
}

resource "azurerm_role_assignment" "ops" {
  scope              = data.azurerm_storage_account.data.id
  role_definition_id = azurerm_role_definition.ops.role_definition_resource_id
  principal_id       = "00000000-0000-0000-0000-000000000001"
}

resource "azurerm_role_assignment" "pull" {
  scope                = data.azurerm_container_registry.acr.id
  role_definition_name = "AcrPull"
  principal_id         = "00000000-0000-0000-0000-000000000001"
}

resource "azurerm_role_assignment" "pull_wrong" {
  scope                = data.azurerm_storage_account.data.id
  role_definition_name = "AcrPull"
  principal_id         = "00000000-0000-0000-0000-000000000001"
}
`,
      },
      findings: [{ file: 'main.tf', line: 35, message: "'AcrPull'" }],
    },
    {
      name: 'ARM JSON: AcrPull on a storage account named by resourceId()',
      files: {
        'azuredeploy.json': JSON.stringify(
          {
            $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
            contentVersion: '1.0.0.0',
            parameters: { principalId: { type: 'string' } },
            resources: [
              {
                type: 'Microsoft.Authorization/roleAssignments',
                apiVersion: '2022-04-01',
                scope: "[resourceId('Microsoft.Storage/storageAccounts', 'data')]",
                name: "[guid(resourceId('Microsoft.Storage/storageAccounts', 'data'), parameters('principalId'), '7f951dda-4ed3-4680-a7ca-43fe172d538d')]",
                properties: {
                  roleDefinitionId: "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '7f951dda-4ed3-4680-a7ca-43fe172d538d')]",
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
      findings: [{ file: 'azuredeploy.json', line: 10, message: "'AcrPull'" }],
    },
  ]);
});

describe('keyvault-access-model', () => {
  ruleCases('keyvault-access-model', [
    {
      name: 'a vaults/accessPolicies child on an RBAC vault, at its entry',
      files: {
        'main.bicep':
          site('plain') +
          vault({ rbac: 'true' }) +
          `resource add 'Microsoft.KeyVault/vaults/accessPolicies@2023-07-01' = {
  parent: vault
  name: 'add'
  properties: { accessPolicies: [
    { tenantId: tenant().tenantId, objectId: site.identity.principalId, permissions: { secrets: [ 'get' ] } }
  ] }
}
`,
      },
      findings: [{ file: 'main.bicep', line: 20, message: "This access policy for the system-assigned identity of 'site' is ignored: key vault 'app-kv' uses Azure RBAC (enableRbacAuthorization: true). Grant 'Key Vault Secrets User' on the vault with a role assignment instead, or set enableRbacAuthorization: false" }],
    },
    {
      name: "a principal from a registry module's output is quoted as written, not as passed in",
      files: {
        'main.bicep':
          site('plain') +
          vault({ rbac: 'true' }) +
          `module identity 'br/public:avm/res/managed-identity/user-assigned-identity:0.5.1' = {
  name: 'identity'
  params: { name: 'id' }
}
resource add 'Microsoft.KeyVault/vaults/accessPolicies@2023-07-01' = {
  parent: vault
  name: 'add'
  properties: { accessPolicies: [
    { tenantId: tenant().tenantId, objectId: identity.outputs.principalId, permissions: { secrets: [ 'get' ] } }
  ] }
}
`,
      },
      findings: [{ file: 'main.bicep', line: 24, message: 'This access policy for principal identity.outputs.principalId (kind unknown) is ignored' }],
    },
    { name: 'a model from a parameter is unknown: nothing', files: { 'main.bicep': 'param rbac bool\n' + site('plain') + vault({ rbac: 'rbac', policies: "'get'" }) + grant(SECRETS_USER) }, findings: [] },
    {
      name: 'an existing vault: its model is set elsewhere',
      files: { 'main.bicep': site('plain') + "resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {\n  name: 'app-kv'\n}\n" + grant(SECRETS_USER) },
      findings: [],
    },
    { name: 'Key Vault Contributor on an access-policy vault is control plane only', files: { 'main.bicep': site('plain') + vault({ rbac: 'false' }) + grant(KV_CONTRIBUTOR) }, findings: [] },
    {
      name: 'a data role on a secret of an access-policy vault',
      files: {
        'main.bicep':
          site('plain') +
          vault({ rbac: 'false' }) +
          "resource secret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' existing = {\n  parent: vault\n  name: 's'\n}\n" +
          grant(SECRETS_USER, { scope: 'secret' }),
      },
      findings: [{ file: 'main.bicep', line: 20, message: 'the vault uses access policies (enableRbacAuthorization: false)' }],
    },
    {
      name: 'Terraform: an access_policy block on an RBAC vault (legacy enable_rbac_authorization)',
      files: {
        'main.tf': `resource "azurerm_user_assigned_identity" "id" {
  name                = "id"
  resource_group_name = "rg"
  location            = "westeurope"
}

resource "azurerm_key_vault" "kv" {
  name                      = "kv"
  location                  = "westeurope"
  resource_group_name       = "rg"
  tenant_id                 = "t"
  sku_name                  = "standard"
  enable_rbac_authorization = true

  access_policy {
    tenant_id          = "t"
    object_id          = azurerm_user_assigned_identity.id.principal_id
    secret_permissions = ["Get"]
  }
}
`,
      },
      findings: [{ file: 'main.tf', line: 15, message: 'rbac_authorization_enabled = true' }],
    },
    {
      name: 'azapi: a 2026-02-01 vault defaults to RBAC',
      files: {
        'main.tf': `resource "azapi_resource" "kv" {
  type      = "Microsoft.KeyVault/vaults@2026-02-01"
  name      = "azapi-kv"
  parent_id = "/subscriptions/0/resourceGroups/rg"
  location  = "westeurope"
  body = {
    properties = {
      tenantId = "t"
      sku      = { family = "A", name = "standard" }
      accessPolicies = [
        { tenantId = "t", objectId = "00000000-0000-0000-0000-000000000001", permissions = { secrets = ["get"] } }
      ]
    }
  }
}
`,
      },
      findings: [{ file: 'main.tf', line: 11, message: 'the API version is 2026-02-01' }],
    },
  ]);
});

describe('unknown-role', () => {
  const tf = (role: string, extra = '') => `${extra}resource "azurerm_role_assignment" "r" {
  scope                = "/subscriptions/00000000-0000-0000-0000-000000000000"
  ${role}
  principal_id         = "00000000-0000-0000-0000-000000000001"
}
`;
  ruleCases('unknown-role', [
    { name: 'a GUID one character off a built-in role', files: { 'main.bicep': site('plain') + grant('ba92f5b4-2d11-453d-a403-e96b0029c9f3', { scope: null }) }, findings: [{ file: 'main.bicep', line: 7, message: "one character off the ID of 'Storage Blob Data Contributor'. Use 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'." }] },
    { name: 'a built-in GUID in upper case is known', files: { 'main.bicep': site('plain') + grant(SECRETS_USER.toUpperCase(), { scope: null }) }, findings: [] },
    { name: 'a GUID far from every role: info', files: { 'main.bicep': site('plain') + grant('0b4c0e91-33cb-4a11-9c4e-6e1a7a1d2b3c', { scope: null }) }, findings: [{ file: 'main.bicep', line: 7, message: 'list it in the knownRoles option' }] },
    {
      name: 'a custom role declared here with a literal GUID is known, also through an existing declaration',
      files: {
        'main.bicep':
          site('plain') +
          "resource custom 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {\n  name: '0b4c0e91-33cb-4a11-9c4e-6e1a7a1d2b3c'\n  properties: { roleName: 'Custom', permissions: [ { actions: [ 'Microsoft.Web/sites/read' ] } ], assignableScopes: [ resourceGroup().id ] }\n}\n" +
          grant('0b4c0e91-33cb-4a11-9c4e-6e1a7a1d2b3c', { scope: null }) +
          "resource far 'Microsoft.Authorization/roleDefinitions@2022-04-01' existing = {\n  scope: subscription()\n  name: '11111111-2222-3333-4444-555555555555'\n}\n" +
          grant('param:far.id', { scope: null, symbol: 'viaExisting' }),
      },
      findings: [],
    },
    { name: 'Terraform: a role name one letter off', files: { 'main.tf': tf('role_definition_name = "Storage Blob Data Reder"') }, findings: [{ file: 'main.tf', line: 1, message: "one character off 'Storage Blob Data Reader'" }] },
    { name: 'Terraform: built-in names in any case are known', files: { 'main.tf': tf('role_definition_name = "storage blob data reader"') }, findings: [] },
    {
      name: 'Terraform: a role_definition_id with a mistyped GUID',
      files: { 'main.tf': tf('role_definition_id   = "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae8"') },
      findings: [{ file: 'main.tf', line: 1, message: "'Reader'" }],
    },
    {
      name: 'Terraform: a data source looking up a mistyped name',
      files: { 'main.tf': tf('role_definition_id   = data.azurerm_role_definition.r.id', 'data "azurerm_role_definition" "r" {\n  name = "Key Vault Secret User"\n}\n\n') },
      findings: [{ file: 'main.tf', line: 5, message: "'Key Vault Secrets User'" }],
    },
    {
      name: 'Terraform: a custom role declared here by name is known',
      files: { 'main.tf': tf('role_definition_name = "Contoso Auditor"', 'resource "azurerm_role_definition" "a" {\n  name  = "Contoso Auditor"\n  scope = "/subscriptions/00000000-0000-0000-0000-000000000000"\n  permissions {\n    actions = ["*/read"]\n  }\n}\n\n') },
      findings: [],
    },
  ]);

  const { tree } = treeMaker('grantlint-unknown-role-');
  const project = {
    'main.tf': tf('role_definition_name = "Contoso Vault Auditor"') + tf('role_definition_name = "Key Vault Secret User"').replace('"r"', '"s"'),
  };

  it('severity: error for a near miss, info otherwise; a configured severity caps but never raises the info', async () => {
    const dir = tree(project);
    const severities = async (config?: string) => {
      if (config) {
        const { writeFileSync } = await import('node:fs');
        writeFileSync(`${dir}/.grantlint.yaml`, config);
      }
      const result = await lint([dir], { cwd: dir, ...(config ? { config: new ConfigResolver({ cwd: dir }) } : {}) });
      return result.findings.filter((f) => f.ruleId === 'unknown-role').map((f) => `${f.range.start.line}:${f.severity}`);
    };
    expect(await severities()).toEqual(['1:info', '6:error']);
    expect(await severities('rules:\n  unknown-role: warning\n')).toEqual(['1:info', '6:warning']);
    expect(await severities('rules:\n  unknown-role: info\n')).toEqual(['1:info', '6:info']);
  });

  it('knownRoles lists custom roles defined elsewhere', async () => {
    const dir = tree(project);
    const rule = builtinRules.find((r) => r.meta.id === 'unknown-role')!;
    const result = await lint([dir], { cwd: dir, rules: [{ rule, severity: 'error', options: { knownRoles: ['contoso vault auditor'] } }] });
    expect(result.findings.filter((f) => f.ruleId === 'unknown-role').map((f) => f.range.start.line)).toEqual([6]);
  });

  it('ARM JSON: a malformed GUID suggests the role meant', async () => {
    const dir = tree({
      'azuredeploy.json': JSON.stringify({
        $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
        contentVersion: '1.0.0.0',
        resources: [
          {
            type: 'Microsoft.Authorization/roleAssignments',
            apiVersion: '2022-04-01',
            name: "[guid('x')]",
            properties: { roleDefinitionId: "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '4633458b17de-408a-b874-0445c86b69e6')]", principalId: '00000000-0000-0000-0000-000000000001' },
          },
        ],
      }),
    });
    const result = await lint([dir], { cwd: dir });
    expect(result.findings.filter((f) => f.ruleId === 'unknown-role').map((f) => [f.severity, f.message])).toEqual([
      ['error', "Role definition ID '4633458b17de-408a-b874-0445c86b69e6' is not a GUID, so the deployment fails. Did you mean 'Key Vault Secrets User' (4633458b-17de-408a-b874-0445c86b69e6)?"],
    ]);
  });
});
