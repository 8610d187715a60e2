import { spawnSync } from 'node:child_process';
import { binPath } from './paths.js';

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI the way a user does: `node bin/grantlint.js ...` in a folder. */
export function runCli(args: string[], cwd: string, input?: string, env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' }): CliRun {
  const r = spawnSync(process.execPath, [binPath, ...args], { cwd, encoding: 'utf8', input, env });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
