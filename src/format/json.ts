import type { Severity } from '../engine/types.js';
import { displayPath } from './paths.js';
import type { Formatter } from './types.js';

/** The machine contract of DESIGN.md: `{ version, findings, summary }`. */
export const json: Formatter = (result, { cwd }) => {
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
    };
  });
  return JSON.stringify({ version: 1, findings, summary }, null, 2) + '\n';
};
