/**
 * A parser for POSIX shell and bash scripts, as far as grantlint reads them: simple commands and
 * their words (quoting, escapes, `\` line continuations, parameter expansions, `$(...)` and
 * backquote command substitutions), assignments, pipelines, `&&`/`||` lists, and the compound
 * commands that decide what runs (`if`, `case`, `for`, `while`/`until`, functions, `{ }`, `( )`).
 * Comments are collected (suppressions read them) and here-document bodies are skipped: they are
 * data for a command, not commands. Arithmetic, `[[ ]]`, redirection targets and globs are kept
 * opaque. The parser never throws: an unterminated construct ends at the end of the text.
 *
 * It is linear in the size of the text: every character is looked at a bounded number of times
 * (nested substitutions are parsed in place, not re-scanned).
 */
import { appendAll } from '../../util/arrays.js';
import type { Assignment, ScriptAst, SimpleCommand, Span, Statement, Word, WordPart } from '../script/ast.js';

const RESERVED_END = new Set(['then', 'elif', 'else', 'fi', 'do', 'done', 'esac', '}', 'in']);
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MAX_DEPTH = 200;

/** Characters that end an unquoted word. */
function isMeta(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === ';' || c === '&' || c === '|' || c === '(' || c === ')' || c === '<' || c === '>';
}

interface PendingHeredoc {
  delimiter: string;
  stripTabs: boolean;
}

/** Work done, for tests that check the parsers stay linear (characters looked at, roughly). */
export interface ParseStats {
  steps: number;
}

export function parseShell(text: string, stats: ParseStats = { steps: 0 }): ScriptAst {
  const parser = new ShellParser(text, stats);
  const statements = parser.parseProgram();
  return { statements, comments: parser.comments };
}

class ShellParser {
  pos = 0;
  readonly comments: Span[] = [];
  private heredocs: PendingHeredoc[] = [];
  private depth = 0;

  constructor(
    private readonly text: string,
    private readonly stats: ParseStats,
    /** Where the text ends for this parser (a backquoted command ends before the closing quote). */
    private readonly len = text.length,
  ) {}

  parseProgram(): Statement[] {
    const out: Statement[] = [];
    while (this.pos < this.len) {
      this.stats.steps++;
      appendAll(out, this.parseList(new Set()));
      // A stray closer (`)`, `fi`, `done`...) at the top level: skip it and go on.
      if (this.pos < this.len) this.skipStray();
    }
    return out;
  }

  private skipStray(): void {
    const c = this.text[this.pos];
    if (c === ')' || c === ';' || c === '&' || c === '|') {
      this.pos++;
      return;
    }
    const w = this.peekWordText();
    this.pos += Math.max(1, w?.length ?? 1);
  }

  // ---- low-level scanning ----------------------------------------------------------------------

  private peek(offset = 0): string {
    this.stats.steps++;
    const i = this.pos + offset;
    return i < this.len ? this.text[i] : '';
  }

  /** Skips blanks, `\`-newline continuations and comments; not newlines. */
  private skipBlanks(): void {
    for (;;) {
      const c = this.peek();
      if (c === ' ' || c === '\t') this.pos++;
      else if (c === '\\' && this.peek(1) === '\n') this.pos += 2;
      else if (c === '\\' && this.peek(1) === '\r' && this.peek(2) === '\n') this.pos += 3;
      else if (c === '\r' && this.peek(1) !== '\n') this.pos++;
      else if (c === '#') this.skipComment();
      else return;
    }
  }

  private skipComment(): void {
    const start = this.pos;
    while (this.pos < this.len && this.text[this.pos] !== '\n' && this.text[this.pos] !== '\r') this.pos++;
    this.comments.push({ start, end: this.pos });
  }

  /** Consumes one line break (and the bodies of here-documents opened on the line it ends). */
  private newline(): void {
    if (this.peek() === '\r') this.pos++;
    if (this.peek() === '\n') this.pos++;
    if (this.heredocs.length > 0) {
      const pending = this.heredocs;
      this.heredocs = [];
      for (const h of pending) this.skipHeredocBody(h);
    }
  }

