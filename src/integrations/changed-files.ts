import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

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

/**
 * Absolute paths of the files the pull request changes (added, modified, renamed to), as the
 * "Files changed" tab shows them: the diff from the merge base of base and head. Needs both commits
 * in the clone (`actions/checkout` with `fetch-depth: 0`). Throws when git cannot tell.
 */
export function changedFiles(range: PullRequestRange, cwd: string): Set<string> {
  const git = (...args: string[]): string => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const top = git('rev-parse', '--show-toplevel').trim();
  const out = git('diff', '--name-only', '-z', '--diff-filter=d', `${range.base}...${range.head}`);
  return new Set(out.split('\0').filter(Boolean).map((p) => resolve(top, p)));
}
