import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CachingHost } from '../../src/engine/host.js';
import { lint } from '../../src/engine/lint.js';
import { TextStore } from '../../src/engine/pool.js';
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
