import { resolve } from 'node:path';
import { discover, fileKind } from '../discover/discover.js';
import { roleCatalog } from '../graph/roles.js';
import type { IdentityGraph } from '../graph/types.js';
import { emptyProgram, type LoweredProgram } from '../model/template.js';
import { builtinRules } from '../../rules/index.js';
import { CachingHost } from './host.js';
import type { Baseline } from './baseline.js';
import type { ConfigResolver } from './config.js';
import { runConfiguredRules } from './configured-rules.js';
import { DIAGNOSTIC_RULES } from './diagnostic-rules.js';
import { filterFindings } from './filter.js';
import { compareFindings, runRules, type RuleRun } from './run-rules.js';
import type { Finding, LintResult, Rule } from './types.js';
import { appendAll } from '../util/arrays.js';
import { repositoryRoot } from '../discover/root.js';
import { checkedVarFiles, uniqueDiagnostics, unreadableFiles } from './inputs.js';
import { batches, closuresOf, shardClosures } from './closures.js';
import { mergeProgram } from './front-ends.js';
import { batchHost, defaultJobs, lowering, runBatches, scanInThisThread, scanning, TextStore, WorkerPool, type BatchSetup } from './pool.js';
import { contentHash, type CacheEntry, type ResultCache } from './cache.js';
import { BatchLinter, diagnosticFinding, failedOutcome, type BatchLintSetup, type BatchOutcome } from './batch-lint.js';
import { programGraph } from './program-graph.js';
import { usedElsewhere, type UseEvidence } from '../graph/identity-uses.js';
import type { DiscoveredFile } from '../discover/discover.js';

export { programGraph } from './program-graph.js';

export interface LintOptions {
  cwd?: string;
  /** Rules to run (default: every built-in rule at its default severity). */
  rules?: RuleRun[];
  ignore?: string[];
  /** Text to use instead of a file's content on disk (editors' unsaved buffers), by absolute path. */
  overrides?: Map<string, string>;
  /** Terraform variable files (`--var-file`). */
  varFiles?: string[];
  /** Lint ARM templates generated from a Bicep file that lies beside them. */
  includeGenerated?: boolean;
  /** `.grantlint.yaml` files: severities, options, ignores and plugins per file (default: none, built-in defaults). */
  config?: ConfigResolver;
  /** Report suppressions that suppress nothing (`unused-suppression`). */
  reportUnusedSuppressions?: boolean;
  /** Findings accepted earlier (`--baseline`) stay silent. */
  baseline?: Baseline;
  /** Called as the run advances (a progress indicator). */
  onProgress?: (event: LintProgress) => void;
  /** Reads stay inside this folder (default: the git top level of the paths; outside git, the working folder when it holds them, else their common folder). */
  root?: string;
  /** Worker threads that lint batches of module closures (`--jobs`); default: the number of cores; 1: this thread alone. */
  jobs?: number;
  /** Only this shard's module closures (`--shard i/n`, 1-based). */
  shard?: { index: number; count: number };
  /** Characters of text per batch of module closures (tests: `Infinity` reads all in one batch). */
  batchSize?: number;
  /** Reuse findings of unchanged module closures (`--cache`). */
  cache?: ResultCache;
  /** Characters of text from which workers are used (tests: `0` uses them for any run). */
  parallelFrom?: number;
  /** Discovered files from which the workers start before the closure scan and do it (tests: `0`). */
  scanInWorkersFrom?: number;
  /**
   * Also build one identity graph of everything (`LintResult.graph`: `grantlint graph`, the
   * Action's summary); without it each batch's graph is garbage once its findings are made.
   */
  keepGraph?: boolean;
}

export type LintProgress =
  | { stage: 'discovered'; files: number }
  | { stage: 'front-end'; files: number; done: number; total: number }
  | { stage: 'rules' };

export interface AnalysisResult {
  graph: IdentityGraph;
  program: LoweredProgram;
  host: CachingHost;
}

export function defaultRuleRuns(rules: Rule[] = builtinRules): RuleRun[] {
  return rules.map((rule) => ({ rule, severity: rule.meta.severity, options: { ...(rule.meta.defaultOptions ?? {}) } }));
}

/** What a run analyses, before any front end: the files, their batches, the cache's answers. */
interface Prepared {
  files: DiscoveredFile[];
  walkProblems: Map<string, string>;
  host: CachingHost;
  setup: BatchSetup;
  /** Batches of closures to analyse now (with a cache: one closure each, keyed by `keys`). */
  work: { files: DiscoveredFile[]; size: number }[];
  keys: string[];
  hits?: CacheEntry[];
  /** The texts the closure scan read in this thread, for the batches: no file is read twice. */
  texts: TextStore;
  /** Workers that did the closure scan (they hold the other texts), for the batches. */
  pool?: WorkerPool;
}

