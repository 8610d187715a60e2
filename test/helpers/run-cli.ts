import { spawnSync } from 'node:child_process';
import { binPath } from './paths.js';

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI the way a user does: `node bin/grantlint.js ...` in a folder. */
export function runCli(args: string[], cwd: string, input?: string): CliRun {
  const r = spawnSync(process.execPath, [binPath, ...args], { cwd, encoding: 'utf8', input, env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
