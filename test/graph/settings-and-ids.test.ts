import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/engine/lint.js';
import { identityIdOf } from '../../src/graph/identity-ids.js';
import { findSetting } from '../../src/graph/settings.js';
import type { IdentityGraph } from '../../src/graph/types.js';
import { treeMaker } from '../helpers/tree.js';

const { tree } = treeMaker('grantlint-settings-');

async function graphOf(files: Record<string, string>): Promise<IdentityGraph> {
  const dir = tree(files);
  return (await analyze([dir], { cwd: dir })).graph;
}

function settingsOf(graph: IdentityGraph, symbol: string) {
  const r = graph.resources.find((x) => x.symbol === symbol);
  return r ? graph.settings.get(r.key) : undefined;
}

describe('workload settings', () => {
  it('reads Bicep siteConfig.appSettings and a sites/config appsettings child, and container env', async () => {
    const g = await graphOf({
      'main.bicep': `
param extra object
resource site 'Microsoft.Web/sites@2023-01-01' = {
  name: 'web'
  location: 'westeurope'
  identity: { type: 'SystemAssigned' }
  properties: { siteConfig: { appSettings: [ { name: 'AZURE_CLIENT_ID', value: 'x' } ] } }
}
resource config 'Microsoft.Web/sites/config@2023-01-01' = {
  parent: site
  name: 'appsettings'
  properties: { Secret: '@Microsoft.KeyVault(VaultName=kv;SecretName=s)' }
}
resource merged 'Microsoft.Web/sites@2023-01-01' = {
  name: 'merged'
  location: 'westeurope'
  properties: { siteConfig: { appSettings: extra.list } }
}
resource app 'Microsoft.App/containerApps@2024-03-01' = {
  name: 'app'
  location: 'westeurope'
  properties: { template: { containers: [ { name: 'c1', image: 'x', env: [ { name: 'A', value: '1' }, { name: 'B', secretRef: 'b' } ] } ] } }
}
resource group 'Microsoft.ContainerInstance/containerGroups@2023-05-01' = {
  name: 'cg'
  location: 'westeurope'
  properties: { osType: 'Linux', containers: [ { name: 'c', properties: { image: 'x', resources: { requests: { cpu: 1, memoryInGB: 1 } }, environmentVariables: [ { name: 'E', secureValue: 's' } ] } } ] }
}
`,
    });
    const site = settingsOf(g, 'site')!;
    expect(site.complete).toBe(true);
    expect(site.entries.map((e) => e.name)).toEqual(['AZURE_CLIENT_ID', 'Secret']);
    expect(findSetting(site, 'azure_client_id')?.at.range.start.line).toBe(7);
    expect(g.workloads.find((w) => w.resource.symbol === 'site')?.settings).toBe(site);
    expect(settingsOf(g, 'merged')?.complete).toBe(false);
    const app = settingsOf(g, 'app')!;
    expect(app.entries.map((e) => [e.name, e.container, !!e.secret])).toEqual([['A', 'c1', false], ['B', 'c1', true]]);
    expect(settingsOf(g, 'group')?.entries.map((e) => [e.name, !!e.secret])).toEqual([['E', true]]);
  });

  it('reads ARM JSON config resources named <site>/appsettings', async () => {
    const g = await graphOf({
      'azuredeploy.json': JSON.stringify(
        {
          $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
          contentVersion: '1.0.0.0',
          resources: [
            { type: 'Microsoft.Web/sites', apiVersion: '2023-01-01', name: 'web', location: 'westeurope', identity: { type: 'SystemAssigned' }, properties: {} },
            { type: 'Microsoft.Web/sites/config', apiVersion: '2023-01-01', name: 'web/appsettings', dependsOn: ['web'], properties: { AZURE_CLIENT_ID: 'abc' } },
          ],
        },
        null,
        2,
      ),
    });
    const site = [...g.settings.values()][0];
    expect(site.entries.map((e) => e.name)).toEqual(['AZURE_CLIENT_ID']);
  });

  it('reads azurerm app_settings, container app env blocks and container group variables', async () => {
    const g = await graphOf({
      'main.tf': `
variable "settings" { type = map(string) }
resource "azurerm_linux_web_app" "web" {
  name = "web"
  identity { type = "SystemAssigned" }
  app_settings = { AZURE_CLIENT_ID = "x", OTHER = "y" }
}
resource "azurerm_linux_web_app" "open" {
  name         = "open"
  app_settings = var.settings
}
resource "azurerm_container_app" "app" {
  name = "app"
  template {
    container {
      name  = "main"
      image = "x"
      env {
        name  = "AZURE_CLIENT_ID"
        value = "abc"
      }
      env {
        name        = "PASSWORD"
        secret_name = "pw"
      }
    }
  }
}
resource "azurerm_container_group" "cg" {
  name = "cg"
  container {
    name                         = "c"
    environment_variables        = { A = "1" }
    secure_environment_variables = { S = "2" }
  }
}
`,
    });
    expect(settingsOf(g, 'azurerm_linux_web_app.web')?.entries.map((e) => e.name)).toEqual(['AZURE_CLIENT_ID', 'OTHER']);
    expect(settingsOf(g, 'azurerm_linux_web_app.open')?.complete).toBe(false);
    expect(settingsOf(g, 'azurerm_container_app.app')?.entries.map((e) => [e.name, e.container, !!e.secret])).toEqual([
      ['AZURE_CLIENT_ID', 'main', false],
      ['PASSWORD', 'main', true],
    ]);
    expect(settingsOf(g, 'azurerm_container_group.cg')?.entries.map((e) => [e.name, !!e.secret])).toEqual([
      ['A', false],
      ['S', true],
    ]);
  });
});

