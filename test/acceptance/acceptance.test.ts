import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from '../helpers/run-cli.js';
import { sharedRoot } from '../helpers/paths.js';

/**
 * Every case of ../shared/acceptance through the CLI's JSON output, with the contract of its
 * README: the checked rules' findings must match expected.yaml, no more and no fewer.
 *
 * Cases that need a front end grantlint does not have yet are listed here, by name, and nothing else.
 */
const PENDING: string[] = [];

const CHECKED = new Set([
  'missing-role-grant',
  'privileged-role',
  'broad-scope',
  'missing-principal-type',
  'non-idempotent-assignment-name',
  'parse-error',
]);

interface Expected {
  rule: string;
  file: string;
  lines: [number, number];
}

const casesDir = join(sharedRoot, 'acceptance');
const cases = readdirSync(casesDir)
  .filter((d) => existsSync(join(casesDir, d, 'expected.yaml')))
  .sort();

describe('acceptance cases', () => {
  it('finds the cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(19);
    for (const p of PENDING) expect(cases).toContain(p);
  });

  for (const name of cases) {
    const run = PENDING.includes(name) ? it.skip : it;
    run(name, () => {
      const dir = join(casesDir, name);
      const expected = ((parse(readFileSync(join(dir, 'expected.yaml'), 'utf8')) as { findings?: Expected[] }).findings ?? []);
      const result = runCli(['--format', 'json', '.'], dir);
      expect(result.stderr).toBe('');
      expect([0, 1]).toContain(result.status);
      const output = JSON.parse(result.stdout) as { findings: { ruleId: string; file: string; range: { start: { line: number } } }[] };
      const got = output.findings
        .filter((f) => CHECKED.has(f.ruleId))
        .map((f) => ({ rule: f.ruleId, file: f.file, line: f.range.start.line }));
      const unmatched = [...got];
      const missing: string[] = [];
      for (const e of expected) {
        const hit = unmatched.findIndex((g) => g.rule === e.rule && g.file === e.file && g.line >= e.lines[0] && g.line <= e.lines[1]);
        if (hit >= 0) unmatched.splice(hit, 1);
        else missing.push(`${e.rule}@${e.file}:${e.lines[0]}-${e.lines[1]}`);
      }
      expect({ missing, unexpected: unmatched.map((g) => `${g.rule}@${g.file}:${g.line}`) }).toEqual({ missing: [], unexpected: [] });
    });
  }
});
