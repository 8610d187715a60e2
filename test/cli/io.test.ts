import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { binPath, repoRoot } from '../helpers/paths.js';
import { runCli } from '../helpers/run-cli.js';
import { treeMaker } from '../helpers/tree.js';

const { tree } = treeMaker('grantlint-io-');

/** Many findings, so that the JSON output is larger than a pipe's buffer. */
function manyFindings(): string {
  const grants = Array.from({ length: 400 }, (_, i) => `resource "azurerm_role_assignment" "r${i}" {
  scope                = "/subscriptions/00000000-0000-0000-0000-000000000000"
  role_definition_name = "Owner"
  principal_id         = var.p${i}
}
`).join('\n');
  return tree({ 'main.tf': grants });
}

/** `sh -c` with the CLI: for pipes and redirections as a user's shell sets them up. */
function shell(script: string, cwd: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('sh', ['-c', script], { cwd, encoding: 'utf8', env: { ...process.env, GRANTLINT: `${process.execPath} ${binPath}` } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('I/O as CLI users expect', () => {
  it('a closed pipe ends the output quietly (grantlint -f json | head -1)', () => {
    const dir = manyFindings();
    const r = shell('$GRANTLINT -f json . | head -1; echo "status=${?}"', dir);
    expect(r.stdout).toBe('{\nstatus=0\n');
    expect(r.stderr).toBe('');
  });

  it('a full disk on stdout is one line and exit 2', () => {
    const dir = manyFindings();
    const r = shell('$GRANTLINT -f json . > /dev/full', dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('grantlint: cannot write to standard output: no space left on device (ENOSPC)\n');
  });

  describe('--write-baseline into a path that cannot be written: one line naming it, exit 2', () => {
    const dir = manyFindings();
    it('a missing folder', () => {
      const r = runCli(['--write-baseline', 'no/such/folder/baseline.json', '.'], dir);
      expect(r.status).toBe(2);
      expect(r.stderr).toBe('grantlint: cannot write the baseline no/such/folder/baseline.json: the folder no/such/folder does not exist\n');
    });

    it('a folder', () => {
      mkdirSync(join(dir, 'out'), { recursive: true });
      const r = runCli(['--write-baseline', 'out', '.'], dir);
      expect(r.status).toBe(2);
      expect(r.stderr).toBe('grantlint: cannot write the baseline out: it is a folder (EISDIR)\n');
    });

    it('a full disk', () => {
      const r = runCli(['--write-baseline', '/dev/full', '.'], dir);
      expect(r.status).toBe(2);
      expect(r.stderr).toBe('grantlint: cannot write the baseline /dev/full: no space left on device (ENOSPC)\n');
    });

    it('a read-only folder', (ctx) => {
      const ro = join(dir, 'ro');
      mkdirSync(ro, { recursive: true });
      let expected = 'permission denied (EACCES)';
      if (process.getuid?.() === 0) {
        // root writes through file modes: use a read-only mount instead.
        const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=64k', 'tmpfs', ro]).status === 0;
        if (!mounted) ctx.skip();
        expected = 'read-only file system (EROFS)';
      } else chmodSync(ro, 0o555);
      try {
        const r = runCli(['--write-baseline', 'ro/baseline.json', '.'], dir);
        expect(r.status).toBe(2);
        expect(r.stderr).toBe(`grantlint: cannot write the baseline ro/baseline.json: ${expected}\n`);
      } finally {
        if (process.getuid?.() === 0) spawnSync('umount', [ro]);
        else chmodSync(ro, 0o755);
      }
    });
  });

  it('the pre-commit hook passes file names after --: a staged file named like an option is a file', () => {
    const hooks = parseYaml(readFileSync(join(repoRoot, '.pre-commit-hooks.yaml'), 'utf8')) as { entry: string; args?: string[] }[];
    const hook = hooks[0];
    const dir = tree({ '--write-baseline=x.json': '{}\n', 'main.bicep': "param p string\n" });
    // pre-commit runs `entry args... files...`.
    const argv = [...hook.entry.split(' ').slice(1), ...(hook.args ?? []), '--write-baseline=x.json', 'main.bicep'];
    const r = runCli(argv, dir);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(existsSync(join(dir, 'x.json'))).toBe(false);
  });
});
