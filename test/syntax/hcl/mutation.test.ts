/**
 * Robustness and strictness: mutated corpus files never make the parser throw, and single
 * mutations are accepted or rejected exactly when HashiCorp's parser (`@cdktn/hcl2json`) does.
 */

import { isDeepStrictEqual } from 'node:util';
import { parse as referenceParse } from '@cdktn/hcl2json';
import { describe, expect, it } from 'vitest';
import { parseHcl } from '../../../src/syntax/hcl/parser.js';
import { bodyShape } from './reference-shape.js';
import { corpusFiles, rel } from './corpus-files.js';

const files = corpusFiles().filter((f) => !f.path.endsWith('.json'));
const texts = new Map(files.map((f) => [f.path, f.text]));

async function reference(name: string, text: string): Promise<{ ok: true; value: unknown } | { ok: false; error: string }> {
  try {
    return { ok: true, value: await referenceParse(name, text) };
  } catch (e) {
    return { ok: false, error: String(e) };
  }
}

/** A small deterministic generator, so failures reproduce. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
}

const NOISE = ['{', '}', '[', ']', '(', ')', '"', '=', ',', '\n', '.', '*', '$', '%', '~', '?', ':', ' ', 'x', '1', '#', '<<', '-', '\\', '${', '%{', '/*', '\r'];

function mutate(text: string, rnd: () => number): string {
  const i = Math.floor(rnd() * (text.length + 1));
  const r = rnd();
  if (r < 0.35) return text.slice(0, i) + text.slice(i + 1 + Math.floor(rnd() * 3));
  if (r < 0.45) return text.slice(0, i);
  return text.slice(0, i) + NOISE[Math.floor(rnd() * NOISE.length)] + text.slice(i);
}

describe('HCL robustness', () => {
  it('never throws on truncated or mutated corpus files', () => {
    const rnd = random(42);
    for (let n = 0; n < 2500; n++) {
      const f = files[Math.floor(rnd() * files.length)].path;
      let text = texts.get(f)!;
      const times = 1 + Math.floor(rnd() * 4);
      for (let k = 0; k < times; k++) text = mutate(text, rnd);
      const r = parseHcl(text);
      expect(r.end).toBe(text.length);
      for (const e of r.errors) {
        expect(e.start, rel(f)).toBeGreaterThanOrEqual(0);
        expect(e.end, rel(f)).toBeLessThanOrEqual(text.length);
      }
    }
  });

  it('accepts and rejects single mutations of corpus files exactly as the reference does', async () => {
    const rnd = random(7);
    const mismatches: string[] = [];
    let rejected = 0;
    let accepted = 0;
    for (let n = 0; n < 800; n++) {
      const f = files[Math.floor(rnd() * files.length)].path;
      const original = texts.get(f)!;
      if (original.length > 6000) continue;
      const text = mutate(original, rnd);
      const ref = await reference('x.tf', text);
      const mine = parseHcl(text);
      if (ref.ok) accepted++;
      else rejected++;
      const same = ref.ok
        ? mine.errors.length === 0 &&
          isDeepStrictEqual(JSON.parse(JSON.stringify(bodyShape(text, mine.body))), ref.value)
        : mine.errors.length > 0;
      if (!same) mismatches.push(`${rel(f)} ${JSON.stringify(text.slice(0, 80))}: reference ${ref.ok ? 'accepts' : ref.error.slice(0, 200)}; ours ${JSON.stringify(mine.errors[0] ?? 'accepts')}`);
    }
    console.log(`HCL mutations: ${accepted} accepted and ${rejected} rejected by the reference; ${mismatches.length} differ`);
    expect(rejected).toBeGreaterThan(100);
    expect(mismatches).toEqual([]);
  });
});
