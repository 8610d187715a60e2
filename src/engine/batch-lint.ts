/**
 * One batch of module closures linted whole: front ends, the batch's own identity graph, the rules
 * and the filter stage (configured severities, ignores, inline suppressions). Closures share
 * nothing, so the findings of a batch are the findings of its files in a run over everything
 * (the corpus tests hold `--jobs`, batch sizes and shards to that); what needs every batch at
 * once — unreadable files, the baseline, the order — is done by lint() over the outcomes.
 *
 * Runs in a worker thread (pool.ts) when its rules can be named there, else in this thread.
 */
import type { DiscoveredFile } from '../discover/discover.js';
import { builtinRules } from '../../rules/index.js';
import { useEvidence, type UseEvidence } from '../graph/identity-uses.js';
import { roleCatalog } from '../graph/roles.js';
import type { Diagnostic, LoweredProgram } from '../model/template.js';
import { appendAll } from '../util/arrays.js';
import { ConfigResolver, type ConfigResolverOptions } from './config.js';
import { runConfiguredRules } from './configured-rules.js';
import { DIAGNOSTIC_RULES, PARSE_ERROR_RULE } from './diagnostic-rules.js';
import { filterFindings } from './filter.js';
import { analyzeFiles, failedProgram } from './front-ends.js';
import type { CachingHost } from './host.js';
import { uniqueDiagnostics } from './inputs.js';
import { programGraph } from './program-graph.js';
import { fingerprint, runRules, type RuleRun } from './run-rules.js';
import type { Finding, Severity } from './types.js';

/** What a worker needs to lint as this thread would: plain data. */
export interface BatchLintSetup {
  /** The rules to run, by built-in id (without a configuration). */
  rules?: { id: string; severity: Severity; options: Record<string, unknown> }[];
  /** The configuration, rebuilt in the worker from the same options. */
  config?: ConfigResolverOptions;
  reportUnusedSuppressions?: boolean;
  /** Rule ids a suppression may name when there is no configuration. */
  knownRuleIds: string[];
  /** Send the lowered program back too (for one graph of everything: `grantlint graph`, the Action's summary). */
  keepProgram?: boolean;
}

export interface BatchOutcome {
  /** Findings after the filter stage, before the baseline. */
  findings: Finding[];
  /** Findings removed by inline suppressions. */
  suppressed: number;
  /** Files analysed, modules reached from them included. */
  files: string[];
  /** Files a front end reported a problem on (the others that could not be read get `unreadable-file`). */
  diagnosed: string[];
  program?: LoweredProgram;
  /** What in the batch may use an identity of another batch. */
  evidence: UseEvidence;
  /** The batch failed as a whole: its findings are internal errors, not yet filtered. */
  failed?: true;
}

const NO_EVIDENCE: UseEvidence = { names: [], passed: [], declared: [], unknownName: false, unknownDeclared: false };

export class BatchLinter {
  constructor(
    private readonly runs: RuleRun[],
    private readonly config: ConfigResolver | undefined,
    private readonly options: Omit<BatchLintSetup, 'rules' | 'config'>,
  ) {}

  /** The linter of a worker thread, from what `transferable()` gave. */
  static fromSetup(setup: BatchLintSetup): BatchLinter {
    const byId = new Map(builtinRules.map((r) => [r.meta.id, r]));
    const runs = (setup.rules ?? []).map((r) => ({ rule: byId.get(r.id)!, severity: r.severity, options: r.options }));
    return new BatchLinter(runs, setup.config ? new ConfigResolver(setup.config) : undefined, setup);
  }

  /** The setup a worker can rebuild this linter from; undefined when a rule or the configuration is not built in. */
  transferable(): BatchLintSetup | undefined {
    const builtin = new Set(builtinRules);
    if (this.config) {
      if (!this.config.transferable) return undefined;
      return { ...this.options, config: this.config.transferable };
    }
    if (!this.runs.every((r) => builtin.has(r.rule))) return undefined;
    return { ...this.options, rules: this.runs.map((r) => ({ id: r.rule.meta.id, severity: r.severity, options: r.options })) };
  }

  async lint(files: DiscoveredFile[], host: CachingHost): Promise<BatchOutcome> {
    const program = analyzeFiles(files, host);
    const graph = programGraph(program, (f) => host.readFile(f));
    const runOptions = {
      roles: roleCatalog(),
      sourceText: (f: string) => host.readFile(f),
      sourceLines: (f: string) => host.lineMap(f),
      syntaxTree: host.syntaxTree.bind(host),
    };
    let findings: Finding[];
    if (this.config) {
      await this.config.load(program.files);
      findings = runConfiguredRules(graph, this.config, program.files, runOptions);
    } else findings = runRules(graph, this.runs, runOptions);
    appendAll(findings, uniqueDiagnostics(program.diagnostics).map(diagnosticFinding));
    const filtered = filterFindings(findings, program, {
      config: this.config,
      knownRuleIds: new Set(this.options.knownRuleIds),
      reportUnusedSuppressions: this.options.reportUnusedSuppressions,
      readFile: (f) => host.readFile(f),
    });
    return {
      findings: filtered.findings,
      suppressed: filtered.stats.suppressed,
      files: program.files,
      diagnosed: [...new Set(program.diagnostics.map((d) => d.at.file))],
      // Only `orphaned-identity` asks for it: without that rule (and without a configuration that
      // may turn it on for some file) no finding of the run waits on evidence.
      evidence: this.config || this.runs.some((r) => r.rule.meta.id === 'orphaned-identity') ? useEvidence(graph) : NO_EVIDENCE,
      ...(this.options.keepProgram ? { program } : {}),
    };
  }
}

/** The outcome of a batch whose analysis failed: an internal-error finding at the start of each file. */
export function failedOutcome(files: string[], what: string, e: unknown): BatchOutcome {
  const program = failedProgram(files, what, e);
  // Nothing of a failed batch is known: it may use any identity.
  const evidence = { names: [], passed: [], declared: [], unknownName: true, unknownDeclared: true };
  return { findings: program.diagnostics.map(diagnosticFinding), suppressed: 0, files, diagnosed: files, program, evidence, failed: true };
}

export function diagnosticFinding(d: Diagnostic): Finding {
  return {
    ruleId: d.code === 'parse-error' ? PARSE_ERROR_RULE.id : d.code,
    severity: DIAGNOSTIC_RULES.find((m) => m.id === d.code)?.severity ?? 'error',
    message: d.message,
    file: d.at.file,
    range: d.at.range,
    related: [],
    // The message stands in for the declaration: a baselined parse error comes back when it changes.
    fingerprint: fingerprint(d.code, d.at, d.message, undefined),
  };
}
