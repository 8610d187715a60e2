import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Finding } from '../engine/types.js';
import type { Range } from '../model/location.js';

export interface PullRequestRange {
  base: string;
  head: string;
}

/** The base and head commits of the pull request the workflow runs for, from the event payload. */
export function pullRequestRange(eventPath: string | undefined): PullRequestRange | undefined {
  if (!eventPath) return undefined;
  let payload: { pull_request?: { base?: { sha?: unknown }; head?: { sha?: unknown } } };
  try {
    payload = JSON.parse(readFileSync(eventPath, 'utf8'));
  } catch {
    return undefined;
  }
  const base = payload.pull_request?.base?.sha;
  const head = payload.pull_request?.head?.sha;
  const sha = (v: unknown): v is string => typeof v === 'string' && /^[0-9a-f]{7,64}$/i.test(v);
  return sha(base) && sha(head) ? { base, head } : undefined;
}

/** Absolute path of each file the pull request adds or modifies -> its added or changed lines (1-based). */
export type ChangedLines = Map<string, Set<number>>;

/**
 * What the pull request changes, as its "Files changed" tab shows it: the diff from the merge base
 * of base and head, per file (added, modified, renamed to; deleted files have no lines) the lines
 * added or rewritten, from the hunks of `git diff --unified=0`. Needs both commits in the clone
 * (`actions/checkout` with `fetch-depth: 0`). Throws when git cannot tell.
 */
export function changedLines(range: PullRequestRange, cwd: string): ChangedLines {
  const git = (...args: string[]): string => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 });
  const top = git('rev-parse', '--show-toplevel').trim();
  // Settings of the user's git that change the diff's text are pinned: prefixes, renames, colour,
  // external diff drivers, paths relative to a subfolder.
  const diff = git(
    '-c', 'core.quotePath=false', 'diff', '--unified=0', '--no-color', '--no-ext-diff', '--no-relative', '--find-renames',
    '--src-prefix=a/', '--dst-prefix=b/', '--diff-filter=d', `${range.base}...${range.head}`,
  );
  return parseUnifiedDiff(diff, top);
}

/** The added lines per file of a `git diff --unified=0` (paths resolved against the repository root). */
export function parseUnifiedDiff(diff: string, top: string): ChangedLines {
  const out: ChangedLines = new Map();
  let current: Set<number> | undefined;
  for (const line of diff.split('\n')) {
    if (line.startsWith('diff --git ')) current = undefined;
    else if (line.startsWith('+++ ')) {
      const target = line.slice(4);
      if (target === '/dev/null') current = undefined;
      else {
        const path = unquote(target).replace(/^b\//, '');
        current = new Set();
        out.set(resolve(top, path), current);
      }
    } else if (line.startsWith('@@ ') && current) {
      const m = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
      if (!m) continue;
      const start = Number(m[1]);
      const count = m[2] === undefined ? 1 : Number(m[2]);
      for (let l = start; l < start + count; l++) current.add(l);
    }
  }
  return out;
}

/** git writes a path with unusual characters as a C string: "b/a\tb.bicep", octal escapes for bytes. */
function unquote(path: string): string {
  if (!path.startsWith('"') || !path.endsWith('"')) return path;
  const bytes: number[] = [];
  const body = path.slice(1, -1);
  const simple: Record<string, number> = { n: 10, t: 9, r: 13, '"': 34, '\\': 92, a: 7, b: 8, f: 12, v: 11 };
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      bytes.push(...Buffer.from(c, 'utf8'));
      continue;
    }
    const next = body[i + 1];
    if (/[0-7]/.test(next)) {
      bytes.push(parseInt(body.slice(i + 1, i + 4), 8));
      i += 3;
    } else {
      bytes.push(simple[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function touches(lines: Set<number> | undefined, range: Range): boolean {
  if (!lines) return false;
  for (let l = range.start.line; l <= range.end.line; l++) if (lines.has(l)) return true;
  return false;
}

/**
 * A finding is about the pull request's change when its declaration, or a related location (the
 * parameter default that carries the bad value), spans a line the pull request added or changed,
 * as reviewdog's `filter-mode: added` judges, widened to the whole range of a declaration: a pull
 * request that edits the role inside a role assignment block is reported at that block.
 */
export function onChangedLines(f: Finding, changed: ChangedLines): boolean {
  return touches(changed.get(f.file), f.range) || f.related.some((r) => touches(changed.get(r.file), r.range));
}
