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
});
