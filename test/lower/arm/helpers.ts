import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { FrontEndHost } from '../../../src/lower/types.js';

/** A host over the real file system (no caching beyond a map). */
export function fsHost(extra: Partial<FrontEndHost> = {}): FrontEndHost {
  const cache = new Map<string, string | undefined>();
  return {
    readFile(path: string): string | undefined {
      if (!cache.has(path)) {
        try {
          cache.set(path, readFileSync(path, 'utf8'));
        } catch {
          cache.set(path, undefined);
        }
      }
      return cache.get(path);
    },
    listFolder(path: string): string[] {
      try {
        return readdirSync(path).map((f) => join(path, f));
      } catch {
        return [];
      }
    },
    ...extra,
  };
}

/** Files under a folder (recursively) whose names match. */
export function filesUnder(dir: string, match: (f: string) => boolean): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (match(p)) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

/** A host over in-memory files. */
export function memHost(files: Record<string, string>, extra: Partial<FrontEndHost> = {}): FrontEndHost {
  return {
    readFile: (p) => files[p],
    listFolder: () => [],
    ...extra,
  };
}
