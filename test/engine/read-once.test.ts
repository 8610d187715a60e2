import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CachingHost } from '../../src/engine/host.js';
import { lint } from '../../src/engine/lint.js';
import { scanning, TextStore } from '../../src/engine/pool.js';
import { generatedBesideBicep, generatedBytesBesideBicep } from '../../src/lower/arm/generated.js';
import { BICEP_OWNER } from '../helpers/owner-grants.js';
import { treeMaker } from '../helpers/tree.js';

const { tree } = treeMaker('grantlint-read-once-');

afterEach(() => vi.restoreAllMocks());

describe('each file is read once in a run', () => {
  it('the closure scan hands its texts to the batches: no file is read from disk twice', async () => {
    const dir = tree({
      'main.bicep': `module m 'mod/m.bicep' = { name: 'm' }\n${BICEP_OWNER}`,
      'mod/m.bicep': BICEP_OWNER,
      'other/x.bicep': BICEP_OWNER,
      'tf/main.tf': 'resource "azurerm_resource_group" "rg" {\n  name     = "rg"\n  location = "westeurope"\n}\n',
    });
    const read = vi.spyOn(CachingHost.prototype as unknown as { read(path: string): string }, 'read');
    const { findings } = await lint([dir], { cwd: dir, jobs: 1, batchSize: 1 });
    const paths = read.mock.calls.map(([p]) => p);
    expect(findings.filter((f) => f.ruleId === 'privileged-role')).toHaveLength(3);
    expect(new Set(paths).size).toBe(paths.length);
    expect(paths).toEqual(expect.arrayContaining(['main.bicep', 'mod/m.bicep', 'other/x.bicep', 'tf/main.tf'].map((p) => join(dir, p))));
  });
});

