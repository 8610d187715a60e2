/** The shared corpus's Terraform files, read once per test file. */

import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { sharedPath } from '../../helpers/paths.js';

export const corpus = sharedPath('corpus');

function walk(dir: string, out: string[]): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (/\.(tf|tfvars)$/.test(e.name) || e.name.endsWith('.tf.json')) out.push(p);
  }
  return out;
}

export function corpusFiles(): { path: string; text: string }[] {
  return walk(corpus, [])
    .sort()
    .map((p) => ({ path: p, text: readFileSync(p, 'utf8') }));
}

export const rel = (f: string): string => path.relative(corpus, f).split(path.sep).join('/');
