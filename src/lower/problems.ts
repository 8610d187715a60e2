/**
 * The diagnostics front ends raise when the analysis cannot go where a template points: a module or
 * linked template that cannot be read, a cycle of modules, a budget that ran out, a defect. Each is
 * a finding at the place that asked for it, so that nothing is left out without a word.
 */
import { dirname, relative } from 'node:path';
import type { Location } from '../model/location.js';
import type { Diagnostic } from '../model/template.js';

/** The start of a file, for a problem that has no better place. */
export function fileStart(file: string): Location {
  return { file, range: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } } };
}

/** `what` ('module', 'linked template'), as written, cannot be read for `reason`. */
export function unreadable(what: string, written: string, reason: string, at: Location): Diagnostic {
  return { code: 'unreadable-file', message: `Cannot read the ${what} '${written}': ${reason}. What it declares is not analysed.`, at };
}

/** A file given or found cannot be read. */
export function unreadableFile(file: string, reason: string): Diagnostic {
  return { code: 'unreadable-file', message: `Cannot read this file: ${reason}. It is not analysed.`, at: fileStart(file) };
}

/** The call at `at` reaches a file already on the chain of calls that led to it. */
export function moduleCycle(chain: string[], target: string, at: Location): Diagnostic {
  const base = dirname(at.file);
  const show = (f: string): string => relative(base, f).split('\\').join('/') || '.';
  const from = chain.indexOf(target);
  const loop = [...chain.slice(from < 0 ? 0 : from), target].map(show).join(' → ');
  return { code: 'module-cycle', message: `This call makes a cycle of modules (${loop}); the repeated call is not analysed.`, at };
}

/** A budget ran out at `at`; what it covers is analysed with unknown values. */
export function budgetExceeded(what: string, at: Location): Diagnostic {
  return { code: 'analysis-budget', message: `${what}; grantlint analyses the rest with unknown values.`, at };
}

/** A defect: an exception while analysing `what`. */
export function internalError(what: string, e: unknown, at: Location): Diagnostic {
  const message = e instanceof Error ? e.message : String(e);
  if (process.env.GRANTLINT_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
  return {
    code: 'internal-error',
    message: `grantlint failed while analysing ${what} (${message.split('\n')[0]}); the rest was still linted. Please report it (GRANTLINT_DEBUG=1 prints the stack).`,
    at,
  };
}
