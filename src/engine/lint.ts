import { resolve } from 'node:path';
import { discover, fileKind } from '../discover/discover.js';
import { buildGraph, SHAPES } from '../graph/build.js';
import { roleCatalog } from '../graph/roles.js';
import type { IdentityGraph } from '../graph/types.js';
import { withSourceText } from '../graph/written.js';
import { emptyProgram, type Diagnostic, type LoweredProgram } from '../model/template.js';
import { builtinRules } from '../../rules/index.js';
import { CachingHost } from './host.js';
import type { Baseline } from './baseline.js';
import type { ConfigResolver } from './config.js';
import { runConfiguredRules } from './configured-rules.js';
import { DIAGNOSTIC_RULES, PARSE_ERROR_RULE } from './diagnostic-rules.js';
import { filterFindings } from './filter.js';
import { compareFindings, fingerprint, runRules, type RuleRun } from './run-rules.js';
import type { Finding, LintResult, Rule } from './types.js';
import { appendAll } from '../util/arrays.js';
import { repositoryRoot } from '../discover/root.js';
import { checkedVarFiles, uniqueDiagnostics, unreadableFiles } from './inputs.js';
import { batches, moduleClosures, shardClosures } from './closures.js';
import { mergeProgram } from './front-ends.js';
import { defaultJobs, lowerBatches } from './pool.js';
import { contentHash, type CacheEntry, type ResultCache } from './cache.js';

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
  /** Worker threads for parsing and lowering (`--jobs`); default: the number of cores. */
  jobs?: number;
  /** Only this shard's module closures (`--shard i/n`, 1-based). */
  shard?: { index: number; count: number };
  /** Characters of text per batch of module closures (tests: `Infinity` reads all in one batch). */
  batchSize?: number;
  /** Reuse findings of unchanged module closures (`--cache`). */
  cache?: ResultCache;
  /** Characters of text from which workers are used (tests: `0` uses them for any run). */
  parallelFrom?: number;
}

export type LintProgress =
  | { stage: 'discovered'; files: number }
  | { stage: 'front-end'; files: number; done: number; total: number }
  | { stage: 'rules' };

export interface AnalysisResult {
  graph: IdentityGraph;
  program: LoweredProgram;
  host: CachingHost;
  /** With a cache: the closures reused, and those analysed now (one batch each, in order). */
  cached?: { hits: CacheEntry[]; analysed: { key: string; files: string[]; program: LoweredProgram }[] };
}

export function defaultRuleRuns(rules: Rule[] = builtinRules): RuleRun[] {
  return rules.map((rule) => ({ rule, severity: rule.meta.severity, options: { ...(rule.meta.defaultOptions ?? {}) } }));
}

/** discover → parse/lower/link (front ends) → graph. */
export async function analyze(paths: string[], options: LintOptions = {}): Promise<AnalysisResult> {
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
  const setup = {
    overrides: options.overrides,
    varFiles: options.varFiles ? varFiles : undefined,
    root,
    includeGenerated: options.includeGenerated,
    ...(scriptsDisabled.length > 0 ? { scriptsDisabled } : {}),
  };
  const hashes = new Map<string, string>();
  let closures = moduleClosures(files, (path) => {
    const text = host.readUncached(path);
    if (options.cache && text !== undefined) hashes.set(path, contentHash(text));
    return text;
  });
  if (options.shard) closures = shardClosures(closures, options.shard.index, options.shard.count);
  let cached: AnalysisResult['cached'];
  let keys: string[] = [];
  if (options.cache) {
    const cache = options.cache;
    const hashOf = (path: string): string | undefined => {
      if (!hashes.has(path)) {
        const text = host.readUncached(path);
        if (text !== undefined) hashes.set(path, contentHash(text));
      }
      return hashes.get(path);
    };
    const hits: CacheEntry[] = [];
    const stale: typeof closures = [];
    for (const c of closures) {
      const key = closureKey(c.files.map((f) => f.path), hashOf, options.config);
      const entry = cache.lookup(key, hashOf);
      if (entry) hits.push(entry);
      else {
        stale.push(c);
        keys.push(key);
      }
    }
    closures = stale;
    cached = { hits, analysed: [] };
  }
  // With a cache every closure is a batch of its own: its findings are stored apart.
  const groups = options.cache ? closures.map((c) => [c]) : batches(closures, options.batchSize);
  const work = groups.map((group) => ({ files: group.flatMap((c) => c.files), size: group.reduce((n, c) => n + c.size, 0) }));
  const total = work.reduce((n, b) => n + b.files.length, 0);
  const onBatch = (done: number, count: number): void => options.onProgress?.({ stage: 'front-end', files: total, done, total: count });
  const parts = await lowerBatches(work, setup, options.jobs ?? defaultJobs(), onBatch, options.parallelFrom);
  const program: LoweredProgram = emptyProgram();
  for (const part of parts) mergeProgram(program, part);
  // The closure scan read every discovered file through `host`: what it could not read is a finding.
  appendAll(program.diagnostics, unreadableFiles(files.map((f) => f.path), program, host, walkProblems));
  if (cached) cached.analysed = parts.map((part, i) => ({ key: keys[i], files: work[i].files.map((f) => f.path), program: part }));
  keys = [];
  const graph = programGraph(program, (f) => host.readFile(f));
  return { graph, program, host, cached };
}

