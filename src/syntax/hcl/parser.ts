/**
 * A recursive-descent parser for the HCL native syntax as Terraform accepts it. It never throws:
 * errors are collected with spans, and after an error the parser resumes at the next attribute
 * or block.
 */

import type {
  Attribute,
  Block,
  BlockLabel,
  Body,
  Expression,
  ForExpression,
  HclBinaryOperator,
  HclFile,
  HclSyntaxError,
  ObjectItem,
  TemplateExpression,
  TemplatePart,
} from './ast.js';
import { Lexer, T, isDigit, tokenNames } from './lexer.js';
import { MAX_NESTING, tooDeepMessage } from '../nesting.js';
import { appendAll } from '../../util/arrays.js';

/** Binary operators by token, with their precedence (higher binds tighter). */
const BINARY: Partial<Record<T, [HclBinaryOperator, number]>> = {
  [T.Or]: ['||', 1],
  [T.And]: ['&&', 2],
  [T.Eq]: ['==', 3],
  [T.NotEq]: ['!=', 3],
  [T.Lt]: ['<', 4],
  [T.Le]: ['<=', 4],
  [T.Gt]: ['>', 4],
  [T.Ge]: ['>=', 4],
  [T.Plus]: ['+', 5],
  [T.Minus]: ['-', 5],
  [T.Star]: ['*', 6],
  [T.Slash]: ['/', 6],
  [T.Percent]: ['%', 6],
};

/** A template piece before directives are nested. */
type RawPart =
  | { kind: 'Text'; value: string; start: number; end: number; lineStart: boolean }
  | {
      kind: 'Interpolation';
      expression: Expression;
      start: number;
      end: number;
      stripLeft: boolean;
      stripRight: boolean;
    }
  | {
      kind: 'Directive';
      directive: 'if' | 'else' | 'endif' | 'for' | 'endfor' | 'error';
      condition?: Expression;
      keyVar?: string;
      valueVar?: string;
      start: number;
      end: number;
      stripLeft: boolean;
      stripRight: boolean;
    };

export function parseHcl(text: string): HclFile {
  const p = new Parser(text);
  return p.parseFile();
}

/** Parses `text` as a single expression (the whole text), as `.tf.json` strings need. */
export function parseHclExpression(text: string): { expression: Expression; errors: HclSyntaxError[] } {
  const p = new Parser(text);
  return p.parseStandaloneExpression();
}

/** Parses `text` as template content (no quotes), as `.tf.json` strings need. */
export function parseHclTemplate(text: string): { template: TemplateExpression; errors: HclSyntaxError[] } {
  const p = new Parser(text);
  return p.parseStandaloneTemplate();
}

class Parser {
  private readonly lx: Lexer;
  private readonly errors: HclSyntaxError[] = [];
  /** Set by the first error of an item; cleared when recovery resumes. Silences cascades. */
  private failed = false;
  /** Whether newlines are tokens (bodies and object constructors) or skipped (brackets). */
  private nl: boolean[] = [true];
  private nlOn = true;
  /** The current token is lexed lazily: `fetched` says whether `tt/ts/te` are valid. */
  private fetched = false;
  private tt: T = T.EOF;
  private ts = 0;
  private te = 0;

  constructor(private readonly text: string) {
    this.lx = new Lexer(text);
  }

  // ---- token plumbing ----

  private peek(): T {
    if (!this.fetched) {
      const lx = this.lx;
      let t = lx.next();
      if (!this.nlOn) while (t === T.Newline) t = lx.next();
      this.tt = t;
      this.ts = lx.start;
      this.te = lx.end;
      this.fetched = true;
    }
    return this.tt;
  }

  /** Consumes the current token (which must have been peeked). */
  private advance(): void {
    this.fetched = false;
  }

  /** Moves to an absolute offset, dropping any peeked token. */
  private seek(pos: number): void {
    this.lx.pos = pos;
    this.fetched = false;
  }

  /** The token after the current one, without consuming either. */
  private peek2(): T {
    this.peek();
    const save = this.lx.pos;
    const lx = this.lx;
    let t = lx.next();
    if (!this.nlOn) while (t === T.Newline) t = lx.next();
    lx.pos = save;
    return t;
  }

  private pushNl(on: boolean): void {
    this.nl.push(on);
    this.nlOn = on;
  }

  private popNl(): void {
    this.nl.pop();
    this.nlOn = this.nl[this.nl.length - 1] ?? true;
  }

  private error(start: number, end: number, message: string): void {
    if (this.failed) return;
    this.failed = true;
    this.errors.push({ start, end, message });
  }

  private unexpected(what: string): void {
    const t = this.peek();
    this.error(this.ts, this.te, `Expected ${what}, found ${this.describe(t)}.`);
  }

  private describe(t: T): string {
    if (t === T.Ident || t === T.Number || t === T.Invalid) {
      return `${tokenNames[t]} '${this.text.slice(this.ts, this.te)}'`;
    }
    return tokenNames[t];
  }

  private expect(t: T, what: string): boolean {
    if (this.peek() === t) {
      this.advance();
      return true;
    }
    this.unexpected(what);
    return false;
  }

  // ---- file and bodies ----

  parseFile(): HclFile {
    const body = this.parseBody(false);
    const len = this.text.length;
    body.start = 0;
    body.end = len;
    return {
      kind: 'File',
      start: 0,
      end: len,
      body,
      errors: this.errors,
      comments: this.lx.comments,
      syntax: 'native',
    };
  }

