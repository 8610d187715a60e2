/**
 * Parser conformance over the corpora:
 * - every compiler baseline sample whose diagnostics hold no syntactic error parses without error;
 *   in every other sample, grantlint's first syntax error is on the line of the compiler's first;
 * - every other `.bicep`/`.bicepparam` file in the Bicep repository and every file in the
 *   registry-modules repository parses without error, except the intentionally invalid files
 *   listed below with their reasons;
 * - random truncations and mutations of corpus files never throw.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SYNTAX_DIAGNOSTIC_CODES } from '../../../src/syntax/bicep/diagnostic-codes.js';
import { parseBicep } from '../../../src/syntax/bicep/parser.js';
import { bicepRepo, listSamples, readDiagnosticsDump, samplesDir, sharedDir } from './oracle.js';

const DUMP = /\.(tokens|syntax|diagnostics|formatted|symbols|sourcemap|pprint)\.bicep(param)?$/;

function walk(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (/\.bicep(param)?$/.test(e.name) && !DUMP.test(e.name)) out.push(p);
  }
  return out;
}

function kindOf(file: string): 'bicep' | 'bicepparam' {
  return file.endsWith('.bicepparam') ? 'bicepparam' : 'bicep';
}

function lineOf(text: string, offset: number): number {
  let line = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) line++;
  }
  return line;
}

function describeErrors(text: string, file: ReturnType<typeof parseBicep>): string[] {
  return file.errors.slice(0, 3).map((e) => `line ${lineOf(text, e.start) + 1}: ${e.code ?? ''} ${e.message}`);
}

/**
 * Intentionally invalid files outside the baselines (paths relative to the Bicep repository).
 * Auxiliary files of the `Invalid*` baseline samples are excluded by rule (see below).
 */
const INVALID_ELSEWHERE: Record<string, string> = {
  'src/Bicep.Decompiler.IntegrationTests/Files/Working/issue5455/nested_StorageRoleDeploymentResource.bicep':
    'decompiler output with a `? /* TODO: fill in correct type */` placeholder the compiler rejects (BCP279)',
  'src/Bicep.Decompiler.IntegrationTests/Files/Working/nested-outer/nested_testnested.bicep':
    'decompiler output with a `? /* TODO: fill in correct type */` placeholder the compiler rejects (BCP279)',
  'src/Bicep.MSBuild.E2eTests/examples/fail/fail.bicep': 'the MSBuild end-to-end test input that must fail to build',
  'src/vscode-bicep/tests/e2e/examples/files/invalid-resources/main.bicep': 'the VS Code extension test input for error squiggles',
};

const samples = listSamples();
const sampleFiles = new Set(samples.map((s) => s.file));

describe('baseline samples: syntax errors agree with the compiler', () => {
  it.each(samples.map((s) => [s.name, s] as const))('%s', (_name, sample) => {
    const text = fs.readFileSync(sample.file, 'utf8');
    const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
    const file = parseBicep(text, { fileKind: sample.ext });
    const compilerErrors = readDiagnosticsDump(sample)
      .filter((d) => SYNTAX_DIAGNOSTIC_CODES.has(d.kind))
      .sort((a, b) => a.start - b.start);
    if (compilerErrors.length === 0) {
      expect(describeErrors(text, file)).toEqual([]);
      return;
    }
    expect(file.errors.length).toBeGreaterThan(0);
    const expectedLine = compilerErrors[0].line;
    const actualLine = lineOf(text.slice(bom), file.errors[0].start - bom);
    expect({ line: actualLine + 1, first: describeErrors(text, file)[0] }).toMatchObject({ line: expectedLine + 1 });
  });
});

