import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseUnifiedDiff } from '../../src/integrations/changed-files.js';
import { splitArgs } from '../../src/integrations/action.js';
import { repoRoot } from '../helpers/paths.js';
import { checkSarif } from '../format/sarif-check.js';
import { commitFolder, git, initRepo, parseOutputFile } from './git-repo.js';

/**
 * The Action run as a runner runs it: a checkout of the action holding only what the repository
 * commits (action.yml, the bundle, data/, schemas/, package.json: no node_modules, no dist/, no
 * `npm ci`), its `runs.main` started with node, inputs as INPUT_<NAME>, files for outputs and summary.
 */

const fixtures = join(repoRoot, 'fixtures', 'integrations', 'pr');
const action = parseYaml(readFileSync(join(repoRoot, 'action.yml'), 'utf8'));

let temp: string;
let actionPath: string;
let workspace: string;
let base: string;
let head: string;
let eventPath: string;

beforeAll(() => {
  temp = mkdtempSync(join(tmpdir(), 'grantlint-action-'));
  actionPath = join(temp, '_actions', 'grantlint', 'grantlint', 'v0');
  mkdirSync(actionPath, { recursive: true });
  for (const entry of ['action.yml', 'action', 'data', 'schemas', 'package.json']) cpSync(join(repoRoot, entry), join(actionPath, entry), { recursive: true });
  workspace = join(temp, 'repo');
  mkdirSync(workspace);
  initRepo(workspace);
  base = commitFolder(workspace, join(fixtures, 'base'), 'base');
  git(workspace, 'checkout', '-q', '-b', 'feature');
  head = commitFolder(workspace, join(fixtures, 'head'), 'add a storage grant');
  eventPath = join(temp, 'event.json');
  writeFileSync(
    eventPath,
    JSON.stringify({ action: 'synchronize', number: 7, pull_request: { number: 7, base: { ref: 'main', sha: base }, head: { ref: 'feature', sha: head } } }),
  );
});
afterAll(() => rmSync(temp, { recursive: true, force: true }));

interface ActionRun {
  status: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  /** From the start of the process to grantlint's first line (its ::debug:: before linting). */
  startMs: number;
  totalMs: number;
}

function runAction(inputs: Record<string, string>, extraEnv: Record<string, string> = {}, cwd = workspace): Promise<ActionRun> {
  const id = Math.random().toString(36).slice(2);
  const outputFile = join(temp, `output-${id}`);
  const summaryFile = join(temp, `summary-${id}`);
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: temp,
    GITHUB_ACTIONS: 'true',
    GITHUB_ACTION_PATH: actionPath,
    GITHUB_WORKSPACE: cwd,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: 'contoso/infra',
    GITHUB_SHA: 'f'.repeat(40),
    ...extraEnv,
  };
  // The runner passes each declared input, its default when the workflow gives none.
  for (const [name, spec] of Object.entries(action.inputs as Record<string, { default?: string }>)) env[`INPUT_${name.toUpperCase()}`] = spec.default ?? '';
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let startMs = Number.NaN;
    let stdout = '';
    let stderr = '';
    const child = spawn(process.execPath, [join(actionPath, action.runs.main)], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (d) => {
      stdout += d;
      if (Number.isNaN(startMs) && stdout.includes('::debug::grantlint ')) startMs = performance.now() - t0;
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) =>
      resolve({ status, stdout, stderr, outputs: parseOutputFile(readFileSync(outputFile, 'utf8')), summary: readFileSync(summaryFile, 'utf8'), startMs, totalMs: performance.now() - t0 }),
    );
  });
}

const commands = (stdout: string): string[] => stdout.split('\n').filter((l) => /^::(error|warning|notice)/.test(l));
const annotationsOf = (stdout: string): string[] => commands(stdout).filter((c) => / file=/.test(c));

/**
 * The commands the runner acts on, as ActionCommandManager reads stdout: `::name ...::data` after
 * leading blanks or `##[name ...]data` anywhere in a line; after `::stop-commands::<token>` nothing
 * until a `::<token>::` line.
 */
