import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const sharedRoot = resolve(repoRoot, '..', 'shared');
export const binPath = join(repoRoot, 'bin', 'grantlint.js');
