/**
 * ARM template language expressions: a JSON string `"[...]"` is an expression, `"[[..."` is the
 * literal string without its first `[`. Offsets in the AST are indexes into the JSON string's value
 * (map them to the file with `stringValueOffset`). The parser never throws.
 */

export interface ExprSpan {
  start: number;
  end: number;
}

export type ArmExpr =
  | ArmStringLit
  | ArmNumberLit
  | ArmBoolLit
  | ArmNullLit
  | ArmCall
  | ArmProperty
  | ArmIndex;

export interface ArmStringLit extends ExprSpan {
  kind: 'string';
  value: string;
}
export interface ArmNumberLit extends ExprSpan {
  kind: 'number';
  value: number;
}
export interface ArmBoolLit extends ExprSpan {
  kind: 'bool';
  value: boolean;
}
export interface ArmNullLit extends ExprSpan {
  kind: 'null';
}
export interface ArmCall extends ExprSpan {
  kind: 'call';
  /** User-defined function namespace (`ns` in `ns.fn()`), absent for built-in functions. */
  namespace?: string;
  /** The function name as written. */
  name: string;
  args: ArmExpr[];
}
export interface ArmProperty extends ExprSpan {
  kind: 'property';
  object: ArmExpr;
  name: string;
  nameSpan: ExprSpan;
}
export interface ArmIndex extends ExprSpan {
  kind: 'index';
  object: ArmExpr;
  index: ArmExpr;
}

export interface ArmExprError {
  message: string;
  offset: number;
}

/** What a template string holds. */
export type TemplateString =
  | { kind: 'literal'; value: string }
  | { kind: 'expression'; expr: ArmExpr }
  | { kind: 'error'; error: ArmExprError };

/**
 * Classifies a JSON string of a template: a literal, an expression or an expression that does not
 * parse. Expressions are parsed once per thread and string (the syntax check of a template and its
 * evaluation ask for the same ones, and templates repeat `[parameters('location')]` and the like):
 * the result is shared, and nothing changes it.
 */
export function parseTemplateString(value: string): TemplateString {
  if (value.length < 2 || value.charCodeAt(0) !== 91 /* [ */ || value.charCodeAt(value.length - 1) !== 93 /* ] */) {
    return { kind: 'literal', value };
  }
  if (value.charCodeAt(1) === 91) return { kind: 'literal', value: value.slice(1) };
  let t = parsed.get(value);
  if (!t) {
    const r = parseExpression(value, 1, value.length - 1);
    t = r.expr ? { kind: 'expression', expr: r.expr } : { kind: 'error', error: r.error! };
    if (parsed.size >= MAX_PARSED) parsed.clear();
    parsed.set(value, t);
  }
  return t;
}

const parsed = new Map<string, TemplateString>();
/** Kept expressions; past this many the memo starts over (memory stays bounded in a long run). */
const MAX_PARSED = 50_000;

export interface ParseResult {
  expr?: ArmExpr;
  error?: ArmExprError;
}

/** Parses the expression in `text[start, end)`. */
export function parseExpression(text: string, start = 0, end = text.length): ParseResult {
  const p = new Parser(text, start, end);
  try {
    p.skipWs();
    const expr = p.expression();
    p.skipWs();
    if (p.pos < end) p.fail(`unexpected '${text[p.pos]}'`);
    return { expr };
  } catch (e) {
    if (e instanceof ParseFailure) return { error: { message: e.message, offset: e.offset } };
    // Not the template's syntax error: a defect, reported as one by the caller's guard.
    throw e;
  }
}

const UNICODE_SPACE = /\s/u;

class ParseFailure extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

const MAX_DEPTH = 200;

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36 /* $ */;
}
function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

class Parser {
  pos: number;
  private depth = 0;
  constructor(
    private readonly text: string,
    start: number,
    private readonly end: number,
  ) {
    this.pos = start;
  }

  fail(message: string, offset = this.pos): never {
    throw new ParseFailure(message, offset);
  }

  skipWs(): void {
    while (this.pos < this.end) {
      const c = this.text.charCodeAt(this.pos);
      // Azure's parser skips any Unicode white space (real templates carry no-break spaces).
      if (c === 32 || c === 9 || c === 10 || c === 13 || (c > 127 && UNICODE_SPACE.test(this.text[this.pos]))) this.pos++;
      else break;
    }
  }

  private peek(): number {
    return this.pos < this.end ? this.text.charCodeAt(this.pos) : -1;
  }

