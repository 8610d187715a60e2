import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from '../helpers/run-cli.js';
import { sharedPath } from '../helpers/paths.js';

/**
 * Every case of ../shared/acceptance through the CLI's JSON output, with the contract of its
 * README: the checked rules' findings must match expected.yaml, no more and no fewer. A case checks
 * the core rules and `parse-error`, plus what its `checked:` names (`all`: every rule the README
 * defines), exactly as ../shared/tools/check_cases.py reads it: a checked rule grantlint does not
 * have yet makes the case fail.
 *
 * PENDING lists, by case name, the cases that do not pass yet and the issue that will make each
 * pass. A listed case must still fail: when it passes, this test fails until it leaves the list.
 */
const PENDING: Record<string, number> = {
};

const CORE = ['missing-role-grant', 'privileged-role', 'broad-scope', 'missing-principal-type', 'non-idempotent-assignment-name', 'parse-error'];
/** The rules under "Rules beyond the core" in the acceptance README. */
const BEYOND = [
  'access-not-granted',
  'role-target-mismatch',
  'keyvault-access-model',
  'unknown-role',
  'ambiguous-identity',
  'identity-id-mismatch',
  'slot-identity-drift',
  'orphaned-identity',
  'kubelet-acr-pull',
  'federated-credential',
];

interface Expected {
  rule: string;
  file: string;
  lines: [number, number];
}

interface CaseFile {
  findings?: Expected[];
  checked?: 'all' | string[];
}

function checkedRules(checked: CaseFile['checked']): Set<string> {
  if (checked === 'all') return new Set([...CORE, ...BEYOND]);
  return new Set([...CORE, ...(checked ?? [])]);
}

const casesDir = sharedPath('acceptance');
const cases = readdirSync(casesDir)
  .filter((d) => existsSync(join(casesDir, d, 'expected.yaml')))
  .sort();

/** What differs between the case's expected findings and grantlint's, as `rule@file:lines`. */
function compare(name: string): { missing: string[]; unexpected: string[] } {
  const dir = join(casesDir, name);
  const doc = (parse(readFileSync(join(dir, 'expected.yaml'), 'utf8')) ?? {}) as CaseFile;
  const checked = checkedRules(doc.checked);
  // A case whose files grantlint does not read yet (scripts, before issue 12) is judged by its
  // findings like any other, not stopped by the "nothing to lint" usage error.
  const result = runCli(['--format', 'json', '--no-error-on-unmatched-pattern', '.'], dir);
  expect(result.stderr).toBe('');
  expect([0, 1]).toContain(result.status);
  const output = JSON.parse(result.stdout) as { findings: { ruleId: string; file: string; range: { start: { line: number } } }[] };
  const unmatched = output.findings
    .filter((f) => checked.has(f.ruleId))
    .map((f) => ({ rule: f.ruleId, file: f.file, line: f.range.start.line }));
  const missing: string[] = [];
  for (const e of doc.findings ?? []) {
    const hit = unmatched.findIndex((g) => g.rule === e.rule && g.file === e.file && g.line >= e.lines[0] && g.line <= e.lines[1]);
    if (hit >= 0) unmatched.splice(hit, 1);
    else missing.push(`${e.rule}@${e.file}:${e.lines[0]}-${e.lines[1]}`);
  }
  return { missing, unexpected: unmatched.map((g) => `${g.rule}@${g.file}:${g.line}`) };
}

describe('acceptance cases', () => {
  it('finds the cases, and every pending case exists', () => {
    expect(cases.length).toBeGreaterThanOrEqual(52);
    expect(Object.keys(PENDING).filter((p) => !cases.includes(p))).toEqual([]);
  });

  it('reads checked: as check_cases.py does', () => {
    expect([...checkedRules(undefined)].sort()).toEqual([...CORE].sort());
    expect(checkedRules('all').size).toBe(CORE.length + BEYOND.length);
    expect(checkedRules(['unknown-role']).has('unknown-role')).toBe(true);
  });

  for (const name of cases) {
    const issue = PENDING[name];
    if (issue === undefined) {
      it(name, () => {
        expect(compare(name)).toEqual({ missing: [], unexpected: [] });
      });
    } else {
      it(`${name} (pending: issue ${issue})`, () => {
        const diff = compare(name);
        const passes = diff.missing.length === 0 && diff.unexpected.length === 0;
        expect(passes, `${name} passes now: remove it from PENDING`).toBe(false);
      });
    }
  }
});
