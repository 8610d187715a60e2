/**
 * The edit builder rules receive in `fix` and `suggest`: edits in the user's own syntax and layout.
 * It reads each file once (the text as analysed: an editor's unsaved buffer), re-parses it only when
 * a rule asks for an object literal, and refuses to edit a file that does not parse cleanly.
 */
import { LineMap, type Location } from '../../model/location.js';
import type { Value } from '../../model/value.js';
import type { Fixer, LiteralValue, ObjectEditor, PropertySyntax, TextEdit } from '../types.js';
import { findObject, indexSyntax, type ParseOnce, type Syntax, type SyntaxIndex, type SyntaxMember, type SyntaxObject } from './syntax-objects.js';

class SourceFile {
  readonly lines: LineMap;
  readonly eol: string;
  readonly unit: string;
  private index?: SyntaxIndex | null;

  constructor(
    readonly file: string,
    readonly text: string,
    lines: LineMap | undefined,
    private readonly parse?: ParseOnce,
  ) {
    this.lines = lines ?? new LineMap(text);
    this.eol = /\r\n|\r|\n/.exec(text)?.[0] ?? '\n';
    this.unit = indentUnit(text);
  }

  syntax(): SyntaxIndex | undefined {
    if (this.index === undefined) this.index = indexSyntax(this.file, this.text, this.parse) ?? null;
    return this.index ?? undefined;
  }

  offset(pos: { line: number; column: number }): number {
    return this.lines.offset(pos);
  }

  edit(start: number, end: number, text: string): TextEdit {
    return { file: this.file, range: this.lines.range(start, end), text };
  }

  lineStart(offset: number): number {
    let i = offset;
    while (i > 0 && this.text[i - 1] !== '\n' && this.text[i - 1] !== '\r') i--;
    return i;
  }

  /** The offset of the line break ending the line of `offset` (or the end of the text). */
  lineEnd(offset: number): number {
    let i = offset;
    while (i < this.text.length && this.text[i] !== '\n' && this.text[i] !== '\r') i++;
    return i;
  }

  /** The start of the next line (past the line break), or the end of the text. */
  nextLine(offset: number): number {
    const end = this.lineEnd(offset);
    if (this.text.startsWith('\r\n', end)) return end + 2;
    return end < this.text.length ? end + 1 : end;
  }

  indentAt(offset: number): string {
    const start = this.lineStart(offset);
    return /^[ \t]*/.exec(this.text.slice(start, offset + 1))?.[0] ?? '';
  }

  /** Nothing but blanks (and a BOM) between the start of its line and `offset`. */
  startsLine(offset: number): boolean {
    return /^[\ufeff \t]*$/.test(this.text.slice(this.lineStart(offset), offset));
  }

  line(offset: number): number {
    return this.lines.position(offset).line;
  }

  /** The first character after `offset` that is not a blank or inside a comment, on the same line. */
  nextSignificant(offset: number, syntax: Syntax): number | undefined {
    let i = offset;
    const end = this.lineEnd(offset);
    while (i < end) {
      const c = this.text[i];
      if (c === ' ' || c === '\t') i++;
      else if (this.text.startsWith('/*', i)) {
        const close = this.text.indexOf('*/', i + 2);
        if (close < 0) return undefined;
        i = close + 2;
      } else if (this.text.startsWith('//', i) || (syntax === 'hcl' && c === '#')) return undefined;
      else return i;
    }
    return undefined;
  }
}

/** Two spaces unless the file indents otherwise (a tab, four spaces). */
function indentUnit(text: string): string {
  const m = /(?:\r\n|\r|\n)([ \t]+)\S/.exec(text);
  if (!m) return '  ';
  return m[1].startsWith('\t') ? '\t' : m[1];
}

export class SourceFixer implements Fixer {
  private readonly files = new Map<string, SourceFile | null>();

  /**
   * `lines`, when given, is the line index of the same text `read` returns (else one is built);
   * `parse`, the front ends' parses of those texts (else each file edited is parsed again).
   */
  constructor(
    private readonly read: (file: string) => string | undefined,
    private readonly lines?: (file: string) => LineMap | undefined,
    private readonly parse?: ParseOnce,
  ) {}

  private source(file: string): SourceFile | undefined {
    if (!this.files.has(file)) {
      const text = this.read(file);
      this.files.set(file, text === undefined ? null : new SourceFile(file, text, this.lines?.(file), this.parse));
    }
    return this.files.get(file) ?? undefined;
  }

  text(file: string): string | undefined {
    return this.source(file)?.text;
  }

