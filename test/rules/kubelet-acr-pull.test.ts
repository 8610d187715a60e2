import { describe } from 'vitest';
import { ruleCases } from '../helpers/rule-tester.js';

const registry = `resource "azurerm_container_registry" "shop" {
  name                = "shopacr"
  resource_group_name = "aks-rg"
  location            = "westeurope"
  sku                 = "Standard"
}
`;
const cluster = (extra = '', identity = 'type = "SystemAssigned"') => `resource "azurerm_kubernetes_cluster" "shop" {
  name                = "shop-aks"
  location            = "westeurope"
  resource_group_name = "aks-rg"
  dns_prefix          = "shop"
  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 1
  }
  identity {
    ${identity}
  }
${extra}}
`;
const grant = (name: string, principal: string, role = 'AcrPull', scope = 'azurerm_container_registry.shop.id') => `resource "azurerm_role_assignment" "${name}" {
  scope                            = ${scope}
  role_definition_name             = "${role}"
  principal_id                     = ${principal}
  skip_service_principal_aad_check = true
}
`;
const tfUami = (name: string) => `resource "azurerm_user_assigned_identity" "${name}" {
  name                = "${name}"
  resource_group_name = "aks-rg"
  location            = "westeurope"
}
`;
// The first line after registry (6 lines) and cluster() (15 lines).
const GRANT_LINE = 21;

