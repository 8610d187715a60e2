import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { importModule } from '../util/import-module.js';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { contentHash, ResultCache, runKey } from '../engine/cache.js';
import { PathNotFoundError } from '../discover/discover.js';
import { unmatchedMessage, unmatchedPaths } from '../discover/unmatched.js';
import { Baseline, writeBaseline } from '../engine/baseline.js';
import { ConfigError, ConfigResolver } from '../engine/config.js';
import { lint } from '../engine/lint.js';
import { lintAndFix } from '../engine/fix/run-fixes.js';
import { closest } from '../engine/suggest.js';
import type { LintResult } from '../engine/types.js';
import { roleCatalog } from '../graph/roles.js';
import { FORMATTERS } from '../format/index.js';
import type { FormatContext } from '../format/types.js';
import { describeFsError, EnvironmentError } from '../util/fs-errors.js';
import { packageVersion } from '../util/package-root.js';
import { findingsFor } from '../integrations/stdin.js';
import { listRules, printConfig } from './config-commands.js';
import { useColor } from './color.js';
import { graphHelpText, runGraph } from './graph.js';
import { helpText, parseCliArgs, UsageError, type CliOptions } from './options.js';
import { guardStandardOutput } from './io.js';
import { progressReporter } from './progress.js';
import { stdinBuffer } from './stdin.js';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

const SUBCOMMANDS = ['graph', 'help', 'lsp'];

// Kept apart so the Action's bundle does not carry the CLI (and its language server).
import { configuredBaseline, reachesFailLevel } from './results.js';
export { configuredBaseline, reachesFailLevel };

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  isTTY: boolean;
  /** stderr is a terminal: a progress line may be shown there. */
  stderrIsTTY?: boolean;
  /** The environment (FORCE_COLOR, NO_COLOR); process.env when absent. */
  env?: NodeJS.ProcessEnv;
}

const defaultIo = (): CliIo => {
  guardStandardOutput();
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    cwd: process.cwd(),
    isTTY: !!process.stdout.isTTY,
    stderrIsTTY: !!process.stderr.isTTY,
  };
};

