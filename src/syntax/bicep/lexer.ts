/**
 * The Bicep lexer: text -> tokens, with comments and `#disable-next-line`-style directives kept
 * aside as trivia.
 *
 * Token kinds are named exactly as the Bicep compiler names its token types (the names printed in
 * its `main.tokens.bicep` baselines), so the mapping to the compiler's kinds is the identity. The
 * one kind the compiler has that the baselines never show, `DoubleQuestion` (`??`), follows the
 * same naming.
 *
 * Offsets are UTF-16 offsets into the text as given; a leading byte-order mark is skipped but still
 * counted, so the first token of a file with a BOM starts at 1.
 *
 * Strings with interpolation are split the way the compiler splits them: `'a${` is a
 * StringLeftPiece, `}b${` a StringMiddlePiece, `}c'` a StringRightPiece, with the tokens of each
 * interpolated expression in between. A stack of open braces and open interpolations tells the
 * lexer whether a `}` closes an object or resumes a string.
 */

import type { Comment, SyntaxError } from './ast.js';

export type TokenKind =
  | 'Unrecognized'
  | 'At'
  | 'LeftBrace'
  | 'RightBrace'
  | 'LeftParen'
  | 'RightParen'
  | 'LeftSquare'
  | 'RightSquare'
  | 'Comma'
  | 'Dot'
  | 'Question'
  | 'DoubleQuestion'
  | 'Colon'
  | 'DoubleColon'
  | 'Semicolon'
  | 'Assignment'
  | 'Plus'
  | 'Minus'
  | 'Asterisk'
  | 'Slash'
  | 'Modulo'
  | 'Exclamation'
  | 'LeftChevron'
  | 'RightChevron'
  | 'LessThanOrEqual'
  | 'GreaterThanOrEqual'
  | 'Equals'
  | 'NotEquals'
  | 'EqualsInsensitive'
  | 'NotEqualsInsensitive'
  | 'LogicalAnd'
  | 'LogicalOr'
  | 'Arrow'
  | 'Pipe'
  | 'Hat'
  | 'Ellipsis'
  | 'Identifier'
  | 'Integer'
  | 'TrueKeyword'
  | 'FalseKeyword'
  | 'NullKeyword'
  | 'StringComplete'
  | 'StringLeftPiece'
  | 'StringMiddlePiece'
  | 'StringRightPiece'
  | 'NewLine'
  | 'EndOfFile';

export interface Token {
  kind: TokenKind;
  start: number;
  end: number;
  text: string;
}

export interface LexResult {
  tokens: Token[];
  comments: Comment[];
  directives: Comment[];
  errors: SyntaxError[];
}

/** The directives the compiler recognises after a `#` that starts a line. */
const DIRECTIVES = ['disable-next-line', 'disable-diagnostics', 'restore-diagnostics'];

/** Stack marker for a `{` inside an interpolation (as opposed to the `${` that opened it). */
const BRACE = -1;
/** Stack marker for an interpolation inside a single-quoted string; n > 0 is a `$`×n multi-line string. */
const SINGLE_QUOTED = 0;

const enum Ch {
  Tab = 9,
  LF = 10,
  VT = 11,
  FF = 12,
  CR = 13,
  Space = 32,
  Bang = 33,
  Hash = 35,
  Dollar = 36,
  Percent = 37,
  Amp = 38,
  Quote = 39,
  LParen = 40,
  RParen = 41,
  Star = 42,
  Plus = 43,
  Comma = 44,
  Minus = 45,
  Dot = 46,
  Slash = 47,
  D0 = 48,
  D9 = 57,
  Colon = 58,
  Semi = 59,
  Lt = 60,
  Eq = 61,
  Gt = 62,
  Question = 63,
  At = 64,
  A = 65,
  Z = 90,
  LSquare = 91,
  Backslash = 92,
  RSquare = 93,
  Caret = 94,
  Underscore = 95,
  a = 97,
  n = 110,
  r = 114,
  t = 116,
  u = 117,
  z = 122,
  LBrace = 123,
  Pipe = 124,
  RBrace = 125,
  Tilde = 126,
  Nbsp = 0xa0,
  Bom = 0xfeff,
}