  parseStandaloneExpression(): { expression: Expression; errors: HclSyntaxError[] } {
    this.pushNl(false);
    const expression = this.parseExpression();
    if (this.peek() !== T.EOF) this.unexpected('the end of the expression');
    return { expression, errors: this.errors };
  }

  parseStandaloneTemplate(): { template: TemplateExpression; errors: HclSyntaxError[] } {
    const parts = this.scanTemplate(0, 'json');
    const template: TemplateExpression = {
      kind: 'Template',
      start: 0,
      end: this.text.length,
      parts: this.nestTemplate(parts.parts),
    };
    return { template, errors: this.errors };
  }

  /** Parses items up to `}` (nested) or EOF (top level). The closing brace is not consumed. */
  private parseBody(nested: boolean): Body {
    const items: (Attribute | Block)[] = [];
    const start = this.fetched ? this.ts : this.lx.pos;
    for (;;) {
      const t = this.peek();
      if (t === T.Newline) {
        this.advance();
        continue;
      }
      if (t === T.EOF) break;
      if (t === T.RBrace) {
        if (nested) break;
        this.error(this.ts, this.te, "Unexpected '}': no block is open here.");
        this.advance();
        this.failed = false;
        continue;
      }
      const itemStart = this.ts;
      const item = this.parseItem();
      if (item) items.push(item);
      if (this.failed) {
        this.recover(itemStart);
        this.failed = false;
      }
    }
    const end = this.fetched ? this.ts : this.lx.pos;
    return { kind: 'Body', start, end, items };
  }

  /** One attribute or block, including its terminating newline (not consumed when `}` or EOF). */
  private parseItem(): Attribute | Block | undefined {
    if (this.peek() !== T.Ident) {
      this.unexpected('an attribute name or block type');
      return undefined;
    }
    const nameStart = this.ts;
    const nameEnd = this.te;
    const name = this.text.slice(nameStart, nameEnd);
    this.advance();
    const t = this.peek();
    if (t === T.Assign) {
      this.advance();
      const value = this.parseExpression();
      const attr: Attribute = {
        kind: 'Attribute',
        start: nameStart,
        end: value.end,
        name,
        nameSpan: { start: nameStart, end: nameEnd },
        value,
      };
      if (!this.failed) this.endOfItem('an attribute definition');
      return attr;
    }
    if (t === T.LBrace || t === T.OQuote || t === T.Ident) {
      return this.parseBlock(name, nameStart, nameEnd);
    }
    this.unexpected(`'=' or a block after '${name}'`);
    return undefined;
  }

  private endOfItem(what: string): void {
    const t = this.peek();
    if (t === T.Newline) {
      this.advance();
      return;
    }
    if (t === T.EOF) return;
    this.error(this.ts, this.te, `Expected a newline after ${what}, found ${this.describe(t)}.`);
  }

  private parseBlock(type: string, typeStart: number, typeEnd: number): Block {
    const labels: BlockLabel[] = [];
    for (;;) {
      const t = this.peek();
      if (t === T.Ident) {
        labels.push({ start: this.ts, end: this.te, value: this.text.slice(this.ts, this.te) });
        this.advance();
      } else if (t === T.OQuote) {
        const qs = this.ts;
        this.advance();
        const tpl = this.parseQuoted(qs);
        let value = '';
        for (const part of tpl.parts) {
          if (part.kind === 'Text') value += part.value;
          else this.error(part.start, part.end, 'Block labels cannot contain template sequences.');
        }
        labels.push({ start: tpl.start, end: tpl.end, value });
      } else break;
    }
    const block: Block = {
      kind: 'Block',
      start: typeStart,
      end: typeEnd,
      type,
      typeSpan: { start: typeStart, end: typeEnd },
      labels,
      body: { kind: 'Body', start: typeEnd, end: typeEnd, items: [] },
    };
    if (this.peek() !== T.LBrace) {
      this.unexpected(`'{' to open the '${type}' block`);
      return block;
    }
    const open = this.ts;
    this.advance();
    let body: Body;
    const after = this.peek();
    if (after === T.Newline || after === T.RBrace || after === T.EOF) {
      body = this.parseBody(true);
    } else {
      // A single-line block holds one attribute and closes on the same line.
      const itemStart = this.ts;
      const item = this.parseItemInline();
      body = {
        kind: 'Body',
        start: itemStart,
        end: item ? item.end : itemStart,
        items: item ? [item] : [],
      };
      if (!this.failed && this.peek() !== T.RBrace) {
        this.error(
          this.ts,
          this.te,
          'A single-line block holds a single attribute and must close on the same line.',
        );
      }
      if (this.failed) {
        this.recover(itemStart);
        // Recovery stops before a `}` or after a newline; a multi-line body may continue.
        this.failed = false;
        if (this.peek() !== T.RBrace) {
          const rest = this.parseBody(true);
          appendAll(body.items, rest.items);
          body.end = rest.end;
        }
      }
    }
    body.start = open + 1;
    if (this.peek() === T.RBrace) {
      body.end = this.ts;
      block.end = this.te;
      this.advance();
      this.endOfItem('a block definition');
    } else {
      this.error(this.ts, this.te, `Unclosed '${type}' block: expected '}'.`);
      block.end = this.ts;
      body.end = this.ts;
    }
    block.body = body;
    return block;
  }

