import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { repoRoot } from '../helpers/paths.js';
import { checkSarif } from '../format/sarif-check.js';
import { commitFolder, git, initRepo, parseOutputFile } from './git-repo.js';

const fixtures = join(repoRoot, 'fixtures', 'integrations', 'pr');
const entry = join(repoRoot, 'bin', 'grantlint-action.js');

let temp: string;
let workspace: string;
let base: string;
let head: string;
let eventPath: string;

beforeAll(() => {
  temp = mkdtempSync(join(tmpdir(), 'grantlint-action-'));
  workspace = join(temp, 'repo');
  spawnSync('mkdir', [workspace]);
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
}

/** Runs the entry point as the runner does: inputs as INPUT_<NAME> (upper case, dashes kept), files for outputs and summary. */
function runAction(inputs: Record<string, string>, extraEnv: Record<string, string> = {}): ActionRun {
  const id = Math.random().toString(36).slice(2);
  const outputFile = join(temp, `output-${id}`);
  const summaryFile = join(temp, `summary-${id}`);
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? temp,
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: 'contoso/infra',
    GITHUB_SHA: 'f'.repeat(40),
    ...extraEnv,
  };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  const r = spawnSync(process.execPath, [entry], { cwd: workspace, env, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, outputs: parseOutputFile(readFileSync(outputFile, 'utf8')), summary: readFileSync(summaryFile, 'utf8') };
}

const commands = (stdout: string): string[] => stdout.split('\n').filter((l) => l.startsWith('::'));

describe('GitHub Action entry point', () => {
  it('action.yml passes every input it declares to the entry point, by the name the runner uses', () => {
    const action = parseYaml(readFileSync(join(repoRoot, 'action.yml'), 'utf8'));
    expect(action.runs.using).toBe('composite');
    const run = action.runs.steps.find((s: { id?: string }) => s.id === 'grantlint');
    for (const name of Object.keys(action.inputs)) {
      expect(run.env[`INPUT_${name.toUpperCase()}`]).toBe(`\${{ inputs.${name} }}`);
    }
    for (const step of action.runs.steps) expect(step.run).not.toContain('inputs.');
    for (const output of Object.keys(action.outputs)) expect(action.outputs[output].value).toBe(`\${{ steps.grantlint.outputs.${output} }}`);
  });

  it('only-changed in a pull request: lints everything, reports the changed file, fails on its error', () => {
    const r = runAction({ 'fail-on': 'error', 'sarif-file': 'out/grantlint.sarif', 'only-changed': 'true', format: 'compact' });
    expect(r.status).toBe(1);
    const cmds = commands(r.stdout);
    // The annotations: only the pull request's file, one command per finding.
    const annotations = cmds.filter((c) => /^::(error|warning|notice) /.test(c));
    expect(annotations.length).toBeGreaterThanOrEqual(1);
    for (const a of annotations) expect(a).toMatch(/^::(error|warning|notice) file=app\/main\.bicep,line=\d+,/);
    expect(annotations).toContainEqual(expect.stringMatching(/^::error file=app\/main\.bicep,line=28,endLine=\d+,title=grantlint privileged-role::Grants 'Contributor'/));
    // The module that grants the app's identity was read although unchanged: no false 403 warning.
    expect(r.stdout).not.toContain('missing-role-grant');
    expect(r.stdout).not.toContain('legacy/owner.bicep');
    // The compact log precedes the annotations.
    expect(r.stdout).toMatch(/^app\/main\.bicep:28:1: error: Grants 'Contributor'/m);
    // setFailed: an ::error:: line without a file, and exit code 1.
    expect(cmds.at(-1)).toMatch(/^::error::grantlint: \d+ findings?; at least one is at or above 'error'\./);

    const total = Number(r.outputs.total);
    expect(r.outputs).toMatchObject({ errors: String(annotations.filter((a) => a.startsWith('::error ')).length), 'sarif-file': 'out/grantlint.sarif' });
    expect(total).toBe(annotations.length);
    expect(Number(r.outputs.errors) + Number(r.outputs.warnings) + Number(r.outputs.infos)).toBe(total);

    // The summary: counts, a table with links to the head commit, the graph around the change.
    expect(r.summary).toContain('## grantlint');
    expect(r.summary).toContain(`finding${total === 1 ? '' : 's'} in the 1 file this pull request changes`);
    expect(r.summary).toMatch(/more in files this pull request does not change/);
    expect(r.summary).toContain('| Severity | Rule | Location | Message |');
    expect(r.summary).toContain(`<a href="https://github.com/contoso/infra/blob/${head}/app/main.bicep#L28-L`);
    const mermaid = /```mermaid\n([\s\S]*?)\n```/.exec(r.summary)?.[1];
    expect(mermaid).toBeDefined();
    expect(mermaid).toMatch(/^flowchart LR/);
    expect(mermaid).toContain('w_site["site<br/>Microsoft.Web/sites"]');
    expect(mermaid).toMatch(/i_site -->\|"Contributor"\| s_ordersstore/);
    expect(mermaid).toMatch(/i_site -->\|"Key Vault Secrets User"\| s_orders_kv/);
    // The legacy identity is not around the change.
    expect(mermaid).not.toContain('legacy-uami');
    expect(mermaid).not.toContain('i_uami');

    // SARIF holds every finding (code scanning tracks the whole repository), valid for upload.
    const sarifPath = join(workspace, 'out', 'grantlint.sarif');
    expect(existsSync(sarifPath)).toBe(true);
    const log = checkSarif(readFileSync(sarifPath, 'utf8'));
    const uris = new Set(log.runs[0].results.map((x: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) => x.locations[0].physicalLocation.artifactLocation.uri));
    expect(uris).toEqual(new Set(['app/main.bicep', 'legacy/owner.bicep']));
  });

  it('without only-changed every finding is reported; fail-on never passes', () => {
    const r = runAction({ 'fail-on': 'never', 'only-changed': 'false', summary: 'true' });
    expect(r.status).toBe(0);
    const files = new Set(commands(r.stdout).map((c) => /file=([^,]+)/.exec(c)?.[1]));
    expect(files).toEqual(new Set(['app/main.bicep', 'legacy/owner.bicep']));
    expect(r.outputs['sarif-file']).toBe('');
    expect(r.summary).toContain('### Identities and grants');
    expect(r.summary).toContain('i_uami');
  });

  it('only-changed outside a pull request reports everything; annotate and summary can be turned off', () => {
    const pushEvent = join(temp, 'push.json');
    writeFileSync(pushEvent, JSON.stringify({ ref: 'refs/heads/main', after: head }));
    const r = runAction({ 'only-changed': 'true', annotate: 'false', summary: 'false', format: 'compact' }, { GITHUB_EVENT_NAME: 'push', GITHUB_EVENT_PATH: pushEvent });
    expect(r.status).toBe(1);
    expect(commands(r.stdout).filter((c) => /^::(warning|notice) /.test(c) || /^::error file=/.test(c))).toEqual([]);
    expect(r.stdout).toContain('legacy/owner.bicep:7:1: error:');
    expect(r.summary).toBe('');
    expect(Number(r.outputs.errors)).toBeGreaterThanOrEqual(2);
  });

  it('a bad input fails the step with a clear message', () => {
    const r = runAction({ 'fail-on': 'sometimes' });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("::error::grantlint: Input 'fail-on' must be one of error, warning, info, never, not 'sometimes'.");
  });
});
