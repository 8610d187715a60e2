import { printable } from './escape.js';

/** What XML 1.0 cannot carry or a reader would act on, except tab, LF and CR (kept as references). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNPRINTABLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u2028\u2029\u200E\u200F\u202A-\u202E\u2066-\u2069\uFEFF\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Text for an XML 1.0 attribute or element: the five special characters as entities, and the
 * characters XML 1.0 cannot carry at all (most C0 controls, lone surrogates, U+FFFE/U+FFFF) or a
 * terminal or reader would act on (C1 controls, bidirectional overrides) shown as escapes (`\x1B`),
 * so a template holding them still yields a well-formed report that says what was there. `##[` is
 * written `##&#91;` (the same text to an XML reader) so that no line starts a workflow command when
 * the report is printed to a GitHub Actions log.
 */
export function xmlEscape(text: string): string {
  return text
    .replace(UNPRINTABLE, (c) => (c === '\uFFFE' || c === '\uFFFF' ? `\\u${c.charCodeAt(0).toString(16).toUpperCase()}` : printable(c)))
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/##\[/g, '##&#91;')
    // Attribute values normalise literal newlines to spaces; keep them as characters.
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;');
}

export const XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>';
