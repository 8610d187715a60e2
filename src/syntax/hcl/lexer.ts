/**
 * The HCL native-syntax lexer for expression mode. It is pull-based and allocation-free: `next()`
 * leaves the token's type and span in public fields. Template text (inside quotes and heredocs) is
 * not tokenized here; the parser scans it character by character and calls back into this lexer
 * for each `${ ... }` and `%{ ... }` sequence, by moving `pos`.
 */

import type { HclComment } from './ast.js';

export const enum T {
  EOF,
  Newline,
  Ident,
  Number,
  /** `"` opening a quoted template. */
  OQuote,
  /** `<<EOF` or `<<-EOF`, up to but excluding the newline that must follow. */
  OHeredoc,
  LBrace,
  RBrace,
  LBrack,
  RBrack,
  LParen,
  RParen,
  Comma,
  Dot,
  Ellipsis,
  Assign,
  Eq,
  Not,
  NotEq,
  Lt,
  Le,
  Gt,
  Ge,
  Plus,
  Minus,
  Star,
  Slash,
  Percent,
  And,
  Or,
  Question,
  Colon,
  DoubleColon,
  FatArrow,
  /** `~}`: the end of a template sequence with a strip marker. */
  TildeRBrace,
  /** A character that starts no token; one code point long. */
  Invalid,
}

/** Names for messages. */
export const tokenNames: readonly string[] = [
  'end of file',
  'newline',
  'identifier',
  'number',
  "'\"'",
  'heredoc',
  "'{'",
  "'}'",
  "'['",
  "']'",
  "'('",
  "')'",
  "','",
  "'.'",
  "'...'",
  "'='",
  "'=='",
  "'!'",
  "'!='",
  "'<'",
  "'<='",
  "'>'",
  "'>='",
  "'+'",
  "'-'",
  "'*'",
  "'/'",
  "'%'",
  "'&&'",
  "'||'",
  "'?'",
  "':'",
  "'::'",
  "'=>'",
  "'~}'",
  'invalid character',
];

const ID_START = /^\p{ID_Start}$/u;
const ID_CONTINUE = /^\p{ID_Continue}$/u;

/** Is `c` (a UTF-16 code unit) able to start an identifier? Non-ASCII is checked by code point. */
export function isIdentStartAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95) return true;
  if (!(c >= 128)) return false;
  const cp = text.codePointAt(i)!;
  return ID_START.test(String.fromCodePoint(cp));
}

