/**
 * A parser for PowerShell scripts, as far as grantlint reads them: commands (cmdlets and native
 * programs such as `az`) with their parameters and arguments, `$var = ...` assignments, strings
 * (single-quoted, expandable with `$var`, `${var}` and `$(...)`, here-strings), backtick escapes and
 * line continuations, `$x.Member` access, `(...)`/`$(...)` subexpressions, hashtables for splatting,
 * `param(...)` blocks, functions and the control flow that decides what runs (`if`, `foreach`,
 * `for`, `while`, `do`, `switch`, `try`, script blocks given to `ForEach-Object`). Comments (`#`,
 * `<# #>`) are collected for suppressions. Operators, casts and method calls are opaque.
 * Variable names are compared case-insensitively, as PowerShell does.
 *
 * It never throws, and reads each character a bounded number of times.
 */
import { appendAll } from '../../util/arrays.js';
import type { Assignment, ScriptAst, Span, Statement, Word, WordPart } from '../script/ast.js';
import type { ParseStats } from '../shell/parser.js';

const MAX_DEPTH = 200;
const KEYWORDS = new Set(['if', 'foreach', 'for', 'while', 'do', 'switch', 'try', 'function', 'filter', 'param', 'trap', 'return', 'throw', 'exit', 'break', 'continue', 'class', 'enum', 'using', 'begin', 'process', 'end', 'workflow', 'configuration']);

function isBlank(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\u00a0' || c === '\f' || c === '\v';
}

function isNewline(c: string): boolean {
  return c === '\n' || c === '\r';
}

/** Characters that end a bareword argument in command mode. */
function endsBareword(c: string): boolean {
  return c === '' || isBlank(c) || isNewline(c) || c === ';' || c === '|' || c === ')' || c === '}' || c === '(' || c === '{' || c === ',' || c === '&' || c === '>' || c === '<';
}

export function parsePowerShell(text: string, stats: ParseStats = { steps: 0 }): ScriptAst {
  const p = new PowerShellParser(text, stats);
  const params = p.parseScriptParams();
  const statements = p.parseBlock(false);
  const ast: ScriptAst = { statements, comments: p.comments };
  if (params) ast.params = params;
  return ast;
}

interface ScriptBlockArg {
  body: Statement[];
  span: Span;
}

class PowerShellParser {
  pos = 0;
  readonly comments: Span[] = [];
  private depth = 0;

  constructor(
    private readonly text: string,
    private readonly stats: ParseStats,
  ) {}

  private peek(offset = 0): string {
    this.stats.steps++;
    return this.text[this.pos + offset] ?? '';
  }

  /** Blanks, comments and backtick line continuations; not line breaks. */
  private skipBlanks(): void {
    for (;;) {
      const c = this.peek();
      if (isBlank(c)) this.pos++;
      else if (c === '`' && isNewline(this.peek(1))) {
        this.pos += this.peek(1) === '\r' && this.peek(2) === '\n' ? 3 : 2;
      } else if (c === '#') this.lineComment();
      else if (c === '<' && this.peek(1) === '#') this.blockComment();
      else return;
    }
  }

  private lineComment(): void {
    const start = this.pos;
    while (this.pos < this.text.length && !isNewline(this.text[this.pos])) this.pos++;
    this.comments.push({ start, end: this.pos });
  }

  private blockComment(): void {
    const start = this.pos;
    const close = this.text.indexOf('#>', this.pos + 2);
    this.pos = close < 0 ? this.text.length : close + 2;
    this.comments.push({ start, end: this.pos });
  }

  private skipSeparators(): void {
    for (;;) {
      this.skipBlanks();
      const c = this.peek();
      if (isNewline(c) || c === ';') this.pos++;
      else return;
    }
  }

  /** Blanks and line breaks (inside parentheses, where a line break does not end anything). */
  private skipAllSpace(): void {
    for (;;) {
      this.skipBlanks();
      if (isNewline(this.peek())) this.pos++;
      else return;
    }
  }

  private keywordAt(): string | undefined {
    const m = /^[A-Za-z]+/.exec(this.text.slice(this.pos, this.pos + 16));
    if (!m) return undefined;
    const next = this.text[this.pos + m[0].length] ?? '';
    if (next !== '' && !isBlank(next) && !isNewline(next) && next !== '(' && next !== '{' && next !== ';') return undefined;
    const word = m[0].toLowerCase();
    return KEYWORDS.has(word) || word === 'elseif' || word === 'else' || word === 'catch' || word === 'finally' || word === 'until' ? word : undefined;
  }

