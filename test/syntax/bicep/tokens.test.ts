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
import { lex, tokenize } from '../../../src/syntax/bicep/lexer.js';
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

describe('Bicep lexer: comments end where the compiler ends them', () => {
  const spans = (text: string) => {
    const r = lex(text);
    return { comments: r.comments.map((c) => `${c.start}-${c.end}`), tokens: r.tokens.map((t) => `${t.kind} ${t.start}-${t.end}`), errors: r.errors.map((e) => e.code) };
  };

  it('ends a line comment at LF, CR or CRLF, whichever comes first, however the line breaks mix', () => {
    // CR only far ahead: the comments before it end at their LF.
    const text = "a // one\nb // two\nc // three\r\nd // four\re // five";
    const r = spans(text);
    expect(r.comments).toEqual(['2-8', '11-17', '20-28', '32-39', '42-49']);
    expect(r.tokens.filter((t) => t.startsWith('NewLine'))).toEqual(['NewLine 8-9', 'NewLine 17-18', 'NewLine 28-30', 'NewLine 39-40']);
  });

  it('runs a line comment without a line break to the end of the file', () => {
    expect(spans('x // the end').comments).toEqual(['2-12']);
    expect(spans('//').comments).toEqual(['0-2']);
  });

  it('ends a block comment at the first */ and reports one that is never closed', () => {
    expect(spans('/* a */ b /* c */').comments).toEqual(['0-7', '10-17']);
    const open = spans('a /* b * / c');
    expect(open.comments).toEqual(['2-12']);
    expect(open.errors).toEqual(['BCP002']);
  });
});
