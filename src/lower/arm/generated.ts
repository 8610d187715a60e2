/** Templates the Bicep compiler generated, recognised before they are parsed (the ARM front end and the closure scan). */
import type { FrontEndHost } from '../types.js';

/**
 * Before parsing: a template the Bicep compiler wrote (its `metadata._generator` comes first, as
 * the compiler writes it) beside the `.bicep` it came from. Such a template links no local file
 * (the compiler inlines modules), so skipping it changes no root; one that does mention a
 * `relativePath` is parsed and judged by `isGeneratedBesideBicep` instead.
 */
export function generatedBesideBicep(file: string, text: string, host: FrontEndHost): boolean {
  if (!GENERATOR_HEAD.test(text.slice(0, 1024)) || text.includes('relativePath')) return false;
  const bicep = file.replace(/\.jsonc?$/i, '.bicep');
  return bicep !== file && fileExists(host, bicep);
}

export function fileExists(host: FrontEndHost, path: string): boolean {
  return host.fileExists ? host.fileExists(path) : host.readFile(path) !== undefined;
}

const GENERATOR_HEAD = /"metadata"\s*:\s*\{\s*"_generator"\s*:\s*\{\s*"name"\s*:\s*"bicep"/i;
