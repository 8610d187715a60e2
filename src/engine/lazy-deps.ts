import { createRequire } from 'node:module';

/**
 * The YAML parser and the schema validator are only needed when a configuration file exists, RE2
 * only when a Terraform template calls a regex function; loading them lazily keeps a plain run's
 * start-up short (they are most of its module-loading time). The same holds for two of Node's own
 * modules: `node:crypto` (13 ms to load, needed only for a finding's fingerprint, the cache and
 * Terraform's hash functions) and `node:worker_threads` (only for a run large enough for workers); and of the glob library
 * with picomatch, only for a path that may be a pattern.
 *
 * Under tsc's ES module output there is no `require`, and `createRequire` resolves them from
 * node_modules. In an esbuild bundle (scripts/bundle.mjs) the direct `require('yaml')` is what the
 * bundler sees: the Action's bundle carries them inside, evaluated only on the first call, and the
 * CLI's bundle leaves them external, to be resolved from node_modules, also on the first call.
 */
const nodeRequire = createRequire(import.meta.url);

let yaml: typeof import('yaml') | undefined;
let re2: typeof import('re2js') | undefined;
let ajv: typeof import('ajv') | undefined;
let crypto: typeof import('node:crypto') | undefined;
let workerThreads: typeof import('node:worker_threads') | undefined;
let tinyglobby: typeof import('tinyglobby') | undefined;

export function lazyYaml(): typeof import('yaml') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a direct require() is what the bundler resolves; see above
  return (yaml ??= (typeof require === 'function' ? require('yaml') : nodeRequire('yaml')) as typeof import('yaml'));
}

export function lazyAjv(): typeof import('ajv') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- as above
  return (ajv ??= (typeof require === 'function' ? require('ajv') : nodeRequire('ajv')) as typeof import('ajv'));
}

/** RE2 for Terraform's regex functions: loaded the first time a template calls one. */
export function lazyRe2(): typeof import('re2js') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- as above
  return (re2 ??= (typeof require === 'function' ? require('re2js') : nodeRequire('re2js')) as typeof import('re2js'));
}

/** `createHash` of node:crypto, loaded the first time a hash is needed. */
export function createHash(algorithm: string): import('node:crypto').Hash {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- as above
  crypto ??= (typeof require === 'function' ? require('node:crypto') : nodeRequire('node:crypto')) as typeof import('node:crypto');
  return crypto.createHash(algorithm);
}

/** node:worker_threads, loaded when a run starts workers. */
export function lazyWorkerThreads(): typeof import('node:worker_threads') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- as above
  return (workerThreads ??= (typeof require === 'function' ? require('node:worker_threads') : nodeRequire('node:worker_threads')) as typeof import('node:worker_threads'));
}

/** The glob library, loaded the first time a path may be a pattern. */
export function lazyTinyglobby(): typeof import('tinyglobby') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- as above
  return (tinyglobby ??= (typeof require === 'function' ? require('tinyglobby') : nodeRequire('tinyglobby')) as typeof import('tinyglobby'));
}
