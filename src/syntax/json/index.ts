/**
 * JSON (and JSONC) with source positions, read by the hand-written scanner in `scanner.ts`.
 *
 * Spans are UTF-16 offsets `[start, end)` into the file text as read; a byte-order mark counts as
 * one offset. Positions are derived with `LineMap` from the offsets (a raw line break inside a
 * string counts as a line break, as editors count it).
 *
 * Accepted beyond strict JSON, as Azure accepts them: `//` and `/* *\/` comments, trailing commas,
 * a BOM, raw line breaks and other control characters inside strings.
 */
import { LineMap, type Location, type Range } from '../../model/location.js';
import { scanJson } from './scanner.js';

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
  /** The first syntax error (the scanner stops at the first one). */
  error?: JsonSyntaxError;
  comments: JsonComment[];
  lines: LineMap;
  /** Where brackets first nest past MAX_NESTING: that value was read as `0` (the scanner's tooDeep). */
  deepAt?: number;
}

/** Parses JSON/JSONC text. Never throws: a syntax error is returned in `error`. */
export function parseJson(text: string): JsonDocument {
  const { root, error, comments, deepAt } = scanJson(text);
  const doc = new ParsedJson(text, root, error, comments);
  if (deepAt !== undefined) doc.deepAt = deepAt;
  return doc;
}

/** The line map is built on first use: most JSON read is never asked for a position. */
class ParsedJson implements JsonDocument {
  private lineMap?: LineMap;
  constructor(
    readonly text: string,
    readonly root: JsonNode | undefined,
    readonly error: JsonSyntaxError | undefined,
    readonly comments: JsonComment[],
  ) {}

  deepAt?: number;

  get lines(): LineMap {
    return (this.lineMap ??= new LineMap(this.text));
  }
}

/** Case-insensitive member lookup (the last one wins when a key is repeated, like JSON.parse). */
export function member(o: JsonNode | undefined, key: string): JsonMember | undefined {
  if (!o || o.type !== 'object') return undefined;
  // Only keys of the same length are lower-cased to be compared (most are not).
  let lower: string | undefined;
  let found: JsonMember | undefined;
  for (const m of o.members) {
    if (m.key.length !== key.length) continue;
    if (m.key === key || m.key.toLowerCase() === (lower ??= key.toLowerCase())) found = m;
  }
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
