import { resolve } from 'node:path';
import { PathNotFoundError } from '../discover/discover.js';
import { Baseline, writeBaseline } from '../engine/baseline.js';
import { ConfigError, ConfigResolver } from '../engine/config.js';
import { lint } from '../engine/lint.js';
import type { Finding, Severity } from '../engine/types.js';
import { roleCatalog } from '../graph/roles.js';
import { FORMATTERS } from '../format/index.js';
import { packageVersion } from '../util/package-root.js';
import { findingsFor } from '../integrations/stdin.js';
import { listRules, printConfig } from './config-commands.js';
import { runGraph } from './graph.js';
import { helpText, parseCliArgs, UsageError, type FailOn } from './options.js';
import { progressReporter } from './progress.js';
import { stdinBuffer } from './stdin.js';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

const RANK: Record<Severity, number> = { info: 1, warning: 2, error: 3 };

export function reachesFailLevel(findings: Finding[], failOn: FailOn): boolean {
  if (failOn === 'never') return false;
  return findings.some((f) => RANK[f.severity] >= RANK[failOn]);
}

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  isTTY: boolean;
  /** stderr is a terminal: a progress line may be shown there. */
  stderrIsTTY?: boolean;
}

const defaultIo = (): CliIo => ({
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  cwd: process.cwd(),
  isTTY: !!process.stdout.isTTY,
  stderrIsTTY: !!process.stderr.isTTY,
});

/** Runs the CLI; returns the exit code. Never throws on user input. */
export async function main(argv: string[], io: CliIo = defaultIo()): Promise<number> {
  const formats = Object.keys(FORMATTERS);
  try {
    if (argv[0] === 'graph') return await runGraph(argv.slice(1), io);
    const options = parseCliArgs(argv, formats);
    if (options.help) {
      io.stdout(helpText(formats));
      return EXIT_OK;
    }
    if (options.version) {
      const roles = roleCatalog();
      io.stdout(`${packageVersion()} (Azure built-in roles: ${roles.size}, snapshot ${roles.snapshot ?? 'of unknown date'})\n`);
      return EXIT_OK;
    }
    const config = new ConfigResolver({ cwd: io.cwd, configFile: options.config });
    if (options.listRules) {
      await config.loadFolder(io.cwd);
      io.stdout(listRules(config, options.format));
      return EXIT_OK;
    }
    if (options.printConfig) {
      io.stdout(await printConfig(config, options.printConfig));
      return EXIT_OK;
    }
    // A baseline being rewritten must not hide the findings it is rewritten from.
    const baseline = options.baseline && !options.writeBaseline ? Baseline.read(options.baseline, io.cwd) : undefined;
    const progress = options.format === 'stylish' && io.stderrIsTTY ? progressReporter(io.stderr) : undefined;
    const buffer = options.stdin ? await stdinBuffer(options.stdinFilename!, io.cwd) : undefined;
    let result;
    try {
      result = await lint(buffer?.paths ?? options.paths, {
        overrides: buffer?.overrides,
        cwd: io.cwd,
        varFiles: options.varFiles,
        includeGenerated: options.includeGenerated,
        config,
        reportUnusedSuppressions: options.reportUnusedSuppressions,
        baseline,
        onProgress: progress?.onProgress,
      });
    } finally {
      progress?.done();
    }
    if (buffer) result = { ...result, findings: findingsFor(result.findings, buffer.file) };
    if (options.writeBaseline) {
      const count = writeBaseline(resolve(io.cwd, options.writeBaseline), result.findings);
      io.stderr(`grantlint: wrote ${count} finding${count === 1 ? '' : 's'} to ${options.writeBaseline}\n`);
      return EXIT_OK;
    }
    if (baseline && result.stats?.staleBaseline && options.format === 'stylish') {
      io.stderr(`grantlint: ${result.stats.staleBaseline} baseline entr${result.stats.staleBaseline === 1 ? 'y matches' : 'ies match'} nothing any more; refresh it with --write-baseline ${options.baseline}\n`);
    }
    const text = FORMATTERS[options.format](result, {
      cwd: io.cwd,
      rules: config.ruleMetas(),
      version: packageVersion(),
      color: io.isTTY && !process.env.NO_COLOR,
    });
    io.stdout(text);
    return reachesFailLevel(result.findings, options.failOn) ? EXIT_FINDINGS : EXIT_OK;
  } catch (e) {
    if (e instanceof UsageError || e instanceof PathNotFoundError || e instanceof ConfigError) {
      io.stderr(`grantlint: ${e.message}\n`);
      return EXIT_USAGE;
    }
    const err = e as Error;
    io.stderr(`grantlint: internal error: ${err.message}\n${process.env.GRANTLINT_DEBUG ? `${err.stack}\n` : 'Set GRANTLINT_DEBUG=1 for details, and please report it.\n'}`);
    return EXIT_USAGE;
  }
}
