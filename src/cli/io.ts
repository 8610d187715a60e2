import { describeFsError } from '../util/fs-errors.js';

/**
 * Standard output as CLI users expect it. A closed pipe (`grantlint -f json | head -1`) ends the
 * output quietly: the reader asked for no more. Any other write error (a full disk, ENOSPC) is one
 * line on stderr and exit code 2, instead of an unhandled 'error' event and a stack trace.
 */
export function guardStandardOutput(stdout: NodeJS.WriteStream = process.stdout, stderr: NodeJS.WriteStream = process.stderr): void {
  let reported = false;
  stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') return;
    process.exitCode = 2;
    if (reported) return;
    reported = true;
    stderr.write(`grantlint: cannot write to standard output: ${describeFsError(e)}\n`);
  });
  // Nothing useful can be said about a closed stderr.
  stderr.on('error', () => undefined);
}
