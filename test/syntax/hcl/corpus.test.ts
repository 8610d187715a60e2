/**
 * Conformance over the shared corpus, with HashiCorp's own parser (`@cdktn/hcl2json`, HCL compiled
 * to WebAssembly) as the oracle: every file parses cleanly, its structure and constant values agree
 * with the oracle's, and mutated files are accepted or rejected exactly when the oracle does so.
 */

import { isDeepStrictEqual } from 'node:util';
import { parse as referenceParse } from '@cdktn/hcl2json';
import { describe, expect, it } from 'vitest';
import { parseHcl } from '../../../src/syntax/hcl/parser.js';
import { parseTerraformJson } from '../../../src/syntax/hcl/json.js';
import { bodyShape } from './reference-shape.js';
import { corpusFiles, rel } from './corpus-files.js';

/**
 * Corpus files that are not valid HCL, with the reason; each must also be rejected by the oracle.
 * None today: every doc snippet under website-docs-snippets happens to be a complete file.
 */
const EXCLUDED: Record<string, string> = {};

const all = corpusFiles();
const files = all.map((f) => f.path);
const texts = new Map(all.map((f) => [f.path, f.text]));

async function reference(name: string, text: string): Promise<{ ok: true; value: unknown } | { ok: false; error: string }> {
  try {
    return { ok: true, value: await referenceParse(name, text) };
  } catch (e) {
    return { ok: false, error: String(e) };
  }
}

describe('HCL corpus', () => {
  it('has the corpus at hand', () => {
    expect(files.length).toBeGreaterThan(2000);
  });

  it('parses every corpus file without a syntax error, except the listed invalid fragments', async () => {
    const unexpected: string[] = [];
    for (const f of files) {
      const text = texts.get(f)!;
      const r = f.endsWith('.json') ? parseTerraformJson(text) : parseHcl(text);
      const excluded = EXCLUDED[rel(f)] !== undefined;
      if (excluded) {
        expect(r.errors.length, rel(f)).toBeGreaterThan(0);
        expect((await reference('x.tf', text)).ok, rel(f)).toBe(false);
      } else if (r.errors.length > 0) {
        unexpected.push(`${rel(f)}: ${r.errors[0].message} at ${r.errors[0].start}`);
      }
    }
    expect(unexpected).toEqual([]);
  });

  it('agrees with the reference parser on the structure and constant values of every file', async () => {
    let agree = 0;
    let pairs = 0;
    const disagree: string[] = [];
    for (const f of files) {
      if (EXCLUDED[rel(f)] !== undefined || f.endsWith('.json')) continue;
      const text = texts.get(f)!;
      const ref = await reference('x.tf', text);
      if (!ref.ok) {
        disagree.push(`${rel(f)}: the reference rejects it: ${ref.error.slice(0, 200)}`);
        continue;
      }
      const mine = JSON.parse(JSON.stringify(bodyShape(text, parseHcl(text).body))) as unknown;
      if (isDeepStrictEqual(mine, ref.value)) {
        agree++;
        pairs += countLeaves(mine);
      } else disagree.push(rel(f));
    }
    console.log(`HCL conformance: ${agree} files agree with the reference (${pairs} attribute values), ${disagree.length} disagree`);
    expect(disagree).toEqual([]);
  });
});

function countLeaves(v: unknown): number {
  if (v === null || typeof v !== 'object') return 1;
  let n = 0;
  for (const x of Array.isArray(v) ? v : Object.values(v)) n += countLeaves(x);
  return n;
}

