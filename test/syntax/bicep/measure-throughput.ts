/**
 * Parser throughput over every `.bicep`/`.bicepparam` file in the shared corpus (not a test; run it
 * with `npx vite-node test/syntax/bicep/measure-throughput.ts`). Prints the best of several rounds,
 * beside a bare `charCodeAt` loop over the same text as a yardstick for how busy the machine is.
 */
import fs from 'node:fs';
import path from 'node:path';
import { lex } from '../../../src/syntax/bicep/lexer.js';
import { parseBicep } from '../../../src/syntax/bicep/parser.js';
import { sharedDir } from './oracle.js';

const DUMP = /\.(tokens|syntax|diagnostics|formatted|symbols)\.bicep(param)?$/;
function walk(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (/\.bicep(param)?$/.test(e.name) && !DUMP.test(e.name)) out.push(p);
  }
  return out;
}

const texts = walk(path.join(sharedDir, 'corpus')).map((f) => fs.readFileSync(f, 'utf8'));
const mb = texts.reduce((n, t) => n + Buffer.byteLength(t), 0) / 1e6;
const best = { scan: 0, lex: 0, parse: 0 };
for (let round = 0; round < 8; round++) {
  let t0 = performance.now();
  let sum = 0;
  for (const t of texts) for (let i = 0; i < t.length; i++) sum += t.charCodeAt(i);
  best.scan = Math.max(best.scan, mb / ((performance.now() - t0) / 1000));
  t0 = performance.now();
  for (const t of texts) lex(t);
  best.lex = Math.max(best.lex, mb / ((performance.now() - t0) / 1000));
  t0 = performance.now();
  for (const t of texts) parseBicep(t);
  best.parse = Math.max(best.parse, mb / ((performance.now() - t0) / 1000));
  if (sum < 0) console.log(sum);
}
console.log(`${texts.length} files, ${mb.toFixed(1)} MB`);
console.log(`charCodeAt loop ${best.scan.toFixed(0)} MB/s, lex ${best.lex.toFixed(1)} MB/s, lex+parse ${best.parse.toFixed(1)} MB/s`);
