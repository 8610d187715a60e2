import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinRules } from '../../rules/index.js';
import { progressReporter } from '../../src/cli/progress.js';
import { DIAGNOSTIC_RULES } from '../../src/engine/diagnostic-rules.js';
import { repoRoot } from '../helpers/paths.js';
import { treeMaker } from '../helpers/tree.js';
import { runCli } from '../helpers/run-cli.js';

const { tree } = treeMaker('grantlint-cli-config-');

const OWNER = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';
const IDENTITY = "resource uami 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {\n  name: 'uami'\n  location: 'westeurope'\n}\n";
// The identity is an output (handed on, not orphaned), so that only the grant rules report.
const GRANT = `resource owner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(resourceGroup().id, uami.id, '${OWNER}')
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${OWNER}')
    principalId: uami.properties.principalId
    principalType: 'ServicePrincipal'
  }
}
output uamiId string = uami.id
`;
const SITE = "resource site 'Microsoft.Web/sites@2023-01-01' = {\n  name: 'x'\n  location: 'westeurope'\n  identity: {\n    type: 'SystemAssigned'\n  }\n}\n";

const ruleIds = (stdout: string): string[] => JSON.parse(stdout).findings.map((f: { ruleId: string; severity: string }) => `${f.ruleId}:${f.severity}`);

describe('configuration errors exit 2 with the file, line and key', () => {
  it('a bad severity', () => {
    const dir = tree({ '.grantlint.yaml': 'root: true\nrules:\n  broad-scope: off\n  privileged-role: fatal\n', 'main.bicep': SITE });
    const r = runCli(['.'], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('grantlint: .grantlint.yaml:4: rules.privileged-role: must be one of off, info, warning, error\n');
    expect(r.stdout).toBe('');
  });

  it('an unknown rule id in a config found above the linted folder', () => {
    const dir = tree({ '.grantlint.yaml': 'root: true\nrules:\n  missing-role-grants: off\n', 'infra/main.bicep': SITE });
    const r = runCli(['infra'], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      "grantlint: .grantlint.yaml:3: rules.missing-role-grants: unknown rule id (did you mean 'missing-role-grant'?); plugins add rule ids with 'plugins'\n",
    );
  });

  it('a missing --config or --baseline file', () => {
    const dir = tree({ 'main.bicep': SITE, '.grantlint.yaml': 'root: true\n' });
    expect(runCli(['--config', 'nope.yaml', '.'], dir)).toMatchObject({ status: 2, stderr: 'grantlint: nope.yaml: cannot read the configuration file (ENOENT)\n' });
    expect(runCli(['--baseline', 'nope.json', '.'], dir)).toMatchObject({
      status: 2,
      stderr: 'grantlint: nope.json: cannot read the baseline (ENOENT); write one with --write-baseline nope.json\n',
    });
  });
});

describe('configuration changes what is reported and the exit code', () => {
  it('.grantlint.yaml severities decide the exit code; --config replaces it', () => {
    const dir = tree({
      '.grantlint.yaml': 'root: true\nrules:\n  privileged-role: warning\n  broad-scope: off\n',
      'strict.yaml': 'rules:\n  missing-principal-type: error\n',
      'main.bicep': IDENTITY + GRANT,
    });
    const relaxed = runCli(['--format', 'json', '.'], dir);
    expect(relaxed.status).toBe(0);
    expect(ruleIds(relaxed.stdout)).toEqual(['privileged-role:warning']);
    const strict = runCli(['--format', 'json', '--config', 'strict.yaml', '.'], dir);
    expect(strict.status).toBe(1);
    expect(ruleIds(strict.stdout)).toEqual(['broad-scope:warning', 'privileged-role:error']);
  });

  it('--report-unused-suppressions', () => {
    const dir = tree({
      '.grantlint.yaml': 'root: true\n',
      'main.bicep': SITE + '\n// grantlint-disable-next-line privileged-role -- not needed any more\n' + "resource other 'Microsoft.Storage/storageAccounts@2023-01-01' existing = {\n  name: 'x'\n}\n",
    });
    expect(ruleIds(runCli(['--format', 'json', '.'], dir).stdout)).toEqual(['missing-role-grant:warning']);
    const r = runCli(['--format', 'json', '--report-unused-suppressions', '.'], dir);
    expect(ruleIds(r.stdout)).toEqual(['missing-role-grant:warning', 'unused-suppression:warning']);
    expect(JSON.parse(r.stdout).findings[1].range.start.line).toBe(9);
  });
});

describe('baselines', () => {
  it('--write-baseline records the findings; --baseline silences them until the code changes', () => {
    const dir = tree({ '.grantlint.yaml': 'root: true\n', 'infra/main.bicep': IDENTITY + GRANT });
    const write = runCli(['--write-baseline', 'grantlint-baseline.json', 'infra'], dir);
    expect(write).toMatchObject({ status: 0, stdout: '', stderr: 'grantlint: wrote 2 findings to grantlint-baseline.json\n' });
    const baseline = JSON.parse(readFileSync(join(dir, 'grantlint-baseline.json'), 'utf8'));
    expect(baseline.version).toBe(1);
    expect(baseline.findings.map((e: { file: string; ruleId: string }) => `${e.file}:${e.ruleId}`)).toEqual(['infra/main.bicep:broad-scope', 'infra/main.bicep:privileged-role']);

    expect(runCli(['infra'], dir).status).toBe(1);
    writeFileSync(join(dir, 'infra', 'main.bicep'), '// a header comment\n\n' + IDENTITY + '\n' + GRANT);
    const moved = runCli(['--baseline', 'grantlint-baseline.json', 'infra'], dir);
    expect(moved).toMatchObject({ status: 0, stdout: '', stderr: '' });

    writeFileSync(join(dir, 'infra', 'main.bicep'), IDENTITY + GRANT.replace("principalType: 'ServicePrincipal'", "principalType: 'ServicePrincipal'\n    description: 'changed'"));
    const changed = runCli(['--baseline', 'grantlint-baseline.json', 'infra'], dir);
    expect(changed.status).toBe(1);
    expect(changed.stdout).toContain('privileged-role');
    expect(changed.stderr).toBe('grantlint: 2 baseline entries match nothing any more; refresh it with --write-baseline grantlint-baseline.json\n');
  });
});

describe('--list-rules and --print-config', () => {
  const plugin = JSON.stringify(join(repoRoot, 'fixtures', 'config', 'plugins', 'every-workload.mjs'));

  it('--list-rules lists built-in, engine and plugin rules with their default severity', () => {
    const dir = tree({ '.grantlint.yaml': `root: true\nplugins: [${plugin}]\n` });
    const r = runCli(['--list-rules'], dir);
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    const expected = [...builtinRules.map((r) => r.meta.id), ...DIAGNOSTIC_RULES.map((m) => m.id), 'fixture-every-workload'].sort();
    expect(lines.map((l) => l.split(/\s+/)[0])).toEqual(expected);
    expect(expected).toEqual(expect.arrayContaining(['access-not-granted', 'ambiguous-identity', 'broad-scope', 'invalid-suppression', 'parse-error', 'unused-suppression']));
    expect(lines[expected.indexOf('fixture-every-workload')]).toMatch(/^fixture-every-workload +info +Reports every workload \(a test fixture\)\.$/);
    const json = JSON.parse(runCli(['--list-rules', '--format', 'json'], dir).stdout);
    const version = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).version;
    expect(json.find((r: { id: string }) => r.id === 'privileged-role')).toEqual({
      id: 'privileged-role',
      severity: 'error',
      description: 'A privileged role (Owner, Contributor, access administrators) is granted to a workload identity.',
      docsUrl: `https://github.com/grantlint/grantlint/blob/v${version}/docs/rules/privileged-role.md`,
    });
    // The fixture plugin rule names no page: no URL rather than a guess in grantlint's repository.
    expect(json.find((r: { id: string }) => r.id === 'fixture-every-workload').docsUrl).toBeUndefined();
  });

  it('--print-config shows the config files, ignore status, severities and options after overrides', () => {
    const dir = tree({
      '.grantlint.yaml': `root: true\nplugins: [${plugin}]\nrules:\n  broad-scope: info\nignore: [generated/]\n`,
      'infra/.grantlint.yaml': 'rules:\n  fixture-every-workload: [warning, { prefix: "x" }]\noverrides:\n  - files: ["legacy/**"]\n    rules:\n      privileged-role: off\n',
    });
    const r = runCli(['--print-config', 'infra/legacy/main.bicep'], dir);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.file).toBe('infra/legacy/main.bicep');
    expect(out.configFiles).toEqual(['.grantlint.yaml', 'infra/.grantlint.yaml']);
    expect(out.ignored).toBe(false);
    expect(out.rules['privileged-role']).toEqual(['off', {}]);
    expect(out.rules['broad-scope']).toEqual(['info', {}]);
    expect(out.rules['fixture-every-workload']).toEqual(['warning', { prefix: 'x' }]);
    expect(out.rules['missing-role-grant']).toEqual(['warning', {}]);
    expect(JSON.parse(runCli(['--print-config', 'generated/x.bicep'], dir).stdout).ignored).toBe(true);
  });
});

