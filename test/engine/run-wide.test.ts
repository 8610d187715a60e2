import { describe, expect, it } from 'vitest';
import { lint } from '../../src/engine/lint.js';
import { ResultCache } from '../../src/engine/cache.js';
import { join } from 'node:path';
import { bicepGrantedIdentity } from '../helpers/identity-fixtures.js';
import { treeMaker } from '../helpers/tree.js';

/**
 * Batches are linted apart (batch-lint.ts), but `orphaned-identity` judges over the whole run: an
 * identity of one closure that another closure names is used, however the closures are batched,
 * cached or split among workers.
 */
const { tree } = treeMaker('grantlint-run-wide-');

const identity = bicepGrantedIdentity;
// Another deployment attaches the identity by its resource ID, built from its name.
const user = (name: string) => `param name string
resource app 'Microsoft.Web/sites@2023-01-01' = {
  name: 'app'
  location: 'westeurope'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '\${resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', ${name})}': {}
    }
  }
}
`;

const orphaned = async (dir: string, options: Parameters<typeof lint>[1] = {}): Promise<string[]> =>
  (await lint([dir], { cwd: dir, ...options })).findings.filter((f) => f.ruleId === 'orphaned-identity').map((f) => f.file.slice(dir.length + 1));

describe('run-wide judgement of orphaned-identity', () => {
  it('an identity another closure names is used, in one batch or one batch per closure', async () => {
    const dir = tree({ 'id/main.bicep': identity("'sync'"), 'app/main.bicep': user("'sync'"), 'lonely/main.bicep': identity("'lonely'") });
    for (const batchSize of [Infinity, 1]) expect(await orphaned(dir, { batchSize })).toEqual(['lonely/main.bicep']);
  });

  it('an identity whose name grantlint cannot know may be one another closure names by an unknown name', async () => {
    const dir = tree({ 'id/main.bicep': `param n string\n${identity('n')}`, 'app/main.bicep': user('name') });
    for (const batchSize of [Infinity, 1]) expect(await orphaned(dir, { batchSize })).toEqual([]);
    const alone = tree({ 'id/main.bicep': `param n string\n${identity('n')}` });
    expect(await orphaned(alone, { batchSize: 1 })).toEqual(['id/main.bicep']);
  });

  it('a closure reused from the cache brings its evidence along', async () => {
    const dir = tree({ 'id/main.bicep': identity("'sync'"), 'app/main.bicep': user("'sync'") });
    const path = join(dir, '.grantlintcache');
    expect(await orphaned(dir, { cache: new ResultCache(path, 'k') })).toEqual([]);
    const warm = new ResultCache(path, 'k');
    expect(await orphaned(dir, { cache: warm })).toEqual([]);
    expect(warm).toMatchObject({ hits: 2, misses: 0 });
  });

  it('no finding carries the engine-internal condition', async () => {
    const dir = tree({ 'lonely/main.bicep': identity("'lonely'") });
    const { findings } = await lint([dir], { cwd: dir });
    expect(findings.map((f) => f.ruleId)).toContain('orphaned-identity');
    for (const f of findings) expect(f).not.toHaveProperty('unlessUsedElsewhere');
  });
});
