import type { Finding, Severity } from '../engine/types.js';
import { focusView, type GraphView } from '../format/graph/view.js';
import { renderMermaidView } from '../format/graph/mermaid.js';
import { displayPath } from '../format/paths.js';

/** Text in a Markdown table cell: nothing in it may open HTML, a link, emphasis or end the cell. */
export function cell(text: string): string {
  return text.replace(/[&<>|[\]*_~`\\#!]/g, (c) => `&#${c.charCodeAt(0)};`).replace(/\r\n|\r|\n/g, '<br>');
}

/** A URL inside a double-quoted HTML attribute of a table cell. */
function attribute(url: string): string {
  return url.replace(/[&"<>|]/g, (c) => `&#${c.charCodeAt(0)};`);
}

const ICON: Record<Severity, string> = { error: '🔴 error', warning: '🟡 warning', info: '🔵 info' };

export interface SummaryInput {
  findings: Finding[];
  cwd: string;
  view: GraphView;
  /** Relative paths the pull request changes, when the summary is about a pull request. */
  changed?: Set<string>;
  /** The report is limited to the changed lines of those files (`only-changed: true`), not the whole files. */
  changedLines?: boolean;
  /** Findings reported before filtering to the changed files. */
  totalFindings: number;
  /** Findings of each level left without an annotation (GitHub shows 10 of each level per step). */
  notAnnotated?: Record<Severity, number>;
  /** `https://github.com/owner/repo/blob/<sha>` for links to the lines, when known. */
  blobUrl?: string;
  /** A rule's documentation URL (the rule cell links to it). */
  docsUrl?: (ruleId: string) => string | undefined;
  /** Above this many nodes the diagram is left out (Mermaid renders large graphs poorly). */
  maxNodes?: number;
}

/** The job summary: counts, a table of findings, and the identity graph around the changes. */
export function jobSummary(input: SummaryInput): string {
  const { findings, cwd } = input;
  const counts = { error: 0, warning: 0, info: 0 };
  for (const f of findings) counts[f.severity]++;
  const out: string[] = ['## grantlint', ''];
  const files = input.changed ? `${input.changed.size} file${input.changed.size === 1 ? '' : 's'}` : '';
  const scope = input.changed ? (input.changedLines ? ` on the lines this pull request changes (in ${files})` : ` in the ${files} this pull request changes`) : '';
  out.push(
    findings.length === 0
      ? `No findings${scope}.`
      : `**${findings.length}** finding${findings.length === 1 ? '' : 's'}${scope}: ${counts.error} error${counts.error === 1 ? '' : 's'}, ${counts.warning} warning${counts.warning === 1 ? '' : 's'}, ${counts.info} info.`,
  );
  if (input.changed && input.totalFindings > findings.length) {
    const where = input.changedLines ? 'on lines' : 'in files';
    out.push('', `${input.totalFindings - findings.length} more ${where} this pull request does not change (not shown).`);
  }
  const left = input.notAnnotated;
  const unannotated = left ? left.error + left.warning + left.info : 0;
  if (left && unannotated > 0) {
    const parts = (['error', 'warning', 'info'] as const).filter((l) => left[l] > 0).map((l) => `${left[l]} ${l === 'info' ? 'info' : `${l}${left[l] === 1 ? '' : 's'}`}`);
    out.push(
      '',
      `${unannotated} finding${unannotated === 1 ? ' is' : 's are'} not annotated on the diff (${parts.join(', ')}): GitHub shows at most 10 annotations of each level per step. All are in the table below and in the log.`,
    );
  }
  if (findings.length > 0) {
    out.push('', '| Severity | Rule | Location | Message |', '| --- | --- | --- | --- |');
    for (const f of findings) {
      const rel = displayPath(f.file, cwd);
      const where = `${rel}:${f.range.start.line}`;
      const location = input.blobUrl && !rel.startsWith('../')
        ? `<a href="${input.blobUrl}/${rel.split('/').map(encodeURIComponent).join('/')}#L${f.range.start.line}-L${f.range.end.line}">${cell(where)}</a>`
        : cell(where);
      const url = input.docsUrl?.(f.ruleId);
      const rule = url ? `<a href="${attribute(url)}">${cell(f.ruleId)}</a>` : cell(f.ruleId);
      out.push(`| ${ICON[f.severity]} | ${rule} | ${location} | ${cell(f.message)} |`);
    }
  }
  const view = input.changed ? focusView(input.view, new Set([...input.changed].map((f) => displayPath(f, cwd)))) : input.view;
  const max = input.maxNodes ?? 60;
  out.push('', input.changed ? '### Identities and grants around the changed files' : '### Identities and grants', '');
  if (view.nodes.length === 0) out.push('No workloads, identities or grants.');
  else if (view.nodes.length > max) out.push(`The graph has ${view.nodes.length} nodes, too many to draw here; run \`grantlint graph --format dot\` locally.`);
  else out.push('```mermaid', renderMermaidView(view).trimEnd(), '```');
  return out.join('\n') + '\n';
}
