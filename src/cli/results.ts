import { isAbsolute, relative } from 'node:path';
import type { ConfigResolver } from '../engine/config.js';
import type { Finding, Severity } from '../engine/types.js';
import type { FailOn } from './options.js';

const RANK: Record<Severity, number> = { info: 1, warning: 2, error: 3 };

export function reachesFailLevel(findings: Finding[], failOn: FailOn): boolean {
  if (failOn === 'never') return false;
  return findings.some((f) => RANK[f.severity] >= RANK[failOn]);
}

/** The `baseline` of the configuration for the working folder, relative to it (for messages). */
export function configuredBaseline(config: ConfigResolver, cwd: string): string | undefined {
  const abs = config.baselineFor(cwd);
  if (!abs) return undefined;
  const rel = relative(cwd, abs);
  // Another drive on Windows: no relative path.
  return isAbsolute(rel) ? abs : rel.split('\\').join('/');
}
