/**
 * A hand-written JSONC scanner and parser: text → `JsonNode` tree with `[start, end)` offsets, in
 * one pass over the characters and without a token stream.
 *
 * What it accepts is what ARM accepts (and what the momoa parser it replaced accepted in `jsonc`
 * mode with trailing commas): strict JSON values; `//` and `/* *\/` comments wherever white space
 * may stand; a trailing comma before `]` or `}`; raw control characters (line breaks included)
 * inside strings. White space is space, tab, CR and LF. It stops at the first error, which it
 * describes in the user's terms (what was found, what was expected, where an unclosed object,
 * array, string or comment was opened) at the offset of the offending character.
 *
 * Speed matters here (templates are the largest inputs): strings without escapes are one `slice`,
 * numbers are parsed from their text once, and node objects are created with one fixed shape.
 */
import { MAX_NESTING } from '../nesting.js';
import { closingBracket } from './depth.js';
import type { JsonArray, JsonComment, JsonMember, JsonNode, JsonObject, JsonSyntaxError } from './index.js';

export interface ScanResult {
  root?: JsonNode;
  error?: JsonSyntaxError;
  comments: JsonComment[];
  /** Where brackets first nest past MAX_NESTING: that value was read as `0`, the rest as usual. */
  deepAt?: number;
}

const enum Ch {
  Tab = 9,
  LF = 10,
  CR = 13,
  Space = 32,
  Quote = 34,
  Plus = 43,
  Comma = 44,
  Minus = 45,
  Dot = 46,
  Slash = 47,
  Zero = 48,
  Nine = 57,
  Colon = 58,
  UpperE = 69,
  LBracket = 91,
  Backslash = 92,
  RBracket = 93,
  LowerE = 101,
  LowerU = 117,
  LBrace = 123,
  RBrace = 125,
  Star = 42,
}

class JsonError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** What a container expects next, for messages. */
type Expecting = 'value' | 'key' | 'colon' | 'commaOrBrace' | 'commaOrBracket' | 'end';

export function scanJson(text: string): ScanResult {
  const p = new Parser(text);
  try {
    const root = p.document();
    return p.deepAt === undefined ? { root, comments: p.comments } : { root, comments: p.comments, deepAt: p.deepAt };
  } catch (e) {
    if (e instanceof JsonError) return { error: { message: e.message, offset: e.offset }, comments: [] };
    // Deep nesting overflows the stack: a position is still better than a crash.
    if (e instanceof RangeError) return { error: { message: 'The JSON is nested too deeply to read', offset: p.pos }, comments: [] };
    throw e;
  }
}

class Parser {
  pos = 0;
  readonly comments: JsonComment[] = [];
  deepAt?: number;
  private readonly n: number;
  /** Opening offsets of the containers being read, for "not closed" messages. */
  private readonly open: number[] = [];
  /** The first backslash at or after the last one found (the text's length when there is none). */
  private backslash = -1;

  constructor(private readonly text: string) {
    this.n = text.length;
    // A byte-order mark counts as one offset and is read as white space.
    if (text.charCodeAt(0) === 0xfeff) this.pos = 1;
  }

  document(): JsonNode {
    this.skip();
    const root = this.value('value');
    this.skip();
    if (this.pos < this.n) this.unexpected('end');
    return root;
  }

