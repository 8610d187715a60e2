import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { isDynamicPattern } from './pattern.js';

/**
 * The folder reads stay inside by default: the git work tree the given paths lie in (its top level);
 * outside git, the working folder when the paths lie in it (the project grantlint is run in, as
 * `grantlint app/main.bicep` calling `../modules/id.bicep` expects), or else the deepest folder that
 * holds all of them. A template that points outside it (a module `source = "../../../../etc"`, a
 * linked template `/etc/shadow`) is reported, not read.
 */
export function repositoryRoot(paths: string[], cwd: string): string {
  const folders = (paths.length > 0 ? paths : ['.']).map((p) => folderOf(p, cwd));
  const common = folders.reduce(commonFolder);
  const git = gitTopLevel(common);
  if (git) return git;
  const here = resolve(cwd);
  return isInside(here, common) ? here : common;
}

/** The folder a path argument stands for: itself, its folder for a file, the static base of a glob. */
function folderOf(arg: string, cwd: string): string {
  if (isDynamicPattern(arg)) {
    const parts = arg.split(/[\\/]/);
    const base: string[] = [];
    for (const part of parts) {
      if (isDynamicPattern(part)) break;
      base.push(part);
    }
    return resolve(cwd, base.join('/') || '.');
  }
  const abs = resolve(cwd, arg);
  try {
    return statSync(abs).isDirectory() ? abs : dirname(abs);
  } catch {
    return dirname(abs);
  }
}

function commonFolder(a: string, b: string): string {
  let x = a;
  while (!isInside(x, b)) {
    const up = dirname(x);
    if (up === x) return x;
    x = up;
  }
  return x;
}

export function isInside(folder: string, path: string): boolean {
  // Two normalized absolute POSIX paths (every path of a run, nearly): a prefix test, where
  // path.relative() would resolve both first.
  if (isNormalizedAbsolute(folder) && isNormalizedAbsolute(path)) return path === folder || path.startsWith(folder === '/' ? '/' : `${folder}/`);
  const rel = relative(folder, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/**
 * An absolute POSIX path that path.resolve() would give back unchanged: no `.` or `..` segment,
 * no empty one, no trailing separator. Always false on Windows.
 */
export function isNormalizedAbsolute(p: string): boolean {
  return (
    sep === '/' &&
    p.charCodeAt(0) === 47 &&
    (p.length === 1 || p.charCodeAt(p.length - 1) !== 47) &&
    !p.includes('//') &&
    !p.includes('/./') &&
    !p.includes('/../') &&
    !p.endsWith('/.') &&
    !p.endsWith('/..')
  );
}

/** The top level of the git work tree holding `folder` (a `.git` folder or file), if any. */
function gitTopLevel(folder: string): string | undefined {
  let dir = folder;
  for (;;) {
    if (existsSync(resolve(dir, '.git'))) return dir;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}