describe('a template generated beside its Bicep file', () => {
  const generated = (extra: Record<string, unknown> = {}) =>
    JSON.stringify({ $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#', metadata: { _generator: { name: 'bicep', version: '0.30.3' } }, resources: [], ...extra }, null, 2);

  it('is passed over by the closure scan from its bytes: read once, never decoded', async () => {
    const dir = tree({ 'app/main.bicep': BICEP_OWNER, 'app/main.json': generated(), 'lone/main.json': generated() });
    const read = vi.spyOn(CachingHost.prototype as unknown as { read(path: string): unknown }, 'read');
    const { files } = await lint([dir], { cwd: dir, jobs: 1 });
    const generatedFile = join(dir, 'app', 'main.json');
    expect(files).not.toContain(generatedFile);
    expect(read.mock.calls.filter(([p]) => p === generatedFile)).toHaveLength(1);
    // What its one read gave: no text.
    const decoded = read.mock.calls.flatMap(([p], i) => (typeof read.mock.results[i].value === 'string' ? [p] : []));
    expect(decoded).not.toContain(generatedFile);
    expect(decoded).toContain(join(dir, 'app', 'main.bicep'));
    // Without a .bicep beside it, a compiled template is linted as any other.
    expect(files).toContain(join(dir, 'lone', 'main.json'));
  });

  it('is passed over by the scan as well when its text is an editor\'s buffer, not the file on disk', () => {
    const dir = tree({ 'app/main.bicep': BICEP_OWNER, 'app/main.json': '{}' });
    const generatedFile = join(dir, 'app', 'main.json');
    const scanOne = scanning({}, new CachingHost({ overrides: new Map([[generatedFile, generated()]]) }));
    expect(scanOne({ path: generatedFile, kind: 'json' })?.scan.skipped).toBe(true);
    // On disk it is no template at all: scanned, and its text kept for its batch.
    expect(scanning({}, new CachingHost())({ path: generatedFile, kind: 'json' })).toEqual({ scan: { size: 2, names: [] }, text: '{}' });
  });

  it('is judged the same from its bytes as from its text', () => {
    const host = { readFile: () => undefined, fileExists: () => true, listFolder: () => [] };
    const head = generated();
    for (const before of ['', '\ufeff', 'é'.repeat(500), '😀'.repeat(300), '😀'.repeat(254), ' '.repeat(1000)]) {
      for (const after of ['', '"relativePath"', `${'x'.repeat(5000)}relativePath`]) {
        const text = before + head + after;
        const judged = generatedBesideBicep('/r/main.json', text, host);
        expect(generatedBytesBesideBicep('/r/main.json', Buffer.from(text, 'utf8'), host), JSON.stringify([before.length, after.length])).toBe(judged);
      }
    }
    // The head is the first 1,024 characters of the text, not of the bytes.
    expect(generatedBytesBesideBicep('/r/main.json', Buffer.from('é'.repeat(500) + head), host)).toBe(true);
    expect(generatedBytesBesideBicep('/r/main.json', Buffer.from(' '.repeat(1000) + head), host)).toBe(false);
    expect(generatedBytesBesideBicep('/r/main.json', Buffer.from(head + 'relativePath'), host)).toBe(false);
  });
});

describe('TextStore', () => {
  it('gives each text once, to the batch of its file, and holds no more than its budget', () => {
    const store = new TextStore(10);
    store.set('/a', 'aaaa');
    store.set('/b', 'bbbb');
    store.set('/c', 'ccc'); // over the budget: not held, the batch reads it
    store.set('/d', 'dd');
    const files = (...paths: string[]) => paths.map((path) => ({ path, kind: 'bicep' as const }));
    expect(store.take(files('/a', '/c'))).toEqual([['/a', 'aaaa']]);
    expect(store.take(files('/a'))).toEqual([]);
    // What was taken frees room.
    store.set('/c', 'ccc');
    store.forget(['/b']);
    expect(store.take(files('/b', '/c', '/d'))).toEqual([
      ['/c', 'ccc'],
      ['/d', 'dd'],
    ]);
  });
});

describe('each file is parsed once in a batch', () => {
  const roleId = "subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '4633458b-17de-408a-b874-0445c86b69e6')";
  const bicep = [
    "resource id 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {\n  name: 'id'\n  location: 'westeurope'\n}",
    "resource ra 'Microsoft.Authorization/roleAssignments@2022-04-01' = {\n  name: 'fixed-name'\n  properties: {",
    `    principalId: id.properties.principalId\n    roleDefinitionId: ${roleId}\n    principalType: 'ServicePrincipal'\n  }\n}\n`,
  ].join('\n');
  const arm = JSON.stringify(
    {
      $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
      contentVersion: '1.0.0.0',
      resources: [
        { type: 'Microsoft.ManagedIdentity/userAssignedIdentities', apiVersion: '2023-01-31', name: 'id', location: 'westeurope' },
        {
          type: 'Microsoft.Authorization/roleAssignments',
          apiVersion: '2022-04-01',
          name: 'fixed-name',
          properties: {
            principalId: "[reference(resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', 'id'), '2023-01-31').principalId]",
            roleDefinitionId: `[${roleId}]`,
            principalType: 'ServicePrincipal',
          },
        },
      ],
    },
    null,
    2,
  );

  it("a fix edits by the front end's syntax tree: the file is not parsed again", async () => {
    const dir = tree({ 'main.bicep': bicep, 'arm/azuredeploy.json': arm });
    const trees = new Map<string, unknown[]>();
    const parses: string[] = [];
    const keep = CachingHost.prototype.syntaxTree;
    vi.spyOn(CachingHost.prototype, 'syntaxTree').mockImplementation(function (this: CachingHost, path, kind, text, parse) {
      const tree = keep.call(this, path, kind, text, (t) => {
        parses.push(path);
        return parse(t);
      });
      trees.set(path, [...(trees.get(path) ?? []), tree]);
      return tree;
    });
    const { findings } = await lint([dir], { cwd: dir, jobs: 1 });
    const named = findings.filter((f) => f.ruleId === 'non-idempotent-assignment-name');
    // Both suggestions were built by the fixer, from the files' object literals.
    expect(named.map((f) => f.suggestions?.[0]?.edits?.length ?? 0)).toEqual([1, 1]);
    for (const file of ['main.bicep', 'arm/azuredeploy.json'].map((p) => join(dir, p))) {
      const asked = trees.get(file) ?? [];
      expect(asked.length).toBeGreaterThanOrEqual(2);
      expect(new Set(asked).size).toBe(1);
    }
    expect(parses.sort()).toEqual([join(dir, 'arm/azuredeploy.json'), join(dir, 'main.bicep')]);
  });

  it('a host that outlives a run keeps no trees: each caller parses', () => {
    const host = new CachingHost();
    let parsed = 0;
    const parse = (text: string) => ({ text, n: ++parsed });
    const first = host.syntaxTree('/a.bicep', 'bicep', 'x', parse);
    expect(host.syntaxTree('/a.bicep', 'bicep', 'x', parse)).not.toBe(first);
    const kept = new CachingHost({ keepSyntaxTrees: true });
    const tree = kept.syntaxTree('/a.bicep', 'bicep', 'x', parse);
    expect(kept.syntaxTree('/a.bicep', 'bicep', 'x', parse)).toBe(tree);
    // Another text (an editor's buffer) or another parse of the same file is parsed anew.
    expect(kept.syntaxTree('/a.bicep', 'bicep', 'y', parse)).not.toBe(tree);
    expect(kept.syntaxTree('/a.bicep', 'json', 'y', parse)).not.toBe(tree);
    expect(parsed).toBe(5);
  });
});