function isIdentStart(c: number): boolean {
  return (c >= Ch.a && c <= Ch.z) || (c >= Ch.A && c <= Ch.Z) || c === Ch.Underscore;
}

/** ASCII characters that continue an identifier (a table: the lexer's innermost loop reads it). */
const IDENT_PART = new Uint8Array(128);
/** ASCII characters at which the body of a single-quoted string needs a closer look. */
const QUOTED_STOP = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  IDENT_PART[c] = isIdentStart(c) || (c >= Ch.D0 && c <= Ch.D9) ? 1 : 0;
  QUOTED_STOP[c] = c === Ch.Quote || c === Ch.CR || c === Ch.LF || c === Ch.Backslash || c === Ch.Dollar ? 1 : 0;
}

function isIdentPart(c: number): boolean {
  return c < 128 && IDENT_PART[c] === 1;
}

function isHexDigit(c: number): boolean {
  return (c >= Ch.D0 && c <= Ch.D9) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

function isWhitespace(c: number): boolean {
  return (
    c === Ch.Space ||
    c === Ch.Tab ||
    c === Ch.VT ||
    c === Ch.FF ||
    c === Ch.Nbsp ||
    c === Ch.Bom ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x3000
  );
}

/** Tokens only (comments and directives dropped), ending with an EndOfFile token. */
export function tokenize(text: string): Token[] {
  return lex(text).tokens;
}

export function lex(text: string): LexResult {
  const tokens: Token[] = [];
  const comments: Comment[] = [];
  const directives: Comment[] = [];
  const errors: SyntaxError[] = [];
  const len = text.length;
  /** Open `${` (the kind of string it resumes), and `{` seen inside them (BRACE). */
  const stack: number[] = [];
  let pos = len > 0 && text.charCodeAt(0) === Ch.Bom ? 1 : 0;
  /** True while only whitespace (or nothing) precedes `pos` on the current line. */
  let lineStart = true;
  /** The next `\r` at or after the last line comment (`len` when there is none), found once per stretch. */
  let nextCR = -1;
  const atOrEnd = (i: number): number => (i < 0 ? len : i);

  const push = (kind: TokenKind, start: number, end: number): void => {
    tokens.push({ kind, start, end, text: text.slice(start, end) });
  };
  const error = (start: number, end: number, code: string, message: string): void => {
    errors.push({ start, end, code, message });
  };

  /**
   * Scans the body of a single-quoted string from `i` (just after the opening `'` or the `}` that
   * closes an interpolation) and pushes the token that starts at `start`.
   */
  const scanQuoted = (start: number, i: number, resumed: boolean): number => {
    for (;;) {
      if (i >= len) {
        error(start, i, 'BCP003', 'The string at this location is not terminated. Terminate the string with a single quote character.');
        push(resumed ? 'StringRightPiece' : 'StringComplete', start, i);
        return i;
      }
      const c = text.charCodeAt(i);
      if (c >= 128 || QUOTED_STOP[c] === 0) {
        i++;
        continue;
      }
      if (c === Ch.Quote) {
        push(resumed ? 'StringRightPiece' : 'StringComplete', start, i + 1);
        return i + 1;
      }
      if (c === Ch.CR || c === Ch.LF) {
        error(start, i, 'BCP004', 'The string at this location is not terminated due to an unexpected new line character.');
        push(resumed ? 'StringRightPiece' : 'StringComplete', start, i);
        return i;
      }
      if (c === Ch.Backslash) {
        if (i + 1 >= len) {
          error(start, i + 1, 'BCP005', 'The string at this location is not terminated. Complete the escape sequence and terminate the string with a single unescaped quote character.');
          push(resumed ? 'StringRightPiece' : 'StringComplete', start, i + 1);
          return i + 1;
        }
        const e = text.charCodeAt(i + 1);
        if (e === Ch.Backslash || e === Ch.Quote || e === Ch.n || e === Ch.r || e === Ch.t || e === Ch.Dollar) {
          i += 2;
          continue;
        }
        if (e === Ch.u && text.charCodeAt(i + 2) === Ch.LBrace) {
          let j = i + 3;
          while (j < len && isHexDigit(text.charCodeAt(j))) j++;
          if (j > i + 3 && j - (i + 3) <= 6 && text.charCodeAt(j) === Ch.RBrace) {
            i = j + 1;
            continue;
          }
        }
        if (e === Ch.CR || e === Ch.LF) {
          // A backslash before a line break: the break ends the string (reported there).
          error(i, i + 1, 'BCP006', 'The specified escape sequence is not recognized.');
          i += 1;
          continue;
        }
        error(i, i + 2, 'BCP006', 'The specified escape sequence is not recognized.');
        i += 2;
        continue;
      }
      if (c === Ch.Dollar && text.charCodeAt(i + 1) === Ch.LBrace) {
        stack.push(SINGLE_QUOTED);
        push(resumed ? 'StringMiddlePiece' : 'StringLeftPiece', start, i + 2);
        return i + 2;
      }
      i++;
    }
  };

  /**
   * Scans the body of a multi-line string (`'''...'''`, or `$'''...'''` with `dollars` > 0 for
   * interpolation with `${`, `$${`, ...) from `i`.
   */
  const scanMultiline = (start: number, i: number, dollars: number, resumed: boolean): number => {
    for (;;) {
      if (i >= len) {
        error(start, i, 'BCP140', 'The multi-line string at this location is not terminated. Terminate it with "\'\'\'".');
        push(resumed ? 'StringRightPiece' : 'StringComplete', start, i);
        return i;
      }
      const c = text.charCodeAt(i);
      if (c === Ch.Quote && text.charCodeAt(i + 1) === Ch.Quote && text.charCodeAt(i + 2) === Ch.Quote) {
        // The string ends with the last three quotes of the run: `''''abc''''` is `'abc'`.
        let j = i + 3;
        while (j < len && text.charCodeAt(j) === Ch.Quote) j++;
        push(resumed ? 'StringRightPiece' : 'StringComplete', start, j);
        return j;
      }
      if (c === Ch.Dollar && dollars > 0) {
        let j = i + 1;
        while (j < len && text.charCodeAt(j) === Ch.Dollar) j++;
        if (j - i >= dollars && text.charCodeAt(j) === Ch.LBrace) {
          stack.push(dollars);
          push(resumed ? 'StringMiddlePiece' : 'StringLeftPiece', start, j + 1);
          return j + 1;
        }
        i = j;
        continue;
      }
      i++;
    }
  };

  while (pos < len) {
    const c = text.charCodeAt(pos);
    const start = pos;

    if (c === Ch.Space || c === Ch.Tab) {
      pos++;
      while (pos < len) {
        const d = text.charCodeAt(pos);
        if (d !== Ch.Space && d !== Ch.Tab) break;
        pos++;
      }
      continue;
    }
    if (c === Ch.CR || c === Ch.LF) {
      // A line break inside the interpolation of a single-quoted string ends that string (and any
      // string it is nested in) with an empty right piece, as the compiler does.
      const open = stack.length > 0 ? stack.indexOf(SINGLE_QUOTED) : -1;
      if (open >= 0) {
        stack.length = open;
        error(start, start, 'BCP004', 'The string at this location is not terminated due to an unexpected new line character.');
        push('StringRightPiece', start, start);
      }
      pos++;
      while (pos < len) {
        const d = text.charCodeAt(pos);
        if (d !== Ch.CR && d !== Ch.LF) break;
        pos++;
      }
      push('NewLine', start, pos);
      lineStart = true;
      continue;
    }
    if (c === Ch.Slash) {
      const d = text.charCodeAt(pos + 1);
      if (d === Ch.Slash) {
        // The comment runs to the next line break: found by the engine's string search, not per character.
        if (nextCR < pos) nextCR = atOrEnd(text.indexOf('\r', pos));
        pos = Math.min(atOrEnd(text.indexOf('\n', pos + 2)), nextCR);
        comments.push({ start, end: pos, text: text.slice(start, pos), block: false });
        continue;
      }
      if (d === Ch.Star) {
        const close = text.indexOf('*/', pos + 2);
        const closed = close >= 0;
        pos = closed ? close + 2 : len;
        if (!closed) {
          error(start, pos, 'BCP002', 'The multi-line comment at this location is not terminated. Terminate it with the */ character sequence.');
        }
        comments.push({ start, end: pos, text: text.slice(start, pos), block: true });
        lineStart = false;
        continue;
      }
      pos++;
      push('Slash', start, pos);
      lineStart = false;
      continue;
    }
    // Identifiers and numbers first: most tokens are one or the other.
    if (isIdentStart(c)) {
      lineStart = false;
      pos++;
      while (pos < len) {
        const d = text.charCodeAt(pos);
        if (d >= 128 || IDENT_PART[d] === 0) break;
        pos++;
      }
      const n = pos - start;
      let kind: TokenKind = 'Identifier';
      if (n === 4) {
        if (text.startsWith('true', start)) kind = 'TrueKeyword';
        else if (text.startsWith('null', start)) kind = 'NullKeyword';
      } else if (n === 5 && text.startsWith('false', start)) {
        kind = 'FalseKeyword';
      }
      push(kind, start, pos);
      continue;
    }
    if (c >= Ch.D0 && c <= Ch.D9) {
      lineStart = false;
      pos++;
      while (pos < len) {
        const d = text.charCodeAt(pos);
        if (d < Ch.D0 || d > Ch.D9) break;
        pos++;
      }
      push('Integer', start, pos);
      continue;
    }

    if (isWhitespace(c)) {
      pos++;
      continue;
    }

    const atLineStart = lineStart;
    lineStart = false;

    switch (c) {
      case Ch.Quote:
        if (text.charCodeAt(pos + 1) === Ch.Quote && text.charCodeAt(pos + 2) === Ch.Quote) {
          pos = scanMultiline(start, pos + 3, 0, false);
        } else {
          pos = scanQuoted(start, pos + 1, false);
        }
        continue;
      case Ch.Dollar: {
        let j = pos + 1;
        while (j < len && text.charCodeAt(j) === Ch.Dollar) j++;
        if (text.charCodeAt(j) === Ch.Quote && text.charCodeAt(j + 1) === Ch.Quote && text.charCodeAt(j + 2) === Ch.Quote) {
          pos = scanMultiline(start, j + 3, j - pos, false);
          continue;
        }
        pos++;
        unrecognized(start, pos);
        continue;
      }
      case Ch.LBrace:
        // Braces are tracked only inside an interpolation, and (as in the compiler) a `}` never pops
        // one: an object literal inside `${...}` leaves the rest of that string unlexable.
        if (stack.length > 0) stack.push(BRACE);
        pos++;
        push('LeftBrace', start, pos);
        continue;
      case Ch.RBrace: {
        const top = stack.length > 0 ? stack[stack.length - 1] : BRACE;
        if (top === BRACE) {
          pos++;
          push('RightBrace', start, pos);
          continue;
        }
        stack.pop();
        if (top === SINGLE_QUOTED) {
          pos = scanQuoted(start, pos + 1, true);
        } else {
          pos = scanMultiline(start, pos + 1, top, true);
        }
        continue;
      }
      case Ch.LParen:
        pos++;
        push('LeftParen', start, pos);
        continue;
      case Ch.RParen:
        pos++;
        push('RightParen', start, pos);
        continue;
      case Ch.LSquare:
        pos++;
        push('LeftSquare', start, pos);
        continue;
      case Ch.RSquare:
        pos++;
        push('RightSquare', start, pos);
        continue;
      case Ch.Comma:
        pos++;
        push('Comma', start, pos);
        continue;
      case Ch.Semi:
        pos++;
        push('Semicolon', start, pos);
        continue;
      case Ch.At:
        pos++;
        push('At', start, pos);
        continue;
      case Ch.Caret:
        pos++;
        push('Hat', start, pos);
        continue;
      case Ch.Plus:
        pos++;
        push('Plus', start, pos);
        continue;
      case Ch.Minus:
        pos++;
        push('Minus', start, pos);
        continue;
      case Ch.Star:
        pos++;
        push('Asterisk', start, pos);
        continue;
      case Ch.Percent:
        pos++;
        push('Modulo', start, pos);
        continue;
      case Ch.Dot:
        if (text.charCodeAt(pos + 1) === Ch.Dot && text.charCodeAt(pos + 2) === Ch.Dot) {
          pos += 3;
          push('Ellipsis', start, pos);
        } else {
          pos++;
          push('Dot', start, pos);
        }
        continue;
      case Ch.Question:
        if (text.charCodeAt(pos + 1) === Ch.Question) {
          pos += 2;
          push('DoubleQuestion', start, pos);
        } else {
          pos++;
          push('Question', start, pos);
        }
        continue;
      case Ch.Colon:
        if (text.charCodeAt(pos + 1) === Ch.Colon) {
          pos += 2;
          push('DoubleColon', start, pos);
        } else {
          pos++;
          push('Colon', start, pos);
        }
        continue;
      case Ch.Bang: {
        const d = text.charCodeAt(pos + 1);
        if (d === Ch.Eq) {
          pos += 2;
          push('NotEquals', start, pos);
        } else if (d === Ch.Tilde) {
          pos += 2;
          push('NotEqualsInsensitive', start, pos);
        } else {
          pos++;
          push('Exclamation', start, pos);
        }
        continue;
      }
      case Ch.Eq: {
        const d = text.charCodeAt(pos + 1);
        if (d === Ch.Eq) {
          pos += 2;
          push('Equals', start, pos);
        } else if (d === Ch.Tilde) {
          pos += 2;
          push('EqualsInsensitive', start, pos);
        } else if (d === Ch.Gt) {
          pos += 2;
          push('Arrow', start, pos);
        } else {
          pos++;
          push('Assignment', start, pos);
        }
        continue;
      }
      case Ch.Lt:
        if (text.charCodeAt(pos + 1) === Ch.Eq) {
          pos += 2;
          push('LessThanOrEqual', start, pos);
        } else {
          pos++;
          push('LeftChevron', start, pos);
        }
        continue;
      case Ch.Gt:
        if (text.charCodeAt(pos + 1) === Ch.Eq) {
          pos += 2;
          push('GreaterThanOrEqual', start, pos);
        } else {
          pos++;
          push('RightChevron', start, pos);
        }
        continue;
      case Ch.Amp:
        if (text.charCodeAt(pos + 1) === Ch.Amp) {
          pos += 2;
          push('LogicalAnd', start, pos);
        } else {
          pos++;
          unrecognized(start, pos);
        }
        continue;
      case Ch.Pipe:
        if (text.charCodeAt(pos + 1) === Ch.Pipe) {
          pos += 2;
          push('LogicalOr', start, pos);
        } else {
          pos++;
          push('Pipe', start, pos);
        }
        continue;
      case Ch.Hash:
        if (atLineStart) {
          const end = scanDirective(start);
          if (end > start) {
            pos = end;
            continue;
          }
        }
        pos++;
        unrecognized(start, pos);
        continue;
      default:
        pos++;
        unrecognized(start, pos);
        continue;
    }
  }
  tokens.push({ kind: 'EndOfFile', start: len, end: len, text: '' });
  return { tokens, comments, directives, errors };

  function unrecognized(start: number, end: number): void {
    push('Unrecognized', start, end);
    if (text.charCodeAt(start) === 34) {
      error(start, end, 'BCP103', 'The following token is not recognized: \'"\'. Strings are defined using single quotes in bicep.');
    } else {
      error(start, end, 'BCP001', `The following token is not recognized: "${text.slice(start, end)}".`);
    }
  }

  /** `#disable-next-line code1 code2`: returns the end of the directive, or `start` if there is none. */
  function scanDirective(start: number): number {
    let i = start + 1;
    while (i < len) {
      const d = text.charCodeAt(i);
      if (!isIdentPart(d) && d !== Ch.Minus) break;
      i++;
    }
    const name = text.slice(start + 1, i);
    if (!DIRECTIVES.includes(name)) return start;
    let end = i;
    let codes = 0;
    let after = i;
    for (;;) {
      let j = end;
      while (j < len && (text.charCodeAt(j) === Ch.Space || text.charCodeAt(j) === Ch.Tab)) j++;
      after = j;
      if (j === end) break;
      let k = j;
      while (k < len) {
        const d = text.charCodeAt(k);
        if (!isIdentPart(d) && d !== Ch.Minus && d !== Ch.Dot) break;
        k++;
      }
      if (k === j) break;
      codes++;
      end = k;
    }
    if (codes === 0) {
      error(after, after, 'BCP226', 'Expected at least one diagnostic code at this location. Valid format is "#disable-next-line diagnosticCode1 diagnosticCode2 ..."');
    }
    directives.push({ start, end, text: text.slice(start, end), block: false });
    return end;
  }
}
