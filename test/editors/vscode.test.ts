import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inflateRawSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/paths.js';
import { LspClient } from '../../bench/lsp-client.js';
import { GRANT_BICEP, MAIN_BICEP } from '../../bench/lsp-fixtures.js';

const extensionDir = join(repoRoot, 'editors', 'vscode');
const work = mkdtempSync(join(tmpdir(), 'grantlint-vsix-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The entries of a zip archive (a .vsix is one), read from its central directory. */
function unzip(buffer: Buffer): Map<string, Buffer> {
  let eocd = buffer.length - 22;
  while (eocd >= 0 && buffer.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error('not a zip archive');
  const count = buffer.readUInt16LE(eocd + 10);
  let p = buffer.readUInt32LE(eocd + 16);
  const out = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    const method = buffer.readUInt16LE(p + 10);
    const size = buffer.readUInt32LE(p + 20);
    const nameLength = buffer.readUInt16LE(p + 28);
    const skip = nameLength + buffer.readUInt16LE(p + 30) + buffer.readUInt16LE(p + 32);
    const name = buffer.toString('utf8', p + 46, p + 46 + nameLength);
    const local = buffer.readUInt32LE(p + 42);
    const start = local + 30 + buffer.readUInt16LE(local + 26) + buffer.readUInt16LE(local + 28);
    const data = buffer.subarray(start, start + size);
    out.set(name, method === 8 ? inflateRawSync(data) : Buffer.from(data));
    p += 46 + skip;
  }
  return out;
}

describe('the VS Code extension', () => {
  it('builds, packages to a .vsix with @vscode/vsce, and its bundled server runs without node_modules', { timeout: 120_000 }, async () => {
    const build = spawnSync(process.execPath, [join(extensionDir, 'build.mjs')], { encoding: 'utf8' });
    expect(build.stderr).toBe('');
    expect(build.status).toBe(0);
    const vsix = join(work, 'grantlint.vsix');
    const vsce = join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce');
    const pack = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--out', vsix], { cwd: extensionDir, encoding: 'utf8' });
    expect(pack.status, pack.stderr + pack.stdout).toBe(0);

    const entries = unzip(readFileSync(vsix));
    const names = [...entries.keys()].sort();
    for (const needed of [
      'extension.vsixmanifest',
      'extension/package.json',
      'extension/readme.md',
      'extension/LICENSE.txt',
      'extension/dist/extension.js',
      'extension/server/grantlint.mjs',
      'extension/server/package.json',
      'extension/server/data/builtin-roles.json',
      'extension/server/schemas/grantlint-config.schema.json',
    ]) {
      expect(names).toContain(needed);
    }
    expect(names.filter((n) => /node_modules|\/src\/|\.ts$|\.map$|\.gitignore$/.test(n))).toEqual([]);
    const manifest = JSON.parse(entries.get('extension/package.json')!.toString('utf8'));
    expect(manifest.main).toBe('./dist/extension.js');
    expect(Object.keys(manifest.contributes.configuration.properties)).toEqual(
      expect.arrayContaining(['grantlint.configFile', 'grantlint.rules', 'grantlint.path']),
    );
    expect(entries.get('extension/dist/extension.js')!.toString('utf8')).toContain('require("vscode")');

    // The packaged server, copied out of the package into a folder with no node_modules above it.
    const installed = join(work, 'installed');
    for (const [name, data] of entries) {
      if (!name.startsWith('extension/server/')) continue;
      const target = join(installed, name.slice('extension/'.length));
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, data);
    }
    const ws = join(work, 'ws');
    mkdirSync(ws);
    writeFileSync(join(ws, 'main.bicep'), MAIN_BICEP);
    writeFileSync(join(ws, 'grant.bicep'), GRANT_BICEP);
    const client = new LspClient(ws, [join(installed, 'server', 'grantlint.mjs')]);
    try {
      await client.request('initialize', { processId: process.pid, rootUri: pathToFileURL(ws).href, capabilities: {}, initializationOptions: { debounceMs: 20 } });
      client.notify('initialized', {});
      const uri = pathToFileURL(join(ws, 'grant.bicep')).href;
      client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'bicep', version: 1, text: GRANT_BICEP } });
      const m = await client.waitFor((n) => n.method === 'textDocument/publishDiagnostics' && (n.params as { uri: string }).uri === uri);
      expect((m.params as { diagnostics: { code: string }[] }).diagnostics.map((d) => d.code)).toContain('missing-principal-type');
    } finally {
      await client.close();
    }
  });
});
