/**
 * Benchmark: parse throughput per front end on the shared corpus (single-threaded, files read into
 * memory first), and full grantlint runs over corpus folders with findings by rule.
 *
 *   npm run bench                # everything
 *   npm run bench -- parse       # parse throughput only
 *   npm run bench -- run         # full runs only
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { lint } from '../src/engine/lint.js';
import { parseBicep } from '../src/syntax/bicep/parser.js';
import { parseHcl } from '../src/syntax/hcl/parser.js';
import { parseJson } from '../src/syntax/json/index.js';
import { packageRoot } from '../src/util/package-root.js';

const corpus = resolve(packageRoot(), '..', 'shared', 'corpus');

function filesUnder(dir: string, test: (name: string) => boolean, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) filesUnder(path, test, out);
    else if (entry.isFile() && test(entry.name)) out.push(path);
  }
  return out;
}

function measureParse(label: string, files: string[], parse: (text: string) => { errors?: unknown[] } | unknown): void {
  const texts = files.map((f) => readFileSync(f, 'utf8'));
  const bytes = files.reduce((n, f) => n + statSync(f).size, 0);
  for (const t of texts.slice(0, 200)) parse(t); // warm up the JIT
  const rounds = 3;
  let best = Infinity;
  let crashes = 0;
  for (let r = 0; r < rounds; r++) {
    const start = performance.now();
    for (const t of texts) {
      try {
        parse(t);
      } catch {
        crashes++;
      }
    }
    best = Math.min(best, performance.now() - start);
  }
  const mb = bytes / 1e6;
  console.log(
    `${label.padEnd(10)} ${String(files.length).padStart(5)} files  ${mb.toFixed(2).padStart(6)} MB  ` +
      `${best.toFixed(0).padStart(6)} ms (best of ${rounds})  ${(mb / (best / 1000)).toFixed(1).padStart(6)} MB/s  crashes: ${crashes / rounds}`,
  );
}

async function measureRun(label: string, dir: string): Promise<void> {
  const start = performance.now();
  let result;
  try {
    result = await lint([dir], { cwd: dir });
  } catch (e) {
    console.log(`${label}: CRASH ${(e as Error).stack}`);
    return;
  }
  const ms = performance.now() - start;
  const byRule = new Map<string, number>();
  for (const f of result.findings) byRule.set(f.ruleId, (byRule.get(f.ruleId) ?? 0) + 1);
  console.log(`${label}: ${result.files.length} files analysed in ${(ms / 1000).toFixed(2)} s, ${result.findings.length} findings`);
  for (const [rule, n] of [...byRule].sort()) console.log(`    ${rule.padEnd(34)} ${n}`);
}

const what = process.argv[2] ?? 'all';
if (what === 'all' || what === 'parse') {
  console.log('Parse throughput (single-threaded):');
  measureParse('bicep', filesUnder(corpus, (n) => n.endsWith('.bicep') || n.endsWith('.bicepparam')), parseBicep);
  measureParse('terraform', filesUnder(corpus, (n) => n.endsWith('.tf')), parseHcl);
  measureParse('json', filesUnder(corpus, (n) => n.endsWith('.json')), parseJson);
}
if (what === 'all' || what === 'run') {
  console.log('Full runs:');
  await measureRun('Azure+bicep-registry-modules', join(corpus, 'Azure+bicep-registry-modules'));
  await measureRun('anthony-c-martin+azure-quickstart-templates', join(corpus, 'anthony-c-martin+azure-quickstart-templates'));
  for (const tf of ['Azure+terraform-azurerm-aks', 'Azure+terraform-azurerm-avm-res-keyvault-vault', 'Azure+terraform-azurerm-avm-res-storage-storageaccount', 'hashicorp+terraform-provider-azurerm']) {
    await measureRun(tf, join(corpus, tf));
  }
}
