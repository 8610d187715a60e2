import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { escapePath } from '../discover/pattern.js';
import { fileKind } from '../discover/discover.js';
import type { Finding } from '../engine/types.js';
import { appendAll } from '../util/arrays.js';

/** What to lint for an editor buffer: the paths, the buffer as an override, the file to report on. */
export interface BufferLint {
  /** Absolute path the buffer stands for. */
  file: string;
  paths: string[];
  overrides: Map<string, string>;
}

/**
 * Lints unsaved text as if it were `filename` (relative to cwd). The buffer replaces the file; the
 * rest is read from disk: for Terraform, the other files of the module folder (a module is a folder);
 * for Bicep and ARM, the file itself, whose modules the front end reads from disk.
 */
export function bufferLint(text: string, filename: string, cwd: string): BufferLint {
  const file = resolve(cwd, filename);
  const kind = fileKind(file);
  if (!kind) throw new BufferError(`--stdin-filename '${filename}' is not a file grantlint reads (.bicep, .bicepparam, .tf, .tfvars, .tf.json, .json, .jsonc).`);
  const overrides = new Map([[file, text]]);
  const paths: string[] = [];
  if (kind === 'terraform') {
    const folder = dirname(file);
    let siblings: string[] = [];
    try {
      siblings = readdirSync(folder, { withFileTypes: true })
        .filter((e) => e.isFile() && fileKind(e.name) === 'terraform')
        .map((e) => join(folder, e.name));
    } catch {
      siblings = [];
    }
    appendAll(paths, siblings.filter((f) => f !== file));
  }
  if (existsSync(file)) paths.push(file);
  if (paths.length === 0) {
    // A buffer never saved: discovery needs a path, and an empty list means "the current folder".
    // This pattern matches only the missing file, i.e. nothing; the engine adds the override itself.
    const name = basename(file);
    paths.push(`${escapePath(dirname(file).split('\\').join('/'))}/[${name[0]}]${escapePath(name.slice(1))}`);
  }
  return { file, paths, overrides };
}

/** Findings about the buffer only: the other files were read for context. */
export function findingsFor(findings: Finding[], file: string): Finding[] {
  return findings.filter((f) => f.file === file);
}

export class BufferError extends Error {}

/** All of standard input as UTF-8 text. */
export async function readStdin(stream: NodeJS.ReadableStream = process.stdin): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
