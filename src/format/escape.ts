/**
 * Escaping shared by the formats. A finding's message and file name carry text from the linted
 * templates (names, paths, parameter defaults), so they can hold anything: a newline that starts a
 * second line, an ESC sequence that rewrites a terminal, a bidirectional override that reorders
 * what a reviewer reads, or a GitHub workflow command. Every line a format prints goes through one
 * of these, so that it is escaped for its channel or cannot start a command.
 *
 * The GitHub runner reads a line as a command when, after leading blanks, it starts with `::`
 * (`::stop-commands::x` silences every later annotation), or when it holds `##[` anywhere (the older
 * syntax: `##[error]…`).
 */

/**
 * Characters shown as escapes rather than printed: C0 controls (newline and tab included, so that
 * one finding stays one line), DEL, C1 controls (CSI 0x9B starts a terminal sequence too), the
 * Unicode line and paragraph separators, bidirectional formatting characters, and lone surrogates.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNPRINTABLE = /[\u0000-\u001F\u007F-\u009F\u2028\u2029\u200E\u200F\u202A-\u202E\u2066-\u2069\uFEFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** The text with each lone surrogate (no Unicode character, no UTF-8 form) as U+FFFD. */
export function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD');
}

const SHORT: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeChar(c: string): string {
  const short = SHORT[c];
  if (short) return short;
  const code = c.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).toUpperCase().padStart(2, '0')}` : `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Text for a terminal or a log: unprintable characters shown as escapes (`\n`, `\x1B`, `\u202E`). */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, escapeChar);
}

/** The older workflow-command syntax, recognised anywhere in a line. */
const V1_COMMAND = /##\[/g;

/**
 * One line of a format for people (stylish, compact): printable, and unable to start a workflow
 * command. `##[` is shown as `#\x23[`. The caller makes sure the line does not start with `::`
 * (see `displayFile`).
 */
export function printableLine(text: string): string {
  return printable(text).replace(V1_COMMAND, '#\\x23[');
}

/**
 * A path as the formats for people show it: printable, and never starting with `:` (a file named
 * `::stop-commands::x.tf` is shown as `./::stop-commands::x.tf`, the same file).
 */
export function printablePath(rel: string): string {
  const text = printableLine(rel);
  return text.startsWith(':') ? `./${text}` : text;
}

/** What `JSON.stringify` leaves as it is but a terminal or a reader would act on. */
const JSON_UNPRINTABLE = /[\u007F-\u009F\u2028\u2029\u200E\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/g;

/**
 * JSON text (json, sarif) safe to print to a terminal or a log, with the same decoded value: DEL,
 * C1 controls, separators and bidirectional characters as `\uXXXX` escapes, and `[` after `##`
 * written `\u005b` so that no line holds a workflow command. (`JSON.stringify` already escapes C0
 * controls and lone surrogates, and puts every string after a key or an indent, so no line starts
 * with `::`.)
 */
export function jsonForLogs(json: string): string {
  return json
    .replace(JSON_UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(V1_COMMAND, '##\\u005b');
}
