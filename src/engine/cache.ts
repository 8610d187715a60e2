/**
 * The result cache (`--cache`), as ESLint's: findings of a module closure are reused while the
 * content of every file its analysis read, the configuration in force for its files, grantlint's
 * version and the run's options are unchanged. A closure is the unit because findings depend on
 * nothing outside it (closures.ts); a file is not, since a module's findings depend on its callers.
 *
 * The cache file is JSON, written atomically (a temporary file renamed over it); an unreadable or
 * foreign file is ignored and rewritten, never an error: the cache can always be deleted.
 */
import { createHash } from './lazy-deps.js';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { UseEvidence } from '../graph/identity-uses.js';
import type { Finding } from './types.js';

const FORMAT = 2;

export interface CacheEntry {
  /** Every file the closure's analysis read (its own and the modules it reached), with content hashes. */
  inputs: Record<string, string>;
  /** Its findings after configuration and inline suppressions (the baseline is applied afterwards). */
  findings: Finding[];
  files: string[];
  suppressed: number;
  /** What in the closure may use an identity of another closure (identity-uses.ts). */
  evidence: UseEvidence;
}

interface CacheDocument {
  format: number;
  /** Version, options and rules of the run that wrote it: another run key starts afresh. */
  runKey: string;
  entries: Record<string, CacheEntry>;
}

export function contentHash(text: string): string {
  return createHash('sha1').update(text).digest('base64url');
}

export class ResultCache {
  private entries: Record<string, CacheEntry> = {};
  private readonly used = new Set<string>();
  hits = 0;
  misses = 0;

  constructor(
    readonly path: string,
    private readonly runKey: string,
  ) {
    try {
      const doc = JSON.parse(readFileSync(path, 'utf8')) as CacheDocument;
      if (doc.format === FORMAT && doc.runKey === runKey && doc.entries && typeof doc.entries === 'object') this.entries = doc.entries;
    } catch {
      // No cache yet, or one grantlint cannot read: start afresh.
    }
  }

  /**
   * The entry of a closure, when every input still has the hash it had. `hashOf` returns a file's
   * current hash (undefined when it cannot be read).
   */
  lookup(key: string, hashOf: (path: string) => string | undefined): CacheEntry | undefined {
    const entry = this.entries[key];
    const fresh = !!entry && Object.entries(entry.inputs).every(([path, hash]) => hashOf(path) === hash);
    if (fresh) {
      this.used.add(key);
      this.hits++;
      return entry;
    }
    this.misses++;
    return undefined;
  }

  store(key: string, entry: CacheEntry): void {
    this.entries[key] = entry;
    this.used.add(key);
  }

  /** Writes the entries used by this run (closures that are gone are dropped). */
  save(): void {
    const entries: Record<string, CacheEntry> = {};
    for (const key of [...this.used].sort()) entries[key] = this.entries[key];
    const doc: CacheDocument = { format: FORMAT, runKey: this.runKey, entries };
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      const temporary = `${this.path}.${process.pid}.tmp`;
      writeFileSync(temporary, JSON.stringify(doc));
      renameSync(temporary, this.path);
    } catch {
      // A cache that cannot be written costs the next run time, not correctness.
    }
  }
}

/** The key of a run's settings: what changes every closure's findings at once. */
export function runKey(parts: unknown): string {
  return contentHash(JSON.stringify(parts));
}
