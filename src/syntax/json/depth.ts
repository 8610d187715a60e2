import { MAX_NESTING } from '../nesting.js';

/**
 * JSON (JSONC) text with every value nested deeper than MAX_NESTING replaced by `0` and blanks
 * (line breaks kept), so that offsets, lines and columns do not move and momoa's recursive parser
 * cannot overflow the stack. `deepAt` is the offset of the first bracket past the limit.
 */
export function limitJsonDepth(text: string): { text: string; deepAt?: number } {
  let depth = 0;
  let deepAt: number | undefined;
  let out: string[] | undefined;
  let copied = 0;
  const len = text.length;
  for (let i = 0; i < len; i++) {
    const c = text.charCodeAt(i);
    const skipped = skipStringOrComment(text, i);
    if (skipped !== i) i = skipped;
    else if (c === 91 || c === 123) {
      if (++depth <= MAX_NESTING) continue;
      deepAt ??= i;
      const end = closingBracket(text, i);
      out ??= [];
      out.push(text.slice(copied, i), '0', text.slice(i + 1, end).replace(/[^\r\n]/g, ' '));
      copied = end;
      i = end - 1;
      depth--;
    } else if (c === 93 || c === 125) depth--;
  }
  if (!out) return { text };
  out.push(text.slice(copied));
  return { text: out.join(''), deepAt };
}

/** The offset just past the bracket that closes the one at `open` (or the end of the text). */
export function closingBracket(text: string, open: number): number {
  let depth = 0;
  const len = text.length;
  for (let i = open; i < len; i++) {
    const c = text.charCodeAt(i);
    const skipped = skipStringOrComment(text, i);
    if (skipped !== i) i = skipped;
    else if (c === 91 || c === 123) depth++;
    else if ((c === 93 || c === 125) && --depth === 0) return i + 1;
  }
  return len;
}

/**
 * When a string or a comment starts at `i`, the offset of its last character (the loop's `i++`
 * steps past it); otherwise `i`. Brackets inside them do not nest.
 */
function skipStringOrComment(text: string, i: number): number {
  const c = text.charCodeAt(i);
  const len = text.length;
  if (c === 34) {
    let j = i + 1;
    for (; j < len; j++) {
      const d = text.charCodeAt(j);
      if (d === 92) j++;
      else if (d === 34 || d === 10) break;
    }
    return Math.min(j, len);
  }
  if (c === 47 && text.charCodeAt(i + 1) === 47) {
    let j = i;
    while (j < len && text.charCodeAt(j) !== 10) j++;
    return j;
  }
  if (c === 47 && text.charCodeAt(i + 1) === 42) {
    const end = text.indexOf('*/', i + 2);
    return end < 0 ? len : end + 1;
  }
  return i;
}