/** The identity graph of a lowered program (the language server builds its graphs with this too). */
export function programGraph(program: LoweredProgram, readFile: (path: string) => string | undefined): IdentityGraph {
  // Labels in the graph quote values as written (see src/graph/written.ts).
  const inputs = { externalCalls: program.externalCalls, exports: program.exports, serviceAccounts: program.serviceAccounts };
  return withSourceText(readFile, () => buildGraph(program.resources, roleCatalog(), SHAPES, inputs));
}

/** The whole pipeline: findings sorted by file, position and rule. */
export async function lint(paths: string[], options: LintOptions = {}): Promise<LintResult> {
  return lintAnalysis(await analyze(paths, options), options);
}

/** Rules, diagnostics and the filter stage over an analysis (the language server brings its own, cached). */
export async function lintAnalysis(
  analysis: Pick<AnalysisResult, 'graph' | 'program' | 'cached'> & { host: Pick<CachingHost, 'readFile' | 'readUncached' | 'lineMap'> },
  options: LintOptions = {},
  /** The rules' findings when the caller has them already (the language server, per root). */
  ruleFindings?: Finding[],
): Promise<LintResult> {
  const { graph, program, host, cached } = analysis;
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
  const filter = (list: Finding[], part: LoweredProgram, baseline?: Baseline) =>
    filterFindings(list, part, {
      config: options.config,
      knownRuleIds: new Set([...runs.map((r) => r.rule.meta.id), ...DIAGNOSTIC_RULES.map((m) => m.id)]),
      reportUnusedSuppressions: options.reportUnusedSuppressions,
      baseline,
      readFile: (f) => host.readFile(f),
    });
  if (cached && options.cache) return cachedResult(findings, cached, options.cache, filter, host, options.baseline, graph);
  const filtered = filter(findings, program, options.baseline);
  filtered.findings.sort(compareFindings);
  return { findings: filtered.findings, files: [...new Set(program.files)].sort(), stats: filtered.stats, graph };
}

type Filter = (list: Finding[], part: LoweredProgram, baseline?: Baseline) => ReturnType<typeof filterFindings>;

/**
 * Findings of the closures analysed now are filtered closure by closure and stored; those of the
 * closures reused join them; the baseline applies to the whole.
 */
function cachedResult(
  findings: Finding[],
  cached: NonNullable<AnalysisResult['cached']>,
  cache: ResultCache,
  filter: Filter,
  host: Pick<CachingHost, 'readUncached'>,
  baseline: Baseline | undefined,
  graph: IdentityGraph,
): LintResult {
  const byFile = new Map<string, number[]>();
  cached.analysed.forEach((a, i) => {
    for (const f of new Set([...a.files, ...a.program.files])) byFile.set(f, [...(byFile.get(f) ?? []), i]);
  });
  const perClosure = cached.analysed.map(() => [] as Finding[]);
  const unplaced: Finding[] = [];
  for (const f of findings) {
    const owners = byFile.get(f.file);
    if (owners) for (const i of owners) perClosure[i].push(f);
    else unplaced.push(f);
  }
  // A finding in no analysed file could not be given back by a later run: store nothing then.
  const storing = unplaced.length === 0;
  const all: Finding[] = [];
  const files = new Set<string>();
  let suppressed = 0;
  cached.analysed.forEach((a, i) => {
    const filtered = filter(perClosure[i], a.program);
    const inputs: Record<string, string> = {};
    for (const f of [...new Set([...a.files, ...a.program.files])].sort()) {
      const text = host.readUncached(f);
      if (text !== undefined) inputs[f] = contentHash(text);
    }
    if (storing) cache.store(a.key, { inputs, findings: filtered.findings, files: a.program.files, suppressed: filtered.stats.suppressed });
    appendAll(all, filtered.findings);
    for (const f of a.program.files) files.add(f);
    suppressed += filtered.stats.suppressed;
  });
  if (!storing) appendAll(all, filter(unplaced, emptyProgram()).findings);
  for (const hit of cached.hits) {
    appendAll(all, hit.findings);
    for (const f of hit.files) files.add(f);
    suppressed += hit.suppressed;
  }
  if (storing) cache.save();
  // A module reached from two closures reports its findings in both: one copy each.
  const seen = new Set<string>();
  let kept = all.filter((f) => {
    const k = JSON.stringify(f);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  const stats = { suppressed, baselined: 0, staleBaseline: 0 };
  if (baseline) {
    const outcome = baseline.apply(kept);
    kept = outcome.kept;
    stats.baselined = outcome.matched.length;
    stats.staleBaseline = outcome.stale.length;
  }
  kept.sort(compareFindings);
  return { findings: kept, files: [...files].sort(), stats, graph };
}

/** A closure's key: its files, their content, and the configuration in force for each. */
function closureKey(paths: string[], hashOf: (path: string) => string | undefined, config: ConfigResolver | undefined): string {
  const parts = paths.map((p) => [p, hashOf(p) ?? '', config ? JSON.stringify(config.forFile(p), (_, v: unknown) => (v instanceof Map ? [...v] : v)) : '']);
  return contentHash(JSON.stringify(parts));
}

function diagnosticFinding(d: Diagnostic): Finding {
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
