import type { IdentityGraph } from '../graph/types.js';
import { stableJson, type ConfigResolver, type EffectiveConfig } from './config.js';
import { runRules, sourceFixer, type RunRulesOptions } from './run-rules.js';
import type { Finding } from './types.js';
import { appendAll } from '../util/arrays.js';

/**
 * Runs every rule that is on for at least one of the files, with the options configured for them.
 * Rules see the whole graph, so a rule runs once per distinct set of options among the files, and
 * each run keeps the findings in the files configured with its options. Severities are set later,
 * by the filter stage.
 */
export function runConfiguredRules(graph: IdentityGraph, config: ConfigResolver, files: string[], options: RunRulesOptions): Finding[] {
  const findings: Finding[] = [];
  // Files share their effective configuration (ConfigResolver.forFile), so a key is made once per
  // configuration and rule, not once per file and rule.
  const keys = new Map<EffectiveConfig, Map<string, string | undefined>>();
  const optionsKey = (file: string, ruleId: string): string | undefined => {
    const effective = config.forFile(file);
    let byRule = keys.get(effective);
    if (!byRule) keys.set(effective, (byRule = new Map()));
    if (byRule.has(ruleId)) return byRule.get(ruleId);
    const setting = effective.rules.get(ruleId);
    const key = !setting || setting.severity === 'off' || effective.ignored ? undefined : stableJson(setting.options);
    byRule.set(ruleId, key);
    return key;
  };
  // One edit builder for every rule: a file a fix edits is parsed again once, not once per rule.
  const shared: RunRulesOptions = { ...options, fixer: options.fixer ?? sourceFixer(options) };
  for (const rule of config.rules()) {
    const groups = new Map<string, Record<string, unknown>>();
    for (const file of files) {
      const key = optionsKey(file, rule.meta.id);
      if (key !== undefined && !groups.has(key)) groups.set(key, config.forFile(file).rules.get(rule.meta.id)!.options);
    }
    for (const [key, ruleOptions] of groups) {
      const run = runRules(graph, [{ rule, severity: rule.meta.severity, options: structuredClone(ruleOptions) }], shared);
      appendAll(findings, groups.size === 1 ? run : run.filter((f) => optionsKey(f.file, rule.meta.id) === key));
    }
  }
  return findings;
}
