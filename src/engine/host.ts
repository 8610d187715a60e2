import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FrontEndHost } from '../lower/types.js';
import { LineMap } from '../model/location.js';

/** Reads files once per run; `overrides` stand in for files on disk (unsaved editor buffers). */
export class CachingHost implements FrontEndHost {
  private readonly texts = new Map<string, string | undefined>();
  varFiles?: string[];
  includeGeneratedTemplates?: boolean;

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

  private readonly lineMaps = new Map<string, LineMap | undefined>();

  /** The file's line index, built once. */
  lineMap(path: string): LineMap | undefined {
    if (!this.lineMaps.has(path)) {
      const text = this.readFile(path);
      this.lineMaps.set(path, text === undefined ? undefined : new LineMap(text));
    }
    return this.lineMaps.get(path);
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