/** `--cache`: `.grantlintcache` in the working folder, or `--cache-location` (a file, or a folder to put it in). */
function openCache(options: CliOptions, config: ConfigResolver, cwd: string): ResultCache {
  let path = resolve(cwd, options.cacheLocation ?? '.grantlintcache');
  if (options.cacheLocation && (options.cacheLocation.endsWith('/') || isFolder(path))) path = join(path, '.grantlintcache');
  const varFiles = options.varFiles.map((f) => {
    const abs = resolve(cwd, f);
    return [abs, existsSync(abs) ? contentHash(readFileSync(abs, 'utf8')) : ''];
  });
  return new ResultCache(
    path,
    runKey({
      version: packageVersion(),
      includeGenerated: options.includeGenerated,
      reportUnusedSuppressions: options.reportUnusedSuppressions,
      varFiles,
      rules: config.ruleMetas().map((m) => m.id),
    }),
  );
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Runs the CLI; returns the exit code. Never throws on user input. */
export async function main(argv: string[], io: CliIo = defaultIo()): Promise<number> {
  const formats = Object.keys(FORMATTERS);
  try {
    if (argv[0] === 'graph') return await runGraph(argv.slice(1), io);
    if (argv[0] === 'help') {
      io.stdout(argv[1] === 'graph' ? graphHelpText() : helpText(formats));
      return EXIT_OK;
    }
    if (argv[0] === 'lsp') {
      // Loaded only here: linting from the command line never pays for the protocol library.
      const { runLanguageServer } = (await importModule(languageServerModule())) as typeof import('../lsp/server.js');
      return await runLanguageServer();
    }
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
    const config = new ConfigResolver({ cwd: io.cwd, configFile: options.config, plugins: options.plugins });
    if (options.listRules) {
      await config.loadFolder(io.cwd);
      io.stdout(listRules(config, options.format, packageVersion()));
      return EXIT_OK;
    }
    if (options.printConfig) {
      io.stdout(await printConfig(config, options.printConfig));
      return EXIT_OK;
    }
    // A baseline being rewritten must not hide the findings it is rewritten from.
    const baselinePath = options.baseline ?? configuredBaseline(config, io.cwd);
    const baseline = baselinePath && !options.writeBaseline ? Baseline.read(baselinePath, io.cwd) : undefined;
    const progress = options.format === 'stylish' && io.stderrIsTTY ? progressReporter(io.stderr) : undefined;
    const buffer = options.stdin ? await stdinBuffer(options.stdinFilename!, io.cwd) : undefined;
    if (options.fix) {
      await config.loadFolder(io.cwd);
      const known = new Set(config.ruleMetas().map((m) => m.id));
      for (const id of options.fixRules) {
        if (!known.has(id)) {
          const near = closest(id, known);
          throw new UsageError(`--fix-rule: unknown rule '${id}'${near ? `; did you mean '${near}'?` : ''}`);
        }
      }
    }
    const run = options.fix
      ? (paths: string[], o: Parameters<typeof lint>[1]) =>
          lintAndFix(paths, o ?? {}, {
            write: options.fix === 'write',
            kinds: options.fixTypes,
            ...(options.fixRules.length > 0 ? { rules: new Set(options.fixRules) } : {}),
          })
      : lint;
    let result;
    try {
      result = await run(buffer?.paths ?? options.paths, {
        overrides: buffer?.overrides,
        cwd: io.cwd,
        varFiles: options.varFiles,
        includeGenerated: options.includeGenerated,
        root: options.root,
        config,
        reportUnusedSuppressions: options.reportUnusedSuppressions,
        baseline,
        onProgress: progress?.onProgress,
        jobs: options.jobs,
        shard: options.shard,
        cache: options.cache ? openCache(options, config, io.cwd) : undefined,
      });
    } finally {
      progress?.done();
    }
    if (buffer) result = { ...result, findings: findingsFor(result.findings, buffer.file), ...(result.fixed ? { fixed: result.fixed.filter((f) => f.file === buffer.file) } : {}) };
    else if (options.errorOnUnmatchedPattern) {
      const unmatched = await unmatchedPaths(options.paths, result.files, io.cwd);
      if (unmatched.length > 0) throw new UsageError(unmatchedMessage(unmatched));
    }
    if (options.writeBaseline) {
      const count = writeBaseline(resolve(io.cwd, options.writeBaseline), result.findings, options.writeBaseline);
      io.stderr(`grantlint: wrote ${count} finding${count === 1 ? '' : 's'} to ${options.writeBaseline}\n`);
      return EXIT_OK;
    }
    if (baseline && result.stats?.staleBaseline && options.format === 'stylish') {
      io.stderr(`grantlint: ${result.stats.staleBaseline} baseline entr${result.stats.staleBaseline === 1 ? 'y matches' : 'ies match'} nothing any more; refresh it with --write-baseline ${baselinePath}\n`);
    }
    if (options.quiet) result = { ...result, findings: result.findings.filter((f) => f.severity === 'error') };
    writeReports(result, options, {
      cwd: io.cwd,
      rules: config.ruleMetas(),
      version: packageVersion(),
      color: useColor(options.color, io.env ?? process.env, io.isTTY),
    }, io);
    const warnings = result.findings.filter((f) => f.severity === 'warning').length;
    const tooManyWarnings = options.maxWarnings >= 0 && warnings > options.maxWarnings;
    if (tooManyWarnings) io.stderr(`grantlint: ${warnings} warning${warnings === 1 ? '' : 's'}, more than --max-warnings ${options.maxWarnings} allows.\n`);
    return reachesFailLevel(result.findings, options.failOn) || tooManyWarnings ? EXIT_FINDINGS : EXIT_OK;
  } catch (e) {
    if (e instanceof PathNotFoundError && argv[0] === e.path) {
      // `grantlint grpah`: a mistyped subcommand reads as a missing path.
      const near = closest(e.path, SUBCOMMANDS);
      if (near) e.message += `. Did you mean 'grantlint ${near}'?`;
    }
    if (e instanceof UsageError || e instanceof PathNotFoundError || e instanceof ConfigError || e instanceof EnvironmentError) {
      io.stderr(`grantlint: ${e.message}\n`);
      return EXIT_USAGE;
    }
    const err = e as Error;
    io.stderr(`grantlint: internal error: ${err.message}\n${process.env.GRANTLINT_DEBUG ? `${err.stack}\n` : 'Set GRANTLINT_DEBUG=1 for details, and please report it.\n'}`);
    return EXIT_USAGE;
  }
}

/**
 * Every report of the run: each `-f` output to its file (folders made as needed) or to standard
 * output, or to `--output-file`. Colour only for what goes to standard output, or to a file when
 * `--color` asks for it.
 */
function writeReports(result: LintResult, options: CliOptions, context: FormatContext, io: CliIo): void {
  for (const output of options.outputs) {
    const file = output.file ?? options.outputFile;
    const text = FORMATTERS[output.format](result, { ...context, color: file ? options.color === true : context.color });
    if (!file) {
      io.stdout(text);
      continue;
    }
    const abs = resolve(io.cwd, file);
    try {
      mkdirSync(dirname(abs), { recursive: true });
      writeFileSync(abs, text);
    } catch (e) {
      throw new EnvironmentError(`Cannot write the ${output.format} report to '${file}': ${describeFsError(e)}.`);
    }
  }
}

/**
 * The language server's module: beside the CLI bundle its own bundle (scripts/bundle.mjs `lsp`),
 * else the tsc output. A URL computed at run time, so the CLI bundle does not carry it.
 */
function languageServerModule(): string {
  const bundled = new URL('./grantlint-lsp.mjs', import.meta.url);
  return existsSync(fileURLToPath(bundled)) ? bundled.href : new URL('../lsp/server.js', import.meta.url).href;
}