  // ---- script structure ------------------------------------------------------------------------

  /** `[CmdletBinding()] param(...)` at the top of the script. */
  parseScriptParams(): ScriptAst['params'] {
    const saved = this.pos;
    this.skipSeparators();
    while (this.peek() === '[') {
      this.skipBalanced('[', ']');
      this.skipSeparators();
    }
    if (this.keywordAt() !== 'param') {
      this.pos = saved;
      return undefined;
    }
    this.pos += 5;
    this.skipAllSpace();
    return this.paramList();
  }

  /** The inside of `param(...)` (the parser is at `(`). */
  private paramList(): NonNullable<ScriptAst['params']> {
    const out: NonNullable<ScriptAst['params']> = [];
    if (this.peek() !== '(') return out;
    this.pos++;
    for (let last = -1; ; ) {
      this.skipAllSpace();
      // Every turn consumes something: a character no branch reads (a stray `]` or `=`) is skipped.
      if (this.pos === last) this.pos++;
      last = this.pos;
      const c = this.peek();
      if (c === '' || c === ')') break;
      if (c === ',') {
        this.pos++;
        continue;
      }
      if (c === '[') {
        this.skipBalanced('[', ']');
        continue;
      }
      if (c === '$') {
        const start = this.pos;
        const v = this.readVariable(false);
        this.skipAllSpace();
        const entry: NonNullable<ScriptAst['params']>[number] = { name: v.name, written: v.written, span: { start, end: this.pos } };
        if (this.peek() === '=') {
          this.pos++;
          this.skipAllSpace();
          entry.default = this.readExpressionWord();
          entry.span.end = this.pos;
        }
        out.push(entry);
        continue;
      }
      // Anything else inside param(): skip a token.
      this.readArgument();
    }
    if (this.peek() === ')') this.pos++;
    return out;
  }

  /** Statements until `}` (when `inBraces`) or the end. The `}` is not consumed. */
  parseBlock(inBraces: boolean): Statement[] {
    const out: Statement[] = [];
    for (;;) {
      this.skipSeparators();
      const c = this.peek();
      if (c === '') return out;
      if (c === '}') {
        if (inBraces) return out;
        this.pos++;
        continue;
      }
      if (c === ')') {
        if (this.depth > 0 && inBraces) return out;
        this.pos++;
        continue;
      }
      const before = this.pos;
      const stmt = this.parseStatement();
      if (stmt) out.push(stmt);
      if (this.pos === before) this.pos++;
    }
  }

  /** `{ ... }` from the opening brace: its statements. */
  private braceBlock(): Statement[] {
    this.skipAllSpace();
    if (this.peek() !== '{') return [];
    this.pos++;
    this.depth++;
    try {
      const body = this.depth > MAX_DEPTH ? (this.skipBalanced('{', '}', true), []) : this.parseBlock(true);
      if (this.peek() === '}') this.pos++;
      return body;
    } finally {
      this.depth--;
    }
  }

  /** `( ... )` from the opening parenthesis: its statements (a condition, a subexpression). */
  private parenStatements(): Statement[] {
    if (this.peek() !== '(') return [];
    this.pos++;
    this.depth++;
    try {
      if (this.depth > MAX_DEPTH) {
        this.skipBalanced('(', ')', true);
        return [];
      }
      const out: Statement[] = [];
      for (;;) {
        this.skipAllSpace();
        const c = this.peek();
        if (c === '' || c === ')') break;
        if (c === ';') {
          this.pos++;
          continue;
        }
        const before = this.pos;
        const s = this.parseStatement(true);
        if (s) out.push(s);
        if (this.pos === before) this.pos++;
      }
      if (this.peek() === ')') this.pos++;
      return out;
    } finally {
      this.depth--;
    }
  }