  expression(): ArmExpr {
    if (++this.depth > MAX_DEPTH) this.fail('expression nested too deeply');
    let e = this.primary();
    for (;;) {
      this.skipWs();
      const c = this.peek();
      if (c === 46 /* . */) {
        this.pos++;
        this.skipWs();
        const nameStart = this.pos;
        const name = this.identifier('a property name');
        e = { kind: 'property', object: e, name, nameSpan: { start: nameStart, end: this.pos }, start: e.start, end: this.pos };
      } else if (c === 91 /* [ */) {
        this.pos++;
        this.skipWs();
        const index = this.expression();
        this.skipWs();
        if (this.peek() !== 93) this.fail("expected ']'");
        this.pos++;
        e = { kind: 'index', object: e, index, start: e.start, end: this.pos };
      } else break;
    }
    this.depth--;
    return e;
  }

  private identifier(what: string): string {
    const s = this.pos;
    if (!isIdentStart(this.peek())) this.fail(`expected ${what}`);
    while (this.pos < this.end && isIdentPart(this.text.charCodeAt(this.pos))) this.pos++;
    return this.text.slice(s, this.pos);
  }

  private primary(): ArmExpr {
    const start = this.pos;
    const c = this.peek();
    if (c === -1) this.fail('expected an expression');
    if (c === 39 /* ' */) return this.stringLit();
    if (isDigit(c) || c === 45 /* - */ || c === 43 /* + */) return this.numberLit();
    if (isIdentStart(c)) {
      let name = this.identifier('a function name');
      let namespace: string | undefined;
      this.skipWs();
      if (this.peek() === 46 /* . */) {
        // `ns.fn(...)`: a user-defined function. A dot after a bare identifier can only be that.
        const save = this.pos;
        this.pos++;
        this.skipWs();
        if (isIdentStart(this.peek())) {
          namespace = name;
          name = this.identifier('a function name');
          this.skipWs();
        } else this.pos = save;
      }
      if (this.peek() !== 40 /* ( */) {
        if (namespace === undefined) {
          const lower = name.toLowerCase();
          if (lower === 'true' || lower === 'false') return { kind: 'bool', value: lower === 'true', start, end: this.pos };
          if (lower === 'null') return { kind: 'null', start, end: this.pos };
        }
        this.fail(`expected '(' after '${name}'`);
      }
      this.pos++;
      const args: ArmExpr[] = [];
      this.skipWs();
      if (this.peek() === 41 /* ) */) this.pos++;
      else {
        for (;;) {
          this.skipWs();
          args.push(this.expression());
          this.skipWs();
          const d = this.peek();
          if (d === 44 /* , */) {
            this.pos++;
            continue;
          }
          if (d === 41) {
            this.pos++;
            break;
          }
          this.fail(d === -1 ? `missing ')' to close '${name}('` : `expected ',' or ')'`);
        }
      }
      const call: ArmCall = { kind: 'call', name, args, start, end: this.pos };
      if (namespace !== undefined) call.namespace = namespace;
      return call;
    }
    this.fail(`unexpected '${this.text[this.pos]}'`);
  }

  private stringLit(): ArmStringLit {
    const start = this.pos;
    this.pos++;
    let value = '';
    let chunk = this.pos;
    for (;;) {
      if (this.pos >= this.end) this.fail('unterminated string', start);
      if (this.text.charCodeAt(this.pos) === 39) {
        if (this.pos + 1 < this.end && this.text.charCodeAt(this.pos + 1) === 39) {
          value += this.text.slice(chunk, this.pos + 1);
          this.pos += 2;
          chunk = this.pos;
          continue;
        }
        value += this.text.slice(chunk, this.pos);
        this.pos++;
        return { kind: 'string', value, start, end: this.pos };
      }
      this.pos++;
    }
  }

  private numberLit(): ArmNumberLit {
    const start = this.pos;
    if (this.peek() === 45 || this.peek() === 43) this.pos++;
    if (!isDigit(this.peek())) this.fail('expected a number');
    while (isDigit(this.peek())) this.pos++;
    if (this.peek() === 46 && isDigit(this.pos + 1 < this.end ? this.text.charCodeAt(this.pos + 1) : -1)) {
      this.pos++;
      while (isDigit(this.peek())) this.pos++;
    }
    return { kind: 'number', value: Number(this.text.slice(start, this.pos)), start, end: this.pos };
  }
}
