/**
 * Glob patterns among the paths a user names. Most runs name plain paths: those are told apart by
 * their characters alone, and the glob library (with picomatch, a few milliseconds to load) is
 * loaded only for a path that may be a pattern.
 */
import type { GlobOptions } from 'tinyglobby';
import { lazyTinyglobby } from '../engine/lazy-deps.js';

/** A path without any of these is no pattern: picomatch's glob characters, and `\\` for its escapes. */
const MAY_BE_PATTERN = /[*?[\]{}()!+@\\]/;

/** Whether the glob library reads `path` as a pattern. */
export function isDynamicPattern(path: string): boolean {
  return MAY_BE_PATTERN.test(path) && lazyTinyglobby().isDynamicPattern(path);
}

export function glob(patterns: string | string[], options: Omit<GlobOptions, 'patterns'>): Promise<string[]> {
  return lazyTinyglobby().glob(patterns, options);
}

/** The path with its glob characters escaped, to be read as itself. */
export function escapePath(path: string): string {
  return lazyTinyglobby().escapePath(path);
}
