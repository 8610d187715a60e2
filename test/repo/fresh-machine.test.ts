import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, sharedPath, sharedRoot } from '../helpers/paths.js';

/**
 * An absolute path of one machine (the folder a developer happened to clone into, a home folder)
 * works there and nowhere else: tests pass for their author and fail on a fresh machine. Files reach
 * the shared corpus through `sharedRoot` and temporary folders through `tmpdir()`.
 *
 * The pattern is built from parts so that this file does not match itself.
 */
const ROOTS = ['work', 'home', 'Users', 'root', 'mnt', 'srv', 'opt', 'var/folders'];
const MACHINE_PATH = new RegExp(
  // A root folder at the start of a path (not inside `Microsoft.Web/sites/...`, a URL or `~/`).
  `(?<![\\w.$}/~-])/(?:${ROOTS.join('|')})/[\\w.+-]+` +
    // Windows: a drive letter, then Users or work
    `|\\b[A-Za-z]:\\\\{1,2}(?:Users|work)\\\\`,
);

/** Tracked files and new files not yet ignored: what a commit would carry. */
function projectFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: repoRoot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return out.split('\0').filter(Boolean);
}

export function machinePaths(text: string): string[] {
  const hits: string[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    const m = MACHINE_PATH.exec(line);
    if (m) hits.push(`${i + 1}: ${m[0]}`);
  });
  return hits;
}

describe('no absolute machine paths in the tree', () => {
  it('the pattern finds the paths it is meant to find, and not role actions or URLs', () => {
    expect(machinePaths(`const CORPUS = '${'/wo'}rk/shared/corpus';`)).toHaveLength(1);
    expect(machinePaths(`cd ${'/ho'}me/alice/src`)).toHaveLength(1);
    expect(machinePaths(`"${'C:\\'}\\Users\\bob\\repo"`)).toHaveLength(1);
    expect(machinePaths('"Microsoft.Synapse/workspaces/read"')).toEqual([]);
    expect(machinePaths('https://github.com/home/x ~/work/y $HOME/work/z')).toEqual([]);
  });

  it('no project file names one', () => {
    const offenders: string[] = [];
    for (const file of projectFiles()) {
      let text: string;
      try {
        text = readFileSync(join(repoRoot, file), 'utf8');
      } catch {
        continue; // deleted in the work tree but still in the index
      }
      if (text.includes('\0')) continue; // binary
      for (const hit of machinePaths(text)) offenders.push(`${file}:${hit}`);
    }
    expect(offenders, 'use sharedPath()/sharedRoot (test/helpers/paths.ts), tmpdir() or a path relative to the project').toEqual([]);
  });
});

describe('tests that need the shared folder', () => {
  it('say by name what is missing and where they looked', () => {
    expect(() => sharedPath('corpus', 'no-such-repository')).toThrow(
      `This test needs shared/corpus/no-such-repository, which is not at ${join(sharedRoot, 'corpus', 'no-such-repository')}. Put the shared folder beside the project (../shared) or point GRANTLINT_SHARED at it.`,
    );
    expect(sharedPath('acceptance')).toBe(join(sharedRoot, 'acceptance'));
  });
});