function identContinueLength(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (
    (c >= 97 && c <= 122) ||
    (c >= 65 && c <= 90) ||
    (c >= 48 && c <= 57) ||
    c === 95 ||
    c === 45
  ) {
    return 1;
  }
  if (c < 128 || Number.isNaN(c)) return 0;
  const cp = text.codePointAt(i)!;
  if (!ID_CONTINUE.test(String.fromCodePoint(cp))) return 0;
  return cp > 0xffff ? 2 : 1;
}

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export class Lexer {
  pos: number;
  type: T = T.EOF;
  start = 0;
  end = 0;
  /** For `OHeredoc`: the marker and whether it is the indented (`<<-`) form. */
  heredocMarker = '';
  heredocIndent = false;
  readonly comments: HclComment[] = [];
  /** Comments are recorded once even when lookahead lexes the same text twice. */
  private commentHighWater = -1;

  constructor(
    readonly text: string,
    start = 0,
  ) {
    this.pos = start;
  }

  /** Lexes the next token, skipping spaces and comments. Newlines are tokens. */
  next(): T {
    const text = this.text;
    const len = text.length;
    let i = this.pos;
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9) {
        i++;
        continue;
      }
      if (c === 35 || (c === 47 && text.charCodeAt(i + 1) === 47)) {
        // A line comment runs up to, not including, the newline: that newline still ends the line.
        const s = i;
        while (i < len) {
          const d = text.charCodeAt(i);
          if (d === 10 || (d === 13 && text.charCodeAt(i + 1) === 10)) break;
          i++;
        }
        this.comment(s, i);
        continue;
      }
      if (c === 47 && text.charCodeAt(i + 1) === 42) {
        const s = i;
        const close = text.indexOf('*/', i + 2);
        i = close < 0 ? len : close + 2;
        this.comment(s, i);
        continue;
      }
      if (c === 0xfeff && i === 0) {
        i++;
        continue;
      }
      break;
    }
    this.start = i;
    if (i >= len) {
      this.pos = this.end = len;
      return (this.type = T.EOF);
    }
    const c = text.charCodeAt(i);
    let t: T;
    let n = 1;
    switch (c) {
      case 10:
        t = T.Newline;
        break;
      case 13:
        // A lone CR is not a line break in HCL.
        if (text.charCodeAt(i + 1) === 10) {
          t = T.Newline;
          n = 2;
        } else t = T.Invalid;
        break;
      case 34:
        t = T.OQuote;
        break;
      case 123:
        t = T.LBrace;
        break;
      case 125:
        t = T.RBrace;
        break;
      case 91:
        t = T.LBrack;
        break;
      case 93:
        t = T.RBrack;
        break;
      case 40:
        t = T.LParen;
        break;
      case 41:
        t = T.RParen;
        break;
      case 44:
        t = T.Comma;
        break;
      case 46:
        if (text.charCodeAt(i + 1) === 46 && text.charCodeAt(i + 2) === 46) {
          t = T.Ellipsis;
          n = 3;
        } else t = T.Dot;
        break;
      case 61: {
        const d = text.charCodeAt(i + 1);
        if (d === 61) {
          t = T.Eq;
          n = 2;
        } else if (d === 62) {
          t = T.FatArrow;
          n = 2;
        } else t = T.Assign;
        break;
      }
      case 33:
        if (text.charCodeAt(i + 1) === 61) {
          t = T.NotEq;
          n = 2;
        } else t = T.Not;
        break;
      case 60:
        if (text.charCodeAt(i + 1) === 61) {
          t = T.Le;
          n = 2;
        } else if (text.charCodeAt(i + 1) === 60) {
          const h = this.heredocStart(i);
          if (h > 0) {
            t = T.OHeredoc;
            n = h - i;
          } else {
            t = T.Invalid;
            n = 2;
          }
        } else t = T.Lt;
        break;
      case 62:
        if (text.charCodeAt(i + 1) === 61) {
          t = T.Ge;
          n = 2;
        } else t = T.Gt;
        break;
      case 43:
        t = T.Plus;
        break;
      case 45:
        t = T.Minus;
        break;
      case 42:
        t = T.Star;
        break;
      case 47:
        t = T.Slash;
        break;
      case 37:
        t = T.Percent;
        break;
      case 38:
        if (text.charCodeAt(i + 1) === 38) {
          t = T.And;
          n = 2;
        } else t = T.Invalid;
        break;
      case 124:
        if (text.charCodeAt(i + 1) === 124) {
          t = T.Or;
          n = 2;
        } else t = T.Invalid;
        break;
      case 63:
        t = T.Question;
        break;
      case 58:
        if (text.charCodeAt(i + 1) === 58) {
          t = T.DoubleColon;
          n = 2;
        } else t = T.Colon;
        break;
      case 126:
        if (text.charCodeAt(i + 1) === 125) {
          t = T.TildeRBrace;
          n = 2;
        } else t = T.Invalid;
        break;
      default:
        if (isDigit(c)) {
          t = T.Number;
          n = this.numberEnd(i) - i;
        } else if (isIdentStartAt(text, i)) {
          t = T.Ident;
          let j = i + (text.charCodeAt(i) >= 0xd800 && text.charCodeAt(i) <= 0xdbff ? 2 : 1);
          for (;;) {
            const k = identContinueLength(text, j);
            if (k === 0) break;
            j += k;
          }
          n = j - i;
        } else {
          t = T.Invalid;
          n = c >= 0xd800 && c <= 0xdbff && i + 1 < len ? 2 : 1;
        }
    }
    this.end = i + n;
    this.pos = this.end;
    return (this.type = t);
  }

  private comment(start: number, end: number): void {
    if (start > this.commentHighWater) {
      this.commentHighWater = start;
      this.comments.push({ start, end, text: this.text.slice(start, end) });
    }
  }

  /** `digits ('.' digits)? ([eE] [+-]? digits)?` */
  private numberEnd(i: number): number {
    const text = this.text;
    while (isDigit(text.charCodeAt(i))) i++;
    if (text.charCodeAt(i) === 46 && isDigit(text.charCodeAt(i + 1))) {
      i += 2;
      while (isDigit(text.charCodeAt(i))) i++;
    }
    const e = text.charCodeAt(i);
    if (e === 101 || e === 69) {
      let j = i + 1;
      const s = text.charCodeAt(j);
      if (s === 43 || s === 45) j++;
      if (isDigit(text.charCodeAt(j))) {
        j++;
        while (isDigit(text.charCodeAt(j))) j++;
        i = j;
      }
    }
    return i;
  }

  /** At `<<`: the end of `<<-?IDENT` when a newline follows it, else -1. */
  private heredocStart(i: number): number {
    const text = this.text;
    let j = i + 2;
    const indent = text.charCodeAt(j) === 45;
    if (indent) j++;
    if (!isIdentStartAt(text, j)) return -1;
    const s = j;
    j++;
    for (;;) {
      const k = identContinueLength(text, j);
      if (k === 0) break;
      j += k;
    }
    const c = text.charCodeAt(j);
    if (c !== 10 && !(c === 13 && text.charCodeAt(j + 1) === 10)) return -1;
    this.heredocMarker = text.slice(s, j);
    this.heredocIndent = indent;
    return j;
  }

  /** The length of the decimal digit run at `i` (for the legacy index `a.0.1`). */
  digitsEnd(i: number): number {
    const text = this.text;
    while (isDigit(text.charCodeAt(i))) i++;
    return i;
  }

  /** The text of the current token. */
  tokenText(): string {
    return this.text.slice(this.start, this.end);
  }
}
