import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/paths.js';
import { runCli } from '../helpers/run-cli.js';

const docs = readFileSync(join(repoRoot, 'docs', 'integrations.md'), 'utf8');

const SITE = `resource site 'Microsoft.Web/sites@2023-01-01' = {
  name: 'orders-web'
  location: 'westeurope'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {}
}

module secrets 'modules/vault-reader.bicep' = {
  name: 'vault-reader'
  params: {
    principalId: site.identity.principalId
  }
}
`;
const MODULE = readFileSync(join(repoRoot, 'fixtures', 'integrations', 'pr', 'base', 'modules', 'vault-reader.bicep'), 'utf8');
const OWNER = `
resource owner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(resourceGroup().id, site.id, '8e3af657-a8ff-443c-a75c-2fe8c4bcb635')
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '8e3af657-a8ff-443c-a75c-2fe8c4bcb635')
    principalId: site.identity.principalId
    principalType: 'ServicePrincipal'
  }
}
`;
const TF_IDENTITY = `resource "azurerm_user_assigned_identity" "jobs" {
  name                = "jobs-identity"
  resource_group_name = "jobs-rg"
  location            = "westeurope"
}

resource "azurerm_container_app" "jobs" {
  name                         = "jobs"
  resource_group_name          = "jobs-rg"
  container_app_environment_id = "env"
  revision_mode                = "Single"
  identity {
    type         = "UserAssigned"
    identity_ids = [azurerm_user_assigned_identity.jobs.id]
  }
}
`;
const TF_GRANT = `resource "azurerm_role_assignment" "jobs" {
  scope                = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/jobs-rg"
  role_definition_name = "Owner"
  principal_id         = azurerm_user_assigned_identity.jobs.principal_id
  principal_type       = "ServicePrincipal"
}
`;

let temp: string;
beforeAll(() => {
  temp = mkdtempSync(join(tmpdir(), 'grantlint-editors-'));
  mkdirSync(join(temp, 'app', 'modules'), { recursive: true });
  writeFileSync(join(temp, 'app', 'main.bicep'), SITE);
  writeFileSync(join(temp, 'app', 'modules', 'vault-reader.bicep'), MODULE);
  writeFileSync(join(temp, 'app', 'other.bicep'), `resource lonely 'Microsoft.Web/sites@2023-01-01' = {\n  name: 'x'\n  identity: {\n    type: 'SystemAssigned'\n  }\n}\n`);
  mkdirSync(join(temp, 'tf'));
  writeFileSync(join(temp, 'tf', 'identity.tf'), TF_IDENTITY);
  writeFileSync(join(temp, 'tf', 'grants.tf'), '');
});
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const compactLines = (out: string): string[] => out.split('\n').filter(Boolean);

describe('--stdin --stdin-filename', () => {
  it('lints the buffer, not the file on disk; its module is read from disk; other files are not reported', () => {
    const onDisk = runCli(['--format', 'compact', 'app/main.bicep'], temp);
    expect(onDisk.stdout).toBe('');
    const r = runCli(['--format', 'compact', '--stdin', '--stdin-filename', 'app/main.bicep'], temp, SITE + OWNER);
    expect(r.stderr).toBe('');
    const lines = compactLines(r.stdout);
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(l.startsWith('app/main.bicep:')).toBe(true);
    expect(lines).toContainEqual(expect.stringMatching(/^app\/main\.bicep:17:1: error: Grants 'Owner' .*\[privileged-role\] https:\/\/\S+\/docs\/rules\/privileged-role\.md$/));
    expect(r.stdout).not.toContain('missing-role-grant');
    expect(r.status).toBe(1);
  });

  it('Terraform: the buffer replaces its file in the folder, whose other files give the context', () => {
    const r = runCli(['--format', 'compact', '--stdin', '--stdin-filename', 'tf/grants.tf'], temp, TF_GRANT);
    const lines = compactLines(r.stdout);
    expect(lines).toContainEqual(expect.stringMatching(/^tf\/grants\.tf:1:1: error: Grants 'Owner' to user-assigned identity 'azurerm_user_assigned_identity\.jobs'/));
    for (const l of lines) expect(l.startsWith('tf/grants.tf:')).toBe(true);
    // Without the buffer the identity is never granted: that finding is in identity.tf, not reported here.
    expect(runCli(['--format', 'compact', 'tf'], temp).stdout).toContain('tf/identity.tf');
  });

  it('a buffer never saved is linted under its name', () => {
    const r = runCli(['--format', 'compact', '--stdin', '--stdin-filename', 'app/new.bicep'], temp, SITE.replace('modules/vault-reader.bicep', 'modules/vault-reader.bicep') + OWNER);
    expect(compactLines(r.stdout)).toContainEqual(expect.stringMatching(/^app\/new\.bicep:17:1: error: .*\[privileged-role\] https:\/\/\S+\/docs\/rules\/privileged-role\.md$/));
  });

  it('usage errors: no filename, paths with --stdin, a file kind grantlint does not read', () => {
    expect(runCli(['--stdin'], temp, '').stderr).toContain('--stdin needs --stdin-filename');
    expect(runCli(['--stdin', '--stdin-filename', 'a.bicep', 'app'], temp, '').status).toBe(2);
    const r = runCli(['--stdin', '--stdin-filename', 'notes.txt'], temp, '');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--stdin-filename 'notes.txt' is not a file grantlint reads");
  });
});

