import { statSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { isDynamicPattern } from './pattern.js';
import { globFiles } from './discover.js';

/**
 * The path arguments that led to no linted file: a glob with a typo (`infar/**`), an empty folder,
 * a folder without Bicep, Terraform or ARM templates, or files all ignored by configuration; a named
 * file grantlint does not read only when nothing else is linted. Judged against the files actually analysed, so a folder of JSON files
 * that are not deployment templates counts as matching nothing. Linting nothing must not pass as
 * "no findings" (ESLint 9 exits 2 with "No files matching the pattern" for the same reason).
 */
export async function unmatchedPaths(paths: string[], linted: string[], cwd: string): Promise<string[]> {
  const lintedSet = new Set(linted.map((f) => resolve(f)));
  const out: string[] = [];
  for (const arg of paths) {
    if (isDynamicPattern(arg)) {
      const matches = await globFiles(arg, cwd);
      if (!matches.some((m) => lintedSet.has(resolve(m)))) out.push(arg);
      continue;
    }
    const abs = resolve(cwd, arg);
    // A named file that is no template (a staged package.json that pre-commit passes along) is
    // skipped without a word, as long as something else is linted.
    if (lintedSet.size > 0 && isFile(abs)) continue;
    const inside = (file: string): boolean => {
      const rel = relative(abs, file);
      return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !rel.startsWith(sep) && !/^[A-Za-z]:/.test(rel));
    };
    if (![...lintedSet].some(inside)) out.push(arg);
  }
  return out;
}

/** The usage error for the paths that matched nothing, in grantlint's words. */
export function unmatchedMessage(unmatched: string[]): string {
  const list = unmatched.map((p) => `'${p}'`).join(', ');
  const what = unmatched.length === 1 ? `${list} matches` : `${list} match`;
  return `Nothing to lint: ${what} no Bicep, Terraform or ARM template file (check the path for a typo; --no-error-on-unmatched-pattern allows this).`;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