describe('progress indicator', () => {
  it('shows files found and batches read for large runs, erases itself, and stays quiet for small ones', () => {
    const out: string[] = [];
    const p = progressReporter((t) => out.push(t));
    p.onProgress({ stage: 'discovered', files: 120 });
    p.onProgress({ stage: 'front-end', files: 100, done: 1, total: 2 });
    p.onProgress({ stage: 'rules' });
    p.done();
    expect(out).toEqual([
      '\r\u001b[2Kgrantlint: 120 files found',
      '\r\u001b[2Kgrantlint: 120 files found; reading (batch 1/2)',
      '\r\u001b[2Kgrantlint: 120 files read; running rules',
      '\r\u001b[2K',
    ]);
    const quiet: string[] = [];
    const q = progressReporter((t) => quiet.push(t));
    q.onProgress({ stage: 'discovered', files: 50 });
    q.onProgress({ stage: 'rules' });
    q.done();
    expect(quiet).toEqual([]);
  });

  it('is never written when stderr is not a terminal', () => {
    const files: Record<string, string> = { '.grantlint.yaml': 'root: true\nrules:\n  missing-role-grant: off\n' };
    for (let i = 0; i < 60; i++) files[`m${i}.bicep`] = SITE;
    const r = runCli(['.'], tree(files));
    expect(r).toMatchObject({ status: 0, stdout: '', stderr: '' });
  });
});

describe('--no-plugins', () => {
  it('loads no plugin a configuration names: a plugin that would run code does not', () => {
    const throwing = JSON.stringify(join(repoRoot, 'fixtures', 'config', 'plugins', 'throws.mjs'));
    const dir = tree({ '.grantlint.yaml': `root: true\nplugins: [${throwing}]\nrules:\n  some-plugin-rule: error\n`, 'main.bicep': 'param p string\n' });
    const loaded = runCli(['.'], dir);
    expect(loaded.status).toBe(2);
    expect(loaded.stderr).toContain('plugin exploded');
    const r = runCli(['--no-plugins', '.'], dir);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
