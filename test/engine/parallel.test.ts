import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pathToFileURL } from 'node:url';
import type { LintOptions } from '../../src/engine/lint.js';
import { moduleClosures, shardClosures } from '../../src/engine/closures.js';
import { discover } from '../../src/discover/discover.js';
import { repoRoot, sharedRoot } from '../helpers/paths.js';
import { runAsync } from '../helpers/run-async.js';
import { treeMaker } from '../helpers/tree.js';

/**
 * Module closures, workers and shards change how the work is split, never the findings: over the
 * whole corpus, `--jobs 1`, `--jobs 2`, one batch for everything (as before closures) and the
 * union of three shards give the same findings byte for byte.
 */
const corpus = join(sharedRoot, 'corpus');

const scripts = treeMaker('grantlint-parallel-');

/**
 * One lint of the corpus in a child process (the built dist/, as `npm test` builds it first): a
 * run of a minute must not block vitest's worker.
 */
async function run(options: LintOptions): Promise<{ text: string; count: number; files: string[] }> {
  const lintModule = pathToFileURL(join(repoRoot, 'dist', 'src', 'engine', 'lint.js')).href;
  const script = `const { lint } = await import(${JSON.stringify(lintModule)});
const options = JSON.parse(process.argv[2], (k, v) => (v === 'Infinity' ? Infinity : v));
const result = await lint([${JSON.stringify(corpus)}], { cwd: ${JSON.stringify(corpus)}, ...options });
process.stdout.write(JSON.stringify({ text: result.findings.map((f) => JSON.stringify(f)).join('\\n'), count: result.findings.length, files: result.files }));`;
  // A script file, not `-e`: worker threads inherit the parent's flags, and `--input-type` is refused there.
  const file = join(scripts.tree({ 'lint-corpus.mjs': script }), 'lint-corpus.mjs');
  const out = await runAsync(process.execPath, [file, JSON.stringify(options, (k, v: unknown) => (v === Infinity ? 'Infinity' : v))]);
  if (out.status !== 0) throw new Error(`lint in a child process failed: ${out.stderr}`);
  return JSON.parse(out.stdout) as { text: string; count: number; files: string[] };
}

describe('the corpus split by module closure', () => {
  let reference: Promise<{ text: string; count: number; files: string[] }> | undefined;
  const jobs1 = () => (reference ??= run({ jobs: 1 }));

  it('finds the corpus', () => {
    expect(existsSync(corpus), `${corpus} is missing (set GRANTLINT_SHARED to the shared folder)`).toBe(true);
  });

  it('--jobs 2 gives the same findings as --jobs 1, byte for byte', async () => {
    const [one, two] = [await jobs1(), await run({ jobs: 2 })];
    expect(one.count).toBeGreaterThan(1000);
    expect(two.text === one.text).toBe(true);
    expect(two.files).toEqual(one.files);
  }, 600_000);

  it('closures give the findings of one analysis of everything', async () => {
    const whole = await run({ jobs: 1, batchSize: Infinity });
    expect(whole.text === (await jobs1()).text).toBe(true);
  }, 600_000);

  it('the union of the shards is the unsharded run', async () => {
    const one = await jobs1();
    const lines = new Set<string>();
    const files = new Set<string>();
    for (let i = 1; i <= 3; i++) {
      const part = await run({ jobs: 1, shard: { index: i, count: 3 } });
      expect(part.count).toBeGreaterThan(0);
      for (const line of part.text.split('\n')) if (line) lines.add(line);
      for (const f of part.files) files.add(f);
    }
    expect([...lines].sort()).toEqual(one.text.split('\n').sort());
    expect([...files].sort()).toEqual(one.files);
  }, 600_000);
});

describe('module closures', () => {
  const { tree } = treeMaker('grantlint-closures-');

  it('joins callers and modules across folders, apart from unrelated roots; shards take whole closures', async () => {
    const dir = tree({
      'app/main.bicep': "// don't split\nmodule m '../modules/id.bicep' = {\n  name: 'm'\n}\n",
      'modules/id.bicep': "resource id 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {\n  name: 'x'\n}\n",
      'other/main.bicep': "param p string = 'no path here'\n",
      'arm/azuredeploy.json': '{"resources": [{"properties": {"templateLink": {"uri": "[uri(parameters(\'_artifactsLocation\'), \'nested/a.json\')]"}}}]}',
      'arm/nested/a.json': '{}',
      'arm/azuredeploy.parameters.json': '{}',
      'tf/main.tf': 'module "m" {\n  source = "../tfmod"\n}\n',
      'tfmod/main.tf': '',
      'tfmod/vars.tf': '',
    });
    const files = await discover([dir], { cwd: dir });
    const closures = moduleClosures(files).map((c) => c.files.map((f) => f.path.slice(dir.length + 1)));
    expect(closures).toEqual([
      ['app/main.bicep', 'modules/id.bicep'],
      ['arm/azuredeploy.json', 'arm/azuredeploy.parameters.json', 'arm/nested/a.json'],
      ['other/main.bicep'],
      ['tf/main.tf', 'tfmod/main.tf', 'tfmod/vars.tf'],
    ]);
    const all = moduleClosures(files);
    const shards = [1, 2].map((i) => shardClosures(all, i, 2));
    expect(shards.flat().sort((a, b) => (a.files[0].path < b.files[0].path ? -1 : 1))).toEqual(all);
    expect(shards[0].length).toBeGreaterThan(0);
    expect(shards[1].length).toBeGreaterThan(0);
  });

  it('joins Kubernetes service accounts that ask for a workload identity with the files that may trust them', async () => {
    const dir = tree({
      'k8s/sa.yaml': 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: api\n  annotations:\n    azure.workload.identity/client-id: 00000000-0000-0000-0000-000000000000\n',
      'k8s/deploy.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n',
      'infra/federation.bicep': "param ns string\nvar subject = 'system:serviceaccount:${ns}:api'\n",
      'other/main.bicep': "param p string = 'no subject here'\n",
    });
    const files = await discover([dir], { cwd: dir });
    const closures = moduleClosures(files).map((c) => c.files.map((f) => f.path.slice(dir.length + 1)));
    expect(closures).toEqual([['infra/federation.bicep', 'k8s/sa.yaml'], ['k8s/deploy.yaml'], ['other/main.bicep']]);
  });
});
