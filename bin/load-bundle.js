// Loads the CLI's single-file bundle (dist/grantlint.cjs, scripts/bundle.mjs) with V8's code
// cache: the bytecode of the functions a run compiles, saved by the build beside the bundle
// (dist/grantlint.cjs.cache), so that a run of one small file need not parse and compile the
// megabyte of JavaScript again (about a quarter of its time). Node 20 has no compile cache for ES
// modules (module.enableCompileCache() came in Node 22), hence a CommonJS bundle run through
// vm.Script, whose cachedData V8 checks against the source and its own version and flags: a cache
// that does not fit is rejected and the bundle compiles as without one.
//
// A dynamic import() inside a function restored from the cache finds no module loader in Node 20,
// so the bundle imports ES modules (plugins, the language server) through this module's own
// import(), handed in as globalThis.__grantlintImport (src/util/import-module.ts).
const { isAscii } = require('node:buffer');
const { readFileSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { dirname } = require('node:path');
const vm = require('node:vm');

/**
 * The bundle's exports, and how the cache served: `accepted`, `rejected` (another Node, another
 * bundle) or `none` (no cache file). `save()` writes the cache of what has run so far.
 */
function loadBundle(file, cacheFile = `${file}.cache`, options = {}) {
  globalThis.__grantlintImport ??= (specifier) => import(specifier);
  const require = createRequire(file);
  let cachedData;
  if (!options.ignoreCache) {
    try {
      cachedData = readFileSync(cacheFile);
    } catch {
      // No cache: compiled as usual.
    }
  }
  // The wrapper CommonJS puts around a module, on the first line so that line numbers stay true.
  const source = `(function (exports, require, module, __filename, __dirname) { ${readSource(file)}\n})`;
  const script = new vm.Script(source, { filename: file, cachedData });
  const module = { exports: {} };
  script.runInThisContext().call(module.exports, module.exports, require, module, file, dirname(file));
  return {
    exports: module.exports,
    cache: cachedData === undefined ? 'none' : script.cachedDataRejected ? 'rejected' : 'accepted',
    save: () => writeFileSync(cacheFile, script.createCachedData()),
  };
}

/**
 * The file's text. The build writes the bundle in ASCII (scripts/bundle.mjs), which is read as
 * Latin-1: the same string, made without decoding UTF-8, and held by V8 in one byte a character.
 */
function readSource(file) {
  const bytes = readFileSync(file);
  return bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
}

module.exports = { loadBundle };