describe('other Bicep files parse without syntax errors', () => {
  const others = walk(bicepRepo).filter((f) => !sampleFiles.has(f));
  const excluded: string[] = [];
  const checked = others.filter((f) => {
    const rel = path.relative(bicepRepo, f).split(path.sep).join('/');
    const relToSamples = path.relative(samplesDir, f).split(path.sep).join('/');
    // Modules, imports and configs beside an invalid baseline sample are part of its invalid setup.
    if (/^baselines[^/]*\/Invalid/.test(relToSamples)) {
      excluded.push(rel);
      return false;
    }
    if (rel in INVALID_ELSEWHERE) {
      excluded.push(rel);
      return false;
    }
    return true;
  });

  it('covers the repository', () => {
    expect(checked.length).toBeGreaterThan(500);
    expect(excluded.length).toBeLessThan(60);
  });

  it('parses every file without error', () => {
    const failures: string[] = [];
    for (const f of checked) {
      const text = fs.readFileSync(f, 'utf8');
      const file = parseBicep(text, { fileKind: kindOf(f) });
      if (file.errors.length > 0) failures.push(`${path.relative(bicepRepo, f)}: ${describeErrors(text, file)[0]}`);
    }
    expect(failures).toEqual([]);
  });

  it('reports syntax errors in each listed invalid file', () => {
    for (const rel of Object.keys(INVALID_ELSEWHERE)) {
      const f = path.join(bicepRepo, rel);
      expect(parseBicep(fs.readFileSync(f, 'utf8'), { fileKind: kindOf(f) }).errors.length, rel).toBeGreaterThan(0);
    }
  });
});

describe('registry modules parse without syntax errors', () => {
  const files = walk(path.join(sharedDir, 'corpus', 'Azure+bicep-registry-modules'));

  it('parses every file without error', () => {
    expect(files.length).toBeGreaterThan(1000);
    const failures: string[] = [];
    for (const f of files) {
      const text = fs.readFileSync(f, 'utf8');
      const file = parseBicep(text, { fileKind: kindOf(f) });
      if (file.errors.length > 0) failures.push(`${path.relative(sharedDir, f)}: ${describeErrors(text, file)[0]}`);
    }
    expect(failures).toEqual([]);
  });
});

describe('robustness', () => {
  /** A small deterministic PRNG (mulberry32), so failures reproduce. */
  function random(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  const NOISE = ["'", '${', '}', '{', '[', ']', '(', ')', '\n', '\r\n', "'''", '$\'\'\'', '@', '.?', '!', '::', ',', ':', '=>', '...', '#disable-next-line', '/*', '//', '\\', '\uFEFF', 'resource', 'for', 'if', '|', '?', '"'];

  it('never throws on truncated or mutated corpus files', () => {
    const rnd = random(20240611);
    const pool = samples.map((s) => s.file);
    let runs = 0;
    for (let n = 0; n < 40; n++) {
      const f = pool[Math.floor(rnd() * pool.length)];
      const text = fs.readFileSync(f, 'utf8');
      const variants: string[] = [];
      for (let k = 0; k < 5; k++) variants.push(text.slice(0, Math.floor(rnd() * text.length)));
      for (let k = 0; k < 10; k++) {
        let t = text;
        for (let m = 0; m < 5; m++) {
          const at = Math.floor(rnd() * t.length);
          const r = rnd();
          if (r < 0.4) t = t.slice(0, at) + t.slice(at + 1 + Math.floor(rnd() * 20));
          else t = t.slice(0, at) + NOISE[Math.floor(rnd() * NOISE.length)] + t.slice(at);
        }
        variants.push(t);
      }
      for (const v of variants) {
        const file = parseBicep(v, { fileKind: kindOf(f) });
        runs++;
        expect(file.end).toBe(v.length);
        expect(file.errors.filter((e) => e.message.startsWith('Internal parser error'))).toEqual([]);
        for (const e of file.errors) {
          expect(e.start).toBeGreaterThanOrEqual(0);
          expect(e.end).toBeLessThanOrEqual(v.length);
        }
      }
    }
    expect(runs).toBe(600);
  });
});
