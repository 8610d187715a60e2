import { jsonForLogs } from './escape.js';
import { docsLookup } from './links.js';
import type { Severity, TextEdit } from '../engine/types.js';
import { displayPath } from './paths.js';
import type { Formatter } from './types.js';

/** `docsUrl` is left out for a rule without a page (a plugin rule without a URL). */
const withDocsUrl = (url: string | undefined): { docsUrl?: string } => (url ? { docsUrl: url } : {});

/** The machine contract of DESIGN.md: `{ version, findings, summary }`; each finding also has its rule's `docsUrl`. */
export const json: Formatter = (result, context) => {
  const { cwd } = context;
  const docsUrl = docsLookup(context);
  const summary: Record<Severity, number> & { files: number } = { files: result.files.length, error: 0, warning: 0, info: 0 };
  const edits = (list: TextEdit[]) => list.map((e) => ({ file: displayPath(e.file, cwd), range: e.range, text: e.text }));
  const findings = result.findings.map((f) => {
    summary[f.severity]++;
    const out: Record<string, unknown> = {
      ruleId: f.ruleId,
      severity: f.severity,
      message: f.message,
      file: displayPath(f.file, cwd),
      range: f.range,
      related: f.related.map((r) => ({ message: r.message, file: displayPath(r.file, cwd), range: r.range })),
      fingerprint: f.fingerprint,
      ...withDocsUrl(docsUrl(f.ruleId)),
    };
    if (f.fix) out.fix = f.fix.message ? { message: f.fix.message, edits: edits(f.fix.edits) } : { edits: edits(f.fix.edits) };
    if (f.suggestions) out.suggestions = f.suggestions.map((s) => ({ message: s.message, edits: edits(s.edits) }));
    return out;
  });
  const report: Record<string, unknown> = { version: 1, findings, summary };
  // `--fix-dry-run`: the text each file would have (ESLint's `output`), the findings are what is left.
  if (result.fixed) report.output = result.fixed.map((o) => ({ file: displayPath(o.file, cwd), output: o.output }));
  return jsonForLogs(JSON.stringify(report, null, 2)) + '\n';
};
