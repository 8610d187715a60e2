import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import * as core from '@actions/core';
import { reachesFailLevel } from '../cli/main.js';
import type { FailOn } from '../cli/options.js';
import { ConfigResolver } from '../engine/config.js';
import { lint } from '../engine/lint.js';
import type { Finding, LintResult } from '../engine/types.js';
import { FORMATTERS } from '../format/index.js';
import { graphView } from '../format/graph/view.js';
import { github } from '../format/github.js';
import { docsLookup } from '../format/links.js';
import { displayPath } from '../format/paths.js';
import { sarif } from '../format/sarif.js';
import { packageVersion } from '../util/package-root.js';
import { changedFiles, pullRequestRange } from './changed-files.js';
import { jobSummary } from './summary.js';

const FAIL_ON: FailOn[] = ['error', 'warning', 'info', 'never'];

export interface ActionInputs {
  paths: string[];
  config?: string;
  failOn: FailOn;
  format: string;
  sarifFile?: string;
  annotate: boolean;
  summary: boolean;
  onlyChanged: boolean;
}

export class InputError extends Error {}

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
  const paths = core.getInput('paths').split(/\s+/).filter(Boolean);
  return {
    paths: paths.length > 0 ? paths : ['.'],
    config: core.getInput('config').trim() || undefined,
    failOn,
    format,
    sarifFile: core.getInput('sarif-file').trim() || undefined,
    annotate: bool('annotate', true),
    summary: bool('summary', true),
    onlyChanged: bool('only-changed', false),
  };
}

/**
 * The GitHub Action: lints the workspace (all of it: grants and identities meet across files), then
 * reports — annotations, a job summary, outputs, an optional SARIF file — on the findings to report:
 * all of them, or with `only-changed` in a pull request those in the files the pull request changes.
 */
export async function runAction(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const cwd = resolve(env.GITHUB_WORKSPACE || process.cwd());
  const inputs = readInputs();
  const config = new ConfigResolver({ cwd, configFile: inputs.config });
  const result: LintResult = await lint(inputs.paths, { cwd, config });
  const graph = result.graph!;
  const context = { cwd, rules: config.ruleMetas(), version: packageVersion() };

  let changed: Set<string> | undefined;
  const range = pullRequestRange(env.GITHUB_EVENT_PATH);
  if (inputs.onlyChanged) {
    if (!range) core.info('only-changed: not a pull request event; reporting every finding.');
    else {
      try {
        changed = changedFiles(range, cwd);
        core.info(`only-changed: ${changed.size} file(s) changed between ${range.base.slice(0, 7)} and ${range.head.slice(0, 7)}.`);
      } catch (e) {
        core.warning(`only-changed: cannot list the changed files (${(e as Error).message.split('\n')[0]}); is the base commit fetched (actions/checkout with fetch-depth: 0)? Reporting every finding.`);
      }
    }
  }
  const reported: Finding[] = changed ? result.findings.filter((f) => changed.has(f.file)) : result.findings;
  const shown: LintResult = { ...result, findings: reported };

  // The log for people first, then the annotations (the runner turns those lines into annotations).
  if (inputs.format !== 'github' || !inputs.annotate) {
    const log = FORMATTERS[inputs.format](shown, { ...context, color: false });
    if (log) process.stdout.write(log.endsWith('\n') ? log : `${log}\n`);
  }
  if (inputs.annotate) process.stdout.write(github(shown, context));

  let sarifPath: string | undefined;
  if (inputs.sarifFile) {
    // Code scanning tracks the whole repository's alerts, so the SARIF file holds every finding.
    sarifPath = resolve(cwd, inputs.sarifFile);
    mkdirSync(dirname(sarifPath), { recursive: true });
    writeFileSync(sarifPath, sarif(result, context));
  }

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
    const text = jobSummary({ findings: reported, cwd, view: graphView(graph, cwd), changed, totalFindings: result.findings.length, blobUrl, docsUrl: docsLookup(context) });
    await core.summary.addRaw(text).write();
  }

  if (reachesFailLevel(reported, inputs.failOn)) {
    core.setFailed(`grantlint: ${reported.length} finding${reported.length === 1 ? '' : 's'}; at least one is at or above '${inputs.failOn}'.`);
  }
}
