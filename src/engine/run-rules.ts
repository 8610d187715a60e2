import { createHash } from './lazy-deps.js';
import { permissionModel, type PermissionModel } from '../graph/permissions.js';
import type { RoleCatalog } from '../graph/roles.js';
import type { IdentityGraph } from '../graph/types.js';
import { compareLocations, LineMap, sameLocation, type Location } from '../model/location.js';
import type { ResourceInstance } from '../model/template.js';
import { withSourceText } from '../graph/written.js';
import { callPathNote } from './call-path.js';
import { attachFixes } from './fix/attach.js';
import { SourceFixer } from './fix/fixer.js';
import type { ParseOnce } from './fix/syntax-objects.js';
import { formatMessage } from './messages.js';
import type { Finding, GraphNode, ReportDescriptor, Rule, Severity } from './types.js';

export interface RuleRun {
  rule: Rule;
  severity: Severity;
  options: Record<string, unknown>;
}

export interface RunRulesOptions {
  roles: RoleCatalog;
  /** Defaults to the model over the built-in catalog. */
  permissions?: PermissionModel;
  /** The text of a file, for fingerprints. */
  sourceText(file: string): string | undefined;
  /** The file's line index, built once per file (else built per finding from `sourceText`). */
  sourceLines?(file: string): LineMap | undefined;
  /** The front ends' parses, kept for the fixes (`FrontEndHost.syntaxTree`): else a file edited is parsed again. */
  syntaxTree?: ParseOnce;
  /** The edit builder fixes use; one shared by several runs parses each file once (else one per run). */
  fixer?: SourceFixer;
}

/**
 * Runs each rule over the graph and turns its reports into findings: one per rule, declaration and
 * location, however many loop instances or module calls reach it.
 */
export function runRules(graph: IdentityGraph, runs: RuleRun[], options: RunRulesOptions): Finding[] {
  // Messages quote values as written: the describe helpers read the source text through this.
  return withSourceText(options.sourceText, () => runEach(graph, runs, options));
}

function runEach(graph: IdentityGraph, runs: RuleRun[], options: RunRulesOptions): Finding[] {
  const findings: Finding[] = [];
  const seen = new Set<string>();
  const fixer = options.fixer ?? sourceFixer(options);
  for (const { rule, severity, options: ruleOptions } of runs) {
    rule.check(graph, {
      options: ruleOptions,
      roles: options.roles,
      permissions: options.permissions ?? permissionModel(),
      report(descriptor) {
        const finding = toFinding(rule, severity, descriptor, options);
        const key = `${rule.meta.id}|${finding.file}|${finding.range.start.line}:${finding.range.start.column}|${nodeKey(descriptor.node)}`;
        if (seen.has(key)) return;
        seen.add(key);
        attachFixes(finding, rule, descriptor, fixer);
        findings.push(finding);
      },
    });
  }
  return findings;
}

/** An edit builder over the texts (and line indexes) the rules read. */
export function sourceFixer(options: RunRulesOptions): SourceFixer {
  return new SourceFixer((file) => options.sourceText(file), options.sourceLines && ((file) => options.sourceLines!(file)), options.syntaxTree);
}

function nodeResource(node: GraphNode): ResourceInstance | undefined {
  return 'resource' in node ? node.resource : undefined;
}

/** The declaration a node stands for (a grant written inline in a vault is its own entry). */
function nodeKey(node: GraphNode): string {
  const r = nodeResource(node);
  if ('at' in node) return `${r?.declKey ?? node.id}@${node.at.range.start.line}:${node.at.range.start.column}`;
  return r?.declKey ?? node.id;
}

function nodeLocation(node: GraphNode): Location | undefined {
  if ('at' in node) return node.at;
  return nodeResource(node)?.decl;
}

/**
 * Where a finding points: the node's declaration, unless the offending value is written in another
 * file — then the module call, in that file, that passes it in.
 */
export function primaryLocation(node: GraphNode, valueAt: Location | undefined): Location {
  const own = nodeLocation(node)!;
  if (!valueAt || valueAt.file === own.file) return own;
  const chain = nodeResource(node)?.callChain ?? [];
  for (let i = chain.length - 1; i >= 0; i--) if (chain[i].file === valueAt.file) return chain[i];
  return own;
}

