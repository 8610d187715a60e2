import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { glob, isDynamicPattern } from './pattern.js';
import { describeFsError, EnvironmentError } from '../util/fs-errors.js';
import { scriptKind } from './script-files.js';

/** `yaml`: Kubernetes manifests (read for ServiceAccounts; other YAML is skipped without a word). */
export type FileKind = 'bicep' | 'terraform' | 'json' | 'script' | 'yaml';

export interface DiscoveredFile {
  path: string;
  kind: FileKind;
}

export interface DiscoverOptions {
  cwd: string;
  /** Glob patterns (relative to cwd) never linted. */
  ignore?: string[];
  /** Folders found but not listed, with the reason (a permission, a vanished folder). */
  problems?: Map<string, string>;
}

export class PathNotFoundError extends Error {
  constructor(readonly path: string) {
    super(`No such file or directory: ${path}`);
  }
}

/** Folders never walked into: tool state and dependencies, not the user's templates. */
const SKIPPED_FOLDERS = new Set(['.git', 'node_modules', '.terraform', '.terragrunt-cache', '.venv', '.idea', '.vscode']);

export function fileKind(path: string): FileKind | undefined {
  const lower = path.toLowerCase();
  if (lower.endsWith('.bicep') || lower.endsWith('.bicepparam')) return 'bicep';
  if (lower.endsWith('.tf') || lower.endsWith('.tf.json') || lower.endsWith('.tfvars') || lower.endsWith('.tfvars.json')) return 'terraform';
  if (lower.endsWith('.json') || lower.endsWith('.jsonc')) return 'json';
  // grantlint's own configuration is no manifest.
  if (/(^|[\\/])\.grantlint\.ya?ml$/.test(lower)) return undefined;
  // Workflows, pipelines and shell or PowerShell files are scripts; other YAML may hold Kubernetes manifests.
  const script = scriptKind(path);
  if (script) return script;
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return 'yaml';
  return undefined;
}

/**
 * Paths and globs to the files grantlint reads, by kind. Folders are walked honouring .gitignore
 * files; a file named explicitly is always taken (if grantlint reads its kind).
 */
export async function discover(paths: string[], options: DiscoverOptions): Promise<DiscoveredFile[]> {
  const found = new Map<string, FileKind>();
  const configured = ignore().add(options.ignore ?? []);
  const ignoredByConfig = (abs: string): boolean => {
    if (!options.ignore || options.ignore.length === 0) return false;
    const rel = relative(options.cwd, abs).split(sep).join('/');
    return rel !== '' && !rel.startsWith('..') && configured.ignores(rel);
  };
  for (const arg of paths.length > 0 ? paths : ['.']) {
    if (isDynamicPattern(arg)) {
      const matches = await globFiles(arg, options.cwd);
      for (const m of matches.sort()) {
        const kind = fileKind(m);
        if (kind && !ignoredByConfig(m)) found.set(resolve(m), kind);
      }
      continue;
    }
    const abs = resolve(options.cwd, arg);
    let stat;
    try {
      stat = statSync(abs);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new PathNotFoundError(arg);
      // A symlink loop, a permission: say which, not "no such file".
      throw new EnvironmentError(`cannot read ${arg}: ${describeFsError(e)}`);
    }
    if (stat.isDirectory()) walk(abs, [], found, ignoredByConfig, options.problems);
    else {
      const kind = fileKind(abs);
      if (kind) found.set(abs, kind);
    }
  }
  return [...found].map(([path, kind]) => ({ path, kind })).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The files a glob argument names (absolute paths), as discovery reads it. */
export function globFiles(pattern: string, cwd: string): Promise<string[]> {
  return glob(pattern, { cwd, absolute: true, dot: false, ignore: ['**/node_modules/**', '**/.git/**'] });
}

interface GitIgnoreLayer {
  base: string;
  rules: Ignore;
}

/** The folder's .gitignore: read only when its listing names one (most folders have none). */
function readGitIgnore(dir: string, listed: boolean): GitIgnoreLayer | undefined {
  if (!listed) return undefined;
  try {
    return { base: dir, rules: ignore().add(readFileSync(join(dir, '.gitignore'), 'utf8')) };
  } catch {
    return undefined;
  }
}

/**
 * As git reads them: the deepest .gitignore with a rule for the path decides (`!name` there
 * re-includes what a folder above ignores); folders it ignores are not walked at all.
 */
function isIgnored(abs: string, isDir: boolean, layers: GitIgnoreLayer[]): boolean {
  for (let i = layers.length - 1; i >= 0; i--) {
    const layer = layers[i];
    // `abs` lies below each layer's folder (the walk joined it): the rest of it, without path.relative().
    const below = sep === '/' && abs.startsWith(`${layer.base}/`) ? abs.slice(layer.base.length + 1) : relative(layer.base, abs).split(sep).join('/');
    const verdict = layer.rules.test(below + (isDir ? '/' : ''));
    if (verdict.ignored) return true;
    if (verdict.unignored) return false;
  }
  return false;
}

function walk(dir: string, inherited: GitIgnoreLayer[], found: Map<string, FileKind>, ignoredByConfig: (p: string) => boolean, problems?: Map<string, string>): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true, encoding: 'buffer' });
  } catch (e) {
    problems?.set(dir, `the folder cannot be listed (${describeFsError(e)})`);
    return;
  }
  const named = entries.map((entry) => ({ entry, name: utf8Name(entry.name) }));
  const own = readGitIgnore(dir, named.some((n) => n.name.text === '.gitignore'));
  const layers = own ? [...inherited, own] : inherited;
  named.sort((a, b) => (a.name.text < b.name.text ? -1 : a.name.text > b.name.text ? 1 : 0));
  for (const { entry, name } of named) {
    const abs = join(dir, name.text);
    if (!name.valid) {
      // A name that is not UTF-8 has no JavaScript string that opens it: say so, do not drop it.
      if ((entry.isFile() && fileKind(name.text)) || entry.isDirectory()) {
        problems?.set(abs, `its name is not valid UTF-8 (shown with U+FFFD); rename it to have it linted`);
      }
      continue;
    }
    if (entry.isDirectory()) {
      if (SKIPPED_FOLDERS.has(name.text) || isIgnored(abs, true, layers) || ignoredByConfig(abs)) continue;
      walk(abs, layers, found, ignoredByConfig, problems);
    } else if (entry.isFile()) {
      const kind = fileKind(abs);
      if (kind && !isIgnored(abs, false, layers) && !ignoredByConfig(abs)) found.set(abs, kind);
    }
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** A file name's text, and whether its bytes are UTF-8 (else the text has U+FFFD in their place). */
function utf8Name(bytes: Buffer): { text: string; valid: boolean } {
  try {
    return { text: UTF8.decode(bytes), valid: true };
  } catch {
    return { text: bytes.toString('utf8'), valid: false };
  }
}
