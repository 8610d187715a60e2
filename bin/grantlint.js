#!/usr/bin/env node
// Runs the CLI's single-file bundle (dist/grantlint.cjs, scripts/bundle.mjs, through its code
// cache: load-bundle.js) when it is there and not older than the tsc output, else the tsc output
// itself: a `tsc` run after the last bundle (a contributor rebuilding) must not leave an older
// bundle in charge.
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadBundle } from './load-bundle.js';
import { tuneV8 } from './v8-tuning.js';

tuneV8(process.argv.slice(2));

const mtime = (relative) => {
  try {
    return statSync(new URL(relative, import.meta.url)).mtimeMs;
  } catch {
    return undefined;
  }
};
const bundled = mtime('../dist/grantlint.cjs');
const compiled = mtime('../dist/src/cli/main.js');
// The build runs the bundle once with GRANTLINT_WRITE_CODE_CACHE=1 to save the cache (scripts/bundle.mjs).
const writeCache = process.env.GRANTLINT_WRITE_CODE_CACHE === '1';
const bundle = bundled !== undefined && (compiled === undefined || bundled >= compiled) ? loadBundle(fileURLToPath(new URL('../dist/grantlint.cjs', import.meta.url)), undefined, { ignoreCache: writeCache }) : undefined;
const { main } = bundle ? bundle.exports : await import('../dist/src/cli/main.js');

main(process.argv.slice(2)).then((code) => {
  if (writeCache) bundle?.save();
  process.exitCode = code;
});