  private parseItemInline(): Attribute | undefined {
    if (this.peek() !== T.Ident) {
      this.unexpected('an attribute in a single-line block');
      return undefined;
    }
    const nameStart = this.ts;
    const nameEnd = this.te;
    this.advance();
    if (this.peek() !== T.Assign) {
      this.unexpected("'=' (a single-line block holds one attribute, not a nested block)");
      return undefined;
    }
    this.advance();
    const value = this.parseExpression();
    return {
      kind: 'Attribute',
      start: nameStart,
      end: value.end,
      name: this.text.slice(nameStart, nameEnd),
      nameSpan: { start: nameStart, end: nameEnd },
      value,
    };
  }

  /**
   * Skips from `from` to the end of the broken item: the next newline outside brackets, or
   * before a `}` that closes the enclosing body, or EOF.
   */
  private recover(from: number): void {
    const saved = this.nl;
    this.nl = [true];
    this.nlOn = true;
    this.seek(from);
    const lx = this.lx;
    // Open brackets; a closer pops back to its opener, and a `}` with no `{` open closes the body.
    const open: T[] = [];
    for (;;) {
      const t = lx.next();
      if (t === T.EOF) break;
      if (t === T.Newline) {
        if (open.length === 0) break;
        continue;
      }
      if (t === T.LBrace || t === T.LBrack || t === T.LParen) open.push(t);
      else if (t === T.RBrack || t === T.RParen || t === T.RBrace) {
        const opener = t === T.RBrack ? T.LBrack : t === T.RParen ? T.LParen : T.LBrace;
        const k = open.lastIndexOf(opener);
        if (k >= 0) open.length = k;
        else if (t === T.RBrace) {
          lx.pos = lx.start;
          break;
        }
      } else if (t === T.OQuote) lx.pos = this.skipQuoted(lx.end);
      else if (t === T.OHeredoc) lx.pos = this.skipHeredoc(lx.end, lx.heredocMarker);
    }
    this.nl = saved;
    this.nlOn = saved[saved.length - 1] ?? true;
    this.fetched = false;
  }

  /** The offset after the quoted string whose content starts at `i` (or at the line's end). */
  private skipQuoted(i: number): number {
    const text = this.text;
    const len = text.length;
    let depth = 0;
    while (i < len) {
      const c = text.charCodeAt(i);
      if (c === 92) i += 2;
      else if (c === 34) {
        if (depth === 0) return i + 1;
        i = this.skipQuoted(i + 1);
      } else if (c === 10 && depth === 0) return text.charCodeAt(i - 1) === 13 ? i - 1 : i;
      else if ((c === 36 || c === 37) && text.charCodeAt(i + 1) === 123) {
        depth++;
        i += 2;
      } else if (c === 123 && depth > 0) {
        depth++;
        i++;
      } else if (c === 125 && depth > 0) {
        depth--;
        i++;
      } else i++;
    }
    return len;
  }

  private skipHeredoc(i: number, marker: string): number {
    const text = this.text;
    const len = text.length;
    i = lineAfter(text, i);
    while (i < len) {
      const e = lineEnd(text, i);
      let s = i;
      while (s < e && isSpace(text.charCodeAt(s))) s++;
      if (e - s === marker.length && text.startsWith(marker, s)) return e;
      i = lineAfter(text, e);
    }
    return len;
  }

  // ---- expressions ----

  private parseExpression(): Expression {
    const cond = this.parseBinary(1);
    if (this.peek() !== T.Question || this.failed) return cond;
    this.advance();
    const trueResult = this.parseExpression();
    if (this.failed) return this.wrapError(cond.start, trueResult.end);
    if (!this.expect(T.Colon, "':' in the conditional expression")) {
      return this.wrapError(cond.start, trueResult.end);
    }
    const falseResult = this.parseExpression();
    return {
      kind: 'Conditional',
      start: cond.start,
      end: falseResult.end,
      condition: cond,
      trueResult,
      falseResult,
    };
  }

  private wrapError(start: number, end: number): Expression {
    return { kind: 'ErrorExpression', start, end };
  }

  private parseBinary(minPrec: number): Expression {
    let left = this.parseUnary();
    for (;;) {
      if (this.failed) return left;
      const op = BINARY[this.peek()];
      if (!op || op[1] < minPrec) return left;
      this.advance();
      const right = this.parseBinary(op[1] + 1);
      left = {
        kind: 'Binary',
        start: left.start,
        end: right.end,
        operator: op[0],
        left,
        right,
      };
    }
  }

  private parseUnary(): Expression {
    const t = this.peek();
    if (t === T.Minus || t === T.Not) {
      const start = this.ts;
      this.advance();
      const operand = this.parseUnary();
      return {
        kind: 'Unary',
        start,
        end: operand.end,
        operator: t === T.Minus ? '-' : '!',
        operand,
      };
    }
    return this.parsePostfix(this.parsePrimary());
  }

  private parsePostfix(expr: Expression): Expression {
    for (;;) {
      if (this.failed) return expr;
      const t = this.peek();
      if (t === T.Dot) {
        const dotEnd = this.te;
        this.advance();
        const n = this.peekAttrAfterDot(dotEnd);
        if (n === 'splat') {
          expr = this.parseSplat(expr, false);
          continue;
        }
        if (n === undefined) return expr;
        expr = n(expr);
      } else if (t === T.LBrack) {
        this.advance();
        this.pushNl(false);
        if (this.peek() === T.Star && this.peek2() === T.RBrack) {
          this.advance();
          this.peek();
          this.advance();
          this.popNl();
          expr = this.parseSplat(expr, true);
          continue;
        }
        const key = this.parseExpression();
        if (!this.failed && this.peek() !== T.RBrack) this.unexpected("']' to close the index");
        if (this.failed) {
          this.popNl();
          return { kind: 'Index', start: expr.start, end: key.end, object: expr, key };
        }
        const end = this.te;
        this.advance();
        this.popNl();
        expr = { kind: 'Index', start: expr.start, end, object: expr, key };
      } else return expr;
    }
  }

