import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll } from 'vitest';

/**
 * A temporary root for a test file, removed after its tests, and `tree(files)`, which writes files
 * (relative path -> text) under a fresh folder in it and returns the folder.
 */
export function treeMaker(prefix: string): { root: string; tree(files: Record<string, string>): string } {
  const root = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  let counter = 0;
  return {
    root,
    tree(files) {
      const dir = join(root, `t${counter++}`);
      mkdirSync(dir, { recursive: true });
      for (const [rel, text] of Object.entries(files)) {
        mkdirSync(dirname(join(dir, rel)), { recursive: true });
        writeFileSync(join(dir, rel), text);
      }
      return dir;
    },
  };
}
