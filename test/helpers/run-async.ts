import { spawn } from 'node:child_process';

export interface AsyncRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command without blocking the event loop: vitest's worker must keep answering its runner
 * while npm, apt or a browser works (a blocked worker fails the run with an RPC timeout).
 */
export function runAsync(cmd: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeout?: number } = {}): Promise<AsyncRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], timeout: options.timeout });
    let stdout = '';
    let stderr = '';
    // Decoded as one stream: a chunk boundary may fall inside a multi-byte character ('→').
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
