import { createRequire } from 'node:module';

/**
 * The YAML parser and the schema validator are only needed when a configuration file exists;
 * loading them lazily keeps a plain run's start-up short (they are most of its module-loading time).
 */
const require = createRequire(import.meta.url);

let yaml: typeof import('yaml') | undefined;
let ajv: typeof import('ajv') | undefined;

export function lazyYaml(): typeof import('yaml') {
  return (yaml ??= require('yaml') as typeof import('yaml'));
}

export function lazyAjv(): typeof import('ajv') {
  return (ajv ??= require('ajv') as typeof import('ajv'));
}
