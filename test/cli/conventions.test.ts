import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useColor } from '../../src/cli/color.js';
import { repoRoot } from '../helpers/paths.js';
import { runCli } from '../helpers/run-cli.js';
import { treeMaker } from '../helpers/tree.js';

/** The conventions users bring from ESLint, Checkov and tflint, run through the built CLI. */

const { tree } = treeMaker('grantlint-conventions-');

/** One error (Contributor on a resource) and one warning (its name leaves out the role). */
const BICEP = `resource site 'Microsoft.Web/sites@2023-01-01' = {
  name: 'app'
  location: 'westeurope'
  identity: { type: 'SystemAssigned' }
}
resource storage 'Microsoft.Storage/storageAccounts@2023-01-01' existing = {
  name: 'store'
}
resource grant 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, site.id)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'b24988ac-6180-42a0-ab88-20f7382dd24c')
    principalId: site.identity.principalId
    principalType: 'ServicePrincipal'
  }
}
`;

const plainEnv = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => {
  const env = { ...process.env, ...extra };
  if (!('NO_COLOR' in extra)) delete env.NO_COLOR;
  if (!('FORCE_COLOR' in extra)) delete env.FORCE_COLOR;
  return env;
};

describe('nothing to lint is an error, not a silent pass', () => {
  const project = tree({ 'infra/main.bicep': BICEP, 'empty/.keep': '', 'web/package.json': '{ "name": "web" }\n', 'web/README.md': '# web\n' });

  it('a glob with a typo exits 2 and names it', () => {
    const r = runCli(['infar/**'], project);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      "grantlint: Nothing to lint: 'infar/**' matches no Bicep, Terraform or ARM template file (check the path for a typo; --no-error-on-unmatched-pattern allows this).\n",
    );
  });

  it('an empty folder, or one with JSON that is no template, is nothing to lint', () => {
    expect(runCli(['empty'], project)).toMatchObject({ status: 2, stderr: expect.stringContaining("'empty' matches no Bicep") });
    expect(runCli(['web'], project)).toMatchObject({ status: 2, stderr: expect.stringContaining("'web' matches no Bicep") });
    expect(runCli(['.'], join(project, 'web'))).toMatchObject({ status: 2, stderr: expect.stringContaining("'.' matches no Bicep") });
  });

  it('one unmatched pattern among good ones still fails, naming only it', () => {
    const r = runCli(['infra', 'infar/**'], project);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("'infar/**' matches");
    expect(r.stderr).not.toContain("'infra'");
  });

  it('a named file that is no template is fine beside one that is (pre-commit passes such lists)', () => {
    const r = runCli(['--fail-on', 'never', 'infra/main.bicep', 'web/package.json'], project);
    expect(r.status).toBe(0);
    expect(runCli(['web/package.json'], project).status).toBe(2);
  });

  it('--no-error-on-unmatched-pattern opts out', () => {
    const r = runCli(['--no-error-on-unmatched-pattern', 'empty', 'infar/**'], project);
    expect(r).toMatchObject({ status: 0, stdout: '', stderr: '' });
  });

  it('the graph subcommand says so too', () => {
    expect(runCli(['graph', 'infar/**'], project)).toMatchObject({ status: 2, stderr: expect.stringContaining("'infar/**' matches no Bicep") });
    expect(runCli(['graph', '--no-error-on-unmatched-pattern', 'empty'], project).status).toBe(0);
  });
});

