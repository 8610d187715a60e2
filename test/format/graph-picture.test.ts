import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, sharedPath } from '../helpers/paths.js';
import { runAsync } from '../helpers/run-async.js';
import { runCli } from '../helpers/run-cli.js';

/**
 * The identity graph of a real example (an example of the AKS module in the shared corpus: a module
 * call, an existing resource group, a grant whose scope is not known, findings) rendered to PNG
 * with real renderers, so the picture is looked at and not only its text: Graphviz for DOT, and
 * Mermaid itself (the `mermaid` package) in headless Chromium for Mermaid. Graphviz and Chromium
 * are Debian packages this test installs when they are missing, as the pre-commit test does.
 * The PNGs are kept in GRANTLINT_PICTURES when that is set (to look at them).
 */

const example = sharedPath('corpus', 'Azure+terraform-azurerm-aks', 'examples', 'startup');
const temp = mkdtempSync(join(tmpdir(), 'grantlint-picture-'));
const out = process.env.GRANTLINT_PICTURES ?? temp;
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const run = (cmd: string, args: string[], options: { env?: NodeJS.ProcessEnv; timeout?: number } = {}) => runAsync(cmd, args, options);

async function ensureDebian(command: string, pkg: string): Promise<string> {
  const where = async (): Promise<string | undefined> => {
    const r = await run('sh', ['-c', `command -v ${command}`]);
    return r.status === 0 ? r.stdout.trim() : undefined;
  };
  const found = await where();
  if (found) return found;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = async (): Promise<boolean> => (await run('apt-get', ['install', '-y', '-q', '--no-install-recommends', pkg], { env })).status === 0;
  if (!(await install())) {
    await run('apt-get', ['update', '-q'], { env });
    if (!(await install())) throw new Error(`${command} is not on PATH and \`apt-get install -y ${pkg}\` failed: this test renders the graph with it.`);
  }
  const again = await where();
  if (!again) throw new Error(`${pkg} was installed but ${command} is not on PATH.`);
  return again;
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(file: string): { width: number; height: number } {
  const bytes = readFileSync(file);
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

const graph = (format: string): string => {
  // The corpus copy is no git checkout: --root says where the repository (and its module) is.
  const r = runCli(['graph', '--format', format, '--root', '../..', '.'], example);
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
};

describe('the identity graph of a real example, as a picture', () => {
  it('the text says what the picture must show', () => {
    const mermaid = graph('mermaid');
    // Nodes by module path; no anonymous "its scope"; the bad grants marked; a legend.
    expect(mermaid).toContain('w_module_aks_azurerm_kubernetes_cluster_ma["module.aks.azurerm_kubernetes_cluster.main<br/>azurerm_kubernetes_cluster"]');
    expect(mermaid).not.toContain('its scope');
    expect(mermaid).toMatch(/\[\("scope set at \.\.\/\.\.\/role_assignments\.tf:\d+"\)\]/);
    expect(mermaid).toMatch(/-->\|"Reader<br\/>✖ broad-scope"\|/);
    expect(mermaid).toMatch(/^ {2}linkStyle \d+ stroke:#e37400,stroke-width:3px/m);
    expect(mermaid).toContain('subgraph legend ["Legend"]');
    const labels = [...mermaid.matchAll(/^ {2}\w+[[({]+"([^"]+)"/gm)].map((m) => m[1]);
    expect(new Set(labels).size).toBe(labels.length);
  });

  it('DOT renders with Graphviz', async () => {
    const dot = await ensureDebian('dot', 'graphviz');
    const source = join(temp, 'graph.dot');
    writeFileSync(source, graph('dot'));
    const png = join(out, 'graph-dot.png');
    const r = await run(dot, ['-Tpng', '-Gdpi=96', source, '-o', png]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const { width, height } = pngSize(png);
    expect(width).toBeGreaterThan(600);
    expect(height).toBeGreaterThan(200);
  }, 300_000);

  it('Mermaid renders with Mermaid in headless Chromium, without a syntax error', async () => {
    const chromium = await ensureDebian('chromium', 'chromium');
    const mermaidJs = join(repoRoot, 'node_modules', 'mermaid', 'dist', 'mermaid.min.js');
    const page = join(temp, 'graph.html');
    // Mermaid reports a syntax error by drawing it; the page's title says which happened.
    writeFileSync(
      page,
      `<!doctype html><html><head><meta charset="utf-8"><title>pending</title><script src="${pathToFileURL(mermaidJs).href}"></script></head>
<body style="margin:0;background:#fff"><pre class="mermaid">${graph('mermaid').replace(/&/g, '&amp;').replace(/</g, '&lt;')}</pre>
<script>
mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', flowchart: { htmlLabels: true } });
mermaid.run().then(() => { document.title = document.querySelector('svg [aria-roledescription="error"], .error-icon') ? 'error' : 'rendered'; })
  .catch((e) => { document.title = 'error: ' + e.message; });
</script></body></html>`,
    );
    const png = join(out, 'graph-mermaid.png');
    const args = ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--allow-file-access-from-files', '--virtual-time-budget=15000', '--window-size=1800,1100'];
    const dom = await run(chromium, [...args, '--dump-dom', pathToFileURL(page).href], { timeout: 120_000 });
    const title = /<title>([^<]*)<\/title>/.exec(dom.stdout)?.[1];
    expect(title, dom.stderr.slice(-2000)).toBe('rendered');
    expect(dom.stdout).toContain('module.aks.azurerm_kubernetes_cluster.main');
    const shot = await run(chromium, [...args, `--screenshot=${png}`, pathToFileURL(page).href], { timeout: 120_000 });
    expect(shot.status, shot.stderr.slice(-2000)).toBe(0);
    expect(statSync(png).size).toBeGreaterThan(20_000);
    expect(pngSize(png)).toEqual({ width: 1800, height: 1100 });
  }, 300_000);
});