  /**
   * After a `.`: returns a builder for `.name` or the legacy `.0`, `'splat'` for `.*`, or
   * `undefined` after reporting an error.
   */
  private peekAttrAfterDot(dotEnd: number): ((o: Expression) => Expression) | 'splat' | undefined {
    // Legacy index: the digits right after the dot, even where the lexer would see `0.1`.
    if (isDigit(this.text.charCodeAt(dotEnd))) {
      const s = dotEnd;
      const e = this.lx.digitsEnd(s);
      this.seek(e);
      if (this.text.charCodeAt(e) === 46 && isDigit(this.text.charCodeAt(e + 1))) {
        this.error(s, this.lx.digitsEnd(e + 1), 'Legacy index syntax cannot chain two indexes, as in `a.0.1`; write `a[0][1]`.');
      }
      const key: Expression = { kind: 'Literal', start: s, end: e, value: Number(this.text.slice(s, e)) };
      return (o) => ({ kind: 'Index', start: o.start, end: e, object: o, key });
    }
    const t = this.peek();
    if (t === T.Ident) {
      const s = this.ts;
      const e = this.te;
      this.advance();
      const name = this.text.slice(s, e);
      return (o) => ({ kind: 'GetAttr', start: o.start, end: e, object: o, name });
    }
    if (t === T.Star) {
      this.advance();
      return 'splat';
    }
    this.unexpected("an attribute name after '.'");
    return undefined;
  }

  /** After `[*]` or `.*`: the traversal applied to each element. */
  private parseSplat(object: Expression, full: boolean): Expression {
    const markEnd = this.lx.pos;
    let each: Expression = { kind: 'Variable', start: markEnd, end: markEnd, name: '*' };
    for (;;) {
      if (this.failed) break;
      const t = this.peek();
      if (t === T.Dot) {
        const dotEnd = this.te;
        // `.*` or `[*]` starts a new splat over this one.
        const c = this.text.charCodeAt(dotEnd);
        if (c === 42) break;
        this.advance();
        const n = this.peekAttrAfterDot(dotEnd);
        if (n === undefined || n === 'splat') break;
        each = n(each);
      } else if (t === T.LBrack && full) {
        if (this.peek2() === T.Star) break;
        this.advance();
        this.pushNl(false);
        const key = this.parseExpression();
        if (!this.failed && this.peek() !== T.RBrack) this.unexpected("']' to close the index");
        const end = this.failed ? key.end : this.te;
        if (!this.failed) this.advance();
        this.popNl();
        each = { kind: 'Index', start: each.start, end, object: each, key };
      } else break;
    }
    return { kind: 'Splat', start: object.start, end: Math.max(markEnd, each.end), object, full, each };
  }

  private depth = 0;

  /**
   * Brackets nested past MAX_NESTING are not parsed (the recursion would overflow the stack): the
   * construct is skipped to its closing bracket, reported where it starts, and unknown.
   */
  private parsePrimary(): Expression {
    const t = this.peek();
    if (t !== T.LBrack && t !== T.LBrace && t !== T.LParen) return this.parsePrimaryInner();
    if (this.depth >= MAX_NESTING) return this.skipTooDeep();
    this.depth++;
    try {
      return this.parsePrimaryInner();
    } finally {
      this.depth--;
    }
  }

  private reportedTooDeep = false;

  private skipTooDeep(): Expression {
    const start = this.ts;
    if (!this.failed && !this.reportedTooDeep) {
      this.reportedTooDeep = true;
      this.errors.push({ start, end: this.te, message: tooDeepMessage(), limit: true });
    }
    let open = 0;
    let end = start;
    for (;;) {
      const t = this.peek();
      if (t === T.EOF) break;
      const at = this.ts;
      end = this.te;
      if (t === T.OHeredoc) {
        const marker = this.lx.heredocMarker;
        const indent = this.lx.heredocIndent;
        this.advance();
        end = this.parseHeredoc(at, end, marker, indent).end;
        continue;
      }
      this.advance();
      if (t === T.OQuote) end = this.parseQuoted(at).end;
      else if (t === T.LBrack || t === T.LBrace || t === T.LParen) open++;
      else if (t === T.RBrack || t === T.RBrace || t === T.RParen || t === T.TildeRBrace) open--;
      if (open <= 0) break;
    }
    return { kind: 'ErrorExpression', start, end };
  }

