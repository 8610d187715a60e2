import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import type { LintResult, RuleMeta } from '../../src/engine/types.js';
import type { FormatContext } from '../../src/format/types.js';
import { repoRoot } from '../helpers/paths.js';

export const fixturesDir = join(repoRoot, 'fixtures', 'format');

interface ResultsFixture {
  cwd: string;
  version: string;
  rules: RuleMeta[];
  result: LintResult;
}

/** The hand-made results every formatter is golden-tested on (fixtures/format/results.json). */
export function loadFixture(): { result: LintResult; context: FormatContext } {
  const raw = JSON.parse(readFileSync(join(fixturesDir, 'results.json'), 'utf8')) as ResultsFixture;
  return { result: raw.result, context: { cwd: raw.cwd, rules: raw.rules, version: raw.version } };
}

/**
 * Compares text with a golden file under fixtures/format/golden. `UPDATE_GOLDEN=1` rewrites the
 * file instead (review the diff before committing it).
 */
export function expectGolden(actual: string, name: string, dir = join(fixturesDir, 'golden')): void {
  const file = join(dir, name);
  if (process.env.UPDATE_GOLDEN || !existsSync(file)) {
    if (!process.env.UPDATE_GOLDEN) throw new Error(`golden file ${name} is missing; run with UPDATE_GOLDEN=1 to create it`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  expect(actual).toBe(readFileSync(file, 'utf8'));
}
