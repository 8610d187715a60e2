import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, lint } from '../../src/engine/lint.js';
import { GRAPH_RENDERERS } from '../../src/format/graph/index.js';
import { dotString, renderDotView } from '../../src/format/graph/dot.js';
import { mermaidText, renderMermaidView } from '../../src/format/graph/mermaid.js';
import { focusView, graphView, type GraphView } from '../../src/format/graph/view.js';
import { runCli } from '../helpers/run-cli.js';
import { treeMaker } from '../helpers/tree.js';
import { expectGolden, fixturesDir } from './fixture.js';

const input = join(fixturesDir, 'graph-input');
const EXT: Record<string, string> = { mermaid: 'mmd', dot: 'dot', json: 'json' };

const HOSTILE: GraphView = {
  nodes: [
    { id: 'w_a', kind: 'workload', label: 'a"]\n```\n<script>x</script>', detail: 'type|#1;&amp;' },
    { id: 'i_b', kind: 'identity', label: 'b\\l"; node [label="pwned"]' },
    { id: 's_c', kind: 'scope', label: "c'}} --> w_a" },
  ],
  edges: [
    { from: 'w_a', to: 'i_b', kind: 'uses' },
    { from: 'i_b', to: 's_c', kind: 'grant', label: 'Owner"| x["y' },
  ],
};

