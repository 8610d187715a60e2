import type { Severity } from '../engine/types.js';
import { jsonForLogs } from './escape.js';
import { docsLookup } from './links.js';
import { displayPath } from './paths.js';
import type { Formatter } from './types.js';

/** `docsUrl` is left out for a rule without a page (a plugin rule without a URL). */
const withDocsUrl = (url: string | undefined): { docsUrl?: string } => (url ? { docsUrl: url } : {});

/** The machine contract of DESIGN.md: `{ version, findings, summary }`; each finding also has its rule's `docsUrl`. */
export const json: Formatter = (result, context) => {
  const { cwd } = context;
  const docsUrl = docsLookup(context);
  const summary: Record<Severity, number> & { files: number } = { files: result.files.length, error: 0, warning: 0, info: 0 };
  const findings = result.findings.map((f) => {
    summary[f.severity]++;
    return {
      ruleId: f.ruleId,
      severity: f.severity,
      message: f.message,
      file: displayPath(f.file, cwd),
      range: f.range,
      related: f.related.map((r) => ({ message: r.message, file: displayPath(r.file, cwd), range: r.range })),
      fingerprint: f.fingerprint,
      ...withDocsUrl(docsUrl(f.ruleId)),
    };
  });
  return jsonForLogs(JSON.stringify({ version: 1, findings, summary }, null, 2)) + '\n';
};
