/**
 * The benchmark (`npm run bench`): what docs/performance.md reports.
 *
 *   npm run bench                          # everything
 *   npm run bench -- parse                 # parse throughput per format only
 *   npm run bench -- pipeline | scaling | synthetic | latency | peers
 *   npm run bench -- --runs 5              # repeat each measured run, print medians (default 3)
 *   npm run bench -- --jobs 1              # the pipeline with one thread (default: the cores)
 *   npm run bench -- --checkov /path/venv  # side by side with Checkov from that virtualenv
 *   npm run bench -- peers --peer-sets aks,provider   # only the peer sets whose folder has these words
 *
 * Full runs are separate processes (bench/run-one.ts), so peak RSS is that of one run; CPU time
 * (user + system, every thread) is printed next to wall time because on a shared machine wall
 * time is noise. Parse throughput is single-threaded over texts already in memory.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { discover, type DiscoveredFile } from '../src/discover/discover.js';
import { moduleClosures } from '../src/engine/closures.js';
import { releaseGarbage } from '../src/engine/pool.js';
import { parseBicep } from '../src/syntax/bicep/parser.js';
import { parseHcl } from '../src/syntax/hcl/parser.js';
import { parseJson } from '../src/syntax/json/index.js';
import { packageRoot } from '../src/util/package-root.js';
import { SYNTHETIC_KINDS, syntheticRepo } from './synthetic.js';

const root = packageRoot();
const corpus = resolve(process.env.GRANTLINT_SHARED ?? join(root, '..', 'shared'), 'corpus');
const runOne = join(root, 'dist', 'bench', 'run-one.js');
const cli = join(root, 'bin', 'grantlint.js');
// The V8 flags bin/grantlint.js sets for a lint run: run-one.js is measured under the same ones.
const { TUNING } = (await import(pathToFileURL(join(root, 'bin', 'v8-tuning.js')).href)) as { TUNING: string[] };

const argv = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const runs = Number(flag('--runs') ?? 3);
const jobs = flag('--jobs');
const checkov = flag('--checkov');
const sections = argv.filter((a, i) => !a.startsWith('--') && !argv[i - 1]?.startsWith('--'));
const want = (s: string): boolean => sections.length === 0 || sections.includes(s);

interface RunStats {
  wallMs: number;
  cpuMs: number;
  maxRssKb: number;
  files: number;
  findings: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** `runs` runs of grantlint over `paths` in fresh processes; medians of each figure. */
function measure(paths: string[], cwd: string, extra: string[] = []): RunStats {
  const listFile = join(mkdtempSync(join(tmpdir(), 'grantlint-bench-')), 'files.txt');
  writeFileSync(listFile, paths.join('\n'));
  const all: RunStats[] = [];
  for (let r = 0; r < runs; r++) {
    const out = spawnSync(process.execPath, [...TUNING, runOne, ...(jobs ? ['--jobs', jobs] : []), ...extra, '--files', listFile], { cwd, encoding: 'utf8', maxBuffer: 1 << 26 });
    if (out.status !== 0) throw new Error(`benchmark run failed: ${out.stderr}`);
    all.push(JSON.parse(out.stdout.trim().split('\n').pop()!) as RunStats);
  }
  return {
    wallMs: median(all.map((x) => x.wallMs)),
    cpuMs: median(all.map((x) => x.cpuMs)),
    maxRssKb: median(all.map((x) => x.maxRssKb)),
    files: all[0].files,
    findings: all[0].findings,
  };
}

const bytesOf = (files: string[]): number => files.reduce((n, f) => n + statSync(f).size, 0);
const mb = (bytes: number): string => (bytes / 1e6).toFixed(1);
const s = (ms: number): string => (ms / 1000).toFixed(2);
const row = (cells: (string | number)[], widths: number[]): string => cells.map((c, i) => String(c).padStart(widths[i] ?? 10)).join(' ');