  private skipHeredocBody(h: PendingHeredoc): void {
    while (this.pos < this.len) {
      this.stats.steps++;
      let lineEnd = this.text.indexOf('\n', this.pos);
      if (lineEnd < 0) lineEnd = this.len;
      let line = this.text.slice(this.pos, lineEnd).replace(/\r$/, '');
      if (h.stripTabs) line = line.replace(/^\t+/, '');
      this.pos = Math.min(this.len, lineEnd + 1);
      if (line === h.delimiter) return;
    }
  }

  /** Skips blanks, comments and line breaks (and `;` when `semicolons`). */
  private skipSeparators(semicolons: boolean): void {
    for (;;) {
      this.skipBlanks();
      const c = this.peek();
      if (c === '\n' || c === '\r') this.newline();
      else if (semicolons && c === ';' && this.peek(1) !== ';') this.pos++;
      else return;
    }
  }

  /** The next unquoted plain word's text without consuming it (for reserved words). */
  private peekWordText(): string | undefined {
    let i = this.pos;
    while (i < this.len && !isMeta(this.text[i]) && !'\'"\\$`'.includes(this.text[i])) i++;
    if (i === this.pos) return undefined;
    if (i < this.len && !isMeta(this.text[i])) return undefined;
    return this.text.slice(this.pos, i);
  }

  private atKeyword(word: string): boolean {
    return this.peekWordText() === word;
  }

  private expectKeyword(word: string): boolean {
    this.skipSeparators(true);
    if (this.atKeyword(word)) {
      this.pos += word.length;
      return true;
    }
    return false;
  }

  // ---- lists and pipelines ---------------------------------------------------------------------

  /**
   * Statements until the end of the text, a `)` (when `closers` has it), `;;`, or one of the
   * reserved words in `closers` at a command's start. The terminator is not consumed.
   */
  parseList(closers: Set<string>): Statement[] {
    const out: Statement[] = [];
    for (;;) {
      this.skipSeparators(true);
      if (this.pos >= this.len) return out;
      const c = this.peek();
      if (c === ')' || (c === ';' && this.peek(1) === ';')) return out;
      if (c === '&' || c === '|' || c === ';') {
        this.pos++;
        continue;
      }
      const word = this.peekWordText();
      if (word !== undefined && (closers.has(word) || RESERVED_END.has(word))) return out;
      const before = this.pos;
      const stmt = this.parseAndOr(closers);
      if (stmt) out.push(stmt);
      if (this.pos === before) this.pos++;
      this.skipBlanks();
      const d = this.peek();
      if (d === ';' && this.peek(1) !== ';') this.pos++;
      else if (d === '&' && this.peek(1) !== '&') this.pos++;
    }
  }

  private parseAndOr(closers: Set<string>): Statement | undefined {
    const first = this.parsePipeline(closers);
    if (!first) return undefined;
    const items = [first];
    for (;;) {
      this.skipBlanks();
      if ((this.peek() === '&' && this.peek(1) === '&') || (this.peek() === '|' && this.peek(1) === '|')) {
        this.pos += 2;
        this.skipSeparators(false);
        const next = this.parsePipeline(closers);
        if (next) items.push(next);
        continue;
      }
      break;
    }
    if (items.length === 1) return first;
    return { kind: 'andor', items, start: first.start, end: items[items.length - 1].end };
  }

  private parsePipeline(closers: Set<string>): Statement | undefined {
    this.skipBlanks();
    if (this.atKeyword('!')) {
      this.pos++;
      this.skipBlanks();
    }
    if (this.atKeyword('time')) {
      this.pos += 4;
      this.skipBlanks();
    }
    const first = this.parseCommand(closers);
    if (!first) return undefined;
    const stages = [first];
    for (;;) {
      this.skipBlanks();
      if (this.peek() === '|' && this.peek(1) !== '|') {
        this.pos += this.peek(1) === '&' ? 2 : 1;
        this.skipSeparators(false);
        const next = this.parseCommand(closers);
        if (next) stages.push(next);
        continue;
      }
      break;
    }
    if (stages.length === 1) return first;
    return { kind: 'pipeline', stages, start: first.start, end: stages[stages.length - 1].end };
  }