/** How the batches will be read: by `jobs` threads, linted whole with `lint` (or only lowered). */
interface Reading {
  jobs: number;
  lint?: BatchLintSetup;
}

/**
 * discover → module closures → shards → cache lookups → batches. In a large run (not sharded, no
 * cache) the workers start here and do the closure scan; the caller hands the pool to runBatches
 * or, if it throws first, the pool is stopped here.
 */
async function prepare(paths: string[], options: LintOptions, reading: Reading): Promise<Prepared> {
  const cwd = options.cwd ?? process.cwd();
  const walkProblems = new Map<string, string>();
  let files = await discover(paths, { cwd, ignore: options.ignore, problems: walkProblems });
  if (options.config) {
    const config = options.config;
    files = files.filter((f) => !config.isIgnored(f.path));
    await config.load(files.map((f) => f.path));
  }
  options.onProgress?.({ stage: 'discovered', files: files.length });
  for (const path of options.overrides?.keys() ?? []) {
    if (!files.some((f) => f.path === path)) {
      files.push({ path: resolve(path), kind: fileKind(path) ?? 'json' });
    }
  }
  // Rules and filters read texts only where they need them (findings, directives): front ends
  // read theirs through a host per batch, released with the batch.
  const varFiles = checkedVarFiles(options.varFiles ?? [], cwd);
  const root = options.root ? resolve(cwd, options.root) : repositoryRoot(paths, cwd);
  // Every host of the run (this one and each batch's, in workers too) reads inside the same root.
  const host = new CachingHost({ overrides: options.overrides, root, allow: varFiles });
  const config = options.config;
  // The configuration decides per file whether scripts are read; workers get the answer as data.
  const scriptsDisabled = config ? files.filter((f) => !config.scriptsEnabled(f.path)).map((f) => f.path) : [];
  const setup: BatchSetup = {
    overrides: options.overrides,
    varFiles: options.varFiles ? varFiles : undefined,
    root,
    includeGenerated: options.includeGenerated,
    ...(scriptsDisabled.length > 0 ? { scriptsDisabled } : {}),
  };
  const hashes = new Map<string, string>();
  const texts = new TextStore();
  const pool = options.cache || options.shard ? undefined : WorkerPool.start({ ...setup, lint: reading.lint }, reading.jobs, files.length, options.scanInWorkersFrom);
  let closures;
  try {
    // A template the Bicep compiler generated beside its source is passed over here already (as the
    // ARM front end would, once read): no batch reads it again.
    const scanOne = scanning(setup, host);
    const scans = pool
      ? await pool.scan(files, host, texts, scanOne)
      : scanInThisThread(files, texts, scanOne, options.cache ? (path, text) => hashes.set(path, contentHash(text)) : undefined);
    closures = closuresOf(files, scans);
  } catch (e) {
    pool?.terminate();
    throw e;
  }
  if (options.shard) {
    const all = closures;
    closures = shardClosures(closures, options.shard.index, options.shard.count);
    const kept = new Set(closures);
    texts.forget(all.filter((c) => !kept.has(c)).flatMap((c) => c.files.map((f) => f.path)));
  }
  const keys: string[] = [];
  let hits: CacheEntry[] | undefined;
  if (options.cache) {
    const cache = options.cache;
    const hashOf = (path: string): string | undefined => {
      if (!hashes.has(path)) {
        const text = host.readUncached(path);
        if (text !== undefined) hashes.set(path, contentHash(text));
      }
      return hashes.get(path);
    };
    hits = [];
    const stale: typeof closures = [];
    for (const c of closures) {
      const key = closureKey(c.files.map((f) => f.path), hashOf, options.config);
      const entry = cache.lookup(key, hashOf);
      if (entry) {
        hits.push(entry);
        texts.forget(c.files.map((f) => f.path));
      } else {
        stale.push(c);
        keys.push(key);
      }
    }
    closures = stale;
  }
  // With a cache every closure is a batch of its own: its findings are stored apart.
  const groups = options.cache ? closures.map((c) => [c]) : batches(closures, options.batchSize);
  const work = groups.map((group) => ({ files: group.flatMap((c) => c.files), size: group.reduce((n, c) => n + c.size, 0) }));
  return { files, walkProblems, host, setup, work, keys, hits, texts, pool };
}

function progressOf(options: LintOptions, work: Prepared['work']): (done: number, count: number) => void {
  const total = work.reduce((n, b) => n + b.files.length, 0);
  return (done, count) => options.onProgress?.({ stage: 'front-end', files: total, done, total: count });
}