  private parseStatement(inParens = false): Statement | undefined {
    this.skipBlanks();
    const start = this.pos;
    const keyword = this.keywordAt();
    if (keyword) {
      const s = this.parseKeyword(keyword, start);
      if (s !== null) return s;
    }
    // `[type]$x = ...`
    let p = this.pos;
    while (this.text[p] === '[') {
      const close = this.text.indexOf(']', p);
      if (close < 0) break;
      p = close + 1;
      while (isBlank(this.text[p] ?? '')) p++;
    }
    if (this.text[p] === '$') {
      const saved = this.pos;
      this.pos = p;
      const v = this.readVariable(false);
      this.skipBlanks();
      const op = /^([+\-*/%]?=)(?!=)/.exec(this.text.slice(this.pos, this.pos + 3));
      if (op && !v.members && !v.splat) {
        this.pos += op[1].length;
        this.skipAllSpace();
        const valueStart = this.pos;
        const rhs = this.parsePipelineStatement(inParens);
        const value = rhs ? this.statementAsWord(rhs, valueStart) : undefined;
        const assign: Assignment = { name: v.name, written: v.written, start, end: this.pos };
        if (value) assign.value = value;
        if (op[1] !== '=') {
          assign.append = true;
        }
        return { kind: 'assign', assigns: [assign], start, end: this.pos };
      }
      this.pos = saved;
    }
    return this.parsePipelineStatement(inParens);
  }

  /** The value of an assignment's right-hand side: an expression's word, or the output of a command. */
  private statementAsWord(stmt: Statement, start: number): Word {
    if (stmt.kind === 'command' && stmt.words.length === 1 && stmt.expression) return stmt.words[0];
    return { parts: [{ kind: 'substitution', body: [stmt], quoted: false, start, end: stmt.end }], start, end: stmt.end };
  }