  // ---- commands --------------------------------------------------------------------------------

  private parseCommand(closers: Set<string>): Statement | undefined {
    this.skipBlanks();
    const start = this.pos;
    if (this.depth > MAX_DEPTH) {
      this.skipToLineEnd();
      return { kind: 'opaque', start, end: this.pos };
    }
    this.depth++;
    try {
      const c = this.peek();
      if (c === '(') {
        if (this.peek(1) === '(') return this.skipArithmeticCommand(start);
        this.pos++;
        const body = this.parseList(new Set());
        if (this.peek() === ')') this.pos++;
        this.skipRedirections();
        return { kind: 'group', body, subshell: true, start, end: this.pos };
      }
      const word = this.peekWordText();
      switch (word) {
        case '{': {
          this.pos++;
          const body = this.parseList(new Set(['}']));
          this.expectKeyword('}');
          this.skipRedirections();
          return { kind: 'group', body, subshell: false, start, end: this.pos };
        }
        case 'if':
          return this.parseIf(start);
        case 'while':
        case 'until':
          return this.parseWhile(start, word.length);
        case 'for':
        case 'select':
          return this.parseFor(start, word.length);
        case 'case':
          return this.parseCase(start);
        case 'function':
          return this.parseFunctionKeyword(start);
        case '[[':
          return this.skipDoubleBracket(start);
        default:
          break;
      }
      if (word !== undefined && closers.has(word)) return undefined;
      return this.parseSimple(start);
    } finally {
      this.depth--;
    }
  }

  private skipToLineEnd(): void {
    while (this.pos < this.len && this.text[this.pos] !== '\n') this.pos++;
  }

  private skipArithmeticCommand(start: number): Statement {
    this.pos += 2;
    let depth = 1;
    while (this.pos < this.len && depth > 0) {
      const c = this.text[this.pos];
      if (c === '(') depth++;
      else if (c === ')') depth--;
      else if (c === '\n' && depth > 8) break;
      this.pos++;
    }
    if (this.peek() === ')') this.pos++;
    return { kind: 'opaque', start, end: this.pos };
  }

  private skipDoubleBracket(start: number): Statement {
    this.pos += 2;
    while (this.pos < this.len) {
      this.stats.steps++;
      const c = this.text[this.pos];
      if (c === ']' && this.peek(1) === ']') {
        this.pos += 2;
        break;
      }
      if (c === '\n') break;
      if (c === '\\') this.pos += 2;
      else if (c === "'" || c === '"') this.readWord();
      else this.pos++;
    }
    return { kind: 'opaque', start, end: this.pos };
  }

  private parseIf(start: number): Statement {
    this.pos += 2;
    const conditions: Statement[] = [];
    const arms: Statement[][] = [];
    let exhaustive = false;
    const stop = new Set(['then', 'elif', 'else', 'fi']);
    appendAll(conditions, this.parseList(stop));
    for (;;) {
      if (!this.expectKeyword('then')) break;
      arms.push(this.parseList(stop));
      this.skipSeparators(true);
      if (this.atKeyword('elif')) {
        this.pos += 4;
        appendAll(conditions, this.parseList(stop));
        continue;
      }
      if (this.atKeyword('else')) {
        this.pos += 4;
        arms.push(this.parseList(stop));
        exhaustive = true;
      }
      break;
    }
    this.expectKeyword('fi');
    this.skipRedirections();
    return { kind: 'branch', conditions, arms, exhaustive, start, end: this.pos };
  }