  private parsePrimaryInner(): Expression {
    const t = this.peek();
    const start = this.ts;
    const end = this.te;
    switch (t) {
      case T.Number: {
        this.advance();
        return { kind: 'Literal', start, end, value: Number(this.text.slice(start, end)) };
      }
      case T.Ident: {
        this.advance();
        const name = this.text.slice(start, end);
        if (name === 'true' || name === 'false' || name === 'null') {
          return { kind: 'Literal', start, end, value: name === 'null' ? null : name === 'true' };
        }
        const n = this.peek();
        if (n === T.LParen || n === T.DoubleColon) return this.parseCall(name, start, end);
        return { kind: 'Variable', start, end, name };
      }
      case T.OQuote:
        this.advance();
        return this.parseQuoted(start);
      case T.OHeredoc: {
        const marker = this.lx.heredocMarker;
        const indent = this.lx.heredocIndent;
        this.advance();
        return this.parseHeredoc(start, end, marker, indent);
      }
      case T.LParen: {
        this.advance();
        this.pushNl(false);
        const inner = this.parseExpression();
        if (!this.failed) this.expect(T.RParen, "')'");
        const e = this.failed ? inner.end : this.te;
        this.popNl();
        return { kind: 'Paren', start, end: e, expression: inner };
      }
      case T.LBrack:
        return this.parseTuple();
      case T.LBrace:
        return this.parseObject();
      default:
        this.unexpected('an expression');
        return { kind: 'ErrorExpression', start, end: start };
    }
  }

  private parseCall(first: string, start: number, firstEnd: number): Expression {
    let name = first;
    let nameEnd = firstEnd;
    while (this.peek() === T.DoubleColon) {
      this.advance();
      if (this.peek() !== T.Ident) {
        this.unexpected("a name after '::'");
        return { kind: 'ErrorExpression', start, end: nameEnd };
      }
      nameEnd = this.te;
      name = this.text.slice(start, nameEnd);
      this.advance();
    }
    if (this.peek() !== T.LParen) {
      this.unexpected(`'(' to call '${name}'`);
      return { kind: 'ErrorExpression', start, end: nameEnd };
    }
    this.advance();
    this.pushNl(false);
    const args: Expression[] = [];
    let expandFinal = false;
    let end = nameEnd;
    for (;;) {
      if (this.peek() === T.RParen) {
        end = this.te;
        this.advance();
        break;
      }
      const arg = this.parseExpression();
      args.push(arg);
      end = arg.end;
      if (this.failed) break;
      let t = this.peek();
      if (t === T.Ellipsis) {
        expandFinal = true;
        this.advance();
        t = this.peek();
        if (t !== T.RParen) {
          this.unexpected("')' after the expanded argument '...'");
          break;
        }
        continue;
      }
      if (t === T.Comma) {
        this.advance();
        continue;
      }
      if (t !== T.RParen) {
        this.unexpected(`',' or ')' in the call to '${name}'`);
        break;
      }
    }
    this.popNl();
    return { kind: 'FunctionCall', start, end, name, args, expandFinal };
  }

  private parseTuple(): Expression {
    const start = this.ts;
    this.advance();
    this.pushNl(false);
    try {
      if (this.peek() === T.Ident && this.isFor()) return this.parseFor(start, false);
      const items: Expression[] = [];
      for (;;) {
        if (this.peek() === T.RBrack) {
          const end = this.te;
          this.advance();
          return { kind: 'Tuple', start, end, items };
        }
        const item = this.parseExpression();
        items.push(item);
        if (this.failed) return { kind: 'Tuple', start, end: item.end, items };
        const t = this.peek();
        if (t === T.Comma) this.advance();
        else if (t !== T.RBrack) {
          this.unexpected("',' or ']' in the tuple");
          return { kind: 'Tuple', start, end: item.end, items };
        }
      }
    } finally {
      this.popNl();
    }
  }

  /** At `for` after `[` or `{`: is it a for expression (and not an object key `for`)? */
  private isFor(): boolean {
    if (this.te - this.ts !== 3 || !this.text.startsWith('for', this.ts)) return false;
    return this.peek2() === T.Ident;
  }

  private parseObject(): Expression {
    const start = this.ts;
    this.advance();
    this.pushNl(false);
    if (this.peek() === T.Ident && this.isFor()) {
      try {
        return this.parseFor(start, true);
      } finally {
        this.popNl();
      }
    }
    this.popNl();
    this.pushNl(true);
    const items: ObjectItem[] = [];
    try {
      for (;;) {
        let t = this.peek();
        while (t === T.Newline) {
          this.advance();
          t = this.peek();
        }
        if (t === T.RBrace) {
          const end = this.te;
          this.advance();
          return { kind: 'Object', start, end, items };
        }
        // Keys do not continue across lines either; parse without newlines as tokens would
        // accept `a\n= 1`, which HCL rejects, so keep newline significance.
        const key = this.parseObjectKey();
        if (this.failed) return { kind: 'Object', start, end: key.end, items };
        t = this.peek();
        if (t !== T.Assign && t !== T.Colon) {
          this.unexpected("'=' or ':' after the object key");
          return { kind: 'Object', start, end: key.end, items };
        }
        this.advance();
        const value = this.parseExpression();
        items.push({ start: key.start, end: value.end, key, value });
        if (this.failed) return { kind: 'Object', start, end: value.end, items };
        t = this.peek();
        if (t === T.Comma || t === T.Newline) this.advance();
        else if (t !== T.RBrace) {
          this.unexpected("',' or a newline or '}' after the object item");
          return { kind: 'Object', start, end: value.end, items };
        }
      }
    } finally {
      this.popNl();
    }
  }

  /** A key: a bare identifier (kept as a Variable), a string, `(expr)`, or another expression. */
  private parseObjectKey(): Expression {
    if (this.peek() === T.Ident) {
      const s = this.ts;
      const e = this.te;
      const t2 = this.peek2();
      if (t2 === T.Assign || t2 === T.Colon) {
        this.advance();
        const name = this.text.slice(s, e);
        return { kind: 'Variable', start: s, end: e, name };
      }
    }
    return this.parseExpression();
  }