function printRun(label: string, bytes: number, r: RunStats): void {
  console.log(
    row([label, r.files, mb(bytes), s(r.wallMs), s(r.cpuMs), (bytes / 1e6 / (r.wallMs / 1000)).toFixed(1), (r.files / (r.wallMs / 1000)).toFixed(0), (r.maxRssKb / 1024).toFixed(0), r.findings], [
      28, 6, 7, 7, 7, 7, 7, 7, 8,
    ]),
  );
}
const RUN_HEADER = row(['', 'files', 'MB', 'wall s', 'cpu s', 'MB/s', 'files/s', 'RSS MB', 'findings'], [28, 6, 7, 7, 7, 7, 7, 7, 8]);

console.log(`grantlint benchmark: ${new Date().toISOString().slice(0, 10)}, node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; medians of ${runs} runs; --jobs ${jobs ?? 'default (cores)'}`);
if (!existsSync(corpus)) console.log(`(no corpus at ${corpus}: corpus sections are skipped)`);
const files: DiscoveredFile[] = existsSync(corpus) ? await discover([corpus], { cwd: corpus }) : [];
const byKind = (kind: DiscoveredFile['kind']): string[] => files.filter((f) => f.kind === kind).map((f) => f.path);

if (want('parse') && files.length) {
  // Each format from a collected heap: the previous format's trees, left to V8, are marked while
  // the next parses (JSON after Bicep ran mostly at 80-110 MB/s, alone at 150-220, on 2026-12-03).
  console.log('\nParse throughput (single thread, texts in memory, each format from a collected heap, best of 3):');
  const templates = byKind('json').filter((f) => /deploymentTemplate\.json/i.test(readFileSync(f, 'utf8')));
  const parsers: [string, string[], (t: string) => unknown][] = [
    ['bicep', byKind('bicep'), parseBicep],
    ['terraform', byKind('terraform').filter((f) => f.endsWith('.tf')), parseHcl],
    ['json (ARM templates)', templates, parseJson],
    ['JSON.parse (same files)', templates, (t) => { try { return JSON.parse(t); } catch { return undefined; } }],
  ];
  for (const [label, list, parse] of parsers) {
    const texts = list.map((f) => readFileSync(f, 'utf8'));
    const bytes = bytesOf(list);
    releaseGarbage(0);
    for (const t of texts.slice(0, 300)) parse(t);
    let best = Infinity;
    for (let r = 0; r < 3; r++) {
      const start = performance.now();
      for (const t of texts) parse(t);
      best = Math.min(best, performance.now() - start);
    }
    console.log(`  ${label.padEnd(24)} ${String(list.length).padStart(5)} files ${mb(bytes).padStart(6)} MB ${best.toFixed(0).padStart(6)} ms ${(bytes / 1e6 / (best / 1000)).toFixed(1).padStart(7)} MB/s`);
  }
}

if (want('pipeline') && files.length) {
  console.log('\nFull pipeline per format (discover → rules, one process per run):');
  console.log(RUN_HEADER);
  for (const kind of ['bicep', 'terraform', 'json'] as const) {
    const list = byKind(kind);
    printRun(kind, bytesOf(list), measure(list, corpus));
  }
  printRun('whole corpus', bytesOf(files.map((f) => f.path)), measure([corpus], corpus));
}

if (want('scaling') && files.length) {
  console.log('\nScaling (every k-th module closure of the corpus, so each part is a whole-closure sample):');
  console.log(RUN_HEADER);
  const closures = moduleClosures(files);
  for (const k of [8, 4, 2, 1]) {
    const list = closures.filter((_, i) => i % k === 0).flatMap((c) => c.files.map((f) => f.path));
    printRun(k === 1 ? 'all' : `1/${k}`, bytesOf(list), measure(list, corpus));
  }
}

if (want('synthetic')) {
  console.log('\nSynthetic repositories (bench/synthetic.ts):');
  console.log(RUN_HEADER);
  for (const kind of SYNTHETIC_KINDS) {
    const dir = syntheticRepo(kind);
    const list = (await discover([dir], { cwd: dir })).map((f) => f.path);
    printRun(kind, bytesOf(list), measure([dir], dir));
  }
}

