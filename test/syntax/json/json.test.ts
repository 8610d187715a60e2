import { describe, expect, it } from 'vitest';
import { locationOf, member, parseJson, prop, stringValueOffset, toPlain, type JsonString } from '../../../src/syntax/json/index.js';

const at = (text: string, s: { start: number; end: number }) => parseJson(text).lines.range(s.start, s.end);

describe('parseJson', () => {
  it('gives offsets and 1-based positions on every node', () => {
    const text = '{\n  "a": [1, true, null],\n  "b": { "c": "d" }\n}';
    const doc = parseJson(text);
    expect(doc.error).toBeUndefined();
    const a = member(doc.root, 'a')!;
    expect(doc.lines.range(a.start, a.end)).toEqual({ start: { line: 2, column: 3 }, end: { line: 2, column: 23 } });
    const c = prop(prop(doc.root, 'b'), 'c')!;
    expect(locationOf('/x.json', doc, c).range.start).toEqual({ line: 3, column: 15 });
    expect(toPlain(doc.root!)).toEqual({ a: [1, true, null], b: { c: 'd' } });
  });

  it('looks keys up case-insensitively, the last repeated key winning', () => {
    const doc = parseJson('{"Name": 1, "name": 2, "Other": 3}');
    expect(prop(doc.root, 'NAME')).toMatchObject({ type: 'number', value: 2 });
    expect(prop(doc.root, 'other')).toMatchObject({ value: 3 });
  });

  it('accepts line and block comments and returns them', () => {
    const text = '// head\n{\n  "a": /* inline */ 1, // tail\n  "u": "http://x/*not*/"\n}';
    const doc = parseJson(text);
    expect(doc.error).toBeUndefined();
    expect(doc.comments.map((c) => c.text)).toEqual(['// head', '/* inline */', '// tail']);
    expect(at(text, doc.comments[2])).toEqual({ start: { line: 3, column: 24 }, end: { line: 3, column: 31 } });
    expect(doc.comments[1].block).toBe(true);
  });

  it('accepts trailing commas', () => {
    const doc = parseJson('{"a": [1, 2,], "b": {"c": 1,},}');
    expect(doc.error).toBeUndefined();
    expect(toPlain(doc.root!)).toEqual({ a: [1, 2], b: { c: 1 } });
  });

  it('accepts a BOM; offsets count it, like the other front ends', () => {
    const text = '\uFEFF{\n  "a": 1\n}';
    const doc = parseJson(text);
    expect(doc.error).toBeUndefined();
    const a = member(doc.root, 'a')!;
    expect(text.slice(a.start, a.end)).toBe('"a": 1');
    expect(doc.lines.range(a.start, a.end).start).toEqual({ line: 2, column: 3 });
  });

  it('accepts raw line breaks inside strings and keeps later positions right', () => {
    const text = '{\n  "a": "x\ny",\n  "b": "[concat(\'p\',\r\n \'q\')]",\n  "c": 3\n}';
    const doc = parseJson(text);
    expect(doc.error).toBeUndefined();
    expect(prop(doc.root, 'a')).toMatchObject({ value: 'x\ny' });
    const a = prop(doc.root, 'a')!;
    expect(doc.lines.range(a.start, a.end)).toEqual({ start: { line: 2, column: 8 }, end: { line: 3, column: 3 } });
    const c = prop(doc.root, 'c')!;
    expect(doc.lines.position(c.start)).toEqual({ line: 6, column: 8 });
  });

  it('reports the first syntax error with its offset, never throwing', () => {
    const text = '{\n  "a": 1,\n  "b": [\n    {\n';
    const doc = parseJson(text);
    expect(doc.root).toBeUndefined();
    expect(doc.error?.message).toMatch(/unexpected/i);
    expect(doc.error?.message).not.toMatch(/\(\d+:\d+\)/);
    expect(doc.lines.position(doc.error!.offset).line).toBeGreaterThanOrEqual(4);
    expect(parseJson('').error).toBeDefined();
    expect(parseJson('{"a": 1} x').error).toBeDefined();
    expect(parseJson('{"a": 1,, }').error).toBeDefined();
  });

  it('maps indexes of a string value to file offsets across escapes', () => {
    const text = '{"k": "a\\"b\\u0041c"}';
    const doc = parseJson(text);
    const s = prop(doc.root, 'k') as JsonString;
    expect(s.value).toBe('a"bAc');
    expect(text[stringValueOffset(doc, s, 0)]).toBe('a');
    expect(text[stringValueOffset(doc, s, 2)]).toBe('b');
    expect(text[stringValueOffset(doc, s, 4)]).toBe('c');
    const plain = parseJson('{"k": "abc"}');
    expect(stringValueOffset(plain, prop(plain.root, 'k') as JsonString, 1)).toBe(8);
  });

  it('says what it found, what it expected and where an unclosed thing was opened', () => {
    const cases: [string, RegExp, { line: number; column: number }][] = [
      ['{\n  "a": 1\n  "b": 2\n}', /^Unexpected a string: expected ',' or '}'$/, { line: 3, column: 3 }],
      ['{\n  "a" 1\n}', /expected ':' after the property name/, { line: 2, column: 7 }],
      ['{ a: 1 }', /^Unexpected 'a': expected a property name in double quotes/, { line: 1, column: 3 }],
      ['[1, tru]', /^Unexpected 'tru': expected a value/, { line: 1, column: 5 }],
      ['[1, 2,, 3]', /^Unexpected ',': expected a value/, { line: 1, column: 7 }],
      ['{"a": 01}', /Invalid number '01'/, { line: 1, column: 8 }],
      ['{"a": "\\q"}', /Invalid escape '\\q'/, { line: 1, column: 9 }],
      ['{"a": "\\u12x4"}', /\\u takes four hexadecimal digits/, { line: 1, column: 12 }],
      ['{\n  "a": [\n    1,\n', /^Unexpected end of file: the array opened at line 2, column 8 is not closed/, { line: 4, column: 1 }],
      ['{"a": "open\n}', /^Unexpected end of file: the string opened at line 1, column 7 is not closed/, { line: 2, column: 2 }],
      ['{"a": 1} /* c', /the comment opened at line 1, column 10 is not closed/, { line: 1, column: 14 }],
      ['{"a": 1}\u00a0', /white-space character JSON does not allow here/, { line: 1, column: 9 }],
      ['', /the file holds no JSON value/, { line: 1, column: 1 }],
    ];
    for (const [text, message, position] of cases) {
      const doc = parseJson(text);
      expect(doc.root, text).toBeUndefined();
      expect(doc.error?.message, text).toMatch(message);
      expect(doc.lines.position(doc.error!.offset), text).toEqual(position);
    }
  });

  it('reads numbers, escapes and keywords as JSON defines them', () => {
    const doc = parseJson('[-0.5e+2, 0, 1E3, "\\t\\u00e9\\/", true, false, null, "tab\there"]');
    expect(toPlain(doc.root!)).toEqual([-50, 0, 1000, '\té/', true, false, null, 'tab\there']);
    expect(parseJson('[truex]').error).toBeDefined();
    expect(parseJson('[1.]').error).toBeDefined();
    expect(parseJson('[-]').error).toBeDefined();
    expect(parseJson('{"a":1,}').error).toBeUndefined();
    expect(parseJson('[,]').error).toBeDefined();
  });

  it('reads plain and escaped strings in any order, wherever the backslashes stand', () => {
    // The scanner looks for the next backslash once and reuses the answer until reading passes it:
    // one in a comment, in a key, or in an earlier string must not make a later string wrong.
    const text = '// a\\b\n{"k\\"ey": ["x", "a\\\\b", "plain", "\\u0041\\n", "", "end"], /* \\ */ "last": "\\/"}';
    expect(toPlain(parseJson(text).root!)).toEqual(JSON.parse(text.replace(/\/\/.*\n|\/\*.*?\*\//g, '')));
    expect(toPlain(parseJson('["a", "b\\"c", "d"]').root!)).toEqual(['a', 'b"c', 'd']);
    expect(parseJson('["a", "b\\').error?.message).toMatch(/string opened at line 1, column 7 is not closed/);
    expect(parseJson('["a\\"]').error?.message).toMatch(/string opened at line 1, column 2 is not closed/);
  });
});
