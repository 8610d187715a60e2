import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fuzzFormat, mutate, prng, seedFiles } from '../../bench/fuzz.js';
import { sharedRoot } from '../helpers/paths.js';

const corpus = join(sharedRoot, 'corpus');

/**
 * A few seconds of mutation fuzzing in CI, with fixed seeds (the same cases every run): no throw,
 * every position inside the file, no internal-error, no parse-error caused by an internal limit.
 * `npm run fuzz` runs 100,000 mutations per format.
 */
describe('fuzzing: mutated corpus files of all three formats', () => {
  it('finds the corpus', () => {
    expect(existsSync(corpus), `the shared corpus is missing at ${corpus} (set GRANTLINT_SHARED)`).toBe(true);
  });

  for (const [format, seed] of [['bicep', 11], ['terraform', 12], ['arm', 13]] as const) {
    it(`${format}: 300 mutations lint without a throw, an internal error or a position outside the file`, async () => {
      const seeds = seedFiles(corpus, format, 30);
      expect(seeds.length).toBeGreaterThan(10);
      const r = await fuzzFormat(format, seeds, 300, seed);
      expect(r.cases).toBe(300);
      expect(r.failures.map((f) => `${f.seedFile} #${f.iteration}: ${f.problems.join('; ')}`)).toEqual([]);
    }, 60_000);
  }

  it('the mutations are deterministic for a seed', () => {
    const a = prng(5);
    const b = prng(5);
    const text = 'resource x = { a: [1, 2] }';
    expect(Array.from({ length: 20 }, () => mutate(text, a))).toEqual(Array.from({ length: 20 }, () => mutate(text, b)));
  });
});
