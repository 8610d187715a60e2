import { randomUUID } from 'node:crypto';
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import * as core from '@actions/core';
import { unmatchedMessage, unmatchedPaths } from '../discover/unmatched.js';
import { useColor } from '../cli/color.js';
import { configuredBaseline, reachesFailLevel } from '../cli/results.js';
import { parseCliArgs, UsageError, type CliOptions, type FailOn } from '../cli/options.js';
import { Baseline } from '../engine/baseline.js';
import { ConfigResolver } from '../engine/config.js';
import { lint } from '../engine/lint.js';
import type { Finding, LintResult, Severity } from '../engine/types.js';
import { FORMATTERS } from '../format/index.js';
import { graphView } from '../format/graph/view.js';
import { annotation } from '../format/github.js';
import { docsLookup } from '../format/links.js';
import { displayPath } from '../format/paths.js';
import { sarif } from '../format/sarif.js';
import { packageVersion } from '../util/package-root.js';
import { changedLines, onChangedLines, pullRequestRange, type ChangedLines } from './changed-files.js';
import { jobSummary } from './summary.js';

const FAIL_ON: FailOn[] = ['error', 'warning', 'info', 'never'];

/** `only-changed`: everything, the files the pull request changes, or its added and changed lines. */
export type OnlyChanged = 'off' | 'file' | 'lines';

export interface ActionInputs {
  paths: string[];
  config?: string;
  failOn: FailOn;
  format: string;
  sarifFile?: string;
  annotate: boolean;
  summary: boolean;
  onlyChanged: OnlyChanged;
  baseline?: string;
  varFiles: string[];
  /** `args`: the CLI's options, parsed by the CLI's parser (outputs to files, --quiet, ...). */
  cli: CliOptions;
  /** `no-plugins`: load no plugin the configuration names (pull requests from forks). */
  noPlugins: boolean;
}

export class InputError extends Error {}

/** GitHub shows at most this many annotations of each level (error, warning, notice) per step. */
export const ANNOTATIONS_PER_LEVEL = 10;

/** Options of the CLI that mean nothing in the Action (it has inputs for them, or no terminal). */
const NOT_IN_ARGS: [keyof CliOptions, string][] = [
  ['stdin', '--stdin'],
  ['listRules', '--list-rules'],
  ['printConfig', '--print-config'],
  ['writeBaseline', '--write-baseline'],
  ['help', '--help'],
  ['version', '--version'],
  ['outputFile', '--output-file (use -f <format>:<file>)'],
  ['fix', '--fix / --fix-dry-run (fix locally or in a workflow step of your own)'],
  ['cache', '--cache (each Action run starts on a fresh runner)'],
];

/** Splits `args` as a shell would for plain words and quotes: `--var-file "env/prod vars.tfvars"`. */
export function splitArgs(text: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|([^\s"']+)/g;
  let word: string | undefined;
  let last = -1;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const piece = m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : (m[2] ?? m[3]);
    // Pieces with no space between them are one word: --var-file="a b".
    if (word !== undefined && m.index === last) word += piece;
    else {
      if (word !== undefined) out.push(word);
      word = piece;
    }
    last = m.index + m[0].length;
  }
  if (word !== undefined) out.push(word);
  return out;
}

const list = (name: string): string[] => core.getInput(name).split(/\s+/).filter(Boolean);

export function readInputs(): ActionInputs {
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = core.getInput(name).trim().toLowerCase();
    if (raw === '') return fallback;
    if (['true', 'yes', '1', 'on'].includes(raw)) return true;
    if (['false', 'no', '0', 'off'].includes(raw)) return false;
    throw new InputError(`Input '${name}' must be true or false, not '${raw}'.`);
  };
  const failOn = (core.getInput('fail-on').trim() || 'error') as FailOn;
  if (!FAIL_ON.includes(failOn)) throw new InputError(`Input 'fail-on' must be one of ${FAIL_ON.join(', ')}, not '${failOn}'.`);
  const format = core.getInput('format').trim() || 'stylish';
  if (!Object.hasOwn(FORMATTERS, format)) throw new InputError(`Input 'format' must be one of ${Object.keys(FORMATTERS).join(', ')}, not '${format}'.`);
  const onlyChangedRaw = core.getInput('only-changed').trim().toLowerCase() || 'false';
  const onlyChanged: OnlyChanged | undefined = ['true', 'lines', 'added'].includes(onlyChangedRaw) ? 'lines' : onlyChangedRaw === 'file' ? 'file' : onlyChangedRaw === 'false' ? 'off' : undefined;
  if (!onlyChanged) throw new InputError(`Input 'only-changed' must be true (the changed lines), file (the changed files) or false, not '${onlyChangedRaw}'.`);
  let cli: CliOptions;
  try {
    cli = parseCliArgs(splitArgs(core.getInput('args')), Object.keys(FORMATTERS));
  } catch (e) {
    if (e instanceof UsageError) throw new InputError(`Input 'args': ${e.message}`);
    throw e;
  }
  const given = cli as unknown as Record<string, unknown>;
  for (const [key, option] of NOT_IN_ARGS) {
    if (given[key] !== undefined && given[key] !== false) throw new InputError(`Input 'args': ${option} has no meaning in the Action.`);
  }
  if (cli.paths.length !== 1 || cli.paths[0] !== '.') {
    throw new InputError("Input 'args': give the paths to lint in the 'paths' input, not in 'args'.");
  }
  const paths = list('paths');
  return {
    paths: paths.length > 0 ? paths : ['.'],
    config: core.getInput('config').trim() || undefined,
    failOn,
    format,
    sarifFile: core.getInput('sarif-file').trim() || undefined,
    annotate: bool('annotate', true),
    summary: bool('summary', true),
    onlyChanged,
    baseline: core.getInput('baseline').trim() || undefined,
    varFiles: list('var-files'),
    cli,
    noPlugins: bool('no-plugins', false),
  };
}

