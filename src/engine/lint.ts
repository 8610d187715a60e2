import { resolve } from 'node:path';
import { discover } from '../discover/discover.js';
import { buildGraph } from '../graph/build.js';
import { roleCatalog } from '../graph/roles.js';
import type { IdentityGraph } from '../graph/types.js';
import { withSourceText } from '../graph/written.js';
import { armFrontEnd } from '../lower/arm/index.js';
import { bicepFrontEnd } from '../lower/bicep/index.js';
import { terraformFrontEnd } from '../lower/terraform/index.js';
import type { FrontEnd } from '../lower/types.js';
import type { Diagnostic, LoweredProgram, SourceFormat } from '../model/template.js';
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

const FRONT_ENDS: Record<SourceFormat, FrontEnd> = {
  bicep: bicepFrontEnd,
  terraform: terraformFrontEnd,
  arm: armFrontEnd,
};

const KIND_TO_FORMAT = { bicep: 'bicep', terraform: 'terraform', json: 'arm' } as const;

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
  /** Reads stay inside this folder (default: the git top level of the paths, or their common folder). */
  root?: string;
}

export type LintProgress =
  | { stage: 'discovered'; files: number }
  | { stage: 'front-end'; format: SourceFormat; files: number; done: number; total: number }
  | { stage: 'rules' };

export interface AnalysisResult {
  graph: IdentityGraph;
  program: LoweredProgram;
  host: CachingHost;
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
      const kind = path.endsWith('.bicep') || path.endsWith('.bicepparam') ? 'bicep' : /\.tf(vars)?(\.json)?$/.test(path) ? 'terraform' : 'json';
      files.push({ path: resolve(path), kind });
    }
  }
  const varFiles = checkedVarFiles(options.varFiles ?? [], cwd);
  const root = options.root ? resolve(cwd, options.root) : repositoryRoot(paths, cwd);
  const host = new CachingHost({ overrides: options.overrides, root, allow: varFiles });
  if (options.varFiles) host.varFiles = varFiles;
  if (options.includeGenerated) host.includeGeneratedTemplates = true;
  const program: LoweredProgram = { resources: [], diagnostics: [], comments: [], files: [], externalCalls: [] };
  const formats = (['bicep', 'arm', 'terraform'] as const).filter((format) => files.some((f) => KIND_TO_FORMAT[f.kind] === format));
  for (const [done, format] of formats.entries()) {
    // A file an earlier front end already analysed as a module (a Bicep module written as ARM
    // JSON) is analysed through its callers, not again as a root.
    const reached = new Set(program.files);
    const mine = files.filter((f) => KIND_TO_FORMAT[f.kind] === format && !reached.has(f.path)).map((f) => f.path);
    options.onProgress?.({ stage: 'front-end', format, files: mine.length, done, total: formats.length });
    const part = FRONT_ENDS[format].analyze(mine, host);
    appendAll(program.resources, part.resources);
    appendAll(program.diagnostics, part.diagnostics);
    appendAll(program.comments, part.comments);
    appendAll(program.files, part.files);
    appendAll(program.externalCalls!, part.externalCalls ?? []);
  }
  appendAll(program.diagnostics, unreadableFiles(files.map((f) => f.path), program, host, walkProblems));
  // Labels in the graph quote values as written (see src/graph/written.ts).
  const graph = withSourceText((f) => host.readFile(f), () => buildGraph(program.resources, roleCatalog(), undefined, program.externalCalls));
  return { graph, program, host };
}

/** The whole pipeline: findings sorted by file, position and rule. */
export async function lint(paths: string[], options: LintOptions = {}): Promise<LintResult> {
  const { graph, program, host } = await analyze(paths, options);
  options.onProgress?.({ stage: 'rules' });
  const runOptions = { roles: roleCatalog(), sourceText: (f: string) => host.readFile(f), sourceLines: (f: string) => host.lineMap(f) };
  const runs = options.rules ?? defaultRuleRuns();
  let findings: Finding[];
  if (options.config) {
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
  filtered.findings.sort(compareFindings);
  return { findings: filtered.findings, files: [...new Set(program.files)].sort(), stats: filtered.stats, graph };
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