describe('kubelet-acr-pull', () => {
  ruleCases('kubelet-acr-pull', [
    {
      name: 'Terraform: AcrPull to the system-assigned control plane names the kubelet expression',
      files: { 'main.tf': registry + cluster() + grant('pull', 'azurerm_kubernetes_cluster.shop.identity[0].principal_id') },
      findings: [{ file: 'main.tf', line: GRANT_LINE, message: "the control plane of AKS cluster 'azurerm_kubernetes_cluster.shop'; its nodes pull images with the kubelet identity, so pulls fail. Grant it to the kubelet identity instead: principal ID azurerm_kubernetes_cluster.shop.kubelet_identity[0].object_id." }],
    },
    {
      name: 'Terraform: AcrPull to the kubelet identity is right',
      files: { 'main.tf': registry + cluster() + grant('pull', 'azurerm_kubernetes_cluster.shop.kubelet_identity[0].object_id') },
      findings: [],
    },
    {
      name: 'Terraform: the kubelet identity is granted too, so the control-plane grant is unused',
      files: { 'main.tf': registry + cluster() + grant('pull', 'azurerm_kubernetes_cluster.shop.identity[0].principal_id') + grant('kubelet_pull', 'azurerm_kubernetes_cluster.shop.kubelet_identity[0].object_id') },
      findings: [{ file: 'main.tf', line: GRANT_LINE, message: 'which holds a pull grant there already, so this grant is access nothing uses. Remove it.' }],
    },
    {
      name: 'Terraform: AcrPush can pull too',
      files: { 'main.tf': registry + cluster() + grant('push', 'azurerm_kubernetes_cluster.shop.identity[0].principal_id', 'AcrPush') },
      findings: [{ file: 'main.tf', line: GRANT_LINE, message: "'AcrPush'" }],
    },
    {
      name: 'Terraform: a role that cannot pull is another matter',
      files: { 'main.tf': registry + cluster() + grant('delete', 'azurerm_kubernetes_cluster.shop.identity[0].principal_id', 'AcrDelete') },
      findings: [],
    },
    {
      name: 'Terraform: a grant on a resource group is not on a registry',
      files: { 'main.tf': registry + cluster() + grant('rg', 'azurerm_kubernetes_cluster.shop.identity[0].principal_id', 'AcrPull', '"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/aks-rg"') },
      findings: [],
    },
    {
      name: 'Terraform: a user-assigned control plane with a kubelet identity of its own',
      files: {
        'main.tf':
          registry +
          cluster(
            `  kubelet_identity {
    client_id                 = azurerm_user_assigned_identity.kubelet.client_id
    object_id                 = azurerm_user_assigned_identity.kubelet.principal_id
    user_assigned_identity_id = azurerm_user_assigned_identity.kubelet.id
  }
`,
            'type = "UserAssigned"\n    identity_ids = [azurerm_user_assigned_identity.control.id]',
          ) +
          grant('pull', 'azurerm_user_assigned_identity.control.principal_id') +
          tfUami('control') +
          tfUami('kubelet'),
      },
      findings: [{ file: 'main.tf', line: 27, message: 'principal ID azurerm_user_assigned_identity.kubelet.principal_id' }],
    },
    {
      name: 'Terraform: one user-assigned identity as control plane and kubelet',
      files: {
        'main.tf':
          registry +
          cluster(
            `  kubelet_identity {
    client_id                 = azurerm_user_assigned_identity.both.client_id
    object_id                 = azurerm_user_assigned_identity.both.principal_id
    user_assigned_identity_id = azurerm_user_assigned_identity.both.id
  }
`,
            'type = "UserAssigned"\n    identity_ids = [azurerm_user_assigned_identity.both.id]',
          ) +
          grant('pull', 'azurerm_user_assigned_identity.both.principal_id') +
          tfUami('both'),
      },
      findings: [],
    },
    {
      name: 'Terraform: a cluster read through a data source, granted by its identity block',
      files: {
        'main.tf':
          registry +
          `data "azurerm_kubernetes_cluster" "shop" {
  name                = "shop-aks"
  resource_group_name = "aks-rg"
}
` +
          grant('pull', 'data.azurerm_kubernetes_cluster.shop.identity[0].principal_id'),
      },
      findings: [{ file: 'main.tf', line: 11, message: 'data.azurerm_kubernetes_cluster.shop.kubelet_identity[0].object_id' }],
    },
    {
      name: 'Terraform (azapi): the cluster and the grant as azapi resources',
      files: {
        'main.tf': `resource "azapi_resource" "aks" {
  type      = "Microsoft.ContainerService/managedClusters@2024-05-01"
  name      = "shop-aks"
  parent_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/aks-rg"
  identity {
    type = "SystemAssigned"
  }
  body = {
    properties = { dnsPrefix = "shop" }
  }
}
` + registry + grant('pull', 'azapi_resource.aks.identity[0].principal_id'),
      },
      findings: [{ file: 'main.tf', line: 18, message: 'azapi_resource.aks.output.properties.identityProfile.kubeletidentity.objectId' }],
    },
    {
      name: 'Bicep: a user-assigned control plane that is not the kubelet identity',
      files: {
        'main.bicep': `var acrPull = '7f951dda-4ed3-4680-a7ca-43fe172d538d'
resource controlPlane 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'cp'
  location: 'westeurope'
}
resource kubelet 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'kubelet'
  location: 'westeurope'
}
resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' existing = {
  name: 'shopacr'
}
resource aks 'Microsoft.ContainerService/managedClusters@2024-05-01' = {
  name: 'shop-aks'
  location: 'westeurope'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '\${controlPlane.id}': {}
    }
  }
  properties: {
    identityProfile: {
      kubeletidentity: {
        resourceId: kubelet.id
        clientId: kubelet.properties.clientId
        objectId: kubelet.properties.principalId
      }
    }
  }
}
resource pull 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registry.id, controlPlane.id, acrPull)
  scope: registry
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', acrPull)
    principalId: controlPlane.properties.principalId
    principalType: 'ServicePrincipal'
  }
}
`,
      },
      findings: [{ file: 'main.bicep', line: 32, message: "user-assigned identity 'controlPlane', the control plane of AKS cluster 'aks'" }],
    },
    {
      name: 'Bicep: a control-plane identity also carried by a VM may pull for the VM',
      files: {
        'main.bicep': `var acrPull = '7f951dda-4ed3-4680-a7ca-43fe172d538d'
resource shared 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'shared'
  location: 'westeurope'
}
resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' existing = {
  name: 'shopacr'
}
resource aks 'Microsoft.ContainerService/managedClusters@2024-05-01' = {
  name: 'shop-aks'
  location: 'westeurope'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '\${shared.id}': {}
    }
  }
  properties: {}
}
resource vm 'Microsoft.Compute/virtualMachines@2023-09-01' = {
  name: 'builder'
  location: 'westeurope'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '\${shared.id}': {}
    }
  }
  properties: {}
}
resource pull 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registry.id, shared.id, acrPull)
  scope: registry
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', acrPull)
    principalId: shared.properties.principalId
    principalType: 'ServicePrincipal'
  }
}
`,
      },
      findings: [],
    },
    {
      name: 'ARM JSON: the system-assigned identity read with reference(..., full)',
      files: {
        'azuredeploy.json': JSON.stringify(
          {
            $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
            contentVersion: '1.0.0.0',
            resources: [
              { type: 'Microsoft.ContainerService/managedClusters', apiVersion: '2024-05-01', name: 'shop-aks', location: 'westeurope', identity: { type: 'SystemAssigned' }, properties: {} },
              {
                type: 'Microsoft.Authorization/roleAssignments',
                apiVersion: '2022-04-01',
                scope: "[resourceId('Microsoft.ContainerRegistry/registries', 'shopacr')]",
                name: "[guid('shopacr', 'shop-aks', 'pull')]",
                properties: {
                  roleDefinitionId: "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '7f951dda-4ed3-4680-a7ca-43fe172d538d')]",
                  principalId: "[reference(resourceId('Microsoft.ContainerService/managedClusters', 'shop-aks'), '2024-05-01', 'full').identity.principalId]",
                  principalType: 'ServicePrincipal',
                },
              },
            ],
          },
          null,
          2,
        ),
      },
      findings: [{ file: 'azuredeploy.json', line: 15, message: "[reference(resourceId('Microsoft.ContainerService/managedClusters', 'shop-aks'), '2024-05-01').identityProfile.kubeletidentity.objectId]" }],
    },
  ]);
});
