import { displayPath } from './paths.js';
import type { Formatter } from './types.js';

/**
 * `file:line:col: severity: message [rule]`, one finding per line: what editors' problem matchers
 * (VS Code tasks, Vim's errorformat, Emacs compile mode) parse. Line breaks inside a message become
 * spaces so that one finding is always one line.
 */
export const compact: Formatter = (result, { cwd }) =>
  result.findings
    .map((f) => `${displayPath(f.file, cwd)}:${f.range.start.line}:${f.range.start.column}: ${f.severity}: ${oneLine(f.message)} [${f.ruleId}]\n`)
    .join('');

export function oneLine(text: string): string {
  return text.replace(/\s*(\r\n|\r|\n)\s*/g, ' ');
}