  private parseWhile(start: number, keywordLength: number): Statement {
    this.pos += keywordLength;
    const conditions = this.parseList(new Set(['do']));
    this.expectKeyword('do');
    const body = this.parseList(new Set(['done']));
    this.expectKeyword('done');
    this.skipRedirections();
    const readVariables: string[] = [];
    for (const c of conditions) collectReadVariables(c, readVariables);
    return { kind: 'while', conditions, body, readVariables, start, end: this.pos };
  }

  private parseFor(start: number, keywordLength: number): Statement {
    this.pos += keywordLength;
    this.skipBlanks();
    if (this.peek() === '(' && this.peek(1) === '(') {
      this.skipArithmeticCommand(this.pos);
      this.skipSeparators(true);
      this.expectKeyword('do');
      const body = this.parseList(new Set(['done']));
      this.expectKeyword('done');
      return { kind: 'for', body, start, end: this.pos };
    }
    const nameWord = this.peekWordText();
    let variable: string | undefined;
    if (nameWord !== undefined && NAME.test(nameWord)) {
      variable = nameWord;
      this.pos += nameWord.length;
    }
    let items: Word[] | undefined;
    this.skipSeparators(false);
    if (this.atKeyword('in')) {
      this.pos += 2;
      items = [];
      for (;;) {
        this.skipBlanks();
        const c = this.peek();
        if (c === '' || c === '\n' || c === '\r' || c === ';') break;
        if (isMeta(c)) {
          this.pos++;
          continue;
        }
        items.push(this.readWord());
      }
    }
    this.expectKeyword('do');
    const body = this.parseList(new Set(['done']));
    this.expectKeyword('done');
    this.skipRedirections();
    const loop: Statement = { kind: 'for', body, start, end: this.pos };
    if (variable) loop.variable = variable;
    if (items) loop.items = items;
    return loop;
  }

  private parseCase(start: number): Statement {
    this.pos += 4;
    this.skipBlanks();
    const subject = this.readWord();
    const conditions: Statement[] = [];
    if (subject.parts.some((p) => p.kind === 'substitution')) {
      conditions.push({ kind: 'command', words: [{ parts: [], start: subject.start, end: subject.start }, subject], assigns: [], start: subject.start, end: subject.end });
    }
    this.expectKeyword('in');
    const arms: Statement[][] = [];
    let exhaustive = false;
    for (;;) {
      this.skipSeparators(true);
      if (this.pos >= this.len || this.atKeyword('esac')) break;
      // Patterns: [(] pattern [| pattern]... )
      if (this.peek() === '(') this.pos++;
      let patternText = '';
      while (this.pos < this.len && this.peek() !== ')') {
        const c = this.peek();
        if (c === '\n') break;
        if (c === ' ' || c === '\t' || c === '|') {
          this.pos++;
          continue;
        }
        const w = this.readWord();
        if (w.end === w.start) this.pos++;
        patternText += this.text.slice(w.start, w.end) + '|';
      }
      if (this.peek() === ')') this.pos++;
      if (patternText.split('|').includes('*')) exhaustive = true;
      arms.push(this.parseList(new Set(['esac'])));
      this.skipBlanks();
      if (this.peek() === ';' && this.peek(1) === ';') this.pos += this.peek(2) === '&' ? 3 : 2;
      else if (this.peek() === ';' && this.peek(1) === '&') this.pos += 2;
      else if (!this.atKeyword('esac') && this.pos < this.len && this.peek() !== '\n') this.pos++;
    }
    this.expectKeyword('esac');
    this.skipRedirections();
    return { kind: 'branch', conditions, arms, exhaustive, start, end: this.pos };
  }

  private parseFunctionKeyword(start: number): Statement {
    this.pos += 'function'.length;
    this.skipBlanks();
    const name = this.peekWordText() ?? '';
    this.pos += name.length;
    this.skipBlanks();
    if (this.peek() === '(' && /^\(\s*\)/.test(this.text.slice(this.pos, this.pos + 64))) this.pos = this.text.indexOf(')', this.pos) + 1;
    return this.functionBody(start, name);
  }

