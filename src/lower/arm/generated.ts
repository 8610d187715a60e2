/** Templates the Bicep compiler generated, recognised before they are parsed (the ARM front end and the closure scan). */
import type { FrontEndHost } from '../types.js';

/**
 * Before parsing: a template the Bicep compiler wrote (its `metadata._generator` comes first, as
 * the compiler writes it) beside the `.bicep` it came from. Such a template links no local file
 * (the compiler inlines modules), so skipping it changes no root; one that does mention a
 * `relativePath` is parsed and judged by `isGeneratedBesideBicep` instead.
 */
export function generatedBesideBicep(file: string, text: string, host: FrontEndHost): boolean {
  return GENERATOR_HEAD.test(text.slice(0, HEAD)) && !text.includes('relativePath') && bicepBeside(file, host);
}

/**
 * The same judgement on the file's UTF-8 bytes, before they are decoded (the closure scan passes
 * over most of a repository's JSON without making a string of it): the head is decoded alone, and
 * `relativePath`, being ASCII, is found in the bytes exactly where it is in the text.
 */
export function generatedBytesBesideBicep(file: string, bytes: Buffer, host: FrontEndHost): boolean {
  // HEAD UTF-16 units take at most 4 * HEAD bytes: the head of the text is the head of this.
  return GENERATOR_HEAD.test(bytes.toString('utf8', 0, 4 * HEAD).slice(0, HEAD)) && !bytes.includes('relativePath') && bicepBeside(file, host);
}

const HEAD = 1024;

function bicepBeside(file: string, host: FrontEndHost): boolean {
  const bicep = file.replace(/\.jsonc?$/i, '.bicep');
  return bicep !== file && fileExists(host, bicep);
}

export function fileExists(host: FrontEndHost, path: string): boolean {
  return host.fileExists ? host.fileExists(path) : host.readFile(path) !== undefined;
}

const GENERATOR_HEAD = /"metadata"\s*:\s*\{\s*"_generator"\s*:\s*\{\s*"name"\s*:\s*"bicep"/i;
