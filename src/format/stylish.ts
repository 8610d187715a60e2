import { maxOf } from '../util/arrays.js';
import { printableLine, printablePath } from './escape.js';
import { docsLookup } from './links.js';
import { displayPath, findingsByFile } from './paths.js';
import type { Formatter } from './types.js';

const COLORS = { red: 31, yellow: 33, blue: 34, gray: 90, bold: 1, underline: 4 } as const;

/**
 * For people: findings grouped by file, ESLint-style, with a count at the end and then each
 * reported rule's documentation (tflint's `Reference:`), once per rule rather than once per finding
 * so that a long report does not double in length.
 */
export const stylish: Formatter = (result, context) => {
  const { cwd, color } = context;
  const paint = (c: keyof typeof COLORS, s: string): string => (color ? `\u001b[${COLORS[c]}m${s}\u001b[0m` : s);
  if (result.findings.length === 0) return '';
  const lines: string[] = [];
  const counts = { error: 0, warning: 0, info: 0 };
  for (const { rel, findings } of findingsByFile(result, cwd, false)) {
    lines.push(paint('underline', printablePath(rel)));
    const posWidth = maxOf(findings.map((f) => `${f.range.start.line}:${f.range.start.column}`.length));
    for (const f of findings) {
      counts[f.severity]++;
      const pos = `${f.range.start.line}:${f.range.start.column}`.padEnd(posWidth);
      const sev = f.severity === 'error' ? paint('red', 'error  ') : f.severity === 'warning' ? paint('yellow', 'warning') : paint('blue', 'info   ');
      lines.push(`  ${paint('gray', pos)}  ${sev}  ${printableLine(f.message)}  ${paint('gray', printableLine(f.ruleId))}`);
      for (const r of f.related) {
        lines.push(`  ${' '.repeat(posWidth)}           ${paint('gray', `↳ ${printableLine(r.message)} ${printablePath(displayPath(r.file, cwd))}:${r.range.start.line}:${r.range.start.column}`)}`);
      }
    }
    lines.push('');
  }
  const total = counts.error + counts.warning + counts.info;
  const parts = [plural(counts.error, 'error'), plural(counts.warning, 'warning')];
  if (counts.info) parts.push(plural(counts.info, 'info'));
  const summary = `✖ ${plural(total, 'problem')} (${parts.join(', ')})`;
  lines.push(counts.error ? paint('red', paint('bold', summary)) : paint('yellow', paint('bold', summary)));
  const docsUrl = docsLookup(context);
  const ruleIds = [...new Set(result.findings.map((f) => f.ruleId))].sort();
  const references = ruleIds.flatMap((id) => {
    const url = docsUrl(id);
    return url ? [[id, url]] : [];
  });
  if (references.length > 0) {
    const width = maxOf(references.map(([id]) => id.length));
    lines.push('', 'Reference:');
    for (const [id, url] of references) lines.push(`  ${id.padEnd(width)}  ${paint('underline', url)}`);
  }
  return lines.join('\n') + '\n';
};

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 || word === 'info' ? '' : 's'}`;
}
