import type { LoweredProgram } from '../model/template.js';
import type { Baseline } from './baseline.js';
import type { ConfigResolver } from './config.js';
import { applySuppressions, collectSuppressions, problemFindings, unusedFindings } from './suppressions.js';
import { capSeverity } from './run-rules.js';
import type { Finding } from './types.js';
import { appendAll } from '../util/arrays.js';

export interface FilterOptions {
  /** Severities, options and ignores per file; without it, every rule at its default severity. */
  config?: ConfigResolver;
  /** Rule ids a suppression may name, when there is no config (built-ins and the engine's own). */
  knownRuleIds: Set<string>;
  reportUnusedSuppressions?: boolean;
  baseline?: Baseline;
  readFile(file: string): string | undefined;
}

export interface FilterStats {
  /** Findings removed by inline suppressions. */
  suppressed: number;
  /** Findings removed by the baseline. */
  baselined: number;
  /** Baseline entries that matched nothing (fixed or changed since). */
  staleBaseline: number;
}

/**
 * The filter stage: severity from the configuration (`off` and ignored files drop findings), then
 * inline suppressions (adding `invalid-suppression` and, on request, `unused-suppression`), then the
 * baseline.
 */
export function filterFindings(findings: Finding[], program: LoweredProgram, options: FilterOptions): { findings: Finding[]; stats: FilterStats } {
  const { config } = options;
  const configured = (f: Finding): Finding | undefined => {
    if (!config) return f;
    const effective = config.forFile(f.file);
    if (effective.ignored) return undefined;
    const setting = effective.rules.get(f.ruleId);
    if (!setting) return f;
    if (setting.severity === 'off') return undefined;
    const severity = capSeverity(setting.severity, f.severityCap);
    return severity === f.severity ? f : { ...f, severity };
  };
  const severe = (list: Finding[]): Finding[] => list.flatMap((f) => configured(f) ?? []);
  const knownRules = (file: string): Set<string> => (config ? new Set(config.forFile(file).rules.keys()) : options.knownRuleIds);
  const isActive = (file: string, ruleId: string): boolean => {
    if (!config) return options.knownRuleIds.has(ruleId);
    const effective = config.forFile(file);
    const setting = effective.rules.get(ruleId);
    return !effective.ignored && !!setting && setting.severity !== 'off';
  };

  const collected = collectSuppressions(program, { readFile: options.readFile, knownRules });
  const outcome = applySuppressions(severe(findings), collected.suppressions, program.resources);
  let kept = [...outcome.kept, ...severe(problemFindings(collected.problems, options.readFile))];
  if (options.reportUnusedSuppressions) {
    appendAll(kept, severe(unusedFindings(collected.suppressions, outcome.used, isActive, options.readFile)));
  }
  const stats: FilterStats = { suppressed: outcome.suppressed.length, baselined: 0, staleBaseline: 0 };
  if (options.baseline) {
    const result = options.baseline.apply(kept);
    kept = result.kept;
    stats.baselined = result.matched.length;
    stats.staleBaseline = result.stale.length;
  }
  return { findings: kept, stats };
}