  /** Skips white space and comments. */
  private skip(): void {
    const text = this.text;
    const n = this.n;
    let i = this.pos;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === Ch.Space || c === Ch.LF || c === Ch.CR || c === Ch.Tab) i++;
      else if (c === Ch.Slash) {
        i = this.comment(i);
      } else break;
    }
    this.pos = i;
  }

  private comment(start: number): number {
    const text = this.text;
    const d = text.charCodeAt(start + 1);
    if (d === Ch.Slash) {
      let j = start + 2;
      while (j < this.n) {
        const c = text.charCodeAt(j);
        if (c === Ch.LF || c === Ch.CR) break;
        j++;
      }
      this.comments.push({ start, end: j, text: text.slice(start, j), block: false });
      return j;
    }
    if (d === Ch.Star) {
      const close = text.indexOf('*/', start + 2);
      if (close < 0) throw new JsonError(`Unexpected end of file: the comment opened at ${this.where(start)} is not closed with '*/'`, this.n);
      this.comments.push({ start, end: close + 2, text: text.slice(start, close + 2), block: true });
      return close + 2;
    }
    throw new JsonError(`Unexpected character '/': a comment starts with '//' or '/*'`, start);
  }

  private value(expecting: Expecting): JsonNode {
    const text = this.text;
    const start = this.pos;
    const c = text.charCodeAt(start);
    if ((c === Ch.LBrace || c === Ch.LBracket) && this.open.length >= MAX_NESTING) return this.tooDeep(start);
    switch (c) {
      case Ch.LBrace:
        return this.object();
      case Ch.LBracket:
        return this.array();
      case Ch.Quote: {
        const value = this.string();
        return { type: 'string', start, end: this.pos, value };
      }
      case 116 /* t */:
        this.keyword('true');
        return { type: 'bool', start, end: this.pos, value: true };
      case 102 /* f */:
        this.keyword('false');
        return { type: 'bool', start, end: this.pos, value: false };
      case 110 /* n */:
        this.keyword('null');
        return { type: 'null', start, end: this.pos };
      default:
        if (c === Ch.Minus || (c >= Ch.Zero && c <= Ch.Nine)) {
          const end = this.number();
          return { type: 'number', start, end, value: Number(text.slice(start, end)) };
        }
        return this.unexpected(expecting);
    }
  }

  /**
   * A container nested past MAX_NESTING is not read (recursion would overflow the stack): its
   * value is `0` and reading goes on after its closing bracket, so what surrounds it is linted.
   */
  private tooDeep(start: number): JsonNode {
    this.deepAt ??= start;
    this.pos = closingBracket(this.text, start);
    return { type: 'number', start, end: this.pos, value: 0 };
  }

  private object(): JsonObject {
    const text = this.text;
    const start = this.pos;
    this.open.push(start);
    this.pos++;
    const members: JsonMember[] = [];
    this.skip();
    if (text.charCodeAt(this.pos) !== Ch.RBrace) {
      for (;;) {
        const keyStart = this.pos;
        if (text.charCodeAt(keyStart) !== Ch.Quote) this.unexpected('key');
        const key = this.string();
        const keyEnd = this.pos;
        this.skip();
        if (text.charCodeAt(this.pos) !== Ch.Colon) this.unexpected('colon');
        this.pos++;
        this.skip();
        const value = this.value('value');
        members.push({ key, keySpan: { start: keyStart, end: keyEnd }, value, start: keyStart, end: value.end });
        this.skip();
        const d = text.charCodeAt(this.pos);
        if (d === Ch.Comma) {
          this.pos++;
          this.skip();
          if (text.charCodeAt(this.pos) === Ch.RBrace) break;
        } else if (d === Ch.RBrace) break;
        else this.unexpected('commaOrBrace');
      }
    }
    this.pos++;
    this.open.pop();
    return { type: 'object', start, end: this.pos, members };
  }

  private array(): JsonArray {
    const text = this.text;
    const start = this.pos;
    this.open.push(start);
    this.pos++;
    const items: JsonNode[] = [];
    this.skip();
    if (text.charCodeAt(this.pos) !== Ch.RBracket) {
      for (;;) {
        items.push(this.value('value'));
        this.skip();
        const d = text.charCodeAt(this.pos);
        if (d === Ch.Comma) {
          this.pos++;
          this.skip();
          if (text.charCodeAt(this.pos) === Ch.RBracket) break;
        } else if (d === Ch.RBracket) break;
        else this.unexpected('commaOrBracket');
      }
    }
    this.pos++;
    this.open.pop();
    return { type: 'array', start, end: this.pos, items };
  }

  /** Reads the string at `pos` (on its opening quote); leaves `pos` after the closing quote. */
  private string(): string {
    const text = this.text;
    const start = this.pos;
    const n = this.n;
    // Fast path: no escape before the closing quote. Both are found by `indexOf`, which V8 runs
    // far faster than a loop over the characters; the next backslash is searched for only once
    // reading has passed the last one found, so the whole text is searched for them once.
    const close = text.indexOf('"', start + 1);
    if (close < 0) this.unclosedString(start);
    if (this.backslash <= start) this.backslash = nextOrEnd(text, '\\', start + 1);
    if (this.backslash > close) {
      this.pos = close + 1;
      return text.slice(start + 1, close);
    }
    let i = this.backslash;
    let out = text.slice(start + 1, i);
    let from = i;
    for (;;) {
      if (i >= n) this.unclosedString(start);
      const c = text.charCodeAt(i);
      if (c === Ch.Quote) {
        this.pos = i + 1;
        return out + text.slice(from, i);
      }
      if (c !== Ch.Backslash) {
        i++;
        continue;
      }
      out += text.slice(from, i);
      if (i + 1 >= n) this.unclosedString(start);
      const e = text.charCodeAt(i + 1);
      switch (e) {
        case Ch.Quote:
          out += '"';
          break;
        case Ch.Backslash:
          out += '\\';
          break;
        case Ch.Slash:
          out += '/';
          break;
        case 98 /* b */:
          out += '\b';
          break;
        case 102 /* f */:
          out += '\f';
          break;
        case 110 /* n */:
          out += '\n';
          break;
        case 114 /* r */:
          out += '\r';
          break;
        case 116 /* t */:
          out += '\t';
          break;
        case Ch.LowerU: {
          let code = 0;
          for (let k = 0; k < 4; k++) {
            const h = text.charCodeAt(i + 2 + k);
            const v = hexValue(h);
            if (v < 0) {
              if (i + 2 + k >= n) this.unclosedString(start);
              throw new JsonError(`Invalid escape '${text.slice(i, i + 2 + k + 1)}' in a string: \\u takes four hexadecimal digits`, i + 2 + k);
            }
            code = code * 16 + v;
          }
          out += String.fromCharCode(code);
          i += 4;
          break;
        }
        default:
          throw new JsonError(
            `Invalid escape '\\${String.fromCodePoint(text.codePointAt(i + 1)!)}' in a string: write '\\\\' for a backslash (JSON allows \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)`,
            i + 1,
          );
      }
      i += 2;
      from = i;
    }
  }

  private unclosedString(start: number): never {
    throw new JsonError(`Unexpected end of file: the string opened at ${this.where(start)} is not closed with '"'`, this.n);
  }

  /** Reads a JSON number at `pos`; returns its end. */
  private number(): number {
    const text = this.text;
    let i = this.pos;
    if (text.charCodeAt(i) === Ch.Minus) i++;
    let c = text.charCodeAt(i);
    if (c === Ch.Zero) {
      i++;
      c = text.charCodeAt(i);
      if (c >= Ch.Zero && c <= Ch.Nine) throw new JsonError(`Invalid number '${this.word(this.pos)}': a number does not start with 0 unless it is 0 or 0.x`, i);
    } else if (c >= 49 && c <= Ch.Nine) {
      do c = text.charCodeAt(++i);
      while (c >= Ch.Zero && c <= Ch.Nine);
    } else this.badNumber(i, 'a digit');
    if (c === Ch.Dot) {
      c = text.charCodeAt(++i);
      if (!(c >= Ch.Zero && c <= Ch.Nine)) this.badNumber(i, 'a digit after the decimal point');
      do c = text.charCodeAt(++i);
      while (c >= Ch.Zero && c <= Ch.Nine);
    }
    if (c === Ch.LowerE || c === Ch.UpperE) {
      c = text.charCodeAt(++i);
      if (c === Ch.Plus || c === Ch.Minus) c = text.charCodeAt(++i);
      if (!(c >= Ch.Zero && c <= Ch.Nine)) this.badNumber(i, 'a digit in the exponent');
      do c = text.charCodeAt(++i);
      while (c >= Ch.Zero && c <= Ch.Nine);
    }
    this.pos = i;
    return i;
  }

  private badNumber(at: number, expected: string): never {
    if (at >= this.n) throw new JsonError(`Unexpected end of file: expected ${expected} in the number '${this.text.slice(this.pos)}'`, at);
    throw new JsonError(`Invalid number '${this.word(this.pos)}': expected ${expected}`, at);
  }

  private keyword(word: 'true' | 'false' | 'null'): void {
    const start = this.pos;
    const end = start + word.length;
    if (this.text.startsWith(word, start) && !isWordPart(this.text.charCodeAt(end))) {
      this.pos = end;
      return;
    }
    const found = this.word(start);
    throw new JsonError(`Unexpected '${found}': expected a value (a string in double quotes, a number, true, false, null, an object or an array)`, start);
  }

  /** The run of word characters at `from` (for messages). */
  private word(from: number): string {
    let i = from;
    while (i < this.n && i - from < 40 && (isWordPart(this.text.charCodeAt(i)) || this.text.charCodeAt(i) === Ch.Minus || this.text.charCodeAt(i) === Ch.Dot)) i++;
    return this.text.slice(from, Math.max(i, from + 1));
  }

  private unexpected(expecting: Expecting): never {
    const at = this.pos;
    const wanted = EXPECTED[expecting];
    if (at >= this.n) {
      const open = this.open[this.open.length - 1];
      const what =
        open === undefined
          ? 'the file holds no JSON value'
          : `the ${this.text.charCodeAt(open) === Ch.LBrace ? 'object' : 'array'} opened at ${this.where(open)} is not closed`;
      throw new JsonError(`Unexpected end of file: ${what} (expected ${wanted})`, at);
    }
    const c = this.text.codePointAt(at)!;
    const shown = c === Ch.Quote ? 'a string' : isWordPart(c) ? `'${this.word(at)}'` : `'${printable(c)}'`;
    throw new JsonError(`Unexpected ${shown}: expected ${wanted}`, at);
  }

  /** `line 3, column 5` of an offset, for messages about where something was opened. */
  private where(offset: number): string {
    let line = 1;
    let lineStart = 0;
    const text = this.text;
    for (let i = 0; i < offset; i++) {
      const c = text.charCodeAt(i);
      if (c === Ch.LF || (c === Ch.CR && text.charCodeAt(i + 1) !== Ch.LF)) {
        line++;
        lineStart = i + 1;
      }
    }
    return `line ${line}, column ${offset - lineStart + 1}`;
  }
}