  /** null: the word is not used as a keyword here. */
  private parseKeyword(keyword: string, start: number): Statement | undefined | null {
    switch (keyword) {
      case 'if': {
        this.pos += 2;
        const conditions: Statement[] = [];
        const arms: Statement[][] = [];
        let exhaustive = false;
        this.skipAllSpace();
        appendAll(conditions, this.parenStatements());
        arms.push(this.braceBlock());
        for (;;) {
          const save = this.pos;
          this.skipAllSpace();
          const k = this.keywordAt();
          if (k === 'elseif') {
            this.pos += 6;
            this.skipAllSpace();
            appendAll(conditions, this.parenStatements());
            arms.push(this.braceBlock());
            continue;
          }
          if (k === 'else') {
            this.pos += 4;
            arms.push(this.braceBlock());
            exhaustive = true;
            break;
          }
          this.pos = save;
          break;
        }
        return { kind: 'branch', conditions, arms, exhaustive, start, end: this.pos };
      }
      case 'foreach': {
        this.pos += 7;
        this.skipAllSpace();
        if (this.peek() !== '(') return null;
        this.pos++;
        this.skipAllSpace();
        let variable: string | undefined;
        if (this.peek() === '$') variable = this.readVariable(false).name;
        this.skipAllSpace();
        let items: Word[] | undefined;
        if (/^in\b/i.test(this.text.slice(this.pos, this.pos + 3))) {
          this.pos += 2;
          this.skipAllSpace();
          items = this.literalList();
        }
        this.skipBalanced('(', ')', true);
        const body = this.braceBlock();
        const loop: Statement = { kind: 'for', body, start, end: this.pos };
        if (variable) loop.variable = variable;
        if (items) loop.items = items;
        return loop;
      }
      case 'for':
      case 'while': {
        this.pos += keyword.length;
        this.skipAllSpace();
        const conditions = keyword === 'while' ? this.parenStatements() : (this.skipBalanced('(', ')'), []);
        const body = this.braceBlock();
        return { kind: 'while', conditions, body, readVariables: [], start, end: this.pos };
      }
      case 'do': {
        this.pos += 2;
        const body = this.braceBlock();
        this.skipAllSpace();
        const k = this.keywordAt();
        let conditions: Statement[] = [];
        if (k === 'while' || k === 'until') {
          this.pos += k.length;
          this.skipAllSpace();
          conditions = this.parenStatements();
        }
        return { kind: 'while', conditions, body, readVariables: [], start, end: this.pos };
      }
      case 'switch': {
        this.pos += 6;
        this.skipBlanks();
        while (this.peek() === '-') this.readArgument();
        this.skipAllSpace();
        const conditions = this.parenStatements();
        this.skipAllSpace();
        const arms: Statement[][] = [];
        let exhaustive = false;
        if (this.peek() === '{') {
          this.pos++;
          for (;;) {
            this.skipSeparators();
            const c = this.peek();
            if (c === '' || c === '}') break;
            if (/^default\b/i.test(this.text.slice(this.pos, this.pos + 8))) {
              exhaustive = true;
              this.pos += 7;
            } else this.readArgument();
            this.skipAllSpace();
            if (this.peek() === '{') arms.push(this.braceBlock());
          }
          if (this.peek() === '}') this.pos++;
        }
        return { kind: 'branch', conditions, arms, exhaustive, start, end: this.pos };
      }
      case 'try': {
        this.pos += 3;
        const body = this.braceBlock();
        const arms: Statement[][] = [];
        const after: Statement[] = [];
        for (;;) {
          const save = this.pos;
          this.skipAllSpace();
          const k = this.keywordAt();
          if (k === 'catch') {
            this.pos += 5;
            this.skipBlanks();
            while (this.peek() === '[' || this.peek() === ',') {
              if (this.peek() === ',') this.pos++;
              else this.skipBalanced('[', ']');
              this.skipBlanks();
            }
            arms.push(this.braceBlock());
            continue;
          }
          if (k === 'finally') {
            this.pos += 7;
            appendAll(after, this.braceBlock());
            continue;
          }
          this.pos = save;
          break;
        }
        const branch: Statement = { kind: 'branch', conditions: [], arms, exhaustive: false, start, end: this.pos };
        return { kind: 'group', body: [...body, branch, ...after], subshell: false, start, end: this.pos };
      }
      case 'function':
      case 'filter':
      case 'workflow': {
        this.pos += keyword.length;
        this.skipBlanks();
        const m = /^[^\s({]+/.exec(this.text.slice(this.pos, this.pos + 256));
        const name = (m?.[0] ?? '').toLowerCase();
        this.pos += m?.[0].length ?? 0;
        this.skipAllSpace();
        let params: { name: string; default?: Word }[] | undefined;
        if (this.peek() === '(') params = this.paramList();
        this.skipAllSpace();
        if (this.peek() !== '{') return { kind: 'opaque', start, end: this.pos };
        this.pos++;
        this.depth++;
        try {
          this.skipSeparators();
          while (this.peek() === '[') {
            this.skipBalanced('[', ']');
            this.skipSeparators();
          }
          if (this.keywordAt() === 'param') {
            this.pos += 5;
            this.skipAllSpace();
            params = this.paramList();
          }
          const body = this.parseBlock(true);
          if (this.peek() === '}') this.pos++;
          const def: Statement = { kind: 'function', name, body, start, end: this.pos };
          if (params) def.params = params.map((x) => (x.default ? { name: x.name, default: x.default } : { name: x.name }));
          return def;
        } finally {
          this.depth--;
        }
      }
      case 'param': {
        this.pos += 5;
        this.skipAllSpace();
        this.paramList();
        return { kind: 'opaque', start, end: this.pos };
      }
      case 'begin':
      case 'process':
      case 'end': {
        const save = this.pos;
        this.pos += keyword.length;
        this.skipAllSpace();
        if (this.peek() !== '{') {
          this.pos = save;
          return null;
        }
        return { kind: 'group', body: this.braceBlock(), subshell: false, start, end: this.pos };
      }
      case 'class':
      case 'enum':
      case 'trap':
      case 'configuration': {
        this.pos += keyword.length;
        while (this.pos < this.text.length && this.peek() !== '{' && !isNewline(this.peek())) this.pos++;
        if (this.peek() === '{') this.skipBalanced('{', '}', true);
        return { kind: 'opaque', start, end: this.pos };
      }
      case 'return':
      case 'throw':
      case 'exit':
        this.pos += keyword.length;
        return this.parsePipelineStatement(false) ?? { kind: 'opaque', start, end: this.pos };
      case 'break':
      case 'continue':
      case 'using':
        this.skipLine();
        return { kind: 'opaque', start, end: this.pos };
      default:
        return null;
    }
  }

  private skipLine(): void {
    while (this.pos < this.text.length && !isNewline(this.peek()) && this.peek() !== ';' && this.peek() !== '}') this.pos++;
  }

  /** `'a', 'b'` or `@('a', 'b')`: the literal items of a foreach; undefined for anything else. */
  private literalList(): Word[] | undefined {
    const start = this.pos;
    let inner = false;
    if (this.peek() === '@' && this.peek(1) === '(') {
      this.pos += 2;
      inner = true;
    }
    const items: Word[] = [];
    for (;;) {
      this.skipAllSpace();
      const c = this.peek();
      if (c === "'" || c === '"') {
        const w = this.readArgument();
        if (w.parts.some((p) => p.kind !== 'text')) {
          this.pos = start;
          return undefined;
        }
        items.push(w);
        this.skipAllSpace();
        if (this.peek() === ',') {
          this.pos++;
          continue;
        }
        if (inner && this.peek() === ')') this.pos++;
        this.skipAllSpace();
        if (this.peek() === ')') return items;
      }
      this.pos = start;
      return undefined;
    }
  }

  // ---- pipelines and commands ------------------------------------------------------------------

  private parsePipelineStatement(inParens: boolean): Statement | undefined {
    const first = this.parsePipeline(inParens);
    if (!first) return undefined;
    const items = [first];
    for (;;) {
      this.skipBlanks();
      if ((this.peek() === '&' && this.peek(1) === '&') || (this.peek() === '|' && this.peek(1) === '|')) {
        this.pos += 2;
        this.skipAllSpace();
        const next = this.parsePipeline(inParens);
        if (next) items.push(next);
        continue;
      }
      break;
    }
    return items.length === 1 ? first : { kind: 'andor', items, start: first.start, end: items[items.length - 1].end };
  }

  private parsePipeline(inParens: boolean): Statement | undefined {
    const stages: Statement[] = [];
    const blocks: ScriptBlockArg[] = [];
    const start = this.pos;
    for (;;) {
      const stage = this.parseCommand(inParens, blocks);
      if (stage) stages.push(stage);
      this.skipBlanks();
      if (this.peek() === '|' && this.peek(1) !== '|') {
        this.pos++;
        this.skipAllSpace();
        continue;
      }
      break;
    }
    if (stages.length === 0) return undefined;
    let stmt: Statement = stages.length === 1 ? stages[0] : { kind: 'pipeline', stages, start, end: stages[stages.length - 1].end };
    if (blocks.length > 0) {
      // Script blocks given to a command (ForEach-Object { ... }) run over values grantlint does not know.
      const loops: Statement[] = blocks.map((b) => ({ kind: 'for', variable: '_', body: b.body, start: b.span.start, end: b.span.end }));
      stmt = { kind: 'group', body: [stmt, ...loops], subshell: false, start, end: this.pos };
    }
    return stmt;
  }

  /** One pipeline stage: a command with arguments, or an expression. */
  private parseCommand(inParens: boolean, blocks: ScriptBlockArg[]): Statement | undefined {
    this.skipBlanks();
    const start = this.pos;
    const c = this.peek();
    if (c === '' || isNewline(c) || c === ';' || c === '}' || c === ')' || c === '|') return undefined;
    const words: Word[] = [];
    const expression = c === '$' || c === "'" || c === '"' || c === '(' || c === '@' || c === '[' || /[0-9]/.test(c) || (c === '-' && /[0-9]/.test(this.peek(1)));
    if (c === '&' || (c === '.' && isBlank(this.peek(1)))) {
      // Call operator / dot-sourcing: the next token names the command.
      this.pos++;
      this.skipBlanks();
    }
    let opaque = false;
    for (;;) {
      this.skipBlanks();
      const d = this.peek();
      if (d === '' || d === ';' || d === '}' || d === '|') break;
      if (isNewline(d)) {
        if (!inParens) break;
        this.pos++;
        continue;
      }
      if (d === ')') break;
      if (d === ',') {
        this.pos++;
        continue;
      }
      if (d === '{') {
        const s = this.pos;
        const body = this.braceBlock();
        blocks.push({ body, span: { start: s, end: this.pos } });
        continue;
      }
      if (d === '>' || (/[0-9*]/.test(d) && this.peek(1) === '>')) {
        // Redirection: `> file`, `2>&1`, `*> $null`.
        while (/[0-9*>&]/.test(this.peek())) this.pos++;
        this.skipBlanks();
        if (this.peek() && !endsBareword(this.peek())) this.readArgument();
        continue;
      }
      if (expression && words.length > 0 && (d === '-' || d === '+' || d === '*' || d === '/' || d === '%' || d === '=' || d === '.' || d === '[')) {
        // An operator after an expression: the statement's value is not one grantlint computes.
        opaque = true;
      }
      const before = this.pos;
      words.push(this.readArgument());
      if (this.pos === before) this.pos++;
    }
    if (words.length === 0) return undefined;
    const end = words[words.length - 1].end;
    if (expression) {
      if (opaque || words.length > 1) return { kind: 'command', words: [{ parts: [{ kind: 'opaque', start, end }], start, end }], assigns: [], start, end, expression: true };
      return { kind: 'command', words, assigns: [], start, end, expression: true };
    }
    return { kind: 'command', words, assigns: [], start, end };
  }

  /** One argument token of command mode (or an expression's operand). */
  private readArgument(): Word {
    const start = this.pos;
    const c = this.peek();
    if (c === "'" || c === '"' || c === '$' || c === '(' || c === '@') {
      const w = this.readExpressionWord();
      // A bareword glued to the expression (`$rg-suffix`, `"a"b`) continues the same argument.
      if (!endsBareword(this.peek()) && this.peek() !== '.' && this.peek() !== '[' && this.peek() !== '=') {
        const rest = this.readBareword();
        return { parts: [...w.parts, ...rest.parts], start, end: this.pos };
      }
      return w;
    }
    if (c === '-' && /[A-Za-z_]/.test(this.peek(1))) {
      // A parameter name; `-Name:value` becomes two words.
      let e = this.pos + 1;
      while (e < this.text.length && /[A-Za-z0-9_-]/.test(this.text[e])) e++;
      const name = this.text.slice(this.pos, e);
      this.pos = e;
      if (this.peek() === ':' && this.text.slice(this.pos, this.pos + 2) !== '::') {
        this.pos++;
        return { parts: [{ kind: 'text', text: name, quoted: false, start, end: e }], start, end: e };
      }
      return { parts: [{ kind: 'text', text: name, quoted: false, start, end: e }], start, end: e };
    }
    if (c === '[') {
      // A type literal or static member: `[guid]::NewGuid()`.
      this.skipBalanced('[', ']');
      while (this.peek() === ':' || this.peek() === '.' || /[A-Za-z0-9_]/.test(this.peek())) this.pos++;
      if (this.peek() === '(') this.skipBalanced('(', ')', true);
      const text = this.text.slice(start, this.pos);
      if (/^\[(system\.)?guid\]::newguid\(\s*\)$/i.test(text.replace(/\s+/g, ''))) {
        return { parts: [{ kind: 'substitution', body: [newGuidCommand(start, this.pos)], quoted: false, start, end: this.pos }], start, end: this.pos };
      }
      return { parts: [{ kind: 'opaque', start, end: this.pos }], start, end: this.pos };
    }
    return this.readBareword();
  }

  /** A bareword in command mode: literal text with `$var` expansions, up to a blank or operator. */
  private readBareword(): Word {
    const start = this.pos;
    const parts: WordPart[] = [];
    const text = (t: string, s: number, e: number): void => {
      const last = parts[parts.length - 1];
      if (last && last.kind === 'text' && !last.quoted && last.end === s) {
        last.text += t;
        last.end = e;
      } else parts.push({ kind: 'text', text: t, quoted: false, start: s, end: e });
    };
    while (this.pos < this.text.length) {
      this.stats.steps++;
      const c = this.peek();
      if (endsBareword(c)) break;
      const s = this.pos;
      if (c === '`') {
        if (isNewline(this.peek(1))) break;
        this.pos += 2;
        text(this.peek(-1), s, this.pos);
        continue;
      }
      if (c === '$' && /[A-Za-z_{:?]/.test(this.peek(1))) {
        parts.push(this.readVariable(false, false));
        continue;
      }
      if (c === '$' && this.peek(1) === '(') {
        const sub = this.readSubexpression(false);
        parts.push(sub);
        continue;
      }
      if (c === "'" || c === '"') {
        const w = this.readExpressionWord();
        appendAll(parts, w.parts);
        continue;
      }
      text(c, s, ++this.pos);
    }
    return { parts, start, end: this.pos };
  }

  /** A string, variable, subexpression, hashtable, array or number. */
  private readExpressionWord(): Word {
    const start = this.pos;
    const c = this.peek();
    if (c === "'") return this.singleQuoted();
    if (c === '"') return this.doubleQuoted();
    if (c === '@' && (this.peek(1) === '"' || this.peek(1) === "'")) return this.hereString();
    if (c === '@' && this.peek(1) === '{') return this.hashtable();
    if (c === '@' && this.peek(1) === '(') {
      this.pos++;
      const body = this.parenStatements();
      return { parts: [{ kind: 'substitution', body, quoted: false, start, end: this.pos }], start, end: this.pos };
    }
    if (c === '@' && /[A-Za-z_]/.test(this.peek(1))) {
      this.pos++;
      const v = this.readVariable(false, true, start);
      v.splat = true;
      return { parts: [v], start, end: this.pos };
    }
    if (c === '$' && this.peek(1) === '(') {
      const sub = this.readSubexpression(false);
      return { parts: [sub], start, end: this.pos };
    }
    if (c === '$') {
      const v = this.readVariable(false);
      return { parts: [v], start, end: this.pos };
    }
    if (c === '(') {
      const body = this.parenStatements();
      const members = this.readMembers();
      const sub: WordPart = { kind: 'substitution', body, quoted: false, start, end: this.pos };
      if (members) sub.members = members;
      return { parts: [sub], start, end: this.pos };
    }
    if (c === '[') return this.readArgument();
    return this.readBareword();
  }

  private singleQuoted(): Word {
    const start = this.pos;
    let out = '';
    this.pos++;
    while (this.pos < this.text.length) {
      this.stats.steps++;
      const c = this.text[this.pos];
      if (c === "'" || c === '\u2019' || c === '\u2018') {
        if (this.peek(1) === c) {
          out += "'";
          this.pos += 2;
          continue;
        }
        this.pos++;
        break;
      }
      out += c;
      this.pos++;
    }
    return { parts: [{ kind: 'text', text: out, quoted: true, start, end: this.pos }], start, end: this.pos };
  }

  private doubleQuoted(): Word {
    const start = this.pos;
    this.pos++;
    const parts = this.expandable((c) => c === '"' && this.peek(1) !== '"', true);
    if (this.peek() === '"') this.pos++;
    return { parts, start, end: this.pos };
  }

  /** The parts of an expandable string up to the closing quote (`stop`). */
  private expandable(stop: (c: string) => boolean, doubled: boolean): WordPart[] {
    const parts: WordPart[] = [];
    const text = (t: string, s: number, e: number): void => {
      const last = parts[parts.length - 1];
      if (last && last.kind === 'text' && last.end === s) {
        last.text += t;
        last.end = e;
      } else parts.push({ kind: 'text', text: t, quoted: true, start: s, end: e });
    };
    while (this.pos < this.text.length) {
      this.stats.steps++;
      const c = this.peek();
      const s = this.pos;
      if (stop(c)) break;
      if (doubled && c === '"' && this.peek(1) === '"') {
        this.pos += 2;
        text('"', s, this.pos);
        continue;
      }
      if (c === '`') {
        const n = this.peek(1);
        this.pos += 2;
        text(n === 'n' ? '\n' : n === 't' ? '\t' : n === 'r' ? '\r' : n === '0' ? '\0' : n, s, this.pos);
        continue;
      }
      if (c === '$' && this.peek(1) === '(') {
        parts.push(this.readSubexpression(true));
        continue;
      }
      if (c === '$' && /[A-Za-z_{:?]/.test(this.peek(1))) {
        // Inside a string, `$x.Prop` is `$x` followed by the text `.Prop`.
        parts.push(this.readVariable(true, false));
        continue;
      }
      text(c, s, ++this.pos);
    }
    return parts;
  }

  private hereString(): Word {
    const start = this.pos;
    const expandable = this.peek(1) === '"';
    const quote = expandable ? '"' : "'";
    this.pos += 2;
    while (this.pos < this.text.length && !isNewline(this.peek())) this.pos++;
    if (this.peek() === '\r') this.pos++;
    if (this.peek() === '\n') this.pos++;
    const closeRe = new RegExp(`(^|\\n)[ \\t]*${quote}@`, 'g');
    closeRe.lastIndex = this.pos - 1;
    const m = closeRe.exec(this.text);
    const bodyEnd = m ? m.index + (m[1] ? 1 : 0) : this.text.length;
    let parts: WordPart[];
    if (expandable) {
      const limit = bodyEnd;
      parts = this.expandable(() => this.pos >= limit, false);
    } else {
      parts = [{ kind: 'text', text: this.text.slice(this.pos, bodyEnd).replace(/\r?\n$/, ''), quoted: true, start: this.pos, end: bodyEnd }];
    }
    this.pos = m ? m.index + m[0].length : this.text.length;
    return { parts, start, end: this.pos };
  }

  private hashtable(): Word {
    const start = this.pos;
    this.pos += 2;
    const entries: { key: string; value: Word }[] = [];
    let opaque = false;
    for (;;) {
      this.skipSeparators();
      const c = this.peek();
      if (c === '' || c === '}') break;
      let key: string | undefined;
      if (c === "'" || c === '"') {
        const w = c === "'" ? this.singleQuoted() : this.doubleQuoted();
        const p = w.parts[0];
        key = w.parts.length === 1 && p.kind === 'text' ? p.text : undefined;
      } else {
        const m = /^[A-Za-z_][\w-]*/.exec(this.text.slice(this.pos, this.pos + 256));
        if (m) {
          key = m[0];
          this.pos += m[0].length;
        }
      }
      this.skipBlanks();
      if (key === undefined || this.peek() !== '=') {
        opaque = true;
        this.skipBalanced('{', '}', true, 1);
        break;
      }
      this.pos++;
      this.skipAllSpace();
      const stmt = this.parsePipelineStatement(false);
      if (stmt) entries.push({ key, value: this.statementAsWord(stmt, stmt.start) });
    }
    if (this.peek() === '}') this.pos++;
    if (opaque) return { parts: [{ kind: 'opaque', start, end: this.pos }], start, end: this.pos };
    return { parts: [{ kind: 'hash', entries, start, end: this.pos }], start, end: this.pos };
  }

  private readSubexpression(quoted: boolean): WordPart {
    const start = this.pos;
    this.pos++;
    const body = this.parenStatements();
    const part: WordPart = { kind: 'substitution', body, quoted, start, end: this.pos };
    if (!quoted) {
      const members = this.readMembers();
      if (members) {
        part.members = members;
        part.end = this.pos;
      }
    }
    return part;
  }

  /** `$name`, `$env:NAME`, `$script:name`, `${any}`, with `.Member` access when `members`. */
  private readVariable(quoted: boolean, members = true, start = this.pos): VariableWordPart {
    if (this.peek() === '$') this.pos++;
    let written: string;
    if (this.peek() === '{') {
      const close = this.text.indexOf('}', this.pos);
      const end = close < 0 ? this.text.length : close;
      written = this.text.slice(this.pos + 1, end);
      this.pos = Math.min(this.text.length, end + 1);
    } else {
      const m = /^(?:[A-Za-z]+:(?!:))?[A-Za-z0-9_?]+|^[$^?]/.exec(this.text.slice(this.pos, this.pos + 256));
      written = m?.[0] ?? '';
      this.pos += written.length;
    }
    const lower = written.toLowerCase();
    const scoped = /^(script|global|local|private|using):/.exec(lower);
    const name = scoped ? lower.slice(scoped[0].length) : lower;
    const part: VariableWordPart = { kind: 'variable', name, written: `$${written}`, quoted, start, end: this.pos };
    if (name.startsWith('env:')) part.env = true;
    if (members) {
      const m = this.readMembers();
      if (m) {
        part.members = m;
        part.end = this.pos;
      }
    }
    return part;
  }

  /** `.Name.Other` after a variable or parenthesis; stops before a method call or an index. */
  private readMembers(): string[] | undefined {
    const out: string[] = [];
    for (;;) {
      const m = /^\.([A-Za-z_][A-Za-z0-9_]*)/.exec(this.text.slice(this.pos, this.pos + 256));
      if (!m) break;
      if (this.text[this.pos + m[0].length] === '(') {
        // A method call: its result is not a member grantlint reads.
        this.pos += m[0].length;
        this.skipBalanced('(', ')', true);
        out.push('()');
        break;
      }
      out.push(m[1]);
      this.pos += m[0].length;
    }
    if (this.peek() === '[') {
      this.skipBalanced('[', ']');
      out.push('[]');
    }
    return out.length > 0 ? out : undefined;
  }

  /** Skips a bracketed region (with nesting and strings) from its opening character. */
  private skipBalanced(open: string, close: string, strings = false, depthAtStart = 0): void {
    let depth = depthAtStart;
    if (depthAtStart === 0) {
      if (this.peek() !== open) return;
      this.pos++;
      depth = 1;
    }
    while (this.pos < this.text.length && depth > 0) {
      const c = this.text[this.pos];
      if (c === '`') {
        this.pos += 2;
        continue;
      }
      if (strings && (c === "'" || c === '"')) {
        if (c === "'") this.singleQuoted();
        else this.doubleQuoted();
        continue;
      }
      if (c === '#' && strings) {
        this.lineComment();
        continue;
      }
      if (c === open) depth++;
      else if (c === close) depth--;
      this.pos++;
    }
  }
}

type VariableWordPart = Extract<WordPart, { kind: 'variable' }>;

/** `[guid]::NewGuid()` stands for a generated GUID: the evaluator treats it like `New-Guid`. */
function newGuidCommand(start: number, end: number): Statement {
  return { kind: 'command', words: [{ parts: [{ kind: 'text', text: 'New-Guid', quoted: false, start, end }], start, end }], assigns: [], start, end };
}