describe('grantlint graph renderers', () => {
  for (const name of Object.keys(EXT)) {
    it(`${name}: golden output for a Bicep + Terraform folder`, async () => {
      const { graph } = await analyze(['.'], { cwd: input });
      const out = GRAPH_RENDERERS[name](graph, { cwd: input });
      expectGolden(out, `graph.${EXT[name]}`);
      const again = await analyze(['.'], { cwd: input });
      expect(GRAPH_RENDERERS[name](again.graph, { cwd: input })).toBe(out);
    });
  }

  it('the view says who can do what where', async () => {
    const { graph } = await analyze(['.'], { cwd: input });
    const view = graphView(graph, input);
    const label = (id: string): string => view.nodes.find((n) => n.id === id)!.label;
    const grants = view.edges.filter((e) => e.kind === 'grant').map((e) => `${label(e.from)} -[${e.label}]-> ${label(e.to)} @${e.file}:${e.line}`);
    expect(grants).toEqual([
      'azurerm_user_assigned_identity.jobs -[Storage Queue Data Contributor]-> jobs-rg @terraform/main.tf:16',
      'site -[Key Vault Secrets User]-> orders-kv @vault-reader.bicep:9',
      'site -[Contributor]-> ordersstore @app.bicep:28',
      'ops_principal_id -[Reader]-> jobs-rg @terraform/main.tf:23',
    ]);
    expect(new Set(view.nodes.map((n) => n.id)).size).toBe(view.nodes.length);
  });

  it('focusView keeps what touches the given files', async () => {
    const { graph } = await analyze(['.'], { cwd: input });
    const focused = focusView(graphView(graph, input), new Set(['vault-reader.bicep']));
    expect(focused.nodes.map((n) => n.id).sort()).toEqual(['i_site', 's_orders_kv', 's_ordersstore', 'w_site']);
  });

  it('mermaid: hostile labels stay inside their quotes, one statement per line', () => {
    const out = renderMermaidView(HOSTILE);
    const lines = out.trimEnd().split('\n');
    expect(lines[1]).toBe('  w_a["a#34;] #96;#96;#96; #60;script#62;x#60;/script#62;<br/>type#124;#35;1;#38;amp;"]');
    expect(lines[3]).toBe("  s_c[(\"c'}} --#62; w_a\")]");
    expect(lines[5]).toBe('  i_b -->|"Owner#34;#124; x[#34;y"| s_c');
    for (const line of lines.slice(1, 6)) expect(line.match(/"/g)?.length).toBe(2);
    expect(out).not.toContain('```');
    expect(mermaidText('a\r\nb')).toBe('a b');
  });

  it('dot: hostile labels are escaped DOT strings', () => {
    const out = renderDotView(HOSTILE);
    expect(out).toContain('"i_b" [label="b\\\\l\\"; node [label=\\"pwned\\"]", shape=ellipse');
    expect(dotString('a"b\\c\nd')).toBe('"a\\"b\\\\c\\nd"');
    // Every quoted string is closed on its line: strip escapes, count quotes.
    for (const line of out.split('\n')) expect((line.replace(/\\\\|\\"/g, '').match(/"/g)?.length ?? 0) % 2).toBe(0);
  });

  it('CLI: grantlint graph --format json, and a bad format is a usage error', () => {
    const r = runCli(['graph', '--format', 'json', '.'], input);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.version).toBe(1);
    expect(out.edges.some((e: { label?: string }) => e.label === 'Contributor')).toBe(true);
    const bad = runCli(['graph', '--format', 'png', '.'], input);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe("grantlint: Unknown graph format 'png'; use one of: mermaid, dot, json.\n");
    const mermaid = runCli(['graph', '.'], input);
    expect(mermaid.stdout).toMatch(/^flowchart LR\n/);
  });
});

describe('the picture people read', () => {
  const { tree } = treeMaker('grantlint-graph-view-');
  const OWNER = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';
  const READER = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';
  const project = tree({
    'main.bicep': `module appA 'app.bicep' = {\n  name: 'a'\n  params: { appName: 'app-a' }\n}\nmodule appB 'app.bicep' = {\n  name: 'b'\n  params: { appName: 'app-b' }\n}\n`,
    'app.bicep': `param appName string\nresource site 'Microsoft.Web/sites@2023-01-01' = {\n  name: appName\n  location: 'westeurope'\n  identity: { type: 'SystemAssigned' }\n}\nresource owner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {\n  name: guid(resourceGroup().id, site.id, '${OWNER}')\n  properties: {\n    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${OWNER}')\n    principalId: site.identity.principalId\n    principalType: 'ServicePrincipal'\n  }\n}\n`,
    'tf/main.tf': `variable "names" {\n  default = ["a", "b", "c"]\n}\nvariable "target" {\n  type = string\n}\nresource "azurerm_user_assigned_identity" "jobs" {\n  for_each            = toset(var.names)\n  name                = each.value\n  location            = "westeurope"\n  resource_group_name = "rg"\n}\nresource "azurerm_role_assignment" "read" {\n  for_each           = toset(var.names)\n  scope              = var.target\n  role_definition_id = "/providers/Microsoft.Authorization/roleDefinitions/${READER}"\n  principal_id       = azurerm_user_assigned_identity.jobs[each.value].principal_id\n  principal_type     = "ServicePrincipal"\n}\n`,
  });

  it('labels nodes by module path, merges look-alikes, names an unknown scope, marks grants with findings', async () => {
    const result = await lint(['.'], { cwd: project, keepGraph: true });
    const view = graphView(result.graph!, project, result.findings);
    const nodes = view.nodes.map((n) => `${n.kind}:${n.label}${n.count ? ` ×${n.count}` : ''}`);
    expect(nodes).toEqual(expect.arrayContaining(['workload:appA/site', 'workload:appB/site', 'identity:appA/site', 'identity:appB/site']));
    // Three loop copies of one identity declaration are one node that says so.
    expect(nodes).toContain('identity:azurerm_user_assigned_identity.jobs ×3');
    // The scope comes from an input: named by it, not "its scope".
    expect(nodes).toContain('scope:scope from var.target');
    expect(nodes.some((n) => n.includes('its scope'))).toBe(false);
    const owner = view.edges.filter((e) => e.label === 'Owner');
    expect(owner).toHaveLength(2);
    for (const e of owner) expect(e).toMatchObject({ severity: 'error', rules: ['broad-scope', 'privileged-role'] });
    const reader = view.edges.find((e) => e.label === 'Reader')!;
    expect(reader.severity).toBeUndefined();

    const mermaid = renderMermaidView(view);
    const ownerIndex = view.edges.indexOf(owner[0]);
    expect(mermaid).toContain(`  linkStyle ${ownerIndex} stroke:#d93025,stroke-width:3px,color:#d93025`);
    expect(mermaid).toContain('-->|"Owner<br/>✖ broad-scope, privileged-role"|');
    expect(mermaid).toContain('azurerm_user_assigned_identity.jobs<br/>user-assigned identity ×3');
    expect(mermaid).toContain('subgraph legend ["Legend"]');
    const dot = renderDotView(view);
    expect(dot).toMatch(/\[label="Owner\\n✖ broad-scope, privileged-role", tooltip="app\.bicep:7", color="#d93025", fontcolor="#d93025", penwidth=2\.5\];/);
    expect(dot).toContain('subgraph cluster_legend {');
  });

  it('grantlint graph marks the grants with findings too', () => {
    const r = runCli(['graph', '--format', 'dot', '.'], project);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('color="#d93025"');
  });
});

describe('the picture marks slots and federation', () => {
  const { tree } = treeMaker('grantlint-graph-slots-');

  it('a slot points at its production app, an identity at the credentials it trusts', async () => {
    const dir = tree({
      'main.bicep': `resource app 'Microsoft.Web/sites@2023-12-01' = {
  name: 'app'
  location: 'westeurope'
  properties: {}
}
resource staging 'Microsoft.Web/sites/slots@2023-12-01' = {
  parent: app
  name: 'staging'
  location: 'westeurope'
  properties: {}
}
resource deployer 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'deployer'
  location: 'westeurope'
}
resource github 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials@2023-01-31' = {
  parent: deployer
  name: 'github'
  properties: {
    issuer: 'https://token.actions.githubusercontent.com'
    subject: 'repo:contoso/app:environment:production'
    audiences: ['api://AzureADTokenExchange']
  }
}
`,
    });
    const { graph } = await analyze(['.'], { cwd: dir });
    const view = graphView(graph, dir);
    const label = (id: string): string => view.nodes.find((n) => n.id === id)!.label;
    const edges = view.edges.filter((e) => e.kind === 'slot' || e.kind === 'trusts').map((e) => `${label(e.from)} -[${e.label}]-> ${label(e.to)}`);
    expect(edges).toEqual(['deployer -[trusts]-> github', 'staging -[slot of]-> app']);
    expect(view.nodes.find((n) => n.kind === 'credential')).toMatchObject({ label: 'github', detail: "subject 'repo:contoso/app:environment:production'", file: 'main.bicep', line: 16 });
    const mermaid = renderMermaidView(view);
    expect(mermaid).toContain('w_staging ==>|"slot of"| w_app');
    expect(mermaid).toContain('i_deployer -.->|"trusts"| c_github');
    expect(renderDotView(view)).toContain('"w_staging" -> "w_app" [label="slot of", style=bold];');
  });
});
