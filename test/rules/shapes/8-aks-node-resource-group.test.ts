/**
 * Item 8 of issue 8: a grant to an AKS cluster's own identity on that cluster's node resource
 * group is the platform's documented pattern, outside broad-scope. The same grant on another
 * resource group, or another cluster's node resource group, or to another principal, is not.
 */
import { describe } from 'vitest';
import { ruleCases } from '../../helpers/rule-tester.js';

const cluster = (name: string) => `resource "azurerm_kubernetes_cluster" "${name}" {
  name                = "${name}-aks"
  location            = "westeurope"
  resource_group_name = "apps-rg"
  dns_prefix          = "${name}"
  node_resource_group = "${name}-aks-nodes"
  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 1
  }
  identity {
    type = "SystemAssigned"
  }
}
`;
const grant = (scope: string, principal: string) => `resource "azurerm_role_assignment" "g" {
  scope                            = ${scope}
  role_definition_name             = "Virtual Machine Contributor"
  principal_id                     = ${principal}
  skip_service_principal_aad_check = true
}
`;
const KUBELET = 'azurerm_kubernetes_cluster.pay.kubelet_identity[0].object_id';
const CONTROL_PLANE = 'azurerm_kubernetes_cluster.pay.identity[0].principal_id';

describe('Terraform: node resource group grants', () => {
  ruleCases('broad-scope', [
    { name: "the kubelet identity on node_resource_group_id", files: { 'main.tf': cluster('pay') + grant('azurerm_kubernetes_cluster.pay.node_resource_group_id', KUBELET) }, findings: [] },
    { name: "the control plane's identity on node_resource_group_id", files: { 'main.tf': cluster('pay') + grant('azurerm_kubernetes_cluster.pay.node_resource_group_id', CONTROL_PLANE) }, findings: [] },
    {
      name: 'a data source looked up by the node resource group name',
      files: { 'main.tf': cluster('pay') + 'data "azurerm_resource_group" "nodes" {\n  name = azurerm_kubernetes_cluster.pay.node_resource_group\n}\n' + grant('data.azurerm_resource_group.nodes.id', KUBELET) },
      findings: [],
    },
    {
      name: 'the node resource group ID written out',
      files: { 'main.tf': cluster('pay') + grant('"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/pay-aks-nodes"', KUBELET) },
      findings: [],
    },
    {
      name: "near miss: the cluster's own (application) resource group",
      files: { 'main.tf': cluster('pay') + grant('"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/apps-rg"', KUBELET) },
      findings: [{ file: 'main.tf', line: 16, message: "on resource group 'apps-rg'" }],
    },
    {
      name: "near miss: another cluster's node resource group",
      files: { 'main.tf': cluster('pay') + cluster('web') + grant('azurerm_kubernetes_cluster.web.node_resource_group_id', KUBELET) },
      findings: [{ file: 'main.tf', line: 31 }],
    },
    {
      name: 'near miss: another principal on the node resource group',
      files: { 'main.tf': 'variable "ops_principal_id" {}\n' + cluster('pay') + grant('azurerm_kubernetes_cluster.pay.node_resource_group_id', 'var.ops_principal_id') },
      findings: [{ file: 'main.tf', line: 17 }],
    },
  ]);
});

const bicep = (scope: string, principal = 'aks.properties.identityProfile.kubeletidentity.objectId') => `resource aks 'Microsoft.ContainerService/managedClusters@2024-02-01' = {
  name: 'pay-aks'
  location: 'westeurope'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    dnsPrefix: 'pay'
    nodeResourceGroup: 'pay-aks-nodes'
  }
}

module nodeGrant 'grant.bicep' = {
  name: 'kubelet-vm-contributor'
  scope: ${scope}
  params: {
    principalId: ${principal}
  }
}
`;
const bicepGrant = `param principalId string
var role = '9980e02c-c2be-4d73-94e8-173b1dc7cf3c'

resource grant 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(resourceGroup().id, principalId, role)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}
`;

describe('Bicep: node resource group grants', () => {
  ruleCases('broad-scope', [
    { name: 'a module scoped to resourceGroup(aks.properties.nodeResourceGroup)', files: { 'main.bicep': bicep('resourceGroup(aks.properties.nodeResourceGroup)'), 'grant.bicep': bicepGrant }, findings: [] },
    { name: 'the node resource group by its name', files: { 'main.bicep': bicep("resourceGroup('pay-aks-nodes')"), 'grant.bicep': bicepGrant }, findings: [] },
    { name: "near miss: the cluster's own resource group", files: { 'main.bicep': bicep('resourceGroup()'), 'grant.bicep': bicepGrant }, findings: [{ file: 'grant.bicep', line: 4 }] },
    {
      name: 'near miss: another principal on the node resource group',
      files: { 'main.bicep': 'param opsId string\n' + bicep('resourceGroup(aks.properties.nodeResourceGroup)', 'opsId'), 'grant.bicep': bicepGrant },
      findings: [{ file: 'grant.bicep', line: 4 }],
    },
  ]);
});
