/**
 * JSON (and JSONC) with source positions: a thin wrapper over @humanwhocodes/momoa.
 *
 * Spans are UTF-16 offsets `[start, end)` into the file text as read; a byte-order mark counts as
 * one offset (it is replaced by a space before parsing, so offsets stay those of the text). Positions
 * are derived with `LineMap` from the offsets, never from momoa's own line counting (which does not
 * count a raw line break inside a string).
 *
 * Accepted beyond strict JSON, as Azure accepts them: `//` and `/* *\/` comments, trailing commas,
 * a BOM, raw line breaks and other control characters inside strings.
 */
import { parse as momoaParse } from '@humanwhocodes/momoa';
import type { AnyNode as MomoaNode, ValueNode as MomoaValue } from '@humanwhocodes/momoa';
import { LineMap, type Location, type Range } from '../../model/location.js';
import { limitJsonDepth } from './depth.js';

export interface Span {
  start: number;
  end: number;
}

export type JsonNode = JsonObject | JsonArray | JsonString | JsonNumber | JsonBool | JsonNull;

export interface JsonObject extends Span {
  type: 'object';
  members: JsonMember[];
}
export interface JsonMember extends Span {
  /** The key as written (decoded). Look keys up with `member`/`prop`, which ignore case like ARM. */
  key: string;
  keySpan: Span;
  value: JsonNode;
}
export interface JsonArray extends Span {
  type: 'array';
  items: JsonNode[];
}
export interface JsonString extends Span {
  type: 'string';
  value: string;
}
export interface JsonNumber extends Span {
  type: 'number';
  value: number;
}
export interface JsonBool extends Span {
  type: 'bool';
  value: boolean;
}
export interface JsonNull extends Span {
  type: 'null';
}

export interface JsonComment extends Span {
  text: string;
  block: boolean;
}

export interface JsonSyntaxError {
  message: string;
  offset: number;
}

export interface JsonDocument {
  text: string;
  /** Absent when the text does not parse. */
  root?: JsonNode;
  /** The first syntax error (momoa stops at the first one). */
  error?: JsonSyntaxError;
  comments: JsonComment[];
  lines: LineMap;
  /** Where brackets first nest past MAX_NESTING: that value was read as `0` (see limitJsonDepth). */
  deepAt?: number;
}

const OPTIONS = { mode: 'jsonc', ranges: true, allowTrailingCommas: true } as const;

/** Parses JSON/JSONC text. Never throws: a syntax error is returned in `error`. */
export function parseJson(text: string): JsonDocument {
  const lines = new LineMap(text);
  const limited = limitJsonDepth(text.charCodeAt(0) === 0xfeff ? ' ' + text.slice(1) : text);
  const source = limited.text;
  let root: JsonNode | undefined;
  let error: JsonSyntaxError | undefined;
  try {
    const doc = momoaParse(source, OPTIONS);
    root = convert(doc.body);
  } catch (e) {
    error = syntaxError(e, source);
  }
  const doc: JsonDocument = { text, root, error, comments: root ? scanComments(source) : [], lines };
  if (limited.deepAt !== undefined) doc.deepAt = limited.deepAt;
  return doc;
}

function syntaxError(e: unknown, source: string): JsonSyntaxError {
  const err = e as { message?: unknown; offset?: unknown };
  const raw = typeof err?.message === 'string' ? err.message : String(e);
  const message = raw.replace(/\s*\(\d+:\d+\)\s*$/, '');
  let offset = typeof err?.offset === 'number' ? err.offset : 0;
  if (offset < 0) offset = 0;
  if (offset > source.length) offset = source.length;
  // momoa names the last token it read; when nothing but blanks follows it, the file was cut short.
  if (/^[^\S]*$/.test(source.slice(offset + 1)) || offset >= source.length) {
    return { message: 'Unexpected end of file: the JSON is incomplete (an unclosed object, array or string)', offset };
  }
  return { message: message || 'invalid JSON', offset };
}

function span(n: MomoaNode): Span {
  const r = n.range ?? [n.loc.start.offset, n.loc.end.offset];
  return { start: r[0], end: r[1] };
}

