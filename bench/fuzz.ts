/**
 * Mutation fuzzing of the whole pipeline (discover excepted): corpus files of each format are
 * mutated with a seeded generator and linted as editor buffers. A run fails on any throw, any
 * position outside the file, any internal-error finding, and any parse-error that an internal
 * limit caused (a stack overflow, an "internal parser error") instead of the text.
 *
 *   npm run fuzz                          # 100,000 mutations per format
 *   npm run fuzz -- 2000 7                # 2,000 per format, seed 7
 *
 * The CI test (test/fuzz) runs a few hundred with fixed seeds.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { lint } from '../src/engine/lint.js';
import type { Finding } from '../src/engine/types.js';

export type FuzzFormat = 'bicep' | 'terraform' | 'arm';

const FILE_NAME: Record<FuzzFormat, string> = { bicep: 'main.bicep', terraform: 'main.tf', arm: 'azuredeploy.json' };

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Pieces a hostile or broken template is made of. */
const TOKENS = [
  '{', '}', '[', ']', '(', ')', '"', "'", '`', '${', '%{', '}}', ':', ',', '=', '==', '?', '.', '..', '...', '\\', '/*', '*/', '//', '#',
  '\n', '\r', '\r\n', '\t', '\u0000', '\u001b]8;;x\u0007', '\u2028', '\uFEFF', '\uD800', '\uDC00', '😀', '::stop-commands::x', '##[error]x',
  '<<EOF\n', '\nEOF\n', '-1', '1e308', '99999999999999999999', '0x1F', 'null', 'true', 'for', 'if', 'in', 'count', 'for_each', 'copy',
  'module', 'resource', 'existing', 'param', 'var', 'output', 'locals', 'variable', 'dynamic', 'each.key', 'count.index', 'copyIndex()',
  "[concat('", "')]", '[parameters(', '[variables(', 'guid(', 'resourceId(', 'regex("^(a+)+$", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab")',
  'range(0, 100000)', '../../../../etc/passwd', '/dev/zero', 'relativePath', 'templateLink', 'Owner', '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
];

/** One mutation of `text`: delete, duplicate, insert, swap, truncate, nest deeply, or inflate a number. */
export function mutate(text: string, rnd: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const pos = (): number => Math.floor(rnd() * (text.length + 1));
  const span = (): [number, number] => {
    const a = pos();
    return [a, Math.min(text.length, a + 1 + Math.floor(rnd() * Math.min(200, text.length + 1)))];
  };
  switch (Math.floor(rnd() * 9)) {
    case 0: {
      const [a, b] = span();
      return text.slice(0, a) + text.slice(b);
    }
    case 1: {
      const [a, b] = span();
      return text.slice(0, b) + text.slice(a, b) + text.slice(b);
    }
    case 2:
    case 3: {
      const at = pos();
      return text.slice(0, at) + pick(TOKENS) + text.slice(at);
    }
    case 4: {
      const [a, b] = span();
      const [c, d] = span();
      if (b <= c) return text.slice(0, a) + text.slice(c, d) + text.slice(b, c) + text.slice(a, b) + text.slice(d);
      return text.slice(0, c) + text.slice(a, b) + text.slice(d);
    }
    case 5:
      return text.slice(0, pos());
    case 6: {
      const at = pos();
      const n = 100 + Math.floor(rnd() * 5000);
      const [open, close] = pick([['[', ']'], ['{', '}'], ['(', ')']] as const);
      return text.slice(0, at) + open.repeat(n) + (rnd() < 0.7 ? close.repeat(n) : '') + text.slice(at);
    }
    case 7: {
      const m = /\d+/g;
      const numbers = [...text.matchAll(m)];
      if (numbers.length === 0) return text;
      const n = pick(numbers);
      return text.slice(0, n.index) + pick(['1000', '100000', '1e9', '-1', '0']) + text.slice(n.index + n[0].length);
    }
    default: {
      // Several small edits at once.
      let t = text;
      for (let i = 0; i < 3; i++) {
        const at = Math.floor(rnd() * (t.length + 1));
        t = t.slice(0, at) + pick(TOKENS) + t.slice(at);
      }
      return t;
    }
  }
}