describe('identity IDs', () => {
  it('tell principal, client and resource IDs apart in Bicep', async () => {
    const g = await graphOf({
      'main.bicep': `
resource uami 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = { name: 'id1', location: 'westeurope' }
resource site 'Microsoft.Web/sites@2023-01-01' = {
  name: 'web'
  location: 'westeurope'
  identity: { type: 'SystemAssigned, UserAssigned', userAssignedIdentities: { '\${uami.id}': {} } }
  properties: { siteConfig: { appSettings: [
    { name: 'P', value: uami.properties.principalId }
    { name: 'C', value: uami.properties.clientId }
    { name: 'R', value: uami.id }
    { name: 'S', value: site.identity.principalId }
    { name: 'L', value: '/subscriptions/x/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/other' }
    { name: 'N', value: 'plain' }
  ] } }
}
`,
    });
    const settings = g.workloads[0].settings!;
    const of = (n: string) => identityIdOf(g, findSetting(settings, n)!.value);
    expect(of('P')).toMatchObject({ property: 'principalId', identity: { kind: 'user', label: 'uami' } });
    expect(of('C')).toMatchObject({ property: 'clientId', identity: { kind: 'user' } });
    expect(of('R')).toMatchObject({ property: 'resourceId', identity: { kind: 'user' } });
    expect(of('S')).toMatchObject({ property: 'principalId', identity: { kind: 'system' } });
    expect(of('L')).toEqual({ property: 'resourceId' });
    expect(of('N')).toBeUndefined();
  });

  it('tell them apart in Terraform, the AKS kubelet identity included', async () => {
    const g = await graphOf({
      'main.tf': `
resource "azurerm_user_assigned_identity" "kubelet" {
  name = "kubelet"
}
resource "azurerm_kubernetes_cluster" "aks" {
  name = "aks"
  identity { type = "SystemAssigned" }
  kubelet_identity {
    client_id                 = azurerm_user_assigned_identity.kubelet.client_id
    object_id                 = azurerm_user_assigned_identity.kubelet.principal_id
    user_assigned_identity_id = azurerm_user_assigned_identity.kubelet.id
  }
}
resource "azurerm_kubernetes_cluster" "managed" {
  name = "managed"
  identity { type = "SystemAssigned" }
}
resource "azurerm_linux_web_app" "web" {
  name = "web"
  identity { type = "SystemAssigned" }
  app_settings = {
    K = azurerm_kubernetes_cluster.aks.kubelet_identity[0].object_id
    M = azurerm_kubernetes_cluster.managed.kubelet_identity[0].client_id
    C = azurerm_user_assigned_identity.kubelet.client_id
    S = azurerm_linux_web_app.web.identity[0].principal_id
  }
}
`,
    });
    const settings = g.workloads.find((w) => w.resource.symbol === 'azurerm_linux_web_app.web')!.settings!;
    const of = (n: string) => identityIdOf(g, findSetting(settings, n)!.value);
    // The kubelet block's own attributes are followed to the user-assigned identity they name.
    expect(of('K')).toMatchObject({ property: 'principalId', identity: { label: 'azurerm_user_assigned_identity.kubelet' } });
    // A kubelet identity the platform creates is a node of its own, attached to its cluster.
    expect(of('M')).toMatchObject({ property: 'clientId', aks: 'kubelet', identity: { kind: 'kubelet', label: 'azurerm_kubernetes_cluster.managed', platformManaged: true } });
    expect(of('M')?.identity?.workloads.map((w) => w.resource.symbol)).toEqual(['azurerm_kubernetes_cluster.managed']);
    expect(of('C')).toMatchObject({ property: 'clientId', identity: { label: 'azurerm_user_assigned_identity.kubelet' } });
    expect(of('S')).toMatchObject({ property: 'principalId', system: true });
  });
});
