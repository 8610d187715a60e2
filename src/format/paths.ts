import type { Finding, LintResult } from '../engine/types.js';
import { relative, sep } from 'node:path';

/** Relative to the working directory, with forward slashes: what every format shows. */
export function displayPath(file: string, cwd: string): string {
  // Asked for each finding and each of its related locations: computed once per file and folder.
  let byFile = shown.get(cwd);
  if (!byFile) shown.set(cwd, (byFile = new Map()));
  let path = byFile.get(file);
  if (path === undefined) {
    const rel = relative(cwd, file);
    path = (rel === '' ? file : rel).split(sep).join('/');
    if (byFile.size >= MAX_SHOWN) byFile.clear();
    byFile.set(file, path);
  }
  return path;
}

/** Display paths by working folder and file; a long-lived process (the language server) starts over past this many. */
const shown = new Map<string, Map<string, string>>();
const MAX_SHOWN = 100_000;

/**
 * Findings grouped by file, files in display order (relative path). With `includeClean`, every
 * analysed file is listed, clean ones with no findings (reporters show them as checked).
 */
export function findingsByFile(result: LintResult, cwd: string, includeClean: boolean): { file: string; rel: string; findings: Finding[] }[] {
  const byFile = new Map<string, Finding[]>();
  if (includeClean) for (const file of result.files) byFile.set(file, []);
  for (const f of result.findings) {
    const list = byFile.get(f.file) ?? [];
    list.push(f);
    byFile.set(f.file, list);
  }
  return [...byFile]
    .map(([file, findings]) => ({ file, rel: displayPath(file, cwd), findings }))
    .sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}
