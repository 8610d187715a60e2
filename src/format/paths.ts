import { relative, sep } from 'node:path';

/** Relative to the working directory, with forward slashes: what every format shows. */
export function displayPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return (rel === '' ? file : rel).split(sep).join('/');
}
