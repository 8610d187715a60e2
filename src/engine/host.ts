import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { FrontEndHost } from '../lower/types.js';

/** Reads files once per run; `overrides` stand in for files on disk (unsaved editor buffers). */
export class CachingHost implements FrontEndHost {
  private readonly texts = new Map<string, string | undefined>();
  varFiles?: string[];
  includeGeneratedTemplates?: boolean;
  scriptsEnabled?: (file: string) => boolean;

  constructor(overrides: Map<string, string> = new Map()) {
    for (const [path, text] of overrides) this.texts.set(path, text);
  }

  readFile(path: string): string | undefined {
    if (!this.texts.has(path)) {
      let text: string | undefined;
      try {
        text = readFileSync(path, 'utf8');
      } catch {
        text = undefined;
      }
      this.texts.set(path, text);
    }
    return this.texts.get(path);
  }

  /** The text without keeping it (a first look at every file, before the front ends read them). */
  readUncached(path: string): string | undefined {
    if (this.texts.has(path)) return this.texts.get(path);
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  }

  fileExists(path: string): boolean {
    if (this.texts.has(path)) return this.texts.get(path) !== undefined;
    try {
      return statSync(path).isFile();
    } catch {
      return false;
    }
  }

  listFolder(path: string): string[] {
    try {
      return readdirSync(path, { withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => join(path, e.name))
        .sort();
    } catch {
      return [];
    }
  }
}