const LEVEL_ORDER: Severity[] = ['error', 'warning', 'info'];

/**
 * The annotations to print: the most severe first, at most ANNOTATIONS_PER_LEVEL of each level
 * (GitHub drops the rest of a step's annotations of that level, so printing them would only hide
 * which ones are shown). Returns the commands and how many findings of each level were left out.
 */
export function annotations(findings: Finding[], cwd: string, docsUrl: (id: string) => string | undefined): { commands: string[]; left: Record<Severity, number> } {
  const commands: string[] = [];
  const left: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const level of LEVEL_ORDER) {
    const ofLevel = findings.filter((f) => f.severity === level);
    for (const f of ofLevel.slice(0, ANNOTATIONS_PER_LEVEL)) commands.push(annotation(f, cwd, docsUrl(f.ruleId)));
    left[level] = Math.max(0, ofLevel.length - ANNOTATIONS_PER_LEVEL);
  }
  return { commands, left };
}

/**
 * The GitHub Action: lints the workspace (all of it: grants and identities meet across files), then
 * reports — annotations, a job summary, outputs, an optional SARIF file — on the findings to report:
 * all of them, or with `only-changed` in a pull request those on the lines (or in the files) the
 * pull request changes. Linting nothing (a `paths` with a typo) fails the step.
 */
