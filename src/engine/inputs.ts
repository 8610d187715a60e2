import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileStart, unreadableFile } from '../lower/problems.js';
import type { Diagnostic } from '../model/template.js';
import { describeFsError, EnvironmentError } from '../util/fs-errors.js';
import type { CachingHost } from './host.js';

/**
 * `--var-file` paths, absolute. A missing file or a folder is an environment error (exit 2): the
 * user asked for values that would otherwise be left out without a word.
 */
export function checkedVarFiles(files: string[], cwd: string): string[] {
  return files.map((f) => {
    const abs = resolve(cwd, f);
    let why: string | undefined;
    try {
      const stat = statSync(abs);
      if (stat.isDirectory()) why = 'it is a folder, not a file';
      else if (!stat.isFile()) why = 'it is not a regular file';
    } catch (e) {
      why = describeFsError(e);
    }
    if (why) throw new EnvironmentError(`--var-file ${f}: ${why}`);
    return abs;
  });
}

/** A finding for each discovered file that could not be read and that no front end reported (`reported`). */
export function unreadableFiles(files: string[], reported: Set<string>, host: CachingHost, walkProblems = new Map<string, string>()): Diagnostic[] {
  const out: Diagnostic[] = [...walkProblems].map(([path, why]) => ({ code: 'unreadable-file', message: `Not linted: ${why}.`, at: fileStart(path) }));
  for (const file of files) {
    const why = host.readProblem(file);
    if (why && !reported.has(file)) out.push(unreadableFile(file, why));
  }
  return out;
}

/** Diagnostics without repeats: a module reached by several calls or roots reports a problem once. */
export function uniqueDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const { start, end } = d.at.range;
    const key = `${d.code}\u0000${d.at.file}\u0000${start.line}:${start.column}-${end.line}:${end.column}\u0000${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
