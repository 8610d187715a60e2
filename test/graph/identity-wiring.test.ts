import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/engine/lint.js';
import type { IdentityGraph } from '../../src/graph/types.js';
import { treeMaker } from '../helpers/tree.js';

const { tree } = treeMaker('grantlint-wiring-');

async function graphOf(files: Record<string, string>): Promise<IdentityGraph> {
  const dir = tree(files);
  return (await analyze([dir], { cwd: dir })).graph;
}

const ARM = (resources: unknown[], outputs?: unknown) =>
  JSON.stringify({ $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#', contentVersion: '1.0.0.0', resources, ...(outputs ? { outputs } : {}) }, null, 2);

describe('AKS clusters: control plane and kubelet as two principals', () => {
  it('Terraform: a system-assigned control plane and the kubelet identity AKS creates', async () => {
    const g = await graphOf({
      'main.tf': `resource "azurerm_kubernetes_cluster" "shop" {
  name = "shop"
  identity { type = "SystemAssigned" }
}
resource "azurerm_role_assignment" "pull" {
  scope                = "x"
  role_definition_name = "AcrPull"
  principal_id         = azurerm_kubernetes_cluster.shop.kubelet_identity[0].object_id
}
`,
    });
    const [cluster] = g.clusters;
    expect(cluster.controlPlane.map((i) => i.kind)).toEqual(['system']);
    expect(cluster.kubelet).toMatchObject({ kind: 'kubelet', createdHere: false, platformManaged: true, label: 'azurerm_kubernetes_cluster.shop' });
    expect(cluster.kubelet).not.toBe(cluster.controlPlane[0]);
    expect(cluster.kubelet.workloads.map((w) => w.resource.symbol)).toEqual(['azurerm_kubernetes_cluster.shop']);
    expect(cluster.kubeletPrincipal).toBe('azurerm_kubernetes_cluster.shop.kubelet_identity[0].object_id');
    // The grant to the kubelet identity names that node.
    expect(g.grants[0].principal.identity).toBe(cluster.kubelet);
    expect(g.identityIndex.get(cluster.kubelet.id)).toBe(cluster.kubelet);
  });

  it('Bicep: a user-assigned control plane and a user-assigned kubelet identity', async () => {
    const g = await graphOf({
      'main.bicep': `resource cp 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'cp'
  location: 'westeurope'
}
resource kubelet 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'kubelet'
  location: 'westeurope'
}
resource aks 'Microsoft.ContainerService/managedClusters@2024-05-01' = {
  name: 'aks'
  location: 'westeurope'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '\${cp.id}': {}
    }
  }
  properties: {
    identityProfile: {
      kubeletidentity: {
        resourceId: kubelet.id
      }
    }
  }
}
`,
    });
    const [cluster] = g.clusters;
    expect(cluster.controlPlane.map((i) => i.label)).toEqual(['cp']);
    expect(cluster.kubelet.label).toBe('kubelet');
    expect(cluster.kubeletPrincipal).toBe('kubelet.properties.principalId');
    expect(g.identities.some((i) => i.kind === 'kubelet')).toBe(false);
  });

  it('Bicep: the same user-assigned identity as control plane and kubelet', async () => {
    const g = await graphOf({
      'main.bicep': `resource both 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'both'
  location: 'westeurope'
}
resource aks 'Microsoft.ContainerService/managedClusters@2024-05-01' = {
  name: 'aks'
  location: 'westeurope'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '\${both.id}': {}
    }
  }
  properties: {
    identityProfile: {
      kubeletidentity: {
        resourceId: both.id
      }
    }
  }
}
`,
    });
    const [cluster] = g.clusters;
    expect(cluster.controlPlane).toEqual([cluster.kubelet]);
    expect(cluster.workload!.identities).toEqual([cluster.kubelet]);
  });

  it('ARM JSON: the kubelet principal as a reference() expression', async () => {
    const g = await graphOf({
      'azuredeploy.json': ARM([{ type: 'Microsoft.ContainerService/managedClusters', apiVersion: '2024-05-01', name: 'aks', location: 'westeurope', identity: { type: 'SystemAssigned' }, properties: {} }]),
    });
    expect(g.clusters[0].kubeletPrincipal).toBe("[reference(resourceId('Microsoft.ContainerService/managedClusters', 'aks'), '2024-05-01').identityProfile.kubeletidentity.objectId]");
  });
});

describe('principals written with another of the identity\'s IDs', () => {
  it('still name the identity', async () => {
    const g = await graphOf({
      'main.tf': `resource "azurerm_user_assigned_identity" "w" {
  name = "w"
}
resource "azurerm_role_assignment" "by_client_id" {
  scope                = "x"
  role_definition_name = "Reader"
  principal_id         = azurerm_user_assigned_identity.w.client_id
}
`,
    });
    expect(g.grants[0].principal).toMatchObject({ kind: 'managedIdentity', identity: { label: 'azurerm_user_assigned_identity.w' } });
  });
});

describe('exports: outputs and module arguments', () => {
  it('Bicep: outputs of roots and modules, arguments of readable modules (registry modules are external calls)', async () => {
    const g = await graphOf({
      'main.bicep': `module local 'mod.bicep' = {
  name: 'local'
  params: {
    given: 'a'
  }
}
module registry 'br/public:avm/res/app/job:0.7.0' = {
  name: 'registry'
  params: {
    identity: 'b'
  }
}
output fromRoot string = local.outputs.back
`,
      'mod.bicep': "param given string\noutput back string = given\n",
    });
    const shown = g.exports.map((e) => `${e.kind}:${e.name}`).sort();
    expect(shown).toEqual(['moduleArgument:given', 'output:back', 'output:fromRoot']);
    expect(g.externalCalls?.map((c) => c.source)).toEqual(['br/public:avm/res/app/job:0.7.0']);
  });

  it('Terraform: outputs of every module instance, arguments of every call to a module it reads', async () => {
    const g = await graphOf({
      'main.tf': 'module "local" {\n  source = "./mod"\n  given  = "a"\n}\nmodule "registry" {\n  source  = "Azure/x/azurerm"\n  version = "1.0.0"\n  ids     = ["b"]\n}\noutput "root" {\n  value = module.local.back\n}\n',
      'mod/main.tf': 'variable "given" { type = string }\noutput "back" {\n  value = var.given\n}\n',
    });
    const shown = g.exports.map((e) => `${e.kind}:${e.name}`).sort();
    expect(shown).toEqual(['moduleArgument:given', 'output:back', 'output:root']);
    expect(g.externalCalls?.map((c) => c.source)).toEqual(['Azure/x/azurerm']);
    expect(g.exports.find((e) => e.name === 'root')?.value).toMatchObject({ kind: 'string', value: 'a' });
  });

  it("ARM JSON: a template's outputs", async () => {
    const g = await graphOf({ 'azuredeploy.json': ARM([], { id: { type: 'string', value: 'x' } }) });
    expect(g.exports).toMatchObject([{ kind: 'output', name: 'id', value: { kind: 'string', value: 'x' } }]);
  });
});

describe('slots and federated credentials', () => {
  it('ARM JSON: a slot named app/slot belongs to the app of that name', async () => {
    const g = await graphOf({
      'azuredeploy.json': ARM([
        { type: 'Microsoft.Web/sites', apiVersion: '2023-12-01', name: 'api', location: 'westeurope', properties: {} },
        { type: 'Microsoft.Web/sites/slots', apiVersion: '2023-12-01', name: 'api/staging', location: 'westeurope', properties: {} },
      ]),
    });
    expect(g.slots.map((s) => `${s.resource.symbol} -> ${s.app.symbol}`)).toEqual(['Microsoft.Web/sites/slots/api/staging -> Microsoft.Web/sites/api']);
  });

  it('Terraform: a credential trusts its parent identity; an AKS issuer is linked to its cluster', async () => {
    const g = await graphOf({
      'main.tf': `resource "azurerm_kubernetes_cluster" "k" {
  name = "k"
  identity { type = "SystemAssigned" }
}
resource "azurerm_user_assigned_identity" "w" {
  name = "w"
}
resource "azurerm_federated_identity_credential" "c" {
  name      = "c"
  parent_id = azurerm_user_assigned_identity.w.id
  audience  = ["api://AzureADTokenExchange"]
  issuer    = azurerm_kubernetes_cluster.k.oidc_issuer_url
  subject   = "system:serviceaccount:ns:sa"
}
`,
    });
    const [c] = g.federatedCredentials;
    expect(c.identity?.label).toBe('azurerm_user_assigned_identity.w');
    expect(c.issuerCluster?.symbol).toBe('azurerm_kubernetes_cluster.k');
  });

  it('Kubernetes: a service account is linked to the credential naming its namespace and name', async () => {
    const g = await graphOf({
      'main.tf': 'resource "azurerm_user_assigned_identity" "w" {\n  name = "w"\n}\nresource "azurerm_federated_identity_credential" "c" {\n  name      = "c"\n  parent_id = azurerm_user_assigned_identity.w.id\n  subject   = "system:serviceaccount:ns:sa"\n}\n',
      'k8s/sa.yaml': 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa\n  namespace: ns\n  annotations:\n    azure.workload.identity/client-id: "{{ .Values.clientId }}"\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa\n  namespace: other\n  annotations:\n    azure.workload.identity/client-id: 00000000-0000-0000-0000-000000000000\n',
    });
    expect(g.serviceAccounts.map((a) => [a.namespace, a.name, a.clientId, a.trustedBy.length, a.at.range.start.line])).toEqual([
      ['ns', 'sa', '{{ .Values.clientId }}', 1, 1],
      ['other', 'sa', '00000000-0000-0000-0000-000000000000', 0, 9],
    ]);
  });
});
