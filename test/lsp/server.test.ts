import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binPath } from '../helpers/paths.js';
import { treeMaker } from '../helpers/tree.js';
import { LspClient } from '../../bench/lsp-client.js';
import { GRANT_BICEP, MAIN_BICEP } from '../../bench/lsp-fixtures.js';

interface Diag {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  code: string;
  codeDescription?: { href: string };
  message: string;
  severity: number;
  source: string;
  relatedInformation?: { location: { uri: string }; message: string }[];
}
interface Edit {
  range: Diag['range'];
  newText: string;
}

const { tree } = treeMaker('grantlint-lsp-');
let dir: string;
let client: LspClient;
const uri = (name: string) => pathToFileURL(join(dir, name)).href;

function applyLsp(text: string, edits: Edit[]): string {
  const lines = text.split('\n');
  const offset = (p: Edit['range']['start']) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  let out = text;
  for (const e of [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start))) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}

function diagnosticsOf(name: string, test: (d: Diag[]) => boolean = () => true) {
  const since = client.notifications.length;
  return async (): Promise<Diag[]> => {
    const m = await client.waitFor(
      (n) => n.method === 'textDocument/publishDiagnostics' && (n.params as { uri: string }).uri === uri(name) && test((n.params as { diagnostics: Diag[] }).diagnostics),
      30_000,
      since,
    );
    return (m.params as { diagnostics: Diag[] }).diagnostics;
  };
}

beforeAll(async () => {
  dir = tree({ 'main.bicep': MAIN_BICEP, 'grant.bicep': GRANT_BICEP, 'clean.bicep': "param location string = 'westeurope'\n" });
  client = new LspClient(dir, [binPath, 'lsp']);
  const init = await client.request<{ capabilities: Record<string, unknown> }>('initialize', {
    processId: process.pid,
    rootUri: pathToFileURL(dir).href,
    capabilities: {},
    initializationOptions: { debounceMs: 20, idleMs: 200 },
  });
  expect(init.capabilities.hoverProvider).toBe(true);
  client.notify('initialized', {});
});
afterAll(async () => {
  await client?.close();
});

