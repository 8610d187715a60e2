import { existsSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { discover } from '../../src/discover/discover.js';
import { analyzeFiles } from '../../src/engine/front-ends.js';
import { lint } from '../../src/engine/lint.js';
import { CachingHost } from '../../src/engine/host.js';
import { inWorkers, lowering, scanning, TextStore, WorkerPool } from '../../src/engine/pool.js';
import type { Finding } from '../../src/engine/types.js';
import type { FrontEndHost } from '../../src/lower/types.js';
import { repoRoot } from '../helpers/paths.js';
import { treeMaker } from '../helpers/tree.js';
import { BICEP_OWNER, tfOwner } from '../helpers/owner-grants.js';

/**
 * Issue 9's guarantees hold in the worker pool (`--jobs`) as in one thread: reads confined to the
 * root (and `--root` widening it), budgets, and a defect costing a finding, never a batch or the run.
 */
const { tree } = treeMaker('grantlint-workers-');

const ARM_LINKING_PASSWD = JSON.stringify(
  {
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    resources: [
      { type: 'Microsoft.Resources/deployments', apiVersion: '2022-09-01', name: 'linked', properties: { mode: 'Incremental', templateLink: { relativePath: '/etc/passwd' } } },
    ],
  },
  null,
  2,
);

const workerBuilt = existsSync(join(repoRoot, 'dist', 'src', 'engine', 'front-end-worker.js'));
const summary = (findings: Finding[]): string[] => findings.map((f) => `${f.file.split('/').slice(-2).join('/')}:${f.range.start.line} ${f.ruleId}`);

describe('the worker pool keeps confinement, --root and budgets', () => {
  it('finds the built worker (npm test builds it first)', () => {
    expect(workerBuilt, 'dist/src/engine/front-end-worker.js is missing: run npm run build').toBe(true);
  });

  it('--jobs 2 with a worker per closure: reads outside the root, budgets and --root as with --jobs 1', async () => {
    const outside = tree({ 'x.bicep': BICEP_OWNER });
    const dir = tree({
      'a/azuredeploy.json': ARM_LINKING_PASSWD,
      'b/main.tf': 'module "m" {\n  count  = 1000\n  source = "./m"\n}\n',
      'b/m/main.tf': `variable "principal_id" {}\n${tfOwner('  count                = 1000\n')}`,
      'c/main.bicep': `module m '../../${outside.split('/').pop()}/x.bicep' = { name: 'm' }\n`,
    });
    const parallel = { cwd: dir, jobs: 2, batchSize: 1, parallelFrom: 0 };
    const inWorker = await lint([dir], parallel);
    const inThread = await lint([dir], { cwd: dir, jobs: 1 });
    expect(summary(inWorker.findings)).toEqual(summary(inThread.findings));
    const ids = summary(inWorker.findings);
    expect(ids).toContain('a/azuredeploy.json:12 unreadable-file');
    expect(ids).toContain('c/main.bicep:1 unreadable-file');
    expect(ids.filter((s) => s.endsWith('analysis-budget')).length).toBeGreaterThan(0);
    expect(ids.filter((s) => s.endsWith('privileged-role'))).toEqual(['m/main.tf:2 privileged-role']);
    expect(inWorker.findings.find((f) => f.file.endsWith('azuredeploy.json'))?.message).toContain('outside the repository root');

    // The workers scan for closures too (a large run): the same findings, the read refused in a
    // worker's scan reported as this thread's would be.
    const scanned = await lint([dir], { ...parallel, scanInWorkersFrom: 0 });
    expect(summary(scanned.findings)).toEqual(summary(inThread.findings));

    // --root reaches the workers: the module beside the tree is read there, its Owner grant found.
    const wide = await lint([dir], { ...parallel, root: join(dir, '..') });
    expect(summary(wide.findings)).toContain(`${outside.split('/').pop()}/x.bicep:2 privileged-role`);
    expect(summary(wide.findings)).not.toContain('c/main.bicep:1 unreadable-file');
  }, 120_000);
});

describe('the closure scan in the workers', () => {
  it('gives the same closures, findings, unreadable files and passed-over generated templates as this thread', async () => {
    const generated = JSON.stringify({ $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#', metadata: { _generator: { name: 'bicep', version: '0.30.3' } }, resources: [] }, null, 2);
    const files: Record<string, string> = {
      'app/main.bicep': `module m '../shared/m.bicep' = { name: 'm' }\n`,
      'app/main.json': generated,
      'shared/m.bicep': BICEP_OWNER,
      'arm/azuredeploy.json': ARM_LINKING_PASSWD,
      'arm/azuredeploy.parameters.json': '{ "parameters": {} }',
      'tf/main.tf': 'module "m" {\n  source = "../tfmod"\n}\n',
      'tfmod/main.tf': `variable "principal_id" {}\n${tfOwner()}`,
    };
    // Enough separate folders for several parts of the scan and several batches per worker.
    for (let i = 0; i < 120; i++) files[`many/f${i}/main.bicep`] = BICEP_OWNER;
    const dir = tree(files);
    symlinkSync('/etc/passwd', join(dir, 'arm', 'outside.json'));
    // Named on the command line, the link is discovered; reading it is refused (in a worker's scan).
    const paths = [dir, join(dir, 'arm', 'outside.json')];
    const inThread = await lint(paths, { cwd: dir, jobs: 1 });
    const scanned = await lint(paths, { cwd: dir, jobs: 2, batchSize: 1, parallelFrom: 0, scanInWorkersFrom: 0 });
    expect(scanned.findings).toEqual(inThread.findings);
    const ids = summary(scanned.findings);
    expect(ids).toContain('arm/outside.json:1 unreadable-file');
    expect(ids).toContain('shared/m.bicep:2 privileged-role');
    expect(ids).toContain('tfmod/main.tf:2 privileged-role');
    expect(ids.filter((s) => s.endsWith('privileged-role'))).toHaveLength(122);
    // The generated template beside its .bicep is passed over in the scan, as in this thread.
    expect(scanned.files).not.toContain(join(dir, 'app', 'main.json'));
    expect(scanned.files).toEqual(inThread.files);
  }, 120_000);

  it('a worker that stops during the scan leaves its parts to this thread: every file is scanned, its text kept for its batch', async () => {
    const dir = tree({ 'crash.mjs': '' });
    writeFileSync(join(dir, 'crash.mjs'), "import { parentPort } from 'node:worker_threads';\nparentPort.on('message', () => { throw new Error('boom in a worker'); });\n");
    for (let i = 0; i < 100; i++) writeFileSync(join(dir, `f${i}.bicep`), BICEP_OWNER);
    const files = (await discover([dir], { cwd: dir })).filter((f) => f.kind === 'bicep');
    const pool = WorkerPool.start({}, 2, files.length, 0, pathToFileURL(join(dir, 'crash.mjs')))!;
    const host = new CachingHost({ root: dir });
    const texts = new TextStore();
    const scans = await pool.scan(files, host, texts, scanning({}, host));
    expect(scans.map((s) => s?.size)).toEqual(files.map(() => BICEP_OWNER.length));
    expect(pool.workers).toHaveLength(0);
    expect(texts.take(files)).toHaveLength(files.length);
  }, 60_000);
});

describe('a defect costs a finding, not a batch or the run', () => {
  it('a worker thread that dies reports its batch on each file; the other batches are analysed', async () => {
    const dir = tree({ 'a/main.tf': tfOwner(), 'b/main.tf': tfOwner(), 'c/main.tf': tfOwner(), 'crash.mjs': '' });
    writeFileSync(join(dir, 'crash.mjs'), "import { parentPort } from 'node:worker_threads';\nparentPort.on('message', () => { throw new Error('boom in a worker'); });\n");
    const files = await discover([dir], { cwd: dir });
    const batches = files.map((f) => ({ files: [f] }));
    const programs = await inWorkers(pathToFileURL(join(dir, 'crash.mjs')), batches, {}, 1, lowering({}));
    expect(programs).toHaveLength(3);
    // The one worker holds the first two batches and stops on the first: that one is lost; the
    // second goes back, and with no worker left this thread reads it and the third.
    expect(programs[0].diagnostics.map((d) => [d.code, d.at.file])).toEqual([['internal-error', files[0].path]]);
    expect(programs[0].diagnostics[0].message).toContain('boom in a worker');
    // Linted, with that finding: its path did not match nothing.
    expect(programs[0].files).toEqual([files[0].path]);
    for (const p of programs.slice(1)) expect(p.resources.some((r) => r.type === 'azurerm_role_assignment')).toBe(true);
  }, 60_000);

  it('a defect that escapes a front end is an internal-error finding on each of its files', () => {
    const host: FrontEndHost = {
      readFile: () => {
        throw new Error('a defect while reading');
      },
      listFolder: () => [],
    };
    const files = [
      { path: '/x/a/main.bicep', kind: 'bicep' as const },
      { path: '/x/b/main.tf', kind: 'terraform' as const },
      { path: '/x/c/azuredeploy.json', kind: 'json' as const },
    ];
    const program = analyzeFiles(files, host);
    const failed = new Set(program.diagnostics.filter((d) => d.code === 'internal-error' && d.message.includes('a defect while reading')).map((d) => d.at.file));
    expect([...failed].sort()).toEqual(files.map((f) => f.path).sort());
  });
});
