import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lintAndFix } from '../../src/engine/fix/run-fixes.js';
import { lint } from '../../src/engine/lint.js';
import { FORMATTERS } from '../../src/format/index.js';
import { sharedRoot } from '../helpers/paths.js';
import { runCli } from '../helpers/run-cli.js';

const casesDir = join(sharedRoot, 'acceptance');
if (!existsSync(casesDir)) throw new Error(`the acceptance cases are missing: ${casesDir} (set GRANTLINT_SHARED)`);
const cases = readdirSync(casesDir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
const work = mkdtempSync(join(tmpdir(), 'grantlint-acceptance-fix-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Each case copied to a folder of its own: ../shared is never written. */
function copyCase(name: string, suffix = ''): string {
  const dir = join(work, name + suffix);
  cpSync(join(casesDir, name), dir, { recursive: true });
  return dir;
}

describe('--fix on every public acceptance case', () => {
  it('finds the cases', () => expect(cases.length).toBeGreaterThan(40));

  for (const name of cases) {
    it(name, async () => {
      const dir = copyCase(name);
      const parseErrors = (await lint([dir], { cwd: dir })).findings.filter((f) => f.ruleId === 'parse-error').length;
      const first = await lintAndFix([dir], { cwd: dir, keepGraph: true }, { write: true });
      // What is left of missing-principal-type is about principals whose kind grantlint cannot know,
      // or assignments in a module whose callers pass the principal in (a suggestion, not a fix).
      for (const f of first.findings.filter((x) => x.ruleId === 'missing-principal-type')) {
        const grant = first.graph!.grants.find((g) => g.resource.decl.file === f.file && g.at.range.start.line === f.range.start.line);
        if (grant?.principal.kind === 'managedIdentity') expect(grant.resource.callChain.length, `${f.file}:${f.range.start.line} ${f.message}`).toBeGreaterThan(0);
        expect(f.fix).toBeUndefined();
      }
      for (const fixed of first.fixed ?? []) expect(readFileSync(fixed.file, 'utf8')).toBe(fixed.output);
      expect(first.findings.filter((f) => f.ruleId === 'parse-error').length).toBe(parseErrors);
      const second = await lintAndFix([dir], { cwd: dir }, { write: true });
      expect(second.fixed).toEqual([]);
    });
  }
});

describe('--fix through the CLI in every output format', () => {
  const name = '03-bicep-owner-on-resource-group';
  for (const format of Object.keys(FORMATTERS)) {
    it(format, () => {
      const dir = copyCase(name, `-${format}`);
      const before = readFileSync(join(dir, 'main.bicep'), 'utf8');
      const first = runCli(['--fix', '--format', format, '.'], dir);
      expect(first.stderr).toBe('');
      const after = readFileSync(join(dir, 'main.bicep'), 'utf8');
      expect(after).not.toBe(before);
      expect(after).toContain("principalType: 'ServicePrincipal'");
      const ruleIds = (stdout: string): string[] =>
        format === 'json'
          ? JSON.parse(stdout).findings.map((f: { ruleId: string }) => f.ruleId)
          : format === 'sarif'
            ? JSON.parse(stdout).runs[0].results.map((r: { ruleId: string }) => r.ruleId)
            : [stdout];
      expect(ruleIds(first.stdout).join(' ')).not.toContain('missing-principal-type');
      const second = runCli(['--fix', '--format', format, '.'], dir);
      expect(ruleIds(second.stdout)).toEqual(ruleIds(first.stdout));
      if (format === 'json') expect(JSON.parse(second.stdout).output).toEqual([]);
      expect(readFileSync(join(dir, 'main.bicep'), 'utf8')).toBe(after);
    });
  }
});

describe('fix options', () => {
  const name = '03-bicep-owner-on-resource-group';
  it('--fix-dry-run writes nothing and shows the output', () => {
    const dir = copyCase(name, '-dry');
    const before = readFileSync(join(dir, 'main.bicep'), 'utf8');
    const r = runCli(['--fix-dry-run', '--format', 'json', '.'], dir);
    expect(readFileSync(join(dir, 'main.bicep'), 'utf8')).toBe(before);
    const out = JSON.parse(r.stdout);
    expect(out.output).toHaveLength(1);
    expect(out.output[0].file).toBe('main.bicep');
    expect(out.output[0].output).toContain("principalType: 'ServicePrincipal'");
  });
  it('--stdin --fix-dry-run fixes the buffer', () => {
    const dir = copyCase(name, '-stdin');
    const text = readFileSync(join(dir, 'main.bicep'), 'utf8');
    const r = runCli(['--stdin', '--stdin-filename', 'main.bicep', '--fix-dry-run', '--format', 'json'], dir, text);
    expect(JSON.parse(r.stdout).output[0].output).toContain("principalType: 'ServicePrincipal'");
    expect(runCli(['--stdin', '--stdin-filename', 'main.bicep', '--fix'], dir, text).status).toBe(2);
  });
  it('--fix-rule limits the rules and names a typo', () => {
    const dir = copyCase(name, '-rule');
    const before = readFileSync(join(dir, 'main.bicep'), 'utf8');
    expect(runCli(['--fix', '--fix-rule', 'privileged-role', '.'], dir).status).toBe(1);
    expect(readFileSync(join(dir, 'main.bicep'), 'utf8')).toBe(before);
    const typo = runCli(['--fix', '--fix-rule', 'missing-principal-typ', '.'], dir);
    expect(typo.status).toBe(2);
    expect(typo.stderr).toContain("did you mean 'missing-principal-type'");
    expect(runCli(['--fix-type', 'suggestion', '.'], dir).status).toBe(2);
    expect(runCli(['--fix', '--fix-type', 'layout', '.'], dir).stderr).toContain("Unknown --fix-type 'layout'");
  });
});
