import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The shared corpus, cases and schemas: `../shared` beside the project, or `GRANTLINT_SHARED`. */
export const sharedRoot = process.env.GRANTLINT_SHARED ? resolve(process.env.GRANTLINT_SHARED) : resolve(repoRoot, '..', 'shared');
export const binPath = join(repoRoot, 'bin', 'grantlint.js');

/**
 * A path inside the shared folder that a test cannot do without. When it is absent the test file
 * fails with this message, naming what is missing and where it was looked for, rather than with an
 * ENOENT from deep inside a test or, worse, by skipping.
 */
export function sharedPath(...parts: string[]): string {
  const path = join(sharedRoot, ...parts);
  if (!existsSync(path)) {
    throw new Error(
      `This test needs shared/${parts.join('/')}, which is not at ${path}. ` +
        'Put the shared folder beside the project (../shared) or point GRANTLINT_SHARED at it.',
    );
  }
  return path;
}