  /** `for k, v in coll : ...`; the opener has been consumed and newlines are off. */
  private parseFor(start: number, object: boolean): ForExpression | Expression {
    this.advance(); // `for`
    let keyVar: string | undefined;
    let valueVar = this.forVar();
    if (this.failed) return this.wrapError(start, this.ts);
    if (this.peek() === T.Comma) {
      this.advance();
      keyVar = valueVar;
      valueVar = this.forVar();
      if (this.failed) return this.wrapError(start, this.ts);
    }
    if (!this.expectKeyword('in')) return this.wrapError(start, this.ts);
    const collection = this.parseExpression();
    if (this.failed) return this.wrapError(start, collection.end);
    if (!this.expect(T.Colon, "':' after the for expression's collection")) {
      return this.wrapError(start, collection.end);
    }
    let key: Expression | undefined;
    let value = this.parseExpression();
    if (this.failed) return this.wrapError(start, value.end);
    let grouping = false;
    if (object) {
      if (!this.expect(T.FatArrow, "'=>' in the object for expression")) return this.wrapError(start, value.end);
      key = value;
      value = this.parseExpression();
      if (this.failed) return this.wrapError(start, value.end);
      if (this.peek() === T.Ellipsis) {
        grouping = true;
        this.advance();
      }
    }
    let condition: Expression | undefined;
    if (this.peek() === T.Ident && this.te - this.ts === 2 && this.text.startsWith('if', this.ts)) {
      this.advance();
      condition = this.parseExpression();
      if (this.failed) return this.wrapError(start, condition.end);
    }
    const close = object ? T.RBrace : T.RBrack;
    if (!this.expect(close, object ? "'}' to close the for expression" : "']' to close the for expression")) {
      return this.wrapError(start, (condition ?? value).end);
    }
    const end = this.lx.pos;
    const result: ForExpression = {
      kind: 'For',
      start,
      end,
      object,
      valueVar,
      collection,
      value,
      grouping,
    };
    if (keyVar !== undefined) result.keyVar = keyVar;
    if (key) result.key = key;
    if (condition) result.condition = condition;
    return result;
  }

  private forVar(): string {
    if (this.peek() !== T.Ident) {
      this.unexpected('a variable name in the for expression');
      return '';
    }
    const name = this.text.slice(this.ts, this.te);
    this.advance();
    return name;
  }

  private expectKeyword(word: string): boolean {
    if (
      this.peek() === T.Ident &&
      this.te - this.ts === word.length &&
      this.text.startsWith(word, this.ts)
    ) {
      this.advance();
      return true;
    }
    this.unexpected(`'${word}'`);
    return false;
  }

  // ---- templates ----

  /** After an opening quote at `start`: the quoted template, up to and including `"`. */
  private parseQuoted(start: number): TemplateExpression {
    const { parts, end } = this.scanTemplate(start + 1, 'quoted');
    this.seek(end);
    return { kind: 'Template', start, end, parts: this.nestTemplate(parts) };
  }

  private parseHeredoc(start: number, openEnd: number, marker: string, indent: boolean): TemplateExpression {
    const contentStart = lineAfter(this.text, openEnd);
    const { parts, end, closed } = this.scanTemplate(contentStart, 'heredoc', marker);
    if (!closed) this.error(start, openEnd, `Unterminated heredoc: no closing '${marker}' line.`);
    if (indent) flushIndent(parts);
    this.seek(end);
    return { kind: 'Template', start, end, parts: this.nestTemplate(parts), heredoc: { marker, indent } };
  }

  /**
   * Scans template content from `i`. Quoted mode stops after `"`; heredoc mode after the closing
   * marker line (excluding its newline); json mode at the end of the text.
   */
  private scanTemplate(
    i: number,
    mode: 'quoted' | 'heredoc' | 'json',
    marker = '',
  ): { parts: RawPart[]; end: number; closed: boolean } {
    const text = this.text;
    const len = text.length;
    const parts: RawPart[] = [];
    const escapes = mode === 'quoted';
    let lineStart = mode === 'heredoc';
    let textStart = i;
    let value = '';
    let runStart = i;
    const flush = (end: number): void => {
      if (runStart < end) value += text.slice(runStart, end);
      if (textStart < end) {
        parts.push({ kind: 'Text', value, start: textStart, end, lineStart });
      }
      value = '';
      lineStart = false;
    };
    for (;;) {
      if (lineStart && mode === 'heredoc' && textStart === i) {
        // At a line start: is this the closing marker line?
        const e = lineEnd(text, i);
        let s = i;
        while (s < e && isSpace(text.charCodeAt(s))) s++;
        if (e - s === marker.length && text.startsWith(marker, s)) {
          return { parts, end: e, closed: true };
        }
      }
      if (i >= len) {
        flush(i);
        if (mode === 'quoted') this.error(i, i, 'Unterminated string: expected \'"\'.');
        return { parts, end: len, closed: mode === 'json' };
      }
      const c = text.charCodeAt(i);
      if (c === 34 && mode === 'quoted') {
        flush(i);
        return { parts, end: i + 1, closed: true };
      }
      if (c === 10 || c === 13) {
        if (mode === 'quoted') {
          flush(i);
          this.error(i, i, 'Unterminated string: a quoted string cannot span lines.');
          return { parts, end: i, closed: false };
        }
        if (mode === 'heredoc') {
          const next = c === 13 && text.charCodeAt(i + 1) === 10 ? i + 2 : i + 1;
          flush(next);
          i = next;
          textStart = runStart = i;
          lineStart = true;
          continue;
        }
        if (c === 10 || text.charCodeAt(i + 1) === 10) {
          i++;
          continue;
        }
      }
      if (c === 92 && escapes) {
        value += text.slice(runStart, i);
        const r = this.escape(i);
        value += r.value;
        i = r.end;
        runStart = i;
        continue;
      }
      if ((c === 36 || c === 37) && text.charCodeAt(i + 1) === 123) {
        const s = i;
        flush(i);
        const seq = c === 36 ? this.interpolation(s) : this.directive(s);
        parts.push(seq);
        i = seq.end;
        textStart = runStart = i;
        if (this.failed) {
          // The sequence is broken: resume scanning the text after it as best we can.
          if (mode === 'quoted') {
            const e = this.skipQuoted(i);
            return { parts, end: e, closed: false };
          }
        }
        continue;
      }
      if ((c === 36 || c === 37) && text.charCodeAt(i + 1) === c && text.charCodeAt(i + 2) === 123) {
        // `$${` and `%%{` are the literal `${` and `%{`.
        value += text.slice(runStart, i + 1);
        i += 2;
        runStart = i;
        continue;
      }
      i++;
    }
  }

