import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseJson } from '../../../src/syntax/json/index.js';
import { sharedRoot } from '../../helpers/paths.js';
import { referenceParse } from './momoa-reference.js';

/**
 * The hand-written scanner against the parser it replaced (momoa, jsonc mode, trailing commas):
 * identical trees on every JSON file of the corpus, and on mutated corpus files the same
 * accept/reject, the same tree when accepted, and the error within a few characters of momoa's.
 */
const corpus = join(sharedRoot, 'corpus');

function jsonFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) jsonFiles(p, out);
    else if (/\.jsonc?$/i.test(e.name)) out.push(p);
  }
  return out;
}

/** Lets vitest's worker answer its runner during a long loop (a blocked worker fails the run). */
const breath = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('JSON scanner agrees with the momoa reference', () => {
  const files = existsSync(corpus) ? jsonFiles(corpus).sort() : [];

  it('finds the corpus', () => {
    expect(files.length, `no JSON files under ${corpus} (set GRANTLINT_SHARED to the shared folder)`).toBeGreaterThan(1000);
  });

  it('gives identical trees on every corpus JSON file', async () => {
    const differing: string[] = [];
    let templates = 0;
    for (const [i, f] of files.entries()) {
      if (i % 50 === 0) await breath();
      const text = readFileSync(f, 'utf8');
      const ref = referenceParse(text);
      const doc = parseJson(text);
      if (ref.root) templates++;
      if (!!ref.root !== !!doc.root || (ref.root && !isDeepStrictEqual(ref.root, doc.root))) differing.push(f);
    }
    expect(differing).toEqual([]);
    expect(templates).toBeGreaterThan(1000);
  }, 300_000);

  it('accepts and rejects mutated files as momoa does, with errors at the same place', async () => {
    let seed = 20261201;
    const rnd = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
      return seed % n;
    };
    const texts = files.filter((_, i) => i % 7 === 0).map((f) => readFileSync(f, 'utf8')).filter((t) => t.length < 30_000);
    const chars = '{}[],:"\\/*x0-.eE+tfnu1 \n\r\t\u00a0\ufeff';
    const disagreements: string[] = [];
    let rejected = 0;
    for (let k = 0; k < 6000; k++) {
      if (k % 200 === 0) await breath();
      const t = texts[rnd(texts.length)];
      const p = rnd(t.length + 1);
      const ch = chars[rnd(chars.length)];
      const op = rnd(4);
      const m = op === 0 ? t.slice(0, p) + t.slice(p + 1) : op === 1 ? t.slice(0, p) + ch + t.slice(p) : op === 2 ? t.slice(0, p) + ch + t.slice(p + 1) : t.slice(0, p);
      const ref = referenceParse(m);
      const doc = parseJson(m);
      const around = JSON.stringify(m.slice(Math.max(0, p - 20), p + 20));
      if (!!ref.root !== !!doc.root) disagreements.push(`accept/reject differ near ${around}`);
      else if (ref.root) {
        if (!isDeepStrictEqual(ref.root, doc.root)) disagreements.push(`trees differ near ${around}`);
      } else {
        rejected++;
        // momoa sometimes names the character before or after the one at fault.
        if (Math.abs(doc.error!.offset - ref.errorOffset!) > 3) disagreements.push(`error at ${doc.error!.offset}, momoa at ${ref.errorOffset} near ${around}: ${doc.error!.message}`);
      }
    }
    expect(disagreements).toEqual([]);
    expect(rejected).toBeGreaterThan(300);
  }, 300_000);
});
