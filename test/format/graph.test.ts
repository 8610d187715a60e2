import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/engine/lint.js';
import { GRAPH_RENDERERS } from '../../src/format/graph/index.js';
import { dotString, renderDotView } from '../../src/format/graph/dot.js';
import { mermaidText, renderMermaidView } from '../../src/format/graph/mermaid.js';
import { focusView, graphView, type GraphView } from '../../src/format/graph/view.js';
import { runCli } from '../helpers/run-cli.js';
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
