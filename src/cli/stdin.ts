import { BufferError, bufferLint, readStdin, type BufferLint } from '../integrations/stdin.js';
import { UsageError } from './options.js';

/** `--stdin --stdin-filename <path>`: reads the editor's buffer and says what to lint for it. */
export async function stdinBuffer(filename: string, cwd: string): Promise<BufferLint> {
  const text = await readStdin();
  try {
    return bufferLint(text, filename, cwd);
  } catch (e) {
    if (e instanceof BufferError) throw new UsageError(e.message);
    throw e;
  }
}