  textAt(at: Location): string | undefined {
    const src = this.source(at.file);
    return src?.text.slice(src.offset(at.range.start), src.offset(at.range.end));
  }

  object(value: Value | undefined, within: Location): ObjectEditor | undefined {
    const at = value?.at;
    if (!at || value?.kind !== 'object' || !inside(within, at)) return undefined;
    const src = this.source(at.file);
    const index = src?.syntax();
    if (!src || !index || index.broken) return undefined;
    const o = findObject(index, src.offset(at.range.start), src.offset(at.range.end));
    return o ? new Editor(src, index.syntax, o) : undefined;
  }

  private located(at: Location): SourceFile {
    const src = this.source(at.file);
    if (!src) throw new Error(`grantlint: cannot edit ${at.file}: it cannot be read`);
    return src;
  }

  replace(at: Location, text: string): TextEdit {
    return { file: at.file, range: at.range, text };
  }

  insertBefore(at: Location, text: string): TextEdit {
    this.located(at);
    return { file: at.file, range: { start: at.range.start, end: at.range.start }, text };
  }

  insertAfter(at: Location, text: string): TextEdit {
    this.located(at);
    return { file: at.file, range: { start: at.range.end, end: at.range.end }, text };
  }

  remove(at: Location): TextEdit {
    return { file: at.file, range: at.range, text: '' };
  }

  replaceAll(within: Location, search: string, text: string): TextEdit[] {
    const src = this.source(within.file);
    if (!src || search.length === 0) return [];
    const start = src.offset(within.range.start);
    const haystack = src.text.slice(start, src.offset(within.range.end)).toLowerCase();
    const needle = search.toLowerCase();
    const edits: TextEdit[] = [];
    for (let i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + needle.length)) {
      edits.push(src.edit(start + i, start + i + needle.length, text));
    }
    return edits;
  }
}

function before(a: { line: number; column: number }, b: { line: number; column: number }): boolean {
  return a.line < b.line || (a.line === b.line && a.column <= b.column);
}

export function inside(outer: Location, inner: Location): boolean {
  return outer.file === inner.file && before(outer.range.start, inner.range.start) && before(inner.range.end, outer.range.end);
}

class Editor implements ObjectEditor {
  readonly at: Location;

  constructor(
    private readonly src: SourceFile,
    readonly syntax: Syntax,
    private readonly o: SyntaxObject,
  ) {
    this.at = { file: src.file, range: src.lines.range(o.start, o.end) };
  }

  get file(): string {
    return this.src.file;
  }

  private member(name: string): SyntaxMember | undefined {
    const lower = name.toLowerCase();
    return this.o.members.find((m) => m.name.toLowerCase() === lower && (this.syntax !== 'hcl' || !m.block || m.child));
  }

  property(name: string): PropertySyntax | undefined {
    const m = this.member(name);
    if (!m || m.block) return undefined;
    const loc = (s: number, e: number): Location => ({ file: this.src.file, range: this.src.lines.range(s, e) });
    return { name: m.name, key: loc(m.keyStart, m.keyEnd), value: loc(m.valueStart, m.valueEnd), valueText: this.src.text.slice(m.valueStart, m.valueEnd) };
  }

  object(name: string): ObjectEditor | undefined {
    const child = this.member(name)?.child;
    return child ? new Editor(this.src, this.syntax, child) : undefined;
  }

