import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bicepFrontEnd } from '../../../src/lower/bicep/index.js';
import type { FrontEndHost } from '../../../src/lower/types.js';
import { sharedPath } from '../../helpers/paths.js';

const CORPORA = [sharedPath('corpus', 'Azure+bicep-registry-modules', 'avm'), sharedPath('corpus', 'Azure+bicep')];

function walk(dir: string, out: string[]): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (/\.bicep(param)?$/.test(e.name)) out.push(p);
  }
  return out;
}

function cachedHost(): FrontEndHost {
  const cache = new Map<string, string | undefined>();
  return {
    readFile: (p) => {
      if (!cache.has(p)) {
        try {
          cache.set(p, fs.readFileSync(p, 'utf8'));
        } catch {
          cache.set(p, undefined);
        }
      }
      return cache.get(p);
    },
    listFolder: () => [],
  };
}

describe('Bicep front end over real-world corpora', () => {
  for (const corpus of CORPORA) {
    it(`lowers every file of ${path.basename(corpus)} without throwing`, () => {
      const files = walk(corpus, []);
      const started = Date.now();
      const p = bicepFrontEnd.analyze(files, cachedHost());
      const ms = Date.now() - started;
      const internal = p.diagnostics.filter((d) => d.code !== 'parse-error');
      console.log(`${corpus}: ${files.length} files, ${p.resources.length} instances, ${p.diagnostics.length} parse errors, ${ms} ms`);
      expect(internal).toEqual([]);
      expect(p.resources.length).toBeGreaterThan(1000);
      expect(ms).toBeLessThan(45_000);
      for (const r of p.resources) {
        expect(r.decl.file).toBe(r.declKey.split('#')[0]);
        expect(r.body.kind).toBe('object');
      }
      expect(new Set(p.resources.map((r) => r.key)).size).toBe(p.resources.length);
    });
  }
});