/** discover → parse/lower/link (front ends) → one graph of everything. */
export async function analyze(paths: string[], options: LintOptions = {}): Promise<AnalysisResult> {
  const jobs = options.jobs ?? defaultJobs();
  const prep = await prepare(paths, options, { jobs });
  const { work, setup, host } = prep;
  const parts = await runBatches(work, setup, jobs, lowering(setup), progressOf(options, work), options.parallelFrom, prep.texts, prep.pool);
  const program: LoweredProgram = emptyProgram();
  for (const part of parts) mergeProgram(program, part);
  // The closure scan read every discovered file through `host`: what it could not read is a finding.
  const reported = new Set(program.diagnostics.map((d) => d.at.file));
  appendAll(program.diagnostics, unreadableFiles(prep.files.map((f) => f.path), reported, host, prep.walkProblems));
  const graph = programGraph(program, (f) => host.readFile(f));
  return { graph, program, host };
}

/**
 * The whole pipeline: findings sorted by file, position and rule. Each batch of closures is linted
 * whole (batch-lint.ts), in the worker pool when its rules can be named there; the outcomes are
 * then joined: unreadable files, the cache, the baseline, the order.
 */
export async function lint(paths: string[], options: LintOptions = {}): Promise<LintResult> {
  const runs = options.rules ?? defaultRuleRuns();
  const knownRuleIds = [...runs.map((r) => r.rule.meta.id), ...DIAGNOSTIC_RULES.map((m) => m.id)];
  const linter = new BatchLinter(runs, options.config, { knownRuleIds, reportUnusedSuppressions: options.reportUnusedSuppressions, keepProgram: options.keepGraph });
  const transfer = linter.transferable();
  // Rules a worker cannot name (a test's own) run in this thread only.
  const jobs = transfer ? (options.jobs ?? defaultJobs()) : 1;
  const prep = await prepare(paths, options, { jobs, lint: transfer });
  const { work, setup, host } = prep;
  const job = { run: (files: DiscoveredFile[], texts?: [string, string][]) => linter.lint(files, batchHost(setup, texts)), failed: failedOutcome };
  const outcomes = await runBatches(work, { ...setup, lint: transfer }, jobs, job, progressOf(options, work), options.parallelFrom, prep.texts, prep.pool);
  options.onProgress?.({ stage: 'rules' });

  const filterAlone = (list: Finding[]): Finding[] =>
    filterFindings(list, emptyProgram(), { config: options.config, knownRuleIds: new Set(knownRuleIds), readFile: (f) => host.readFile(f) }).findings;
  const files = new Set<string>();
  let suppressed = 0;
  const diagnosed = new Set<string>();
  // Each batch analysed now and each closure reused from the cache is a unit with its evidence.
  const units: { findings: Finding[]; evidence: UseEvidence }[] = [];
  outcomes.forEach((o, i) => {
    units.push({ findings: o.failed ? filterAlone(o.findings) : o.findings, evidence: o.evidence });
    for (const f of o.files) files.add(f);
    for (const f of o.diagnosed) diagnosed.add(f);
    suppressed += o.suppressed;
    if (options.cache) storeOutcome(options.cache, prep.keys[i], work[i].files, o, host);
  });
  for (const hit of prep.hits ?? []) {
    units.push({ findings: hit.findings, evidence: hit.evidence });
    for (const f of hit.files) files.add(f);
    suppressed += hit.suppressed;
  }
  options.cache?.save();
  const all = runWideFindings(units);
  // The closure scan read every discovered file through `host`: what it could not read is a finding.
  appendAll(all, filterAlone(unreadableFiles(prep.files.map((f) => f.path), diagnosed, host, prep.walkProblems).map(diagnosticFinding)));
  // Formats describe every rule of the configurations in force, those of modules reached too.
  if (options.config) await options.config.load([...files]);
  // A module reached from two closures reports its findings in both: one copy each.
  let kept = withoutRepeats(all);
  kept.sort(compareFindings);
  const stats = { suppressed, baselined: 0, staleBaseline: 0 };
  if (options.baseline) {
    const outcome = options.baseline.apply(kept);
    kept = outcome.kept;
    stats.baselined = outcome.matched.length;
    stats.staleBaseline = outcome.stale.length;
  }
  const result: LintResult = { findings: kept, files: [...files].sort(), stats };
  if (options.keepGraph) {
    const program = emptyProgram();
    for (const o of outcomes) if (o.program) mergeProgram(program, o.program);
    result.graph = programGraph(program, (f) => host.readFile(f));
  }
  return result;
}

/**
 * The findings without exact repeats, first copies kept in order. Findings are told apart by a
 * short key first (rule, fingerprint, place, message): only findings that share it are compared
 * whole, so a run with many findings serializes few.
 */