describe('outputs', () => {
  const project = tree({ 'main.bicep': BICEP });

  it('-o writes the report to a file, nothing on stdout', () => {
    const r = runCli(['-f', 'json', '-o', 'out/report.json', '.'], project);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    const report = JSON.parse(readFileSync(join(project, 'out', 'report.json'), 'utf8'));
    expect(report.summary).toMatchObject({ error: 1, warning: 1 });
  });

  it('several formats in one run: one to stdout, the others to their files', () => {
    const r = runCli(['-f', 'compact', '-f', 'sarif:reports/grantlint.sarif', '--format=junit:reports/junit.xml', '.'], project);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^main\.bicep:9:1: error: Grants 'Contributor'/m);
    const sarif = JSON.parse(readFileSync(join(project, 'reports', 'grantlint.sarif'), 'utf8'));
    expect(sarif.runs[0].results).toHaveLength(2);
    expect(readFileSync(join(project, 'reports', 'junit.xml'), 'utf8')).toContain('<testsuites name="grantlint"');
  });

  it('two formats for standard output are refused before any work', () => {
    const r = runCli(['-f', 'stylish', '-f', 'json', '.'], project);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('Only one format can go to standard output');
    const file = runCli(['-f', 'sarif:', '.'], project);
    expect(file.stderr).toContain('needs a file after the colon');
  });

  it('--quiet reports errors only', () => {
    const r = runCli(['-f', 'json', '--quiet', '.'], project);
    const report = JSON.parse(r.stdout);
    expect(report.findings.map((f: { severity: string }) => f.severity)).toEqual(['error']);
    expect(r.status).toBe(1);
  });

  it('--max-warnings N fails on more than N warnings, with a line saying why', () => {
    const base = ['--fail-on', 'never', '-f', 'compact', '.'];
    expect(runCli(['--max-warnings', '1', ...base], project).status).toBe(0);
    const r = runCli(['--max-warnings', '0', ...base], project);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('grantlint: 1 warning, more than --max-warnings 0 allows.\n');
    // --quiet drops warnings before they are counted, as in ESLint.
    expect(runCli(['--max-warnings', '0', '--quiet', ...base], project).status).toBe(0);
    expect(runCli(['--max-warnings', 'lots', '.'], project)).toMatchObject({ status: 2, stderr: expect.stringContaining('--max-warnings needs a whole number') });
  });
});

describe('colour', () => {
  const project = tree({ 'main.bicep': BICEP });
  const ESC = '\u001b[';

  it('FORCE_COLOR colours a log that is not a terminal (CI), NO_COLOR and --no-color turn it off', () => {
    expect(runCli(['.'], project, undefined, plainEnv()).stdout).not.toContain(ESC);
    expect(runCli(['.'], project, undefined, plainEnv({ FORCE_COLOR: '1' })).stdout).toContain(`${ESC}31m`);
    expect(runCli(['.'], project, undefined, plainEnv({ FORCE_COLOR: '0' })).stdout).not.toContain(ESC);
    expect(runCli(['--color', '.'], project, undefined, plainEnv({ NO_COLOR: '1' })).stdout).toContain(ESC);
    expect(runCli(['--no-color', '.'], project, undefined, plainEnv({ FORCE_COLOR: '1' })).stdout).not.toContain(ESC);
  });

  it('the decision, case by case', () => {
    expect(useColor(undefined, {}, true)).toBe(true);
    expect(useColor(undefined, {}, false)).toBe(false);
    expect(useColor(undefined, { TERM: 'dumb' }, true)).toBe(false);
    expect(useColor(undefined, { NO_COLOR: '1' }, true)).toBe(false);
    expect(useColor(undefined, { NO_COLOR: '' }, true)).toBe(true);
    expect(useColor(undefined, { FORCE_COLOR: '', NO_COLOR: '1' }, false)).toBe(true);
    expect(useColor(undefined, { FORCE_COLOR: 'false' }, true)).toBe(false);
    expect(useColor(false, { FORCE_COLOR: '3' }, true)).toBe(false);
    expect(useColor(true, {}, false)).toBe(true);
  });

  it('a report written to a file has no colour unless --color asks', () => {
    runCli(['-o', 'plain.txt', '.'], project, undefined, plainEnv({ FORCE_COLOR: '1' }));
    expect(readFileSync(join(project, 'plain.txt'), 'utf8')).not.toContain(ESC);
    runCli(['--color', '-o', 'colour.txt', '.'], project, undefined, plainEnv());
    expect(readFileSync(join(project, 'colour.txt'), 'utf8')).toContain(ESC);
  });
});

