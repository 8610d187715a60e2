import { createRequire } from 'node:module';

/**
 * The YAML parser and the schema validator are only needed when a configuration file exists, RE2
 * only when a Terraform template calls a regex function; loading them lazily keeps a plain run's
 * start-up short (they are most of its module-loading time).
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
