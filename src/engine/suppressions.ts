import type { Location } from '../model/location.js';
import type { LoweredProgram, ResourceInstance } from '../model/template.js';
import { getPath, type Value } from '../model/value.js';
import { INVALID_SUPPRESSION_RULE, UNUSED_SUPPRESSION_RULE } from './diagnostic-rules.js';
import { formatMessage } from './messages.js';
import { closest } from './suggest.js';
import { fingerprint } from './run-rules.js';
import type { Finding, RuleMeta } from './types.js';

/**
 * Inline suppressions. Two forms:
 *
 * - a comment `grantlint-disable-next-line <rule>[, <rule>...] -- <reason>` (Bicep `//`, Terraform
 *   `#` or `//`, ARM JSON/JSONC `//`; block comments too). It covers the findings whose primary range
 *   starts on the next line that is not a comment (nor, in Bicep, a decorator): every finding points
 *   at a declaration's first line, so the comment goes directly above `resource`/`module`/the
 *   resource's `{`. A blank line between the comment and the code ends it.
 * - ARM: a resource's `metadata.grantlint.disable`, an array of `"rule -- reason"` strings or
 *   `{ "rule": ..., "reason": ... }` objects. It covers the findings inside that resource (the
 *   innermost ARM resource whose declaration contains the finding's start).
 *
 * A reason is required: without one the suppression suppresses nothing and is reported
 * (`invalid-suppression`), as is a rule id grantlint does not know.
 */
export interface Suppression {
  /** Where the comment or metadata entry is written. */
  at: Location;
  rules: string[];
  reason: string;
  kind: 'comment' | 'metadata';
  /** Comment: the first and last line a finding may start on. Metadata: the resource's declaration. */
  covers: { file: string; fromLine: number; toLine: number } | Location;
}

/** What one directive says, before it is checked against known rules. */
export interface ParsedDirective {
  /** `disable-next-line`, or whatever followed `grantlint-`. */
  directive: string;
  rules: string[];
  /** Trimmed; empty when absent. */
  reason: string;
}

export interface SuppressionProblem {
  at: Location;
  messageId: keyof typeof INVALID_SUPPRESSION_RULE.messages;
  data: Record<string, string>;
}

/** The comment's text without its markers (`//`, `#`, `/* ... *\/`), trimmed. */
export function commentBody(text: string): string {
  let body = text.trim();
  if (body.startsWith('/*')) body = body.slice(2).replace(/\*\/\s*$/, '');
  else if (body.startsWith('//')) body = body.slice(2);
  else if (body.startsWith('#')) body = body.slice(1);
  return body.trim();
}

/** Reads `grantlint-<directive> <rules> -- <reason>`; undefined for a comment that is no directive. */
export function parseDirective(comment: string): ParsedDirective | undefined {
  const m = /^grantlint-([A-Za-z-]*)(?:\s+([\s\S]*))?$/.exec(commentBody(comment));
  if (!m) return undefined;
  return { directive: m[1], ...parseRulesAndReason(m[2] ?? '') };
}

/** `a, b -- why` → rules a and b, reason `why`. */
export function parseRulesAndReason(text: string): { rules: string[]; reason: string } {
  const sep = text.search(/(^|\s)--(\s|$)/);
  const rulesPart = sep >= 0 ? text.slice(0, sep) : text;
  const reason = sep >= 0 ? text.slice(sep).trim().slice(2).trim() : '';
  const rules = [...new Set(rulesPart.split(/[\s,]+/).filter(Boolean))];
  return { rules, reason };
}

export interface CollectOptions {
  readFile(file: string): string | undefined;
  /** The rule ids known for a file (built-ins, plugins configured for it, the engine's own). */
  knownRules(file: string): Set<string>;
}

export interface CollectedSuppressions {
  suppressions: Suppression[];
  problems: SuppressionProblem[];
}