  set(name: string, value: LiteralValue): TextEdit[] | undefined {
    const rendered = renderLiteral(this.syntax, value);
    const existing = this.member(name);
    if (existing) return existing.block ? undefined : [this.src.edit(existing.valueStart, existing.valueEnd, rendered)];
    const { src, o } = this;
    const multiLine = src.line(o.open) < src.line(o.close);
    const anchor = this.syntax === 'hcl' ? [...o.members].reverse().find((m) => !m.block) ?? o.members.at(-1) : o.members.at(-1);
    if (!anchor) {
      const indent = src.indentAt(o.close) + src.unit;
      const line = `${indent}${this.renderMember(name, rendered, undefined)}`;
      if (multiLine) return [src.edit(src.lineEnd(o.open), src.lineEnd(o.open), `${src.eol}${line}`)];
      const outer = src.indentAt(o.open);
      const from = this.o.body ? o.start : o.open + 1;
      const to = this.o.body ? o.end : o.close;
      return [src.edit(from, to, `${src.eol}${src.indentAt(o.open) + src.unit}${this.renderMember(name, rendered, undefined)}${src.eol}${outer}`)];
    }
    const member = this.renderMember(name, rendered, anchor);
    const next = src.nextSignificant(anchor.end, this.syntax);
    const trailingComma = next !== undefined && src.text[next] === ',';
    if (!multiLine || !src.startsLine(anchor.start)) {
      if (this.o.body) return undefined; // a single-line Terraform block holds one attribute
      if (trailingComma) return [src.edit(next + 1, next + 1, ` ${member},`)];
      return [src.edit(anchor.end, anchor.end, `, ${member}`)];
    }
    const indent = src.indentAt(anchor.start);
    const at = src.lineEnd(anchor.end);
    if (at > o.close && o.close >= anchor.end) return undefined; // `x: 1 }`: the brace shares the line
    const needsComma = this.syntax === 'json' || (this.syntax === 'hcl' && !this.o.body && trailingComma);
    if (this.syntax === 'json' && trailingComma) return [src.edit(at, at, `${src.eol}${indent}${member},`)];
    if (needsComma && !trailingComma) {
      if (at === anchor.end) return [src.edit(at, at, `,${src.eol}${indent}${member}`)];
      return [src.edit(anchor.end, anchor.end, ','), src.edit(at, at, `${src.eol}${indent}${member}`)];
    }
    return [src.edit(at, at, `${src.eol}${indent}${member}${needsComma ? ',' : ''}`)];
  }

  remove(name: string): TextEdit[] | undefined {
    const m = this.member(name);
    if (!m) return undefined;
    const { src, o } = this;
    const i = o.members.indexOf(m);
    const prev = o.members[i - 1];
    const next = src.nextSignificant(m.end, this.syntax);
    const ownComma = next !== undefined && src.text[next] === ',' ? next : undefined;
    const restOfLine = src.nextSignificant(ownComma !== undefined ? ownComma + 1 : m.end, this.syntax);
    const edits: TextEdit[] = [];
    if (src.startsLine(m.start) && restOfLine === undefined && src.line(m.end) < src.line(o.close)) {
      edits.push(src.edit(src.lineStart(m.start), src.nextLine(m.end), ''));
      // JSON: the last member goes, so the comma after the one before it goes too.
      if (this.syntax === 'json' && i === o.members.length - 1 && ownComma === undefined && prev) {
        const c = src.nextSignificant(prev.end, this.syntax);
        if (c !== undefined && src.text[c] === ',') edits.unshift(src.edit(c, c + 1, ''));
      }
      return edits;
    }
    if (ownComma !== undefined) {
      let end = ownComma + 1;
      while (src.text[end] === ' ' || src.text[end] === '\t') end++;
      return [src.edit(m.start, end, '')];
    }
    if (prev) {
      const c = src.nextSignificant(prev.end, this.syntax);
      if (c !== undefined && src.text[c] === ',') return [src.edit(c, m.end, '')];
    }
    return [src.edit(m.start, m.end, '')];
  }

  /** `name: value` (Bicep), `"name": value` (JSON), `name = value` aligned with its neighbour (HCL). */
  private renderMember(name: string, rendered: string, anchor: SyntaxMember | undefined): string {
    const sep = anchor && !anchor.block ? this.src.text.slice(anchor.keyEnd, anchor.valueStart) : undefined;
    switch (this.syntax) {
      case 'json':
        return `${JSON.stringify(name)}${sep && /^\s*:[ \t]*$/.test(sep) && !/[\r\n]/.test(sep) ? sep.trimStart() : ': '}${rendered}`;
      case 'bicep': {
        const key = /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : renderLiteral('bicep', name);
        return `${key}: ${rendered}`;
      }
      case 'hcl': {
        const eq = sep?.indexOf('=') ?? -1;
        if (sep && eq >= 0 && !/[\r\n]/.test(sep)) {
          const width = anchor!.keyEnd - anchor!.keyStart + eq;
          if (name.length < width) return `${name.padEnd(width)}= ${rendered}`;
        }
        return `${name} = ${rendered}`;
      }
    }
  }
}

/** A literal in the file's syntax: Bicep single quotes, JSON and HCL double quotes, each escaped. */
export function renderLiteral(syntax: Syntax, value: LiteralValue): string {
  if (typeof value === 'object') return value.expression;
  if (typeof value !== 'string') return String(value);
  switch (syntax) {
    case 'bicep':
      return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\$\{/g, '\\${')}'`;
    case 'json':
      return JSON.stringify(value);
    case 'hcl':
      return JSON.stringify(value).replace(/\$\{/g, '$${').replace(/%\{/g, '%%{');
  }
}