export function withoutRepeats(findings: Finding[]): Finding[] {
  const seen = new Map<string, { first: Finding; texts?: Set<string> }>();
  return findings.filter((f) => {
    const { start, end } = f.range;
    const key = `${f.ruleId}\u0000${f.fingerprint}\u0000${f.file}\u0000${start.line}:${start.column}-${end.line}:${end.column}\u0000${f.message}`;
    const entry = seen.get(key);
    if (!entry) {
      seen.set(key, { first: f });
      return true;
    }
    entry.texts ??= new Set([JSON.stringify(entry.first)]);
    const text = JSON.stringify(f);
    if (entry.texts.has(text)) return false;
    entry.texts.add(text);
    return true;
  });
}

/**
 * The units' findings, judged over the whole run: a finding that holds only if no other unit may
 * use its identity is dropped when one may (identity-uses.ts), and loses the condition otherwise.
 */
function runWideFindings(units: { findings: Finding[]; evidence: UseEvidence }[]): Finding[] {
  const out: Finding[] = [];
  units.forEach((unit, i) => {
    for (const f of unit.findings) {
      if (!f.unlessUsedElsewhere) out.push(f);
      else if (!usedElsewhere(f.unlessUsedElsewhere.name, units.filter((_, j) => j !== i).map((u) => u.evidence))) out.push(withoutCondition(f));
    }
  });
  return out;
}

function withoutCondition(f: Finding): Finding {
  const { unlessUsedElsewhere, ...rest } = f;
  void unlessUsedElsewhere;
  return rest;
}

/**
 * A closure's outcome, stored for the next run. A finding in a file outside the closure could
 * not be given back by a run that reuses it: such an outcome is not stored.
 */
function storeOutcome(cache: ResultCache, key: string, closure: DiscoveredFile[], outcome: BatchOutcome, host: Pick<CachingHost, 'readUncached'>): void {
  if (outcome.failed) return;
  const own = new Set([...closure.map((f) => f.path), ...outcome.files]);
  if (outcome.findings.some((f) => !own.has(f.file))) return;
  const inputs: Record<string, string> = {};
  for (const f of [...own].sort()) {
    const text = host.readUncached(f);
    if (text !== undefined) inputs[f] = contentHash(text);
  }
  cache.store(key, { inputs, findings: outcome.findings, files: outcome.files, suppressed: outcome.suppressed, evidence: outcome.evidence });
}

/** Rules, diagnostics and the filter stage over an analysis (the language server brings its own, cached). */
export async function lintAnalysis(
  analysis: Pick<AnalysisResult, 'graph' | 'program'> & { host: Pick<CachingHost, 'readFile' | 'readUncached' | 'lineMap'> },
  options: LintOptions = {},
  /** The rules' findings when the caller has them already (the language server, per root). */
  ruleFindings?: Finding[],
): Promise<LintResult> {
  const { graph, program, host } = analysis;
  options.onProgress?.({ stage: 'rules' });
  const runOptions = { roles: roleCatalog(), sourceText: (f: string) => host.readFile(f), sourceLines: (f: string) => host.lineMap(f) };
  const runs = options.rules ?? defaultRuleRuns();
  let findings: Finding[];
  if (ruleFindings) {
    if (options.config) await options.config.load(program.files);
    findings = [...ruleFindings];
  } else if (options.config) {
    await options.config.load(program.files);
    findings = runConfiguredRules(graph, options.config, program.files, runOptions);
  } else findings = runRules(graph, runs, runOptions);
  appendAll(findings, uniqueDiagnostics(program.diagnostics).map(diagnosticFinding));
  const filtered = filterFindings(findings, program, {
    config: options.config,
    knownRuleIds: new Set([...runs.map((r) => r.rule.meta.id), ...DIAGNOSTIC_RULES.map((m) => m.id)]),
    reportUnusedSuppressions: options.reportUnusedSuppressions,
    baseline: options.baseline,
    readFile: (f) => host.readFile(f),
  });
  // One graph of everything: a run-wide condition was judged already.
  const kept = filtered.findings.map((f) => (f.unlessUsedElsewhere ? withoutCondition(f) : f));
  kept.sort(compareFindings);
  return { findings: kept, files: [...new Set(program.files)].sort(), stats: filtered.stats, graph };
}

/** A closure's key: its files, their content, and the configuration in force for each. */
function closureKey(paths: string[], hashOf: (path: string) => string | undefined, config: ConfigResolver | undefined): string {
  const parts = paths.map((p) => [p, hashOf(p) ?? '', config ? JSON.stringify(config.forFile(p), (_, v: unknown) => (v instanceof Map ? [...v] : v)) : '']);
  return contentHash(JSON.stringify(parts));
}