function contains(outer: Location, inner: Location): boolean {
  return outer.file === inner.file && compareLocations({ ...outer, range: { start: outer.range.start, end: outer.range.start } }, inner) <= 0 &&
    (inner.range.end.line < outer.range.end.line ||
      (inner.range.end.line === outer.range.end.line && inner.range.end.column <= outer.range.end.column));
}

function toFinding(rule: Rule, severity: Severity, d: ReportDescriptor, options: RunRulesOptions): Finding {
  const primary = primaryLocation(d.node, d.value?.at);
  const related = [...(d.related ?? [])];
  if (d.value?.at && !contains(primary, d.value.at) && !related.some((r) => sameLocation(r.at, d.value?.at))) {
    related.unshift({ message: 'The value is written here.', at: d.value.at });
  }
  const symbol = nodeResource(d.node)?.symbol;
  const text = formatMessage(rule.meta.messages[d.messageId] ?? d.messageId, d.data);
  // At a module call, the path down to the declaration tells findings at one call apart.
  const note = primary === nodeLocation(d.node) ? undefined : callPathNote(nodeResource(d.node), primary, options.sourceText, options.sourceLines);
  const message = note ? `${text} ${note}` : text;
  const finding: Finding = {
    ruleId: rule.meta.id,
    severity: capSeverity(severity, d.severity),
    message,
    file: primary.file,
    range: primary.range,
    related: related.map((r) => ({ message: r.message, file: r.at.file, range: r.at.range })),
    fingerprint: fingerprint(rule.meta.id, primary, symbol, options.sourceText(primary.file), options.sourceLines?.(primary.file)),
  };
  if (symbol) finding.symbol = symbol;
  if (d.severity) finding.severityCap = d.severity;
  if (d.unlessUsedElsewhere) finding.unlessUsedElsewhere = d.unlessUsedElsewhere;
  return finding;
}

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

/** The lower of a configured severity and the cap a rule set for one finding. */
export function capSeverity(severity: Severity, cap: Severity | undefined): Severity {
  return cap && RANK[cap] < RANK[severity] ? cap : severity;
}

/**
 * Survives line moves (no line numbers in it) and changes when the code it points at changes: the
 * rule, the file, the declaration's name and its text with whitespace collapsed.
 */
export function fingerprint(ruleId: string, at: Location, symbol: string | undefined, text: string | undefined, lines?: LineMap): string {
  const snippet = text ? sliceRange(text, lines ?? new LineMap(text), at).replace(/\s+/g, ' ').trim() : '';
  const file = at.file.replace(/\\/g, '/').split('/').pop() ?? at.file;
  return createHash('sha256').update([ruleId, file, symbol ?? '', snippet].join('\u0000')).digest('hex').slice(0, 32);
}

/**
 * The text of a range, columns clamped to their line (a line past the end is empty). Line breaks
 * inside it count as white space only, which the fingerprint collapses.
 */
function sliceRange(text: string, lines: LineMap, at: Location): string {
  const { start, end } = at.range;
  const offset = (line: number, column: number): number => {
    if (line > lines.lineCount) return text.length;
    const from = lines.offset({ line, column: 1 });
    return Math.min(from + Math.max(0, column - 1), lineEnd(text, lines, line));
  };
  if (start.line > lines.lineCount || (start.line === end.line && end.column <= start.column)) return '';
  return text.slice(offset(start.line, start.column), Math.max(offset(start.line, start.column), offset(end.line, end.column)));
}

/** The offset where a line's text ends (before its line break). */
function lineEnd(text: string, lines: LineMap, line: number): number {
  if (line >= lines.lineCount) return text.length;
  const next = lines.offset({ line: line + 1, column: 1 });
  return text.charCodeAt(next - 1) === 10 && text.charCodeAt(next - 2) === 13 ? next - 2 : next - 1;
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    compareLocations({ file: a.file, range: a.range }, { file: b.file, range: b.range }) ||
    (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0) ||
    (a.message < b.message ? -1 : a.message > b.message ? 1 : 0)
  );
}
