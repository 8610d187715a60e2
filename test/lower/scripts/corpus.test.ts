import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../../src/engine/lint.js';
import { ScriptLowering } from '../../../src/lower/scripts/commands.js';
import { sharedRoot } from '../../helpers/paths.js';

const corpus = join(sharedRoot, 'corpus');

function withScriptContent(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) withScriptContent(p, out);
    else if (/\.(bicep|json)$/.test(e.name) && readFileSync(p, 'utf8').includes('scriptContent')) out.push(p);
  }
  return out;
}

describe('deployment scripts of the shared corpus', () => {
  it('are read without an internal error, and their commands reach the command layer', async () => {
    expect(existsSync(corpus), `the shared corpus is missing at ${corpus} (set GRANTLINT_SHARED)`).toBe(true);
    const files = withScriptContent(corpus);
    expect(files.length).toBeGreaterThan(100);
    let commands = 0;
    const run = ScriptLowering.prototype.run;
    ScriptLowering.prototype.run = function (call) {
      commands++;
      return run.call(this, call);
    };
    try {
      // One thread: the count is taken in this thread's lowering (worker threads have their own copy).
      const { program } = await analyze(files, { cwd: corpus, jobs: 1 });
      expect(program.diagnostics.filter((d) => d.code === 'internal-error')).toEqual([]);
    } finally {
      ScriptLowering.prototype.run = run;
    }
    expect(commands).toBeGreaterThan(50);
  }, 300_000);
});