  private escape(i: number): { value: string; end: number } {
    const text = this.text;
    const c = text.charCodeAt(i + 1);
    switch (c) {
      case 110:
        return { value: '\n', end: i + 2 };
      case 114:
        return { value: '\r', end: i + 2 };
      case 116:
        return { value: '\t', end: i + 2 };
      case 34:
        return { value: '"', end: i + 2 };
      case 92:
        return { value: '\\', end: i + 2 };
      case 117:
      case 85: {
        const n = c === 117 ? 4 : 8;
        const hex = text.slice(i + 2, i + 2 + n);
        if (hex.length === n && /^[0-9a-fA-F]+$/.test(hex)) {
          const cp = parseInt(hex, 16);
          if (cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff)) {
            return { value: String.fromCodePoint(cp), end: i + 2 + n };
          }
        }
        this.error(i, i + 2, `Invalid escape: '\\${String.fromCharCode(c)}' needs ${n} hex digits of a Unicode scalar value.`);
        return { value: '', end: i + 2 };
      }
      default:
        this.error(i, i + 2, `Invalid escape sequence '\\${text[i + 1] ?? ''}'.`);
        return { value: '', end: Math.min(i + 2, text.length) };
    }
  }

  /** `${ expr }` at `s`, with optional strip markers. */
  private interpolation(s: number): RawPart {
    let i = s + 2;
    const stripLeft = this.text.charCodeAt(i) === 126;
    if (stripLeft) i++;
    this.seek(i);
    this.pushNl(false);
    const expression = this.parseExpression();
    let end = expression.end;
    let stripRight = false;
    if (!this.failed) {
      const t = this.peek();
      if (t === T.RBrace || t === T.TildeRBrace) {
        stripRight = t === T.TildeRBrace;
        end = this.te;
        this.advance();
      } else this.unexpected("'}' to close the interpolation");
    }
    this.popNl();
    return { kind: 'Interpolation', expression, start: s, end, stripLeft, stripRight };
  }

  /** `%{ if c }`, `%{ else }`, `%{ endif }`, `%{ for k, v in c }`, `%{ endfor }` at `s`. */
  private directive(s: number): RawPart {
    let i = s + 2;
    const stripLeft = this.text.charCodeAt(i) === 126;
    if (stripLeft) i++;
    this.seek(i);
    this.pushNl(false);
    const part: RawPart = {
      kind: 'Directive',
      directive: 'error',
      start: s,
      end: i,
      stripLeft,
      stripRight: false,
    };
    const t = this.peek();
    const word = t === T.Ident ? this.text.slice(this.ts, this.te) : '';
    if (word === 'if') {
      this.advance();
      part.directive = 'if';
      part.condition = this.parseExpression();
    } else if (word === 'for') {
      this.advance();
      part.directive = 'for';
      let v = this.forVar();
      if (!this.failed && this.peek() === T.Comma) {
        this.advance();
        part.keyVar = v;
        v = this.forVar();
      }
      part.valueVar = v;
      if (!this.failed) this.expectKeyword('in');
      if (!this.failed) part.condition = this.parseExpression();
    } else if (word === 'else' || word === 'endif' || word === 'endfor') {
      this.advance();
      part.directive = word;
    } else {
      this.unexpected("'if', 'else', 'endif', 'for' or 'endfor' in the template directive");
    }
    if (!this.failed) {
      const c = this.peek();
      if (c === T.RBrace || c === T.TildeRBrace) {
        part.stripRight = c === T.TildeRBrace;
        part.end = this.te;
        this.advance();
      } else this.unexpected("'}' to close the template directive");
    }
    if (this.failed) part.end = Math.max(part.end, this.fetched ? this.ts : this.lx.pos);
    this.popNl();
    return part;
  }

  /** Applies strip markers, merges text, and nests `if`/`for` directives. */
  private nestTemplate(parts: RawPart[]): TemplatePart[] {
    if (parts.length === 1) {
      // The common case, a plain string or a lone interpolation, without strip markers.
      const p = parts[0];
      if (p.kind === 'Text') {
        return p.value === '' ? [] : [{ kind: 'Text', value: p.value, start: p.start, end: p.end }];
      }
      if (p.kind === 'Interpolation') {
        return [{ kind: 'Interpolation', expression: p.expression, start: p.start, end: p.end }];
      }
    }
    // Strip markers trim whitespace from the adjacent text. Heredoc text is split by lines, and
    // as in HCL, a marker reaches only the neighbouring line's piece.
    for (let k = 0; k < parts.length; k++) {
      const p = parts[k];
      if (p.kind === 'Text') continue;
      if (p.stripLeft && k > 0) {
        const prev = parts[k - 1];
        if (prev.kind === 'Text') prev.value = prev.value.replace(/\s+$/u, '');
      }
      if (p.stripRight && k + 1 < parts.length) {
        const next = parts[k + 1];
        if (next.kind === 'Text') next.value = next.value.replace(/^\s+/u, '');
      }
    }
    const raw: RawPart[] = [];
    for (const p of parts) {
      const last = raw[raw.length - 1];
      if (p.kind === 'Text' && last && last.kind === 'Text' && last.end === p.start) {
        last.value += p.value;
        last.end = p.end;
      } else raw.push(p);
    }
    const root: TemplatePart[] = [];
    type Frame = {
      into: TemplatePart[];
      node: (TemplatePart & { kind: 'If' }) | (TemplatePart & { kind: 'For' });
      open: RawPart;
    };
    const stack: Frame[] = [];
    let out = root;
    for (const p of raw) {
      if (p.kind === 'Text') {
        // Text emptied by strip markers or indentation removal is dropped.
        if (p.value !== '') out.push({ kind: 'Text', value: p.value, start: p.start, end: p.end });
        continue;
      }
      if (p.kind === 'Interpolation') {
        out.push({ kind: 'Interpolation', expression: p.expression, start: p.start, end: p.end });
        continue;
      }
      switch (p.directive) {
        case 'if': {
          const node: TemplatePart & { kind: 'If' } = {
            kind: 'If',
            start: p.start,
            end: p.end,
            condition: p.condition ?? { kind: 'ErrorExpression', start: p.end, end: p.end },
            then: [],
          };
          out.push(node);
          stack.push({ into: out, node, open: p });
          out = node.then;
          break;
        }
        case 'for': {
          const node: TemplatePart & { kind: 'For' } = {
            kind: 'For',
            start: p.start,
            end: p.end,
            valueVar: p.valueVar ?? '',
            collection: p.condition ?? { kind: 'ErrorExpression', start: p.end, end: p.end },
            body: [],
          };
          if (p.keyVar !== undefined) node.keyVar = p.keyVar;
          out.push(node);
          stack.push({ into: out, node, open: p });
          out = node.body;
          break;
        }
        case 'else': {
          const top = stack[stack.length - 1];
          if (!top || top.node.kind !== 'If' || top.node.else) {
            this.error(p.start, p.end, "'%{else}' without a matching '%{if}'.");
            break;
          }
          top.node.else = [];
          out = top.node.else;
          break;
        }
        case 'endif':
        case 'endfor': {
          const want = p.directive === 'endif' ? 'If' : 'For';
          const top = stack[stack.length - 1];
          if (!top || top.node.kind !== want) {
            this.error(p.start, p.end, `'%{${p.directive}}' without a matching '%{${want === 'If' ? 'if' : 'for'}}'.`);
            break;
          }
          stack.pop();
          top.node.end = p.end;
          out = top.into;
          break;
        }
        case 'error':
          break;
      }
    }
    for (const f of stack) {
      this.error(f.open.start, f.open.end, `Unclosed '%{${f.node.kind === 'If' ? 'if' : 'for'}}': expected '%{end${f.node.kind === 'If' ? 'if' : 'for'}}'.`);
    }
    return root;
  }
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9;
}

