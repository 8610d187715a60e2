import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The shared corpus, cases and schemas: `../shared` beside the project, or `GRANTLINT_SHARED`. */
export const sharedRoot = process.env.GRANTLINT_SHARED ? resolve(process.env.GRANTLINT_SHARED) : resolve(repoRoot, '..', 'shared');
export const binPath = join(repoRoot, 'bin', 'grantlint.js');
