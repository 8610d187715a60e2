#!/usr/bin/env node
// The packed package.json has no `prepare` script; the repository's keeps it.
//
// In a clone, `npm ci` must build dist/ (the README's `npm ci && node bin/grantlint.js examples`),
// which is what `prepare` is for. The npm package ships dist/ already built, and a `prepare` in
// its manifest makes npm warn about an unapproved install script on every global install
// (npm 11's allow-scripts), for a build that never runs there. So `prepack` builds and then calls
// `strip`, and `postpack` calls `restore`, leaving the repository's file byte-for-byte as it was.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const manifest = join(root, 'package.json');
const backup = join(root, '.package.json.before-pack');

const command = process.argv[2];
if (command === 'strip') {
  // A pack that failed before postpack left the original in the backup: keep that one.
  const original = existsSync(backup) ? readFileSync(backup, 'utf8') : readFileSync(manifest, 'utf8');
  writeFileSync(backup, original);
  const pkg = JSON.parse(original);
  delete pkg.scripts.prepare;
  writeFileSync(manifest, JSON.stringify(pkg, null, 2) + '\n');
} else if (command === 'restore') {
  if (existsSync(backup)) renameSync(backup, manifest);
} else {
  console.error('usage: node scripts/pack-manifest.mjs strip|restore');
  process.exit(2);
}
