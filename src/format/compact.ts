import { printableLine, printablePath } from './escape.js';
import { docsLookup } from './links.js';
import { displayPath } from './paths.js';
import type { Formatter } from './types.js';

/**
 * `file:line:col: severity: message [rule] <docs url>`, one finding per line: what editors' problem
 * matchers (VS Code tasks, Vim's errorformat, Emacs compile mode) parse; a terminal makes the URL
 * clickable. Line breaks inside a message become spaces so that one finding is always one line;
 * other control characters are shown as escapes.
 */
export const compact: Formatter = (result, context) => {
  const docsUrl = docsLookup(context);
  return result.findings
    .map((f) => {
      const url = docsUrl(f.ruleId);
      return `${printablePath(displayPath(f.file, context.cwd))}:${f.range.start.line}:${f.range.start.column}: ${f.severity}: ${printableLine(oneLine(f.message))} [${printableLine(f.ruleId)}]${url ? ` ${url}` : ''}\n`;
    })
    .join('');
};

export function oneLine(text: string): string {
  return text.replace(/\s*(\r\n|\r|\n)\s*/g, ' ');
}