describe('arguments in grantlint words', () => {
  it('an unknown option gets the nearest known one', () => {
    const r = runCli(['--fial-on', 'warning'], repoRoot);
    expect(r).toMatchObject({ status: 2, stdout: '' });
    expect(r.stderr).toBe("grantlint: Unknown option '--fial-on'. Did you mean '--fail-on'? Run 'grantlint --help' for the options.\n");
    expect(runCli(['--max-warning', '3'], repoRoot).stderr).toContain("Did you mean '--max-warnings'?");
    expect(runCli(['graph', '--formt', 'dot'], repoRoot).stderr).toBe(
      "grantlint: Unknown option '--formt'. Did you mean '--format'? Run 'grantlint graph --help' for the options.\n",
    );
    const far = runCli(['--frobnicate'], repoRoot).stderr;
    expect(far).toBe("grantlint: Unknown option '--frobnicate'. Run 'grantlint --help' for the options.\n");
    expect(far).not.toMatch(/positional|To specify/);
  });

  it('a missing or unwanted value is named', () => {
    expect(runCli(['--format'], repoRoot).stderr).toBe("grantlint: Option '--format' needs a value. Run 'grantlint --help' for the options.\n");
    expect(runCli(['--quiet=yes'], repoRoot).stderr).toBe("grantlint: Option '--quiet' takes no value. Run 'grantlint --help' for the options.\n");
    expect(runCli(['-f', 'stylsh'], repoRoot).stderr).toContain("Unknown format 'stylsh' (did you mean 'stylish'?)");
  });

  it('grantlint help, -h, -V and -v; a mistyped subcommand', () => {
    const help = runCli(['help'], repoRoot);
    expect(help.status).toBe(0);
    expect(help.stdout).toBe(runCli(['-h'], repoRoot).stdout);
    expect(help.stdout).toMatch(/^Usage: grantlint \[options\] \[paths\.\.\.\]/);
    for (const option of ['--output-file', '--quiet', '--max-warnings', '--no-color', '--no-error-on-unmatched-pattern', '-V, --version']) expect(help.stdout).toContain(option);
    expect(runCli(['help', 'graph'], repoRoot).stdout).toMatch(/^Usage: grantlint graph/);
    const version = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).version;
    const printed = runCli(['--version'], repoRoot).stdout;
    expect(printed.startsWith(`${version} (`)).toBe(true);
    expect(runCli(['-V'], repoRoot).stdout).toBe(printed);
    expect(runCli(['-v'], repoRoot).stdout).toBe(printed);
    expect(existsSync(join(repoRoot, 'grpah'))).toBe(false);
    expect(runCli(['grpah'], repoRoot).stderr).toBe("grantlint: No such file or directory: grpah. Did you mean 'grantlint graph'?\n");
  });
});

describe('the baseline key of .grantlint.yaml', () => {
  it('is the baseline in force when --baseline is not given, relative to the configuration file', () => {
    const project = tree({ 'infra/main.bicep': BICEP });
    expect(runCli(['--write-baseline', 'infra/baseline.json', '.'], project).status).toBe(0);
    expect(runCli(['.'], project).status).toBe(1);
    writeFileSync(join(project, '.grantlint.yaml'), 'baseline: infra/baseline.json\n');
    expect(runCli(['.'], project)).toMatchObject({ status: 0, stdout: '' });
    // From a subfolder the same file applies (the nearest configuration names it).
    expect(runCli(['.'], join(project, 'infra')).status).toBe(0);
    writeFileSync(join(project, '.grantlint.yaml'), 'baseline: infra/missing.json\n');
    const r = runCli(['.'], project);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('infra/missing.json: cannot read the baseline (ENOENT)');
  });
});