export async function runAction(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const cwd = resolve(env.GITHUB_WORKSPACE || process.cwd());
  const inputs = readInputs();
  core.debug(`grantlint ${packageVersion()}: linting ${inputs.paths.join(' ')} in ${cwd}`);
  const { cli } = inputs;
  const config = new ConfigResolver({ cwd, configFile: inputs.config ?? cli.config, plugins: !inputs.noPlugins && cli.plugins });
  const baselinePath = inputs.baseline ?? cli.baseline ?? configuredBaseline(config, cwd);
  const baseline = baselinePath ? Baseline.read(baselinePath, cwd) : undefined;
  let result: LintResult = await lint(inputs.paths, {
    cwd,
    config,
    varFiles: [...inputs.varFiles, ...cli.varFiles],
    includeGenerated: cli.includeGenerated,
    root: cli.root,
    reportUnusedSuppressions: cli.reportUnusedSuppressions,
    baseline,
    jobs: cli.jobs,
    shard: cli.shard,
    // The job summary draws the identity graph.
    keepGraph: true,
  });
  if (cli.errorOnUnmatchedPattern) {
    const unmatched = await unmatchedPaths(inputs.paths, result.files, cwd);
    if (unmatched.length > 0) throw new InputError(`Input 'paths': ${unmatchedMessage(unmatched)}`);
  }
  if (cli.quiet) result = { ...result, findings: result.findings.filter((f) => f.severity === 'error') };
  const graph = result.graph!;
  const context = { cwd, rules: config.ruleMetas(), version: packageVersion() };
  const docsUrl = docsLookup(context);

  let changed: ChangedLines | undefined;
  const range = pullRequestRange(env.GITHUB_EVENT_PATH);
  if (inputs.onlyChanged !== 'off') {
    if (!range) core.info('only-changed: not a pull request event; reporting every finding.');
    else {
      try {
        changed = changedLines(range, cwd);
        core.info(`only-changed: ${changed.size} file(s) changed between ${range.base.slice(0, 7)} and ${range.head.slice(0, 7)}.`);
      } catch (e) {
        core.warning(`only-changed: cannot list the changes (${(e as Error).message.split('\n')[0]}); is the base commit fetched (actions/checkout with fetch-depth: 0)? Reporting every finding.`);
      }
    }
  }
  const reported: Finding[] = !changed
    ? result.findings
    : inputs.onlyChanged === 'file'
      ? result.findings.filter((f) => changed.has(f.file))
      : result.findings.filter((f) => onChangedLines(f, changed));
  const shown: LintResult = { ...result, findings: reported };

  // The log for people first, then the annotations (the runner turns those lines into annotations).
  if (inputs.format !== 'github' || !inputs.annotate) {
    // Actions logs show colour though stdout is no terminal: on unless NO_COLOR, FORCE_COLOR=0 or --no-color.
    const color = cli.color ?? (env.FORCE_COLOR !== undefined ? useColor(undefined, env, false) : !env.NO_COLOR);
    const log = FORMATTERS[inputs.format](shown, { ...context, color });
    if (log) process.stdout.write(commandsStopped(log));
  }
  let notAnnotated: Record<Severity, number> | undefined;
  if (inputs.annotate) {
    const { commands, left } = annotations(reported, cwd, docsUrl);
    for (const c of commands) process.stdout.write(`${c}\n`);
    notAnnotated = left;
  }

  let sarifPath: string | undefined;
  if (inputs.sarifFile) {
    // Code scanning tracks the whole repository's alerts, so the SARIF file holds every finding.
    sarifPath = resolve(cwd, inputs.sarifFile);
    writeReport(sarifPath, sarif(result, context));
  }
  // `args: -f junit:reports/grantlint.xml`: more reports, of what is reported.
  for (const output of cli.outputs) if (output.file) writeReport(resolve(cwd, output.file), FORMATTERS[output.format](shown, context));

  const counts = { error: 0, warning: 0, info: 0 };
  for (const f of reported) counts[f.severity]++;
  core.setOutput('errors', counts.error);
  core.setOutput('warnings', counts.warning);
  core.setOutput('infos', counts.info);
  core.setOutput('total', reported.length);
  core.setOutput('sarif-file', sarifPath ? displayPath(sarifPath, cwd) : '');

  if (inputs.summary && env.GITHUB_STEP_SUMMARY) {
    // In a pull request GITHUB_SHA is a merge commit nobody browses; link to the head commit.
    const sha = range?.head ?? env.GITHUB_SHA;
    const blobUrl = env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && sha ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/blob/${sha}` : undefined;
    const text = jobSummary({
      findings: reported,
      cwd,
      view: graphView(graph, cwd, result.findings),
      changed: changed ? new Set(changed.keys()) : undefined,
      changedLines: inputs.onlyChanged === 'lines',
      totalFindings: result.findings.length,
      blobUrl,
      docsUrl,
      notAnnotated,
    });
    await core.summary.addRaw(text).write();
  }

  const warnings = counts.warning;
  const tooManyWarnings = cli.maxWarnings >= 0 && warnings > cli.maxWarnings;
  if (reachesFailLevel(reported, inputs.failOn)) {
    core.setFailed(`grantlint: ${reported.length} finding${reported.length === 1 ? '' : 's'}; at least one is at or above '${inputs.failOn}'.`);
  } else if (tooManyWarnings) {
    core.setFailed(`grantlint: ${warnings} warning${warnings === 1 ? '' : 's'}, more than --max-warnings ${cli.maxWarnings} allows.`);
  }
}

function writeReport(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/**
 * Text printed to the log with workflow commands off: the formats already escape what a template
 * can carry, and this is the runner's own guard on top (a random token that no template can guess
 * ends the pause), so that nothing in the log can silence or forge the annotations after it.
 */
export function commandsStopped(text: string, token: string = randomUUID()): string {
  return `::stop-commands::${token}\n${text.endsWith('\n') ? text : `${text}\n`}::${token}::\n`;
}
