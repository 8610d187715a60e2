/**
 * Token conformance: for every compiler baseline sample, grantlint's tokens agree with the
 * compiler's token dump in kind (the kind names are the compiler's, see lexer.ts) and span.
 *
 * No sample is excluded. One dump quirk is tolerated: the compiler omits the EndOfFile token from
 * the dump of `InvalidMultilineString_CRLF` (its unterminated multi-line string runs to the end of
 * the file), so a missing trailing EndOfFile is accepted.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tokenize } from '../../../src/syntax/bicep/lexer.js';
import { listSamples, readTokenDump } from './oracle.js';

const samples = listSamples();

describe('Bicep lexer against the compiler token dumps', () => {
  it('finds the baseline samples', () => {
    expect(samples.length).toBeGreaterThanOrEqual(78);
  });

  it.each(samples.map((s) => [s.name, s] as const))('%s', (_name, sample) => {
    const text = fs.readFileSync(sample.file, 'utf8');
    const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
    const expected = readTokenDump(sample).map((a) => `${a.kind} ${a.start}-${a.end}`);
    const actual = tokenize(text).map((t) => `${t.kind} ${t.start - bom}-${t.end - bom}`);
    if (actual.length === expected.length + 1 && actual[actual.length - 1].startsWith('EndOfFile')) {
      actual.pop();
    }
    expect(actual).toEqual(expected);
  });
});
