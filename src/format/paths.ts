import type { Finding, LintResult } from '../engine/types.js';
import { relative, sep } from 'node:path';

/** Relative to the working directory, with forward slashes: what every format shows. */
export function displayPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return (rel === '' ? file : rel).split(sep).join('/');
}

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