function processedCommands(stdout: string): string[] {
  const out: string[] = [];
  let stopToken: string | undefined;
  for (const line of stdout.split('\n')) {
    const trimmed = line.trimStart();
    let name: string | undefined;
    let data = '';
    const v2 = /^::([^:\s]+)[^:]*::(.*)$/.exec(trimmed);
    const v1 = /##\[([^\] ]+)[^\]]*\](.*)$/.exec(line);
    if (v2) [, name, data] = v2;
    else if (v1) [, name, data] = v1;
    if (!name) continue;
    if (stopToken !== undefined) {
      if (name === stopToken) stopToken = undefined;
      continue;
    }
    if (name === 'stop-commands') stopToken = data;
    else out.push(line);
  }
  return out;
}

describe('action.yml', () => {
  it('is a JavaScript action on node20 whose committed bundle is all it needs', () => {
    expect(action.runs).toEqual({ using: 'node20', main: 'action/main.mjs' });
    expect(existsSync(join(repoRoot, action.runs.main))).toBe(true);
    expect(readdirSync(actionPath)).not.toContain('node_modules');
    expect(JSON.stringify(action)).not.toMatch(/npm (ci|install)/);
  });

  it('declares exactly the inputs the entry point reads', () => {
    const source = readFileSync(join(repoRoot, 'src', 'integrations', 'action.ts'), 'utf8');
    const read = new Set([...source.matchAll(/(?:getInput|list|bool)\('([a-z-]+)'/g)].map((m) => m[1]));
    expect(new Set(Object.keys(action.inputs))).toEqual(read);
    for (const output of Object.keys(action.outputs)) expect(source).toContain(`core.setOutput('${output}'`);
  });
});

describe('GitHub Action, run as a runner runs it', () => {
  it('starts linting in under 2 s with nothing installed', async () => {
    const r = await runAction({ 'fail-on': 'never' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.startMs).toBeLessThan(2000);
    // For the record (the machine is shared; CPU time is what bench reports).
    console.log(`action: first line after ${r.startMs.toFixed(0)} ms, done after ${r.totalMs.toFixed(0)} ms`);
  });

  it('only-changed (lines) in a pull request: lints everything, reports the added lines, fails on their error', async () => {
    const r = await runAction({ 'fail-on': 'error', 'sarif-file': 'out/grantlint.sarif', 'only-changed': 'true', format: 'compact' });
    expect(r.status).toBe(1);
    const annotations = annotationsOf(r.stdout);
    expect(annotations).toHaveLength(1);
    expect(annotations[0]).toMatch(/^::error file=app\/main\.bicep,line=28,endLine=36,title=grantlint privileged-role::Grants 'Contributor'.*%0AReference: https:\/\/github\.com\/grantlint\/grantlint\/blob\/v\d+\.\d+\.\d+\/docs\/rules\/privileged-role\.md$/);
    // The untouched Reader grant in the same file, and the legacy file, are not reported.
    expect(r.stdout).not.toMatch(/app\/main\.bicep:39/);
    expect(r.stdout).not.toContain('legacy/owner.bicep');
    // The module that grants the app's identity was read although unchanged: no false 403 warning.
    expect(r.stdout).not.toContain('missing-role-grant');
    expect(r.stdout).toMatch(/^app\/main\.bicep:28:1: error: Grants 'Contributor'/m);
    expect(commands(r.stdout).at(-1)).toBe("::error::grantlint: 1 finding; at least one is at or above 'error'.");
    expect(r.outputs).toMatchObject({ errors: '1', warnings: '0', infos: '0', total: '1', 'sarif-file': 'out/grantlint.sarif' });

    expect(r.summary).toContain('**1** finding on the lines this pull request changes (in 1 file): 1 error, 0 warnings, 0 info.');
    // Among them the legacy identity that nothing uses (orphaned-identity).
    expect(r.summary).toMatch(/\n4 more on lines this pull request does not change \(not shown\)\./);
    expect(r.summary).toContain(`<a href="https://github.com/contoso/infra/blob/${head}/app/main.bicep#L28-L36">`);
    expect(r.summary).toMatch(/<a href="https:\/\/github\.com\/grantlint\/grantlint\/blob\/v[\d.]+\/docs\/rules\/privileged-role\.md">privileged-role<\/a>/);
    const mermaid = /```mermaid\n([\s\S]*?)\n```/.exec(r.summary)?.[1];
    expect(mermaid).toMatch(/^flowchart LR/);
    expect(mermaid).not.toContain('legacy-uami');

    // SARIF holds every finding (code scanning tracks the whole repository), valid for upload.
    const log = checkSarif(readFileSync(join(workspace, 'out', 'grantlint.sarif'), 'utf8'));
    const uris = new Set(log.runs[0].results.map((x: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) => x.locations[0].physicalLocation.artifactLocation.uri));
    expect(uris).toEqual(new Set(['app/main.bicep', 'legacy/owner.bicep']));
  });

  it('only-changed: file keeps reporting the whole changed file', async () => {
    const r = await runAction({ 'fail-on': 'error', 'only-changed': 'file', format: 'compact' });
    expect(r.status).toBe(1);
    const annotations = annotationsOf(r.stdout);
    expect(annotations.map((a) => /line=(\d+)/.exec(a)?.[1])).toEqual(['28', '39']);
    expect(r.summary).toContain('in the 1 file this pull request changes');
  });

  it('without only-changed every finding is reported, most severe first; fail-on never passes', async () => {
    const r = await runAction({ 'fail-on': 'never', 'only-changed': 'false' });
    expect(r.status).toBe(0);
    const levels = annotationsOf(r.stdout).map((c) => /^::(\w+)/.exec(c)![1]);
    expect(levels).toEqual([...levels].sort((a, b) => ['error', 'warning', 'notice'].indexOf(a) - ['error', 'warning', 'notice'].indexOf(b)));
    expect(new Set(annotationsOf(r.stdout).map((c) => /file=([^,]+)/.exec(c)?.[1]))).toEqual(new Set(['app/main.bicep', 'legacy/owner.bicep']));
    expect(r.outputs['sarif-file']).toBe('');
    expect(r.summary).toContain('i_uami');
  });

  it('a paths input that matches nothing fails the step', async () => {
    const r = await runAction({ paths: 'infar/**' });
    expect(r.status).toBe(1);
    expect(commands(r.stdout)).toEqual([
      "::error::grantlint: Input 'paths': Nothing to lint: 'infar/**' matches no Bicep, Terraform or ARM template file (check the path for a typo; --no-error-on-unmatched-pattern allows this).",
    ]);
    expect(r.summary).toBe('');
    expect((await runAction({ paths: 'infar/**', args: '--no-error-on-unmatched-pattern' })).status).toBe(0);
  });

  it('baseline, var-files and args inputs; the baseline key of .grantlint.yaml', async () => {
    const dir = join(temp, 'adopt');
    mkdirSync(join(dir, 'env'), { recursive: true });
    writeFileSync(
      join(dir, 'main.tf'),
      'variable "role" {\n  type = string\n}\nresource "azurerm_user_assigned_identity" "jobs" {\n  name                = "jobs"\n  location            = "westeurope"\n  resource_group_name = "rg"\n}\nresource "azurerm_role_assignment" "jobs" {\n  scope                = "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st"\n  role_definition_name = var.role\n  principal_id         = azurerm_user_assigned_identity.jobs.principal_id\n  principal_type       = "ServicePrincipal"\n}\n',
    );
    writeFileSync(join(dir, 'env', 'prod.tfvars'), 'role = "Owner"\n');
    const plain = await runAction({ 'fail-on': 'error', summary: 'false' }, { GITHUB_EVENT_NAME: 'push' }, dir);
    expect(plain.status).toBe(0);
    // var-files: the role is Owner in production.
    const prod = await runAction({ 'fail-on': 'error', 'var-files': 'env/prod.tfvars', format: 'json', annotate: 'false' }, { GITHUB_EVENT_NAME: 'push' }, dir);
    expect(prod.status).toBe(1);
    const findings = JSON.parse(prod.stdout.slice(prod.stdout.indexOf('{'), prod.stdout.lastIndexOf('}') + 1)).findings;
    expect(findings.map((f: { ruleId: string }) => f.ruleId)).toContain('privileged-role');
    // A baseline (the CLI writes it) accepts them; as an input, then as the config's key.
    const bin = join(repoRoot, 'bin', 'grantlint.js');
    const { spawnSync } = await import('node:child_process');
    spawnSync(process.execPath, [bin, '--var-file', 'env/prod.tfvars', '--write-baseline', '.grantlint-baseline.json'], { cwd: dir });
    expect((await runAction({ 'var-files': 'env/prod.tfvars', baseline: '.grantlint-baseline.json' }, { GITHUB_EVENT_NAME: 'push' }, dir)).status).toBe(0);
    writeFileSync(join(dir, '.grantlint.yaml'), 'baseline: .grantlint-baseline.json\n');
    const configured = await runAction({ 'var-files': 'env/prod.tfvars' }, { GITHUB_EVENT_NAME: 'push' }, dir);
    expect(configured.status, configured.stdout).toBe(0);
    expect(annotationsOf(configured.stdout)).toEqual([]);
    // args: CLI options, parsed by the CLI's parser; a report file of its own.
    // (No var-files here: that workspace has no env/prod.tfvars, and a missing variable file is an error.)
    const args = await runAction({ args: '--quiet --max-warnings 0 -f "junit:reports/grant lint.xml"', baseline: '' }, { GITHUB_EVENT_NAME: 'push' }, join(temp, 'repo'));
    expect(existsSync(join(temp, 'repo', 'reports', 'grant lint.xml'))).toBe(true);
    expect(annotationsOf(args.stdout).every((a) => a.startsWith('::error '))).toBe(true);
    const bad = await runAction({ args: '--fial-on warning' }, {}, dir);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain("::error::grantlint: Input 'args': Unknown option '--fial-on'. Did you mean '--fail-on'?");
    expect((await runAction({ args: 'infra' }, {}, dir)).stdout).toContain("give the paths to lint in the 'paths' input");
  });

  it('at most 10 annotations of each level, the most severe first; the summary counts the rest', async () => {
    const dir = join(temp, 'many');
    mkdirSync(dir);
    const grant = (i: number): string =>
      `resource owner${i} 'Microsoft.Authorization/roleAssignments@2022-04-01' = {\n  name: guid(resourceGroup().id, uami.id, '8e3af657-a8ff-443c-a75c-2fe8c4bcb635', '${i}')\n  properties: {\n    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '8e3af657-a8ff-443c-a75c-2fe8c4bcb635')\n    principalId: uami.properties.principalId\n    principalType: 'ServicePrincipal'\n  }\n}\n`;
    writeFileSync(
      join(dir, 'main.bicep'),
      // The identity is an output (handed on, not orphaned): 13 errors and 13 warnings exactly.
      `resource uami 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {\n  name: 'uami'\n  location: 'westeurope'\n}\n${Array.from({ length: 13 }, (_, i) => grant(i)).join('')}output uamiId string = uami.id\n`,
    );
    const r = await runAction({ 'fail-on': 'never' }, { GITHUB_EVENT_NAME: 'push' }, dir);
    const levels = annotationsOf(r.stdout).map((c) => /^::(\w+)/.exec(c)![1]);
    expect(levels).toEqual([...Array(10).fill('error'), ...Array(10).fill('warning')]);
    expect(r.outputs).toMatchObject({ errors: '13', warnings: '13' });
    expect(r.summary).toContain('6 findings are not annotated on the diff (3 errors, 3 warnings): GitHub shows at most 10 annotations of each level per step.');
    // Every finding is still in the log and the table.
    expect((r.stdout.match(/privileged-role/g) ?? []).length).toBeGreaterThanOrEqual(13);
    expect((r.summary.match(/^\| 🔴 error/gm) ?? []).length).toBe(13);
  });

  it('a bad input fails the step with a clear message', async () => {
    const r = await runAction({ 'fail-on': 'sometimes' });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("::error::grantlint: Input 'fail-on' must be one of error, warning, info, never, not 'sometimes'.");
    const oc = await runAction({ 'only-changed': 'yes please' });
    expect(oc.stdout).toContain("::error::grantlint: Input 'only-changed' must be true (the changed lines), file (the changed files) or false");
  });
});

describe('the pieces', () => {
  it('reads the added lines of a unified diff, renamed, quoted and deleted files included', () => {
    const diff = [
      'diff --git a/app/main.bicep b/app/main.bicep',
      '--- a/app/main.bicep',
      '+++ b/app/main.bicep',
      '@@ -16,0 +17,20 @@ module secrets',
      '@@ -40 +60 @@',
      'diff --git a/old.tf b/new.tf',
      'similarity index 90%',
      'rename from old.tf',
      'rename to new.tf',
      '--- a/old.tf',
      '+++ b/new.tf',
      '@@ -3,2 +3,0 @@',
      'diff --git "a/odd\\tname.bicep" "b/odd\\tname.bicep"',
      '--- "a/odd\\tname.bicep"',
      '+++ "b/odd\\tname.bicep"',
      '@@ -1 +1,2 @@',
      'diff --git a/caf\\303\\251.bicep b/caf\\303\\251.bicep',
      '+++ "b/caf\\303\\251.bicep"',
      '@@ -0,0 +1 @@',
    ].join('\n');
    const changed = parseUnifiedDiff(diff, '/repo');
    expect([...changed.get('/repo/app/main.bicep')!]).toEqual([...Array.from({ length: 20 }, (_, i) => 17 + i), 60]);
    expect([...changed.get('/repo/new.tf')!]).toEqual([]);
    expect([...changed.get('/repo/odd\tname.bicep')!]).toEqual([1, 2]);
    expect([...changed.get('/repo/café.bicep')!]).toEqual([1]);
  });

  it('splits args like a shell for words and quotes', () => {
    expect(splitArgs(` --var-file "env/prod vars.tfvars" --max-warnings=0 -f 'junit:a b.xml' --x="y z"\n--quiet `)).toEqual([
      '--var-file',
      'env/prod vars.tfvars',
      '--max-warnings=0',
      '-f',
      'junit:a b.xml',
      '--x=y z',
      '--quiet',
    ]);
  });
});

describe('GitHub Action log: a template cannot steer the runner', () => {
  let hostile: string;
  beforeAll(() => {
    hostile = join(temp, 'hostile');
    const grant = (name: string, rg: string): string => `resource "azurerm_user_assigned_identity" "${name}" {
  name                = "${name}"
  resource_group_name = "rg"
  location            = "westeurope"
}

resource "azurerm_role_assignment" "${name}" {
  scope                = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/${rg}"
  role_definition_name = "Owner"
  principal_id         = azurerm_user_assigned_identity.${name}.principal_id
  principal_type       = "ServicePrincipal"
}
`;
    mkdirSync(join(hostile, '::stop-commands::tok'), { recursive: true });
    mkdirSync(join(hostile, 'b'), { recursive: true });
    writeFileSync(join(hostile, '::stop-commands::tok', 'main.tf'), grant('a', 'rg\\n::stop-commands::x\\n##[error]forged'));
    writeFileSync(join(hostile, 'b', 'main.tf'), grant('b', 'rg-b'));
  });

  for (const format of ['stylish', 'compact', 'json', 'junit']) {
    it(`${format} log: every annotation is still processed and none is forged`, async () => {
      const r = await runAction({ format, summary: 'false', 'fail-on': 'never' }, { GITHUB_EVENT_NAME: 'push' }, hostile);
      expect(r.status).toBe(0);
      const processed = processedCommands(r.stdout);
      const annotations = processed.filter((c) => /^::(error|warning|notice) file=/.test(c));
      expect(annotations.length).toBe(Number(r.outputs.total));
      expect(new Set(annotations.map((a) => /file=([^,]+)/.exec(a)?.[1]))).toEqual(new Set(['%3A%3Astop-commands%3A%3Atok/main.tf', 'b/main.tf']));
      // Nothing else reached the runner as a command: no forged error, no stop (the Action's own
      // debug line aside).
      expect(processed.filter((c) => !/^::(error|warning|notice) file=/.test(c) && !c.startsWith('::debug::grantlint '))).toEqual([]);
    });
  }
});