function lineEnd(text: string, i: number): number {
  const len = text.length;
  while (i < len) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) === 10)) return i;
    i++;
  }
  return len;
}

function lineAfter(text: string, i: number): number {
  const e = lineEnd(text, i);
  if (text.charCodeAt(e) === 13 && text.charCodeAt(e + 1) === 10) return e + 2;
  return e < text.length ? e + 1 : e;
}

/** `<<-` heredocs: remove the smallest indentation of the non-blank lines from every line. */
function flushIndent(parts: RawPart[]): void {
  let min = Infinity;
  let prevEndsLine = true;
  for (const p of parts) {
    if (p.kind !== 'Text') {
      if (prevEndsLine) min = 0;
      prevEndsLine = false;
      continue;
    }
    if (p.lineStart) {
      const v = p.value;
      let n = 0;
      while (n < v.length && isSpace(v.charCodeAt(n))) n++;
      const c = v.charCodeAt(n);
      // Whitespace-only lines do not count; whitespace before an interpolation does.
      const blank = c === 10 || c === 13;
      if (!blank && n < min) min = n;
    }
    const last = p.value.charCodeAt(p.value.length - 1);
    prevEndsLine = last === 10 || last === 13;
  }
  if (min === Infinity || min === 0) return;
  for (const p of parts) {
    if (p.kind !== 'Text' || !p.lineStart) continue;
    const v = p.value;
    let n = 0;
    while (n < min && n < v.length && isSpace(v.charCodeAt(n))) n++;
    // A shorter whitespace-only line is kept as it is.
    if (n === min) p.value = v.slice(n);
  }
}
