import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrontEndHost } from '../../../src/lower/types.js';
import { analyzeBicep } from '../../../src/lower/bicep/index.js';
import type { LoweredProgram, ResourceInstance } from '../../../src/model/template.js';
import { getPath, type Value } from '../../../src/model/value.js';

/** A host over in-memory files (absolute paths under /mem) falling back to the disk. */
export function memoryHost(files: Record<string, string>): FrontEndHost {
  return {
    readFile: (p) => files[p] ?? (fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : undefined),
    listFolder: () => [],
  };
}

export const diskHost: FrontEndHost = {
  readFile: (p) => {
    try {
      return fs.readFileSync(p, 'utf8');
    } catch {
      return undefined;
    }
  },
  listFolder: () => [],
};

/** Lowers in-memory files; keys are relative to /mem. `given` defaults to every file. */
export function lowerFiles(files: Record<string, string>, given?: string[]): LoweredProgram {
  const abs: Record<string, string> = {};
  for (const [k, v] of Object.entries(files)) abs[path.join('/mem', k)] = v;
  return analyzeBicep((given ?? Object.keys(files)).map((f) => path.join('/mem', f)), memoryHost(abs));
}

export function lowerOne(text: string): LoweredProgram {
  return lowerFiles({ 'main.bicep': text });
}

export function bySymbol(p: LoweredProgram, symbol: string): ResourceInstance[] {
  return p.resources.filter((r) => r.symbol === symbol);
}

export function one(p: LoweredProgram, symbol: string): ResourceInstance {
  const found = bySymbol(p, symbol);
  if (found.length !== 1) throw new Error(`expected one instance of ${symbol}, got ${found.length}`);
  return found[0];
}

export function prop(r: ResourceInstance, ...path: (string | number)[]): Value | undefined {
  return getPath(r.body, path);
}