/** Every suppression written in the analysed files, and the ones that cannot take effect. */
export function collectSuppressions(program: LoweredProgram, options: CollectOptions): CollectedSuppressions {
  const out: CollectedSuppressions = { suppressions: [], problems: [] };
  const check = (at: Location, parsed: { rules: string[]; reason: string }, kind: Suppression['kind'], covers: Suppression['covers']): void => {
    if (parsed.rules.length === 0) {
      out.problems.push({ at, messageId: 'noRule', data: {} });
      return;
    }
    const known = options.knownRules(at.file);
    const unknownRule = parsed.rules.find((r) => !known.has(r));
    if (unknownRule) {
      const near = closest(unknownRule, known);
      const hint = near ? ` (did you mean '${near}'?)` : '';
      out.problems.push({ at, messageId: 'unknownRule', data: { rule: unknownRule, hint } });
      return;
    }
    if (!parsed.reason) {
      out.problems.push({ at, messageId: 'noReason', data: { rules: parsed.rules.map((r) => `'${r}'`).join(', ') } });
      return;
    }
    out.suppressions.push({ at, rules: parsed.rules, reason: parsed.reason, kind, covers });
  };

  const byFile = new Map<string, LoweredProgram['comments']>();
  const seenComments = new Set<string>();
  for (const c of program.comments) {
    // A module file analysed through several calls may hand in its comments more than once.
    const id = `${c.at.file}|${c.at.range.start.line}:${c.at.range.start.column}`;
    if (seenComments.has(id)) continue;
    seenComments.add(id);
    const list = byFile.get(c.at.file) ?? [];
    list.push(c);
    byFile.set(c.at.file, list);
  }
  for (const [file, comments] of byFile) {
    const directives = comments.map((c) => ({ c, parsed: parseDirective(c.text) })).filter((d) => d.parsed);
    if (directives.length === 0) continue;
    const lines = (options.readFile(file) ?? '').split(/\r\n|\r|\n/);
    const commentLines = new Set<number>();
    for (const c of comments) {
      const { start, end } = c.at.range;
      if ((lines[start.line - 1] ?? '').slice(0, start.column - 1).trim() !== '') continue;
      for (let l = start.line; l <= end.line; l++) commentLines.add(l);
    }
    const isBicep = /\.bicep(param)?$/i.test(file);
    const skippable = (line: number): boolean => commentLines.has(line) || (isBicep && (lines[line - 1] ?? '').trim().startsWith('@'));
    for (const { c, parsed } of directives) {
      if (parsed!.directive !== 'disable-next-line') {
        out.problems.push({ at: c.at, messageId: 'unknownDirective', data: { directive: `grantlint-${parsed!.directive}` } });
        continue;
      }
      const fromLine = c.at.range.end.line + 1;
      let toLine = fromLine;
      while (toLine <= lines.length && skippable(toLine)) toLine++;
      check(c.at, parsed!, 'comment', { file, fromLine, toLine });
    }
  }

  const seen = new Set<string>();
  for (const r of program.resources) {
    if (r.format !== 'arm') continue;
    const key = `${r.decl.file}|${r.decl.range.start.line}:${r.decl.range.start.column}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const disable = getPath(r.body, ['metadata', 'grantlint', 'disable']);
    if (!disable) continue;
    const entries: Value[] = disable.kind === 'array' ? disable.items : [disable];
    for (const entry of entries) {
      const at = entry.at ?? disable.at ?? r.decl;
      const parsed = metadataEntry(entry);
      if (typeof parsed === 'string') out.problems.push({ at, messageId: 'malformed', data: { detail: parsed } });
      else check(at, parsed, 'metadata', r.decl);
    }
  }
  return out;
}

function metadataEntry(entry: Value): { rules: string[]; reason: string } | string {
  if (entry.kind === 'string') return parseRulesAndReason(entry.value);
  if (entry.kind !== 'object') return 'write "<rule> -- <reason>" or { "rule": "<rule>", "reason": "<reason>" }';
  const rule = getPath(entry, ['rule']) ?? getPath(entry, ['rules']);
  const reason = getPath(entry, ['reason']);
  const rules =
    rule?.kind === 'string' ? rule.value.split(/[\s,]+/).filter(Boolean) : rule?.kind === 'array' ? rule.items.flatMap((i) => (i.kind === 'string' ? [i.value] : [])) : [];
  return { rules, reason: reason?.kind === 'string' ? reason.value.trim() : '' };
}

function within(outer: Location, file: string, line: number, column: number): boolean {
  if (outer.file !== file) return false;
  const { start, end } = outer.range;
  const afterStart = line > start.line || (line === start.line && column >= start.column);
  const beforeEnd = line < end.line || (line === end.line && column <= end.column);
  return afterStart && beforeEnd;
}

export interface SuppressionOutcome {
  kept: Finding[];
  suppressed: Finding[];
  /** Suppressions (and which of their rules) that suppressed at least one finding. */
  used: Map<Suppression, Set<string>>;
}

/** Removes the findings a suppression covers. */
export function applySuppressions(findings: Finding[], suppressions: Suppression[], resources: ResourceInstance[]): SuppressionOutcome {
  const comments = suppressions.filter((s) => s.kind === 'comment');
  const metadata = suppressions.filter((s) => s.kind === 'metadata');
  const armDecls = metadata.length > 0 ? resources.filter((r) => r.format === 'arm').map((r) => r.decl) : [];
  const outcome: SuppressionOutcome = { kept: [], suppressed: [], used: new Map() };
  const use = (s: Suppression, rule: string): void => {
    const set = outcome.used.get(s) ?? new Set<string>();
    set.add(rule);
    outcome.used.set(s, set);
  };
  for (const f of findings) {
    const { line, column } = f.range.start;
    let by = comments.find((s) => {
      const c = s.covers as { file: string; fromLine: number; toLine: number };
      return c.file === f.file && line >= c.fromLine && line <= c.toLine && s.rules.includes(f.ruleId);
    });
    if (!by && metadata.length > 0) {
      const innermost = armDecls
        .filter((d) => within(d, f.file, line, column))
        .sort((a, b) => b.range.start.line - a.range.start.line || b.range.start.column - a.range.start.column)[0];
      if (innermost) {
        by = metadata.find((s) => {
          const d = s.covers as Location;
          return d.file === innermost.file && d.range.start.line === innermost.range.start.line && d.range.start.column === innermost.range.start.column && s.rules.includes(f.ruleId);
        });
      }
    }
    if (by) {
      use(by, f.ruleId);
      outcome.suppressed.push(f);
    } else outcome.kept.push(f);
  }
  return outcome;
}

function engineFinding(meta: RuleMeta, messageId: string, data: Record<string, string>, at: Location, readFile: (f: string) => string | undefined): Finding {
  return {
    ruleId: meta.id,
    severity: meta.severity,
    message: formatMessage(meta.messages[messageId], data),
    file: at.file,
    range: at.range,
    related: [],
    fingerprint: fingerprint(meta.id, at, undefined, readFile(at.file)),
  };
}

/** `invalid-suppression` findings. */
export function problemFindings(problems: SuppressionProblem[], readFile: (f: string) => string | undefined): Finding[] {
  return problems.map((p) => engineFinding(INVALID_SUPPRESSION_RULE, p.messageId, p.data, p.at, readFile));
}

/**
 * `unused-suppression` findings: one per suppression and rule that suppressed nothing, leaving out
 * rules that are off for the file (they could not have reported).
 */
export function unusedFindings(
  suppressions: Suppression[],
  used: Map<Suppression, Set<string>>,
  isActive: (file: string, ruleId: string) => boolean,
  readFile: (f: string) => string | undefined,
): Finding[] {
  const out: Finding[] = [];
  for (const s of suppressions) {
    for (const rule of s.rules) {
      if (used.get(s)?.has(rule) || !isActive(s.at.file, rule)) continue;
      out.push(engineFinding(UNUSED_SUPPRESSION_RULE, 'unused', { rule }, s.at, readFile));
    }
  }
  return out;
}
