import { formatMessage } from '../messages.js';
import type { Finding, FixFunction, Fixer, ReportDescriptor, Rule, TextEdit } from '../types.js';

/**
 * Builds a report's fix and suggestions with the fixer and attaches them to its finding. A rule that
 * attaches what its meta does not declare is a programming error (as in ESLint): the run says so.
 */
export function attachFixes(finding: Finding, rule: Rule, d: ReportDescriptor, fixer: Fixer): void {
  if (d.fix) {
    if (!rule.meta.fixable) throw new Error(`rule '${rule.meta.id}' reports a fix but its meta does not set fixable: true`);
    const edits = build(d.fix, fixer);
    if (edits) {
      const template = d.fixMessageId === undefined ? undefined : rule.meta.messages[d.fixMessageId];
      if (d.fixMessageId !== undefined && template === undefined) throw new Error(`rule '${rule.meta.id}' names unknown fix message id '${d.fixMessageId}'`);
      finding.fix = template === undefined ? { edits } : { message: formatMessage(template, d.data), edits };
    }
  }
  if (d.suggest && d.suggest.length > 0) {
    if (!rule.meta.hasSuggestions) throw new Error(`rule '${rule.meta.id}' reports suggestions but its meta does not set hasSuggestions: true`);
    const suggestions = [];
    for (const s of d.suggest) {
      const template = rule.meta.messages[s.messageId];
      if (template === undefined) throw new Error(`rule '${rule.meta.id}' suggests with unknown message id '${s.messageId}'`);
      const edits = build(s.fix, fixer);
      if (edits) suggestions.push({ message: formatMessage(template, typeof s.data === 'function' ? s.data(edits) : s.data), edits });
    }
    if (suggestions.length > 0) finding.suggestions = suggestions;
  }
}

/** The edits of a fix function, sorted; undefined when it offers none (the source allows no clean edit). */
function build(fn: FixFunction, fixer: Fixer): TextEdit[] | undefined {
  const result = fn(fixer);
  const edits = result === undefined ? [] : Array.isArray(result) ? result : [result];
  if (edits.length === 0) return undefined;
  return [...edits].sort((a, b) =>
    a.file < b.file ? -1 : a.file > b.file ? 1 : a.range.start.line - b.range.start.line || a.range.start.column - b.range.start.column,
  );
}