const EXPECTED: Record<Expecting, string> = {
  value: 'a value (a string in double quotes, a number, true, false, null, an object or an array)',
  key: "a property name in double quotes or '}'",
  colon: "':' after the property name",
  commaOrBrace: "',' or '}'",
  commaOrBracket: "',' or ']'",
  end: 'the end of the file after the top-level value',
};

/** The offset of `search` at or after `from`, or the text's length when it is not there. */
function nextOrEnd(text: string, search: string, from: number): number {
  const at = text.indexOf(search, from);
  return at < 0 ? text.length : at;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

const WORD_PART = /[\p{ID_Continue}$\u200c\u200d]/u;

/** Letters, digits, `_` and `$` (what runs on after a keyword and makes it another word). */
function isWordPart(c: number): boolean {
  if (c < 128) return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36;
  return c === c && WORD_PART.test(String.fromCodePoint(c));
}

function printable(c: number): string {
  if (c < 32 || c === 127) return `\\u${c.toString(16).padStart(4, '0')}`;
  if (c === 0xa0 || c === 0xfeff || (c >= 0x2000 && c <= 0x200b) || c === 0x3000) return `\\u${c.toString(16).padStart(4, '0')} (a white-space character JSON does not allow here)`;
  return String.fromCodePoint(c);
}