  private functionBody(start: number, name: string): Statement {
    this.skipSeparators(false);
    const body = this.parseCommand(new Set());
    return { kind: 'function', name, body: body ? [body] : [], start, end: this.pos };
  }

  /** Redirections after a compound command (`done < file`, `} > log`). */
  private skipRedirections(): void {
    for (;;) {
      this.skipBlanks();
      if (!this.atRedirection()) return;
      this.readRedirection();
    }
  }

  private atRedirection(): boolean {
    let i = this.pos;
    while (i < this.len && this.text[i] >= '0' && this.text[i] <= '9') i++;
    const c = this.text[i];
    if (c === '<' || c === '>') return !(c === '<' && this.text[i + 1] === '(') && !(c === '>' && this.text[i + 1] === '(');
    return c === '&' && this.text[i + 1] === '>' && i === this.pos;
  }

  private readRedirection(): void {
    while (this.peek() >= '0' && this.peek() <= '9') this.pos++;
    if (this.peek() === '&') this.pos++;
    const op = this.text.slice(this.pos, this.pos + 3);
    if (op.startsWith('<<<')) {
      this.pos += 3;
      this.skipBlanks();
      this.readWord();
      return;
    }
    if (op.startsWith('<<')) {
      this.pos += 2;
      const stripTabs = this.peek() === '-';
      if (stripTabs) this.pos++;
      this.skipBlanks();
      const w = this.readWord();
      const delimiter = this.text.slice(w.start, w.end).replace(/['"\\]/g, '');
      if (delimiter) this.heredocs.push({ delimiter, stripTabs });
      return;
    }
    this.pos++;
    while ('<>&|'.includes(this.peek()) && this.peek() !== '') this.pos++;
    this.skipBlanks();
    if (this.peek() === '-' && isMeta(this.peek(1) || ' ')) {
      this.pos++;
      return;
    }
    if (!isMeta(this.peek()) && this.peek() !== '') this.readWord();
  }

  private parseSimple(start: number): Statement | undefined {
    const assigns: Assignment[] = [];
    const words: Word[] = [];
    for (;;) {
      this.skipBlanks();
      const c = this.peek();
      if (c === '' || c === '\n' || c === '\r' || c === ';' || c === ')' || c === '|' || (c === '&' && this.peek(1) !== '>')) break;
      if (this.atRedirection()) {
        this.readRedirection();
        continue;
      }
      if (c === '(') {
        // `name() { ... }`: a function definition.
        if (words.length === 1 && assigns.length === 0 && /^\(\s*\)/.test(this.text.slice(this.pos, this.pos + 64))) {
          this.pos = this.text.indexOf(')', this.pos) + 1;
          return this.functionBody(start, this.text.slice(words[0].start, words[0].end));
        }
        // Process substitution or a stray parenthesis: opaque.
        this.skipBalanced('(', ')');
        words.push({ parts: [{ kind: 'opaque', start, end: this.pos }], start, end: this.pos });
        continue;
      }
      if (c === '<' || c === '>') {
        // `<(...)` / `>(...)`
        this.pos++;
        this.skipBalanced('(', ')');
        continue;
      }
      const wordStart = this.pos;
      if (words.length === 0) {
        const assign = this.tryAssignment();
        if (assign) {
          assigns.push(assign);
          continue;
        }
      }
      const w = this.readWord();
      if (this.pos === wordStart) {
        this.pos++;
        continue;
      }
      words.push(w);
    }
    const end = words.length > 0 ? words[words.length - 1].end : assigns.length > 0 ? assigns[assigns.length - 1].end : this.pos;
    if (words.length === 0 && assigns.length === 0) return undefined;
    if (words.length === 0) return { kind: 'assign', assigns, start, end };
    const cmd: SimpleCommand = { kind: 'command', words, assigns, start, end };
    return cmd;
  }

  /** `(`...`)` with nesting and quotes, from the opening character (already consumed or not). */
  private skipBalanced(open: string, close: string): void {
    if (this.peek() === open) this.pos++;
    let depth = 1;
    while (this.pos < this.len && depth > 0) {
      const c = this.text[this.pos];
      if (c === '\\') {
        this.pos += 2;
        continue;
      }
      if (c === "'" || c === '"') {
        this.readWord();
        continue;
      }
      if (c === open) depth++;
      else if (c === close) depth--;
      this.pos++;
    }
  }

  /** `NAME=value`, `NAME+=value`, `NAME=(array)` at a command's start. */
  private tryAssignment(): Assignment | undefined {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(\[[^\]\s]*\])?(\+?)=/.exec(this.text.slice(this.pos, this.pos + 256));
    if (!m) return undefined;
    const start = this.pos;
    this.pos += m[0].length;
    const a: Assignment = { name: m[1], written: m[1], start, end: this.pos };
    if (m[3]) a.append = true;
    if (m[2]) a.array = true;
    if (this.peek() === '(') {
      this.skipBalanced('(', ')');
      a.array = true;
      a.end = this.pos;
      return a;
    }
    if (!isMeta(this.peek()) && this.peek() !== '') {
      a.value = this.readWord();
      a.end = a.value.end;
    } else {
      a.value = { parts: [{ kind: 'text', text: '', quoted: false, start: this.pos, end: this.pos }], start: this.pos, end: this.pos };
    }
    return a;
  }

  // ---- words -----------------------------------------------------------------------------------

  /** One word: unquoted text, quotes, expansions, until an unquoted blank or operator. */
  readWord(): Word {
    const start = this.pos;
    const parts: WordPart[] = [];
    const text = (t: string, s: number, e: number, quoted: boolean): void => {
      const last = parts[parts.length - 1];
      if (last && last.kind === 'text' && last.quoted === quoted && last.end === s) {
        last.text += t;
        last.end = e;
      } else parts.push({ kind: 'text', text: t, quoted, start: s, end: e });
    };
    while (this.pos < this.len) {
      this.stats.steps++;
      const c = this.text[this.pos];
      if (isMeta(c)) break;
      const s = this.pos;
      if (c === '\\') {
        const n = this.peek(1);
        if (n === '\n') {
          this.pos += 2;
          continue;
        }
        if (n === '\r' && this.peek(2) === '\n') {
          this.pos += 3;
          continue;
        }
        this.pos += n === '' ? 1 : 2;
        text(n, s, this.pos, true);
        continue;
      }
      if (c === "'") {
        const close = this.text.indexOf("'", this.pos + 1);
        const end = close < 0 || close > this.len ? this.len : close;
        text(this.text.slice(this.pos + 1, end), s, Math.min(this.len, end + 1), true);
        this.pos = Math.min(this.len, end + 1);
        continue;
      }
      if (c === '"') {
        this.pos++;
        this.readDoubleQuoted(parts, text);
        continue;
      }
      if (c === '$') {
        if (this.peek(1) === "'") {
          this.pos += 2;
          text(this.readAnsiC(), s, this.pos, true);
          continue;
        }
        if (this.peek(1) === '"') {
          this.pos += 2;
          this.readDoubleQuoted(parts, text);
          continue;
        }
        const part = this.readDollar(false);
        if (part) parts.push(part);
        else text('$', s, ++this.pos, false);
        continue;
      }
      if (c === '`') {
        parts.push(this.readBackquote(false));
        continue;
      }
      // Plain unquoted text up to the next special character.
      let e = this.pos + 1;
      while (e < this.len && !isMeta(this.text[e]) && !'\\\'"$`'.includes(this.text[e])) e++;
      text(this.text.slice(this.pos, e), s, e, false);
      this.pos = e;
    }
    return { parts, start, end: this.pos };
  }

  private readDoubleQuoted(parts: WordPart[], text: (t: string, s: number, e: number, quoted: boolean) => void): void {
    while (this.pos < this.len) {
      this.stats.steps++;
      const c = this.text[this.pos];
      const s = this.pos;
      if (c === '"') {
        this.pos++;
        return;
      }
      if (c === '\\') {
        const n = this.peek(1);
        if (n === '\n') {
          this.pos += 2;
          continue;
        }
        if (n === '$' || n === '`' || n === '"' || n === '\\') {
          this.pos += 2;
          text(n, s, this.pos, true);
          continue;
        }
        this.pos++;
        text('\\', s, this.pos, true);
        continue;
      }
      if (c === '$') {
        const part = this.readDollar(true);
        if (part) parts.push(part);
        else text('$', s, ++this.pos, true);
        continue;
      }
      if (c === '`') {
        parts.push(this.readBackquote(true));
        continue;
      }
      let e = this.pos + 1;
      while (e < this.len && !'"\\$`'.includes(this.text[e])) e++;
      text(this.text.slice(this.pos, e), s, e, true);
      this.pos = e;
    }
  }

  private readAnsiC(): string {
    let out = '';
    while (this.pos < this.len && this.text[this.pos] !== "'") {
      const c = this.text[this.pos];
      if (c === '\\' && this.pos + 1 < this.len) {
        const n = this.text[this.pos + 1];
        out += n === 'n' ? '\n' : n === 't' ? '\t' : n === 'r' ? '\r' : n;
        this.pos += 2;
        continue;
      }
      out += c;
      this.pos++;
    }
    this.pos++;
    return out;
  }

  /** `$name`, `${...}`, `$(...)`, `$((...))`, `$1`, `$@`...; undefined for a lone `$`. */
  private readDollar(quoted: boolean): WordPart | undefined {
    const start = this.pos;
    const n = this.peek(1);
    if (n === '(') {
      if (this.peek(2) === '(') {
        this.pos += 3;
        let depth = 2;
        while (this.pos < this.len && depth > 0) {
          const c = this.text[this.pos];
          if (c === '(') depth++;
          else if (c === ')') depth--;
          this.pos++;
        }
        return { kind: 'opaque', start, end: this.pos };
      }
      this.pos += 2;
      const body = this.nested(() => this.parseList(new Set()));
      if (this.peek() === ')') this.pos++;
      return { kind: 'substitution', body, quoted, start, end: this.pos };
    }
    if (n === '{') return this.readBraceExpansion(quoted);
    const m = /^[A-Za-z_][A-Za-z0-9_]*|^[0-9@*#?$!-]/.exec(this.text.slice(this.pos + 1, this.pos + 257));
    if (!m) return undefined;
    this.pos += 1 + m[0].length;
    return { kind: 'variable', name: m[0], written: m[0], quoted, start, end: this.pos };
  }

  private readBraceExpansion(quoted: boolean): WordPart {
    const start = this.pos;
    this.pos += 2;
    const m = /^([#!]?)([A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*#?$!-])/.exec(this.text.slice(this.pos, this.pos + 256));
    if (!m) {
      this.skipBalanced('{', '}');
      return { kind: 'opaque', start, end: this.pos };
    }
    this.pos += m[0].length;
    const name = m[2];
    if (m[1]) {
      // `${#x}` (length), `${!x}` (indirection): not the variable's value.
      this.skipBalanced('{', '}');
      return { kind: 'opaque', start, end: this.pos };
    }
    if (this.peek() === '}') {
      this.pos++;
      return { kind: 'variable', name, written: name, quoted, start, end: this.pos };
    }
    if (this.peek() === '[') {
      this.skipBalanced('[', ']');
    }
    const op = /^(:[-=?+]|[-=?+]|##?|%%?|\/\/?|\^\^?|,,?|:)/.exec(this.text.slice(this.pos, this.pos + 3));
    if (!op) {
      this.skipBalanced('{', '}');
      return { kind: 'opaque', start, end: this.pos };
    }
    this.pos += op[0].length;
    const operand = this.readOperand();
    if (this.peek() === '}') this.pos++;
    return { kind: 'variable', name, written: name, quoted, op: op[0], operand, start, end: this.pos };
  }

  /** The word after a `${x:-` operator, up to the matching `}` (quotes and expansions inside). */
  private readOperand(): Word {
    const start = this.pos;
    const parts: WordPart[] = [];
    while (this.pos < this.len && this.peek() !== '}') {
      const c = this.peek();
      const s = this.pos;
      if (c === '$') {
        const part = this.readDollar(true);
        if (part) parts.push(part);
        else parts.push({ kind: 'text', text: '$', quoted: true, start: s, end: ++this.pos });
        continue;
      }
      if (c === "'" || c === '"') {
        const w = this.readWordUntilBrace();
        appendAll(parts, w.parts);
        continue;
      }
      if (c === '\\') {
        parts.push({ kind: 'text', text: this.peek(1), quoted: true, start: s, end: (this.pos += 2) });
        continue;
      }
      if (c === '`') {
        parts.push(this.readBackquote(true));
        continue;
      }
      let e = this.pos + 1;
      while (e < this.len && !'}$\'"\\`'.includes(this.text[e])) e++;
      parts.push({ kind: 'text', text: this.text.slice(this.pos, e), quoted: true, start: s, end: e });
      this.pos = e;
    }
    return { parts, start, end: this.pos };
  }

  /** A quoted piece inside `${x:-'...'}`. */
  private readWordUntilBrace(): Word {
    const start = this.pos;
    const c = this.peek();
    if (c === "'") {
      const close = this.text.indexOf("'", this.pos + 1);
      const end = close < 0 || close > this.len ? this.len : close;
      const part: WordPart = { kind: 'text', text: this.text.slice(this.pos + 1, end), quoted: true, start, end: end + 1 };
      this.pos = Math.min(this.len, end + 1);
      return { parts: [part], start, end: this.pos };
    }
    this.pos++;
    const parts: WordPart[] = [];
    this.readDoubleQuoted(parts, (t, s, e, quoted) => parts.push({ kind: 'text', text: t, quoted, start: s, end: e }));
    return { parts, start, end: this.pos };
  }

  /** `` `...` ``: the inner text is parsed as a script of its own, at the same offsets. */
  private readBackquote(quoted: boolean): WordPart {
    const start = this.pos;
    let i = this.pos + 1;
    while (i < this.len && this.text[i] !== '`') i += this.text[i] === '\\' ? 2 : 1;
    const end = Math.min(i, this.len);
    const inner = new ShellParser(this.text, this.stats, end);
    inner.pos = start + 1;
    inner.depth = this.depth + 1;
    const body = inner.depth > MAX_DEPTH ? [] : inner.parseList(new Set());
    appendAll(this.comments, inner.comments);
    this.pos = Math.min(this.len, end + 1);
    return { kind: 'substitution', body, quoted, start, end: this.pos };
  }

  private nested<T>(f: () => T): T {
    const saved = this.heredocs;
    this.heredocs = [];
    this.depth++;
    try {
      return this.depth > MAX_DEPTH ? (this.skipBalanced('(', ')'), [] as T) : f();
    } finally {
      this.depth--;
      // Here-documents opened inside `$(...)` have their bodies after the line; keep them pending.
      this.heredocs = [...saved, ...this.heredocs];
    }
  }
}

/** Variables that `read` assigns in a loop condition (`while read -r a b; do`). */
function collectReadVariables(stmt: Statement, out: string[]): void {
  if (stmt.kind === 'pipeline') {
    for (const s of stmt.stages) collectReadVariables(s, out);
    return;
  }
  if (stmt.kind === 'andor') {
    for (const s of stmt.items) collectReadVariables(s, out);
    return;
  }
  if (stmt.kind !== 'command') return;
  const first = stmt.words[0];
  if (!first || first.parts.length !== 1 || first.parts[0].kind !== 'text' || first.parts[0].text !== 'read') return;
  for (const w of stmt.words.slice(1)) {
    const p = w.parts[0];
    if (w.parts.length === 1 && p.kind === 'text' && NAME.test(p.text)) out.push(p.text);
  }
}
