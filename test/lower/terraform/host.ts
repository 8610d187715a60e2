import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { FrontEndHost } from '../../../src/lower/types.js';

/** Reads files from disk, and in-memory files when given (path → text). */
export function makeHost(files: Record<string, string> = {}, varFiles?: string[]): FrontEndHost {
  return {
    readFile(path) {
      if (path in files) return files[path];
      try {
        return readFileSync(path, 'utf8');
      } catch {
        return undefined;
      }
    },
    listFolder(path) {
      const mem = Object.keys(files).filter((f) => f.slice(0, f.lastIndexOf('/')) === path);
      let disk: string[] = [];
      try {
        disk = readdirSync(path)
          .map((f) => join(path, f))
          .filter((f) => statSync(f).isFile());
      } catch {
        disk = [];
      }
      return [...new Set([...mem, ...disk])].sort();
    },
    ...(varFiles ? { varFiles } : {}),
  };
}

export const diskHost = makeHost();
