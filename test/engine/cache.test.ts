import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ResultCache } from '../../src/engine/cache.js';
import { lint } from '../../src/engine/lint.js';
import { runCli } from '../helpers/run-cli.js';
import { sharedRoot } from '../helpers/paths.js';
import { treeMaker } from '../helpers/tree.js';

const { tree } = treeMaker('grantlint-cache-');

const IDENTITY = `resource id 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id'
  location: 'westeurope'
}
resource vm 'Microsoft.Compute/virtualMachines@2023-09-01' = {
  name: 'vm'
  location: 'westeurope'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '\${id.id}': {} }
  }
}
`;
const grant = (role: string) => `param principalId string
resource ra 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(resourceGroup().id, principalId, '${role}')
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${role}')
    principalId: principalId
  }
}
`;
const OWNER = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';
const READER = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';

const summary = (r: Awaited<ReturnType<typeof lint>>) => r.findings.map((f) => `${f.file.split('/').slice(-2).join('/')}:${f.range.start.line} ${f.ruleId}`);

describe('--cache', () => {
  it('reuses unchanged closures and re-reads a closure when any file it read changed, even outside the paths', async () => {
    const dir = tree({
      'a/main.bicep': IDENTITY,
      'b/main.bicep': `module g '../../shared/grant.bicep' = {\n  name: 'g'\n  params: { principalId: 'p' }\n}\n`,
      '../shared/grant.bicep': grant(OWNER),
    });
    const path = join(dir, '.grantlintcache');
    // The module lies beside the linted folder: the root is widened to reach it (--root).
    const root = join(dir, '..');
    const run = async () => {
      const cache = new ResultCache(path, 'key');
      const result = await lint([join(dir, 'a'), join(dir, 'b')], { cwd: dir, root, cache, jobs: 1 });
      return { result, cache };
    };
    const plain = await lint([join(dir, 'a'), join(dir, 'b')], { cwd: dir, root, jobs: 1 });
    const first = await run();
    expect(first.cache).toMatchObject({ hits: 0, misses: 2 });
    expect(summary(first.result)).toEqual(summary(plain));
    expect(summary(plain).length).toBeGreaterThan(1);

    const second = await run();
    expect(second.cache).toMatchObject({ hits: 2, misses: 0 });
    expect(second.result.findings).toEqual(first.result.findings);
    expect(second.result.files).toEqual(first.result.files);

    // The module lies outside the paths linted: its change still invalidates its caller's closure.
    writeFileSync(join(dir, '..', 'shared', 'grant.bicep'), grant(READER));
    const third = await run();
    expect(third.cache).toMatchObject({ hits: 1, misses: 1 });
    const fresh = await lint([join(dir, 'a'), join(dir, 'b')], { cwd: dir, root, jobs: 1 });
    expect(third.result.findings).toEqual(fresh.findings);
    expect(summary(third.result)).not.toEqual(summary(first.result));
  });

  it('starts afresh from a damaged cache file or another run key', async () => {
    const dir = tree({ 'main.bicep': IDENTITY });
    const path = join(dir, '.grantlintcache');
    writeFileSync(path, '{ not json');
    const cache = new ResultCache(path, 'one');
    const result = await lint([dir], { cwd: dir, cache });
    expect(result.findings.length).toBeGreaterThan(0);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ format: 2, runKey: 'one' });
    const other = new ResultCache(path, 'two');
    await lint([dir], { cwd: dir, cache: other });
    expect(other).toMatchObject({ hits: 0, misses: 1 });
  });

  it('the CLI writes .grantlintcache and gives the same output with and without it', () => {
    const dir = tree({ 'main.bicep': IDENTITY, 'other/main.bicep': grant(OWNER) });
    const plain = runCli(['--format', 'json'], dir);
    const cold = runCli(['--format', 'json', '--cache'], dir);
    expect(existsSync(join(dir, '.grantlintcache'))).toBe(true);
    const warm = runCli(['--format', 'json', '--cache'], dir);
    expect(cold.stdout).toBe(plain.stdout);
    expect(warm.stdout).toBe(plain.stdout);
    expect(warm.status).toBe(plain.status);
    runCli(['--cache-location', 'cachedir/', '.'], dir);
    expect(existsSync(join(dir, 'cachedir', '.grantlintcache'))).toBe(true);
  });

  it('gives the uncached findings on corpus folders, cold and warm', async () => {
    const dirs = ['Azure+terraform-azurerm-aks', 'Azure+terraform-azurerm-avm-res-keyvault-vault', 'Azure+terraform-azurerm-avm-res-storage-storageaccount'].map((d) =>
      join(sharedRoot, 'corpus', d),
    );
    for (const d of dirs) expect(existsSync(d), `${d} is missing (set GRANTLINT_SHARED to the shared folder)`).toBe(true);
    const path = join(tree({}), '.grantlintcache');
    const plain = await lint(dirs, { cwd: sharedRoot });
    const cold = await lint(dirs, { cwd: sharedRoot, cache: new ResultCache(path, 'k') });
    const warmCache = new ResultCache(path, 'k');
    const warm = await lint(dirs, { cwd: sharedRoot, cache: warmCache });
    expect(plain.findings.length).toBeGreaterThan(10);
    expect(cold.findings).toEqual(plain.findings);
    expect(warm.findings).toEqual(plain.findings);
    expect(warm.files).toEqual(plain.files);
    expect(warmCache.misses).toBe(0);
  }, 120_000);
});

describe('--jobs and --shard on the command line', () => {
  it('rejects values that are no count or shard', () => {
    const dir = tree({ 'main.bicep': IDENTITY });
    for (const args of [['--jobs', '0'], ['--jobs', 'many'], ['--shard', '3/2'], ['--shard', '1']]) {
      const r = runCli(args, dir);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/--(jobs|shard) takes/);
    }
    expect(runCli(['--jobs', '1', '--shard', '1/1', '--format', 'json'], dir).stdout).toBe(runCli(['--format', 'json'], dir).stdout);
  });
});