describe('grantlint lsp', () => {
  it('answers a clean file with an empty list, for its version', async () => {
    const wait = diagnosticsOf('clean.bicep');
    client.notify('textDocument/didOpen', { textDocument: { uri: uri('clean.bicep'), languageId: 'bicep', version: 1, text: "param location string = 'westeurope'\n" } });
    expect(await wait()).toEqual([]);
    client.notify('textDocument/didClose', { textDocument: { uri: uri('clean.bicep') } });
  });

  it('lints an opened file over the workspace: the grant in the module counts', async () => {
    const wait = diagnosticsOf('grant.bicep', (d) => d.length > 0);
    client.notify('textDocument/didOpen', { textDocument: { uri: uri('grant.bicep'), languageId: 'bicep', version: 1, text: GRANT_BICEP } });
    const diags = await wait();
    const mpt = diags.find((d) => d.code === 'missing-principal-type')!;
    expect(mpt).toBeDefined();
    expect(mpt.source).toBe('grantlint');
    expect(mpt.codeDescription?.href).toMatch(/docs\/rules\/missing-principal-type\.md$/);
    expect(mpt.range.start).toEqual({ line: 6, character: 0 });
    expect(mpt.message).toContain("user-assigned identity 'uami'");

    const waitMain = diagnosticsOf('main.bicep');
    client.notify('textDocument/didOpen', { textDocument: { uri: uri('main.bicep'), languageId: 'bicep', version: 1, text: MAIN_BICEP } });
    // No diagnostics are published for a clean file that never had any; ask for code actions instead.
    await Promise.race([waitMain(), new Promise((r) => setTimeout(r, 1500))]);
    const found = client.notifications.filter((n) => n.method === 'textDocument/publishDiagnostics' && (n.params as { uri: string }).uri === uri('main.bicep'));
    for (const n of found) expect((n.params as { diagnostics: Diag[] }).diagnostics.map((d) => d.code)).not.toContain('missing-role-grant');
  });

  it('offers the edit as a quick fix (a suggestion in a module its caller passes the principal to), and the fixed buffer lints clean', async () => {
    const diags = client.notifications.filter((n) => n.method === 'textDocument/publishDiagnostics' && (n.params as { uri: string }).uri === uri('grant.bicep')).at(-1)!.params as { diagnostics: Diag[] };
    const mpt = diags.diagnostics.find((d) => d.code === 'missing-principal-type')!;
    const actions = await client.request<{ title: string; kind: string; isPreferred?: boolean; edit: { changes: Record<string, Edit[]> } }[]>('textDocument/codeAction', {
      textDocument: { uri: uri('grant.bicep') },
      range: mpt.range,
      context: { diagnostics: [mpt] },
    });
    // Not preferred: another caller of the module may pass a user or a group (see missing-principal-type).
    expect(actions.some((a) => a.isPreferred)).toBe(false);
    const fix = actions.find((a) => a.title.startsWith("Add principalType: 'ServicePrincipal'"))!;
    expect(fix.title).toBe("Add principalType: 'ServicePrincipal' (only if every caller of this module passes a managed identity or service principal)");
    expect(fix.kind).toBe('quickfix');
    const fixed = applyLsp(GRANT_BICEP, fix.edit.changes[uri('grant.bicep')]);
    expect(fixed).toContain("    principalId: principalId\n    principalType: 'ServicePrincipal'\n  }");
    const wait = diagnosticsOf('grant.bicep', (d) => !d.some((x) => x.code === 'missing-principal-type'));
    client.notify('textDocument/didChange', { textDocument: { uri: uri('grant.bicep'), version: 2 }, contentChanges: [{ text: fixed }] });
    await wait();
    // The disk copy was never touched: the buffer is what is linted.
    expect(readFileSync(join(dir, 'grant.bicep'), 'utf8')).toBe(GRANT_BICEP);
  });

  it('lints the unsaved buffer of the caller: removing the module call leaves the identity without a grant', async () => {
    const wait = diagnosticsOf('main.bicep', (d) => d.some((x) => x.code === 'missing-role-grant'));
    const withoutCall = MAIN_BICEP.slice(0, MAIN_BICEP.indexOf('module grant'));
    client.notify('textDocument/didChange', { textDocument: { uri: uri('main.bicep'), version: 2 }, contentChanges: [{ text: withoutCall }] });
    const diags = await wait();
    expect(diags.find((d) => d.code === 'missing-role-grant')!.range.start.line).toBe(0);
  });

  it('hovers an identity with what it is granted, where', async () => {
    client.notify('textDocument/didChange', { textDocument: { uri: uri('main.bicep'), version: 3 }, contentChanges: [{ text: MAIN_BICEP }] });
    const hover = await client.request<{ contents: { kind: string; value: string } }>('textDocument/hover', { textDocument: { uri: uri('main.bicep') }, position: { line: 1, character: 4 } });
    expect(hover.contents.kind).toBe('markdown');
    expect(hover.contents.value).toContain("user-assigned identity 'uami'");
    expect(hover.contents.value).toContain('Attached to: `site`');
    expect(hover.contents.value).toMatch(/'Key Vault Secrets User' on 'kv' \(Microsoft\.KeyVault\/vaults\) — grant\.bicep:7/);
  });

  it('honours the configuration file and its changes', async () => {
    const wait = diagnosticsOf('grant.bicep', (d) => d.some((x) => x.code === 'missing-principal-type'));
    client.notify('textDocument/didChange', { textDocument: { uri: uri('grant.bicep'), version: 3 }, contentChanges: [{ text: GRANT_BICEP }] });
    await wait();
    writeFileSync(join(dir, '.grantlint.yaml'), 'rules:\n  missing-principal-type: off\n');
    const off = diagnosticsOf('grant.bicep', (d) => !d.some((x) => x.code === 'missing-principal-type'));
    client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uri('.grantlint.yaml'), type: 1 }] });
    await off();
  });
});