if (want('latency')) {
  console.log('\nOne small file, the CLI in a fresh process (wall, including Node start; median of 10):');
  const dir = mkdtempSync(join(tmpdir(), 'grantlint-latency-'));
  writeFileSync(join(dir, 'main.bicep'), "resource id 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {\n  name: 'id'\n  location: 'westeurope'\n}\n");
  writeFileSync(join(dir, 'main.tf'), 'resource "azurerm_user_assigned_identity" "id" {\n  name                = "id"\n  location            = "westeurope"\n  resource_group_name = "rg"\n}\n');
  const timeCli = (args: string[]): number => {
    const times: number[] = [];
    for (let i = 0; i < 10; i++) {
      const start = performance.now();
      spawnSync(process.execPath, args, { cwd: dir });
      times.push(performance.now() - start);
    }
    return median(times);
  };
  const node = timeCli(['-e', '']);
  console.log(`  node -e ''                 ${node.toFixed(0).padStart(5)} ms (Node's own start)`);
  // bin/grantlint.js runs the single-file bundle with its code cache when they are built
  // (scripts/bundle.mjs); the tsc output's own entry loads ~100 modules: both are shown.
  const bundled = existsSync(join(root, 'dist', 'grantlint.cjs'));
  for (const f of ['main.bicep', 'main.tf']) console.log(`  grantlint ${f.padEnd(16)} ${timeCli([cli, f]).toFixed(0).padStart(5)} ms${bundled ? (existsSync(join(root, 'dist', 'grantlint.cjs.cache')) ? ' (bundle, code cache)' : ' (bundle)') : ''}`);
  const modules = join(root, 'dist', 'src', 'cli', 'main.js');
  const viaModules = (f: string): string[] => ['--input-type=module', '-e', `const { main } = await import(${JSON.stringify(pathToFileURL(modules).href)}); process.exitCode = await main([${JSON.stringify(f)}]);`];
  if (existsSync(modules)) for (const f of ['main.bicep', 'main.tf']) console.log(`  unbundled ${f.padEnd(16)} ${timeCli(viaModules(f)).toFixed(0).padStart(5)} ms (dist/src modules)`);
}

if (want('peers') && files.length) {
  const only = flag('--peer-sets')?.split(',');
  const sets: [string, string][] = ([
    ['Terraform AKS module', 'Azure+terraform-azurerm-aks'],
    ['azurerm examples', 'hashicorp+terraform-provider-azurerm'],
    ['AVM Bicep', 'Azure+bicep-registry-modules'],
    ['ARM quickstarts', 'anthony-c-martin+azure-quickstart-templates'],
  ] as [string, string][]).filter(([, folder]) => !only || only.some((o) => folder.includes(o)));
  const bin = checkov ? join(checkov, 'bin', 'checkov') : undefined;
  console.log(`\nSide by side (wall of the CLI in a fresh process, median of ${runs}${bin ? '; Checkov from ' + checkov : ''}):`);
  if (!bin || !existsSync(bin)) console.log('  (give --checkov <virtualenv with checkov> to compare)');
  for (const [label, folder] of sets) {
    const dir = join(corpus, folder);
    if (!existsSync(dir)) continue;
    // Both tools as a user runs them: a fresh process each, start-up included.
    const ours = median(
      Array.from({ length: runs }, () => {
        const start = performance.now();
        spawnSync(process.execPath, [cli, dir, '--format', 'json', '--fail-on', 'never'], { cwd: dir, maxBuffer: 1 << 28 });
        return performance.now() - start;
      }),
    );
    let line = `  ${label.padEnd(22)} grantlint ${s(ours).padStart(6)} s`;
    if (bin && existsSync(bin)) {
      const times: number[] = [];
      for (let r = 0; r < runs; r++) {
        const start = performance.now();
        spawnSync(bin, ['-d', dir, '--quiet', '--compact', '-o', 'json', '--skip-download'], { cwd: dir, maxBuffer: 1 << 28 });
        times.push(performance.now() - start);
      }
      const theirs = median(times);
      line += `   checkov ${s(theirs).padStart(7)} s   ratio ${(theirs / ours).toFixed(1)}×`;
    }
    console.log(line);
  }
}

// Folders in the corpus, for people reading the figures.
if (want('pipeline') && files.length) console.log(`\nCorpus: ${readdirSync(corpus).filter((d) => statSync(join(corpus, d)).isDirectory()).join(', ')}`);
