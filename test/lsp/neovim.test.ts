import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { binPath, repoRoot } from '../helpers/paths.js';
import { treeMaker } from '../helpers/tree.js';
import { GRANT_BICEP, MAIN_BICEP } from '../../bench/lsp-fixtures.js';

/** Neovim from Debian, installed when missing: this test fails, never skips, when it cannot run. */
function ensureNeovim(): string {
  const found = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
  if (found.status === 0) return 'nvim';
  const update = spawnSync('apt-get', ['update', '-qq'], { encoding: 'utf8' });
  const install = spawnSync('apt-get', ['install', '-y', '-qq', 'neovim'], { encoding: 'utf8', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  const again = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
  if (again.status !== 0) throw new Error(`Neovim is missing and could not be installed:\n${update.stderr}\n${install.stderr}`);
  return 'nvim';
}

const { tree } = treeMaker('grantlint-nvim-');

describe("Neovim's built-in LSP client", () => {
  it('opens a file, edits it, gets the diagnostic, applies the code action and the buffer is fixed', { timeout: 240_000 }, () => {
    const nvim = ensureNeovim();
    const grant = GRANT_BICEP.replace('    principalId: principalId\n', "    principalId: principalId\n    principalType: 'ServicePrincipal'\n");
    const ws = tree({ 'main.bicep': MAIN_BICEP, 'grant.bicep': grant });
    const resultFile = join(ws, 'result.txt');
    const r = spawnSync(nvim, ['--headless', '-u', 'NONE', '-i', 'NONE', '-n', '-c', `luafile ${join(repoRoot, 'test', 'lsp', 'neovim.lua')}`], {
      cwd: ws,
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, GRANTLINT_BIN: binPath, GRANTLINT_WS: ws, GRANTLINT_RESULT: resultFile },
    });
    const result = existsSync(resultFile) ? readFileSync(resultFile, 'utf8') : `no result (exit ${r.status}, signal ${r.signal}): ${r.stdout}\n${r.stderr}`;
    expect(result).toBe('ok');
    expect(r.status).toBe(0);
    // The file on disk was never written: the client's buffer is what was linted and fixed.
    expect(readFileSync(join(ws, 'grant.bicep'), 'utf8')).toBe(grant);
  });
});
