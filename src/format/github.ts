import type { Finding, Severity } from '../engine/types.js';
import { printable } from './escape.js';
import { docsLookup } from './links.js';
import { displayPath } from './paths.js';
import type { Formatter } from './types.js';

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };

/**
 * The escaping of a workflow command's message (what `@actions/core` does): `%`, CR and LF. Without
 * it a message holding a newline could start a second command (`::add-mask::`, `::stop-commands::`)
 * on the runner, so this is a security boundary, not cosmetics. Other control characters are shown
 * as escapes (an annotation is read by people).
 */
export function escapeData(text: string): string {
  return printable(text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A'));
}

/** A property value additionally escapes `:` and `,`, which delimit the properties. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** One `::error|warning|notice file=…,line=…::message` workflow command; the rule's page ends the message. */
export function annotation(f: Finding, cwd: string, docsUrl?: string): string {
  const { start, end } = f.range;
  const props: [string, string | number][] = [
    ['file', displayPath(f.file, cwd)],
    ['line', start.line],
    ['endLine', end.line],
  ];
  // GitHub accepts columns only on a single-line annotation.
  if (start.line === end.line) props.push(['col', start.column], ['endColumn', end.column]);
  props.push(['title', `grantlint ${f.ruleId}`]);
  const related = f.related.map((r) => `\n↳ ${r.message} (${displayPath(r.file, cwd)}:${r.range.start.line}:${r.range.start.column})`);
  const body = [f.message, ...related, docsUrl ? `\nReference: ${docsUrl}` : ''].join('');
  return `::${COMMAND[f.severity]} ${props.map(([k, v]) => `${k}=${escapeProperty(String(v))}`).join(',')}::${escapeData(body)}`;
}

/** GitHub Actions annotations: one workflow command per finding, nothing else on stdout. */
export const github: Formatter = (result, context) => {
  const docsUrl = docsLookup(context);
  return result.findings.map((f) => annotation(f, context.cwd, docsUrl(f.ruleId)) + '\n').join('');
};
