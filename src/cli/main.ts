import { PathNotFoundError } from '../discover/discover.js';
import { PARSE_ERROR_RULE } from '../engine/diagnostic-rules.js';
import { lint } from '../engine/lint.js';
import type { Finding, Severity } from '../engine/types.js';
import { FORMATTERS } from '../format/index.js';
import { packageVersion } from '../util/package-root.js';
import { builtinRules } from '../../rules/index.js';
import { helpText, parseCliArgs, UsageError, type FailOn } from './options.js';

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
}

const defaultIo = (): CliIo => ({
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  cwd: process.cwd(),
  isTTY: !!process.stdout.isTTY,
});

/** Runs the CLI; returns the exit code. Never throws on user input. */
export async function main(argv: string[], io: CliIo = defaultIo()): Promise<number> {
  const formats = Object.keys(FORMATTERS);
  try {
    const options = parseCliArgs(argv, formats);
    if (options.help) {
      io.stdout(helpText(formats));
      return EXIT_OK;
    }
    if (options.version) {
      io.stdout(`${packageVersion()}\n`);
      return EXIT_OK;
    }
    const result = await lint(options.paths, {
      cwd: io.cwd,
      varFiles: options.varFiles,
      includeGenerated: options.includeGenerated,
    });
    const text = FORMATTERS[options.format](result, {
      cwd: io.cwd,
      rules: [...builtinRules.map((r) => r.meta), PARSE_ERROR_RULE],
      version: packageVersion(),
      color: io.isTTY && !process.env.NO_COLOR,
    });
    io.stdout(text);
    return reachesFailLevel(result.findings, options.failOn) ? EXIT_FINDINGS : EXIT_OK;
  } catch (e) {
    if (e instanceof UsageError || e instanceof PathNotFoundError) {
      io.stderr(`grantlint: ${e.message}\n`);
      return EXIT_USAGE;
    }
    const err = e as Error;
    io.stderr(`grantlint: internal error: ${err.message}\n${process.env.GRANTLINT_DEBUG ? `${err.stack}\n` : 'Set GRANTLINT_DEBUG=1 for details, and please report it.\n'}`);
    return EXIT_USAGE;
  }
}
