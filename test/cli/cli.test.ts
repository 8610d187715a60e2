import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { repoRoot, sharedPath } from '../helpers/paths.js';

const temp = mkdtempSync(join(tmpdir(), 'grantlint-cli-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const ownerCase = sharedPath('acceptance', '03-bicep-owner-on-resource-group');
const cleanCase = sharedPath('acceptance', '01-seed-bicep-clean');

describe('grantlint CLI', () => {
  it('--help prints usage and exits 0', () => {
    const r = runCli(['--help'], repoRoot);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: grantlint/);
    expect(r.stdout).toContain('--fail-on');
  });

  it('--version prints the package version and the role catalog it judges roles against', () => {
    const r = runCli(['--version'], repoRoot);
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+ \(Azure built-in roles: 933, snapshot 2026-08-22\)$/);
  });

  it('a path that does not exist is a one-line error and exit 2', () => {
    const r = runCli(['no/such/folder'], temp);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('grantlint: No such file or directory: no/such/folder\n');
    expect(r.stdout).toBe('');
  });

  it('an unknown option or format is a usage error, exit 2', () => {
    expect(runCli(['--bogus'], temp).status).toBe(2);
    const r = runCli(['--format', 'xml', '.'], temp);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("Unknown format 'xml'");
  });

  it('exit 1 when an error-level finding exists, 0 with --fail-on never', () => {
    expect(runCli(['.'], ownerCase).status).toBe(1);
    expect(runCli(['--fail-on', 'never', '.'], ownerCase).status).toBe(0);
  });

  it('--fail-on warning fails on warnings only runs', () => {
    const dir = join(temp, 'warn-only');
    mkdirSync(dir);
    writeFileSync(
      join(dir, 'main.bicep'),
      "resource site 'Microsoft.Web/sites@2023-01-01' = {\n  name: 'x'\n  location: 'westeurope'\n  identity: {\n    type: 'SystemAssigned'\n  }\n}\n",
    );
    const plain = runCli(['--format', 'json', '.'], dir);
    const out = JSON.parse(plain.stdout);
    expect(out.findings.map((f: { ruleId: string; severity: string }) => `${f.ruleId}:${f.severity}`)).toEqual(['missing-role-grant:warning']);
    expect(plain.status).toBe(0);
    expect(runCli(['--fail-on', 'warning', '.'], dir).status).toBe(1);
  });

  it('clean input: exit 0, stylish prints nothing, json has an empty list', () => {
    const stylish = runCli(['.'], cleanCase);
    expect(stylish.status).toBe(0);
    expect(stylish.stdout).toBe('');
    const json = JSON.parse(runCli(['--format', 'json', '.'], cleanCase).stdout);
    expect(json).toEqual({ version: 1, findings: [], summary: { files: 1, error: 0, warning: 0, info: 0 } });
  });

  it('json output follows the contract: relative paths, 1-based ranges, fingerprints', () => {
    const out = JSON.parse(runCli(['--format', 'json', '.'], ownerCase).stdout);
    expect(out.version).toBe(1);
    expect(out.summary).toEqual({ files: 1, error: 1, warning: 3, info: 0 });
    for (const f of out.findings) {
      expect(f.file).toBe('main.bicep');
      expect(f.range.start.line).toBeGreaterThanOrEqual(1);
      expect(f.range.start.column).toBeGreaterThanOrEqual(1);
      expect(f.fingerprint).toMatch(/^[0-9a-f]{32}$/);
    }
    const nonIdempotent = out.findings.find((f: { ruleId: string }) => f.ruleId === 'non-idempotent-assignment-name');
    expect(nonIdempotent.message).toContain('newGuid()');
    expect(nonIdempotent.related).toEqual([
      { message: 'The value is written here.', file: 'main.bicep', range: { start: { line: 3, column: 35 }, end: { line: 3, column: 44 } } },
    ]);
  });

  it('stylish output groups by file with a summary line', () => {
    const r = runCli(['.'], ownerCase);
    expect(r.stdout).toMatch(/^main\.bicep\n {2}12:1 +warning +Grants 'Owner'/);
    expect(r.stdout).toMatch(/\n {2}12:1 +error +Grants 'Owner' .* privileged-role\n/);
    expect(r.stdout).toContain('✖ 4 problems (1 error, 3 warnings)');
  });

  it('output is byte-identical across runs', () => {
    const dir = sharedPath('acceptance');
    const a = runCli(['--format', 'json', '--fail-on', 'never', '.'], dir);
    const b = runCli(['--format', 'json', '--fail-on', 'never', '.'], dir);
    expect(a.status).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(JSON.parse(a.stdout).findings.length).toBeGreaterThan(10);
  });

  it('a broken file is a parse-error finding and the other files are still linted', () => {
    const dir = join(temp, 'mixed');
    mkdirSync(dir);
    writeFileSync(join(dir, 'broken.bicep'), "resource site 'Microsoft.Web/sites@2023-01-01' = {\n  name: 'x'\n  identity: {\n");
    writeFileSync(
      join(dir, 'ok.bicep'),
      "resource site 'Microsoft.Web/sites@2023-01-01' = {\n  name: 'y'\n  identity: {\n    type: 'SystemAssigned'\n  }\n}\n",
    );
    const r = runCli(['--format', 'json', '.'], dir);
    expect(r.stderr).toBe('');
    const rules = JSON.parse(r.stdout).findings.map((f: { ruleId: string; file: string }) => `${f.ruleId}@${f.file}`);
    expect(rules).toEqual(['parse-error@broken.bicep', 'missing-role-grant@ok.bicep']);
  });
});
