/**
 * What the precision review of the shared corpus found wrong (docs/dev/precision.md), each with a
 * near miss: identities the platform uses without an Azure role, a Backup vault's snapshot group,
 * and findings pointed at the call that chooses the offending value.
 */
import { describe } from 'vitest';
import { ruleCases } from '../../helpers/rule-tester.js';
import { OWNER } from './fixtures.js';

const vm = (extension: string) => `resource vm 'Microsoft.Compute/virtualMachines@2024-03-01' = {
  name: 'vm1'
  location: 'westeurope'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {}
}

resource ext 'Microsoft.Compute/virtualMachines/extensions@2024-03-01' = {
  parent: vm
  name: 'ext'
  location: 'westeurope'
  properties: {
    publisher: '${extension}'
    type: 'ConfigurationforWindows'
    typeHandlerVersion: '1.0'
  }
}
`;

describe('missing-role-grant: identities the platform uses', () => {
  ruleCases('missing-role-grant', [
    { name: "a VM's identity used by the Guest Configuration extension", files: { 'main.bicep': vm('Microsoft.GuestConfiguration') }, findings: [] },
    { name: "a VM's identity used by the Azure Monitor Agent", files: { 'main.bicep': vm('Microsoft.Azure.Monitor').replace('ConfigurationforWindows', 'AzureMonitorWindowsAgent') }, findings: [] },
    { name: 'near miss: another extension', files: { 'main.bicep': vm('Microsoft.Compute').replace('ConfigurationforWindows', 'CustomScriptExtension') }, findings: [{ file: 'main.bicep', line: 1 }] },
    {
      name: 'Terraform: azurerm_virtual_machine_extension of Microsoft.GuestConfiguration',
      files: {
        'main.tf': `resource "azurerm_windows_virtual_machine" "vm" {
  name                  = "vm1"
  resource_group_name   = "rg"
  location              = "westeurope"
  size                  = "Standard_B2s"
  admin_username        = "azureuser"
  admin_password        = "P@ssw0rd1234!"
  network_interface_ids = ["/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Network/networkInterfaces/nic"]
  os_disk {
    caching              = "ReadWrite"
    storage_account_type = "Standard_LRS"
  }
  source_image_reference {
    publisher = "MicrosoftWindowsServer"
    offer     = "WindowsServer"
    sku       = "2022-datacenter"
    version   = "latest"
  }
  identity {
    type = "SystemAssigned"
  }
}

resource "azurerm_virtual_machine_extension" "gc" {
  name                 = "AzurePolicyforWindows"
  virtual_machine_id   = azurerm_windows_virtual_machine.vm.id
  publisher            = "Microsoft.GuestConfiguration"
  type                 = "ConfigurationforWindows"
  type_handler_version = "1.0"
}
`,
      },
      findings: [],
    },
    {
      name: "an Arc-connected cluster's mandatory identity",
      files: { 'main.bicep': "resource arc 'Microsoft.Kubernetes/connectedClusters@2024-01-01' = {\n  name: 'arc1'\n  location: 'westeurope'\n  identity: {\n    type: 'SystemAssigned'\n  }\n  properties: {\n    agentPublicKeyCertificate: ''\n  }\n}\n" },
      findings: [],
    },
  ]);
});

describe('broad-scope: a Backup vault on its snapshot resource group', () => {
  const tf = (role: string) => `resource "azurerm_resource_group" "snap" {
  name     = "snapshots-rg"
  location = "westeurope"
}

resource "azurerm_data_protection_backup_vault" "v" {
  name                = "vault"
  resource_group_name = "rg"
  location            = "westeurope"
  datastore_type      = "VaultStore"
  redundancy          = "LocallyRedundant"
  identity {
    type = "SystemAssigned"
  }
}

resource "azurerm_role_assignment" "snap" {
  scope                = azurerm_resource_group.snap.id
  role_definition_name = "${role}"
  principal_id         = azurerm_data_protection_backup_vault.v.identity[0].principal_id
  principal_type       = "ServicePrincipal"
}
`;
  ruleCases('broad-scope', [
    { name: 'Disk Snapshot Contributor', files: { 'main.tf': tf('Disk Snapshot Contributor') }, findings: [] },
    { name: 'Data Operator for Managed Disks', files: { 'main.tf': tf('Data Operator for Managed Disks') }, findings: [] },
    { name: 'near miss: another role on the group', files: { 'main.tf': tf('Reader') }, findings: [{ file: 'main.tf', line: 17, message: "Grants 'Reader' to the system-assigned identity of 'azurerm_data_protection_backup_vault.v' on resource group 'snapshots-rg'" }] },
  ]);
});

const table = `param roleAssignments array
var builtInRoleNames = {
  Owner: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${OWNER}')
}
resource grants 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for ra in roleAssignments: {
  name: guid(resourceGroup().id, ra.principalId, ra.roleDefinitionIdOrName)
  properties: {
    roleDefinitionId: builtInRoleNames[?ra.roleDefinitionIdOrName] ?? ra.roleDefinitionIdOrName
    principalId: ra.principalId
    principalType: ra.?principalType
  }
}]
`;
const caller = (entry: string) => `param principalId string
module m 'm.bicep' = {
  name: 'm'
  params: {
    roleAssignments: [
      ${entry}
    ]
  }
}
`;

describe('findings at the call that chooses the value', () => {
  ruleCases('privileged-role', [
    {
      name: "a role chosen by name from a module's table of built-in roles: at the call",
      files: { 'main.bicep': caller("{\n        principalId: principalId\n        roleDefinitionIdOrName: 'Owner'\n        principalType: 'ServicePrincipal'\n      }"), 'm.bicep': table },
      findings: [{ file: 'main.bicep', line: 2, message: "Grants 'Owner'" }],
    },
  ]);
  ruleCases('missing-principal-type', [
    {
      name: 'principalType passed through, left out by the caller: at the call',
      files: { 'main.bicep': caller("{\n        principalId: principalId\n        roleDefinitionIdOrName: 'Owner'\n      }"), 'm.bicep': table },
      findings: [{ file: 'main.bicep', line: 2 }],
    },
    {
      name: 'near miss: a module that writes no principalType is its own to fix',
      files: { 'main.bicep': caller("{\n        principalId: principalId\n        roleDefinitionIdOrName: 'Owner'\n      }"), 'm.bicep': table.replace('    principalType: ra.?principalType\n', '') },
      findings: [{ file: 'm.bicep', line: 5 }],
    },
  ]);
});

describe('non-idempotent-assignment-name: a principal GUID written into the seed text', () => {
  const leaf = `param appObjectId string
resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: 'kv'
}
resource grant 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid('\${vault.id}-\${appObjectId}-\${ROLE}')
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', ROLE)
    principalId: appObjectId
    principalType: 'ServicePrincipal'
  }
}
`;
  const caller = (objectId: string) => `module m 'm.bicep' = {\n  name: 'm'\n  params: {\n    appObjectId: '${objectId}'\n  }\n}\n`;
  ruleCases('non-idempotent-assignment-name', [
    {
      name: 'the caller passes the principal as a GUID: the seed text holds it',
      files: { 'main.bicep': caller('0f9a6c1e-7d2b-4e61-9a55-3f1c2b7d8e90'), 'm.bicep': `var ROLE = '${OWNER}'\n` + leaf.replace(/\$\{ROLE\}/g, '${ROLE}') },
      findings: [],
    },
  ]);
});
