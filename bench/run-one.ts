/**
 * One measured grantlint run in its own process (the benchmark spawns it): prints one JSON line
 * with wall and CPU time, peak RSS, files and findings.
 *
 *   node dist/bench/run-one.js [--jobs N] [--files <list-file>] [paths...]
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { lint } from '../src/engine/lint.js';

const args = process.argv.slice(2);
let jobs: number | undefined;
const paths: string[] = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--jobs') jobs = Number(args[++i]);
  else if (args[i] === '--files') paths.push(...readFileSync(args[++i], 'utf8').split('\n').filter(Boolean));
  else paths.push(args[i]);
}
const start = performance.now();
const cpu0 = process.cpuUsage();
const result = await lint(paths, { cwd: process.cwd(), jobs });
const cpu = process.cpuUsage(cpu0);
const wall = performance.now() - start;
process.stdout.write(
  JSON.stringify({
    wallMs: wall,
    cpuMs: (cpu.user + cpu.system) / 1000,
    maxRssKb: process.resourceUsage().maxRSS,
    files: result.files.length,
    findings: result.findings.length,
  }) + '\n',
);
