/**
 * Diagnostic latency of `grantlint lsp` after an edit, measured through the protocol with the
 * real executable: the time from a didChange to the publishDiagnostics of that version (debounce
 * set to 0, so this is the analysis itself), median and worst, plus the server's own CPU time.
 *
 *   npm run bench:lsp                                   # a small project, then bicep-registry-modules
 *   npm run bench:lsp -- <workspace> <file> [edits]     # one workspace, edits of one file
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../src/util/package-root.js';
import { LspClient } from './lsp-client.js';
import { GRANT_BICEP, MAIN_BICEP } from './lsp-fixtures.js';

interface Diagnostics {
  uri: string;
  version?: number;
  diagnostics: unknown[];
}

async function measure(label: string, workspace: string, file: string, edits: number): Promise<void> {
  const bin = join(packageRoot(), 'bin', 'grantlint.js');
  const client = new LspClient(workspace, [bin, 'lsp']);
  const uri = pathToFileURL(file).href;
  const text = readFileSync(file, 'utf8');
  const initStart = performance.now();
  await client.request('initialize', { processId: process.pid, rootUri: pathToFileURL(workspace).href, capabilities: {}, initializationOptions: { debounceMs: 0, idleMs: 3_600_000 } });
  client.notify('initialized', {});
  client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'plaintext', version: 1, text } });
  const isFor = (version: number) => (n: { method?: string; params?: unknown }) =>
    n.method === 'textDocument/publishDiagnostics' && (n.params as Diagnostics).uri === uri && (n.params as Diagnostics).version === version;
  await client.waitFor(isFor(1), 600_000);
  const first = performance.now() - initStart;
  const times: number[] = [];
  for (let i = 0; i < edits; i++) {
    const version = i + 2;
    // A keystroke: a comment grows at the end of the file (it changes the text, not the findings).
    const edited = file.endsWith('.json') ? `${text}${' '.repeat(i + 1)}` : `${text}\n${file.endsWith('.tf') ? '#' : '//'} ${'x'.repeat(i + 1)}\n`;
    const start = performance.now();
    client.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text: edited }] });
    await client.waitFor(isFor(version), 600_000);
    times.push(performance.now() - start);
  }
  const stats = await client.request<{ workspaces: { stats?: { candidates: number; roots: number; analysed: number } }[] }>('grantlint/stats', null);
  await client.close();
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  const ws = stats.workspaces[0]?.stats;
  console.log(
    `${label}: ${ws?.candidates ?? '?'} candidates, ${ws?.roots ?? '?'} roots; first diagnostics ${(first / 1000).toFixed(1)} s; ` +
      `after an edit (${edits} edits, re-analysed ${ws?.analysed ?? '?'} candidates each): median ${median.toFixed(0)} ms, worst ${times[times.length - 1].toFixed(0)} ms`,
  );
}

const [workspace, file, count] = process.argv.slice(2);
if (workspace && file) await measure(workspace, resolve(workspace), resolve(file), Number(count ?? 20));
else {
  const small = mkdtempSync(join(tmpdir(), 'grantlint-bench-lsp-'));
  writeFileSync(join(small, 'main.bicep'), MAIN_BICEP);
  writeFileSync(join(small, 'grant.bicep'), GRANT_BICEP);
  await measure('small project (2 files)', small, join(small, 'grant.bicep'), 30);
  const brm = resolve(packageRoot(), '..', 'shared', 'corpus', 'Azure+bicep-registry-modules');
  await measure('Azure+bicep-registry-modules', brm, join(brm, 'avm', 'res', 'key-vault', 'vault', 'main.bicep'), 20);
}
