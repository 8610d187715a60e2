#!/usr/bin/env node
// Runs the CLI's single-file bundle (dist/grantlint.cjs, scripts/bundle.mjs, through its code
// cache: load-bundle.js) when it is there and not older than the tsc output, else the tsc output
// itself: a `tsc` run after the last bundle (a contributor rebuilding) must not leave an older
// bundle in charge.
//
// This folder is CommonJS (bin/package.json): Node starts a CommonJS entry point without its ES
// module loader, about 15 ms of a one-file run on the machine of docs/performance.md.
'use strict';
const { statSync } = require('node:fs');
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');
const { loadBundle } = require('./load-bundle.js');
const { tuneV8 } = require('./v8-tuning.js');

tuneV8(process.argv.slice(2));

const mtime = (relative) => {
  try {
    return statSync(join(__dirname, relative)).mtimeMs;
  } catch {
    return undefined;
  }
};
const bundled = mtime('../dist/grantlint.cjs');
const compiled = mtime('../dist/src/cli/main.js');
// The build runs the bundle once with GRANTLINT_WRITE_CODE_CACHE=1 to save the cache (scripts/bundle.mjs).
const writeCache = process.env.GRANTLINT_WRITE_CODE_CACHE === '1';
const bundle = bundled !== undefined && (compiled === undefined || bundled >= compiled) ? loadBundle(join(__dirname, '../dist/grantlint.cjs'), undefined, { ignoreCache: writeCache }) : undefined;
const loaded = bundle ? Promise.resolve(bundle.exports) : import(pathToFileURL(join(__dirname, '../dist/src/cli/main.js')).href);

loaded
  .then(({ main }) => main(process.argv.slice(2)))
  .then((code) => {
    if (writeCache) bundle?.save();
    process.exitCode = code;
  });