describe('editor problem matchers, applied to real compact output', () => {
  const output = (): string => runCli(['--format', 'compact', '--fail-on', 'never', '.'], temp).stdout;

  it('the VS Code problem matcher in docs/integrations.md parses every line', () => {
    const block = /```json\n(\{\n {2}"version": "2\.0\.0"[\s\S]*?)\n```/.exec(docs)?.[1];
    expect(block).toBeDefined();
    const task = JSON.parse(block!).tasks[0];
    const { regexp, file, line, column, severity, message, code } = task.problemMatcher.pattern;
    const re = new RegExp(regexp);
    const lines = compactLines(output());
    expect(lines.length).toBeGreaterThanOrEqual(2);
    const json = JSON.parse(runCli(['--format', 'json', '--fail-on', 'never', '.'], temp).stdout);
    lines.forEach((l, i) => {
      const m = re.exec(l);
      expect(m, l).not.toBeNull();
      const f = json.findings[i];
      expect([m![file], Number(m![line]), Number(m![column]), m![severity], m![message], m![code]]).toEqual([
        f.file,
        f.range.start.line,
        f.range.start.column,
        f.severity,
        f.message,
        f.ruleId,
      ]);
    });
  });

  it("Vim's errorformat in docs/integrations.md fills the quickfix list (real vim, headless)", () => {
    const efm = /^set errorformat=(.+)$/m.exec(docs)?.[1];
    expect(efm).toBeDefined();
    const outFile = join(temp, 'grantlint.out');
    const qfFile = join(temp, 'qf.json');
    writeFileSync(outFile, output());
    const vim = spawnSync(
      'vim',
      [
        '-es', '-N', '-u', 'NONE', '-i', 'NONE',
        '-c', `set errorformat=${efm}`,
        '-c', `cgetfile ${outFile}`,
        '-c', `call writefile([json_encode(map(getqflist(), {_, e -> [bufname(e.bufnr), e.lnum, e.col, e.type, e.text, e.valid]}))], '${qfFile}')`,
        '-c', 'qa!',
      ],
      { cwd: temp, encoding: 'utf8', timeout: 20_000 },
    );
    if (vim.error) throw new Error(`vim is needed for this test (apt-get install vim): ${vim.error.message}`);
    const qf = JSON.parse(readFileSync(qfFile, 'utf8')) as [string, number, number, string, string, number][];
    const json = JSON.parse(runCli(['--format', 'json', '--fail-on', 'never', '.'], temp).stdout);
    expect(qf).toEqual(
      json.findings.map((f: { file: string; range: { start: { line: number; column: number } }; severity: string; message: string; ruleId: string; docsUrl: string }) => [
        f.file,
        f.range.start.line,
        f.range.start.column,
        f.severity[0], // %t keeps the letter; Vim reads e, w, i as error, warning, info
        `${f.message} [${f.ruleId}] ${f.docsUrl}`,
        1,
      ]),
    );
  });
});