function convert(n: MomoaValue): JsonNode {
  const s = span(n);
  switch (n.type) {
    case 'Object':
      return {
        type: 'object',
        ...s,
        members: n.members.map((m) => ({
          key: m.name.type === 'String' ? m.name.value : m.name.name,
          keySpan: span(m.name),
          value: convert(m.value),
          ...span(m),
        })),
      };
    case 'Array':
      return { type: 'array', ...s, items: n.elements.map((e) => convert(e.value)) };
    case 'String':
      return { type: 'string', ...s, value: n.value };
    case 'Number':
      return { type: 'number', ...s, value: n.value };
    case 'Boolean':
      return { type: 'bool', ...s, value: n.value };
    case 'Null':
      return { type: 'null', ...s };
    case 'NaN':
      return { type: 'number', ...s, value: NaN };
    case 'Infinity':
      return { type: 'number', ...s, value: n.sign === '-' ? -Infinity : Infinity };
  }
}

/** Comments outside strings, in order. Only called on text that parsed. */
export function scanComments(text: string): JsonComment[] {
  const out: JsonComment[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 92 /* \ */) i += 2;
        else if (d === 34) break;
        else i++;
      }
      i++;
    } else if (c === 47 /* / */) {
      const d = text.charCodeAt(i + 1);
      if (d === 47) {
        let j = i + 2;
        while (j < n && text.charCodeAt(j) !== 10 && text.charCodeAt(j) !== 13) j++;
        out.push({ start: i, end: j, text: text.slice(i, j), block: false });
        i = j;
      } else if (d === 42 /* * */) {
        const close = text.indexOf('*/', i + 2);
        const j = close < 0 ? n : close + 2;
        out.push({ start: i, end: j, text: text.slice(i, j), block: true });
        i = j;
      } else i++;
    } else i++;
  }
  return out;
}

/** Case-insensitive member lookup (the last one wins when a key is repeated, like JSON.parse). */
export function member(o: JsonNode | undefined, key: string): JsonMember | undefined {
  if (!o || o.type !== 'object') return undefined;
  const lower = key.toLowerCase();
  let found: JsonMember | undefined;
  for (const m of o.members) if (m.key === key || m.key.toLowerCase() === lower) found = m;
  return found;
}

/** The value of a member, case-insensitively. */
export function prop(o: JsonNode | undefined, key: string): JsonNode | undefined {
  return member(o, key)?.value;
}

export function stringProp(o: JsonNode | undefined, key: string): string | undefined {
  const v = prop(o, key);
  return v && v.type === 'string' ? v.value : undefined;
}

/**
 * The file offset of the character at `index` of a string node's decoded value (escapes such as
 * `\"` or `\u0041` take more than one character in the file).
 */
export function stringValueOffset(doc: JsonDocument, node: JsonString, index: number): number {
  const first = node.start + 1;
  // Fast path: no escapes, the raw text is the value.
  if (node.end - node.start - 2 === node.value.length) return first + Math.max(0, Math.min(index, node.value.length));
  const text = doc.text;
  let raw = first;
  let k = 0;
  while (k < index && raw < node.end - 1) {
    if (text.charCodeAt(raw) === 92) raw += text.charCodeAt(raw + 1) === 117 /* u */ ? 6 : 2;
    else raw++;
    k++;
  }
  return raw;
}

export function rangeOf(doc: JsonDocument, s: Span): Range {
  return doc.lines.range(s.start, s.end);
}

export function locationOf(file: string, doc: JsonDocument, s: Span): Location {
  return { file, range: doc.lines.range(s.start, s.end) };
}

/** Plain JavaScript value of a node (for metadata and the like). */
export function toPlain(n: JsonNode): unknown {
  switch (n.type) {
    case 'object': {
      const o: Record<string, unknown> = {};
      for (const m of n.members) o[m.key] = toPlain(m.value);
      return o;
    }
    case 'array':
      return n.items.map(toPlain);
    case 'null':
      return null;
    default:
      return n.value;
  }
}
