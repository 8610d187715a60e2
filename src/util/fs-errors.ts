/**
 * File-system errors said the way a user reads them: what is wrong with the path, with the code in
 * parentheses for searching (`no such file or folder (ENOENT)`).
 */
const REASONS: Record<string, string> = {
  ENOENT: 'no such file or folder',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'it is a folder',
  ENOTDIR: 'a part of the path is not a folder',
  ELOOP: 'too many levels of symbolic links (a symlink loop)',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
  ENAMETOOLONG: 'the name is too long',
  EIO: 'input/output error',
  EFBIG: 'the file is too large',
  EPIPE: 'the reader closed the pipe',
  EBUSY: 'the resource is busy',
  ETXTBSY: 'the file is busy',
  EAGAIN: 'the resource is temporarily unavailable',
};

export function describeFsError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const code = typeof err?.code === 'string' ? err.code : undefined;
  const reason = code ? REASONS[code] : undefined;
  if (reason) return `${reason} (${code})`;
  const message = err instanceof Error ? err.message : String(e);
  return code ? `${message.split('\n')[0]} (${code})` : message.split('\n')[0];
}

/**
 * The environment stopped the run: a file that cannot be written, a full disk. The CLI prints the
 * message as one line and exits 2; it is not a defect to report.
 */
export class EnvironmentError extends Error {}