/** What is wrong with the findings for `text`, or [] when nothing is. */
export function problemsOf(findings: Finding[], file: string, text: string): string[] {
  const lines = text.split(/\r\n|\r|\n/);
  const problems: string[] = [];
  const inside = (line: number, column: number): boolean => line >= 1 && line <= lines.length && column >= 1 && column <= lines[line - 1].length + 1;
  for (const f of findings) {
    if (f.file !== file) continue;
    const { start, end } = f.range;
    if (!inside(start.line, start.column) || !inside(end.line, end.column)) problems.push(`${f.ruleId} at ${start.line}:${start.column}-${end.line}:${end.column} is outside the file`);
    else if (end.line < start.line || (end.line === start.line && end.column < start.column)) problems.push(`${f.ruleId} ends before it starts`);
    if (f.ruleId === 'internal-error') problems.push(`internal error: ${f.message}`);
    if (f.ruleId === 'parse-error' && /call stack|Internal parser error|Could not parse the file|cannot parse:|Invalid string length|too much recursion/i.test(f.message)) {
      problems.push(`parse-error from an internal limit: ${f.message}`);
    }
  }
  return problems;
}

/** Seed files of a format: every k-th corpus file under 40 KB, in path order. */
export function seedFiles(corpus: string, format: FuzzFormat, count: number): string[] {
  const test: Record<FuzzFormat, (n: string) => boolean> = {
    bicep: (n) => n.endsWith('.bicep'),
    terraform: (n) => n.endsWith('.tf'),
    arm: (n) => n.endsWith('.json') && !n.endsWith('.parameters.json'),
  };
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, e.name);
      if (e.isDirectory() && e.name !== '.git' && e.name !== 'node_modules') walk(p);
      else if (e.isFile() && test[format](e.name) && statSync(p).size < 40_000) {
        if (format !== 'arm' || /deploymentTemplate\.json/.test(readFileSync(p, 'utf8').slice(0, 400))) found.push(p);
      }
    }
  };
  walk(corpus);
  const step = Math.max(1, Math.floor(found.length / count));
  return found.filter((_, i) => i % step === 0).slice(0, count);
}

export interface FuzzResult {
  format: FuzzFormat;
  cases: number;
  failures: { seedFile: string; iteration: number; problems: string[]; text: string }[];
  ms: number;
  slowestMs: number;
}

/** Lints `iterations` mutations of the seed texts (each mutation builds on a fresh seed text). */
export async function fuzzFormat(format: FuzzFormat, seeds: string[], iterations: number, seed: number): Promise<FuzzResult> {
  const rnd = prng(seed);
  const dir = mkdtempSync(join(tmpdir(), 'grantlint-fuzz-'));
  const file = join(dir, FILE_NAME[format]);
  const texts = seeds.map((s) => readFileSync(s, 'utf8'));
  const result: FuzzResult = { format, cases: 0, failures: [], ms: 0, slowestMs: 0 };
  const started = performance.now();
  try {
    for (let i = 0; i < iterations; i++) {
      const k = i % texts.length;
      let text = texts[k];
      const edits = 1 + Math.floor(rnd() * 3);
      for (let e = 0; e < edits; e++) text = mutate(text, rnd);
      const t0 = performance.now();
      let problems: string[];
      try {
        const { findings } = await lint([dir], { cwd: dir, overrides: new Map([[file, text]]) });
        problems = problemsOf(findings, file, text);
      } catch (e) {
        problems = [`threw: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`];
      }
      result.slowestMs = Math.max(result.slowestMs, performance.now() - t0);
      result.cases++;
      if (problems.length > 0) result.failures.push({ seedFile: seeds[k], iteration: i, problems, text });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  result.ms = performance.now() - started;
  return result;
}

async function main(): Promise<void> {
  const iterations = Number(process.argv[2] ?? 100_000);
  const seed = Number(process.argv[3] ?? 1);
  const corpus = resolve(process.env.GRANTLINT_SHARED ?? resolve(process.cwd(), '..', 'shared'), 'corpus');
  let failed = 0;
  for (const format of ['bicep', 'terraform', 'arm'] as const) {
    const seeds = seedFiles(corpus, format, 60);
    const r = await fuzzFormat(format, seeds, iterations, seed);
    failed += r.failures.length;
    console.log(`${format}: ${r.cases} mutations of ${seeds.length} corpus files, ${r.failures.length} failures, ${(r.ms / 1000).toFixed(1)} s (slowest case ${r.slowestMs.toFixed(0)} ms)`);
    for (const f of r.failures.slice(0, 5)) console.log(`  ${f.seedFile} #${f.iteration}: ${f.problems.join('; ').slice(0, 400)}`);
  }
  process.exitCode = failed > 0 ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) await main();
