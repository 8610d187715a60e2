#!/usr/bin/env node
// Loads the CLI's single-file bundle (dist/grantlint.mjs, scripts/bundle.mjs) when it is there and
// not older than the tsc output, else the tsc output itself: a `tsc` run after the last bundle
// (a contributor rebuilding) must not leave an older bundle in charge.
import { statSync } from 'node:fs';

const mtime = (relative) => {
  try {
    return statSync(new URL(relative, import.meta.url)).mtimeMs;
  } catch {
    return undefined;
  }
};
const bundled = mtime('../dist/grantlint.mjs');
const compiled = mtime('../dist/src/cli/main.js');
const { main } = bundled !== undefined && (compiled === undefined || bundled >= compiled) ? await import('../dist/grantlint.mjs') : await import('../dist/src/cli/main.js');

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
