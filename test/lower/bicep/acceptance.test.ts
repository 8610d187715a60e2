import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bicepFrontEnd } from '../../../src/lower/bicep/index.js';
import type { LoweredProgram, ResourceInstance } from '../../../src/model/template.js';
import { getProp, sameValue, type Value } from '../../../src/model/value.js';
import { sharedPath } from '../../helpers/paths.js';
import { bySymbol, diskHost, one, prop } from './helpers.js';

const ACCEPTANCE = sharedPath('acceptance');

function caseDir(prefix: string): string {
  const name = fs.readdirSync(ACCEPTANCE).find((d) => d.startsWith(prefix));
  if (!name) throw new Error(`no acceptance case ${prefix}`);
  return path.join(ACCEPTANCE, name);
}

function bicepFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.bicep(param)?$/.test(e.name)) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

function lowerCase(prefix: string): { dir: string; p: LoweredProgram } {
  const dir = caseDir(prefix);
  const p = bicepFrontEnd.analyze(bicepFiles(dir), diskHost);
  expect(p.diagnostics).toEqual([]);
  return { dir, p };
}

function refTo(v: Value | undefined, r: ResourceInstance, p: (string | number)[]): boolean {
  return !!v && v.kind === 'ref' && v.resource === r && v.path.join('.') === p.join('.');
}

function lines(r: ResourceInstance): [number, number] {
  return [r.decl.range.start.line, r.decl.range.end.line];
}

describe('Bicep acceptance cases lower as expected', () => {
  it('01 seed: identity, attachment and a narrow idempotent grant', () => {
    const { dir, p } = lowerCase('01-');
    expect(p.resources.map((r) => r.symbol)).toEqual(['uami', 'vault', 'roleAssignment', 'site']);
    const uami = one(p, 'uami');
    const vault = one(p, 'vault');
    const ra = one(p, 'roleAssignment');
    const site = one(p, 'site');
    expect(vault.existing).toBe(true);
    expect(uami.existing).toBe(false);
    expect(ra.type).toBe('Microsoft.Authorization/roleAssignments');
    expect(ra.apiVersion).toBe('2022-04-01');
    expect(lines(ra)).toEqual([17, 26]);
    expect(ra.decl.file).toBe(path.join(dir, 'main.bicep'));
    expect(refTo(ra.scope, vault, [])).toBe(true);
    expect(ra.name).toMatchObject({ kind: 'call', fn: 'guid' });
    const seeds = ra.name?.kind === 'call' ? ra.name.args : [];
    expect(refTo(seeds[0], vault, ['id'])).toBe(true);
    expect(refTo(seeds[1], uami, ['id'])).toBe(true);
    expect(seeds[2]).toMatchObject({ kind: 'string', value: '4633458b-17de-408a-b874-0445c86b69e6', at: { range: { start: { line: 15 } } } });
    expect(prop(ra, 'properties', 'roleDefinitionId')).toMatchObject({
      kind: 'call',
      fn: 'subscriptionresourceid',
      args: [{ value: 'Microsoft.Authorization/roleDefinitions' }, { value: '4633458b-17de-408a-b874-0445c86b69e6' }],
    });
    expect(refTo(prop(ra, 'properties', 'principalId'), uami, ['properties', 'principalId'])).toBe(true);
    expect(prop(ra, 'properties', 'principalType')).toMatchObject({ value: 'ServicePrincipal' });
    const uai = prop(site, 'identity', 'userAssignedIdentities');
    const keys = uai?.kind === 'object' ? [...(uai.keyValues?.values() ?? [])] : [];
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kind: 'concat', parts: [{ kind: 'ref', resource: uami, path: ['id'] }] });
    expect(prop(site, 'location')).toMatchObject({ kind: 'scope', level: 'resourceGroup', current: true, path: ['location'], at: { range: { start: { line: 3 } } } });
    for (const r of p.resources) {
      expect(r.callChain).toEqual([]);
      expect(r.deploymentScope).toMatchObject({ level: 'resourceGroup', current: true });
      expect(r.format).toBe('bicep');
    }
    expect(p.comments.map((c) => c.text)).toContain('// Key Vault Secrets User built-in role definition ID');
  });

  it('02: a system-assigned identity on a web app', () => {
    const { p } = lowerCase('02-');
    const site = one(p, 'site');
    expect(lines(site)).toEqual([12, 29]);
    expect(prop(site, 'identity', 'type')).toMatchObject({ value: 'SystemAssigned' });
    expect(refTo(prop(site, 'properties', 'serverFarmId'), one(p, 'plan'), ['id'])).toBe(true);
    expect(p.resources.filter((r) => r.type === 'Microsoft.Authorization/roleAssignments')).toHaveLength(0);
  });

  it('03: Owner at the resource group named by a newGuid() default', () => {
    const { p } = lowerCase('03-');
    const ra = one(p, 'ownerAssignment');
    expect(lines(ra)).toEqual([12, 18]);
    expect(ra.scope).toBeUndefined();
    expect(ra.deploymentScope).toMatchObject({ level: 'resourceGroup', current: true });
    expect(ra.name).toMatchObject({ kind: 'call', fn: 'newguid', args: [], at: { range: { start: { line: 3 } } } });
    expect(prop(ra, 'properties', 'roleDefinitionId')).toMatchObject({ kind: 'call', args: [{}, { value: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635' }] });
    expect(getProp(prop(ra, 'properties'), 'principalType')).toBeUndefined();
    expect(refTo(prop(ra, 'properties', 'principalId'), one(p, 'uami'), ['properties', 'principalId'])).toBe(true);
  });

  it('04: Contributor on a storage account under a literal name', () => {
    const { p } = lowerCase('04-');
    const ra = one(p, 'contributor');
    expect(lines(ra)).toEqual([23, 31]);
    expect(ra.name).toMatchObject({ kind: 'string', value: '6f0c3b5e-2d4a-4a39-9b55-1c3f1c7a9e21' });
    expect(refTo(ra.scope, one(p, 'storage'), [])).toBe(true);
    expect(refTo(prop(ra, 'properties', 'principalId'), one(p, 'func'), ['identity', 'principalId'])).toBe(true);
  });

  it('05: two guid() names with the same seeds', () => {
    const { p } = lowerCase('05-');
    const a = one(p, 'readBlobs');
    const b = one(p, 'readQueues');
    expect(lines(a)).toEqual([16, 24]);
    expect(lines(b)).toEqual([26, 34]);
    expect(sameValue(a.name, b.name)).toBe(true);
    expect(a.name?.kind === 'call' && a.name.args).toHaveLength(2);
    expect(one(p, 'storage').existing).toBe(true);
  });

  it('06: grants inside modules, with module parameters and call chains', () => {
    const { dir, p } = lowerCase('06-');
    const site = one(p, 'site');
    const grants = bySymbol(p, 'grant');
    expect(grants).toHaveLength(2);
    const [vaultGrant, blobGrant] = grants;
    const main = path.join(dir, 'main.bicep');
    expect(vaultGrant.declKey).toBe(`${path.join(dir, 'modules/vault-reader.bicep')}#grant`);
    expect(blobGrant.declKey).toBe(`${path.join(dir, 'modules/blob-reader.bicep')}#grant`);
    expect(vaultGrant.callChain).toMatchObject([{ file: main, range: { start: { line: 13 }, end: { line: 19 } } }]);
    expect(blobGrant.callChain).toMatchObject([{ file: main, range: { start: { line: 21 }, end: { line: 26 } } }]);
    expect(lines(blobGrant)).toEqual([7, 14]);
    expect(blobGrant.scope).toBeUndefined();
    expect(blobGrant.deploymentScope).toMatchObject({ level: 'resourceGroup', current: true });
    for (const g of grants) {
      const principal = prop(g, 'properties', 'principalId');
      expect(refTo(principal, site, ['identity', 'principalId'])).toBe(true);
      expect(principal?.at?.file).toBe(main);
    }
    const vault = one(p, 'vault');
    expect(vault.existing).toBe(true);
    expect(vault.name).toMatchObject({ value: 'orders-kv', at: { file: main, range: { start: { line: 16 } } } });
    expect(refTo(vaultGrant.scope, vault, [])).toBe(true);
    expect(vault.callChain).toHaveLength(1);
    expect(blobGrant.name).toMatchObject({ kind: 'call', fn: 'guid', args: [{ kind: 'scope', level: 'resourceGroup', path: ['id'] }, { kind: 'ref' }, { kind: 'string' }] });
    expect(p.files.sort()).toEqual([main, path.join(dir, 'modules/blob-reader.bicep'), path.join(dir, 'modules/vault-reader.bicep')].sort());
  });

  it('07: loop instances for each role', () => {
    const { p } = lowerCase('07-');
    const grants = bySymbol(p, 'grants');
    const same = bySymbol(p, 'sameNameGrants');
    expect(grants).toHaveLength(2);
    expect(same).toHaveLength(2);
    expect(grants.map((g) => lines(g))).toEqual([
      [19, 27],
      [19, 27],
    ]);
    expect(new Set(grants.map((g) => g.declKey)).size).toBe(1);
    expect(new Set([...grants, ...same].map((g) => g.key)).size).toBe(4);
    expect(sameValue(grants[0].name, grants[1].name)).toBe(false);
    expect(sameValue(same[0].name, same[1].name)).toBe(true);
    expect(grants.map((g) => (g.name?.kind === 'call' ? g.name.args[2] : undefined))).toMatchObject([
      { value: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1', at: { range: { start: { line: 5 } } } },
      { value: '974c5e8b-45b9-4653-ba55-5f855dd0fb88', at: { range: { start: { line: 6 } } } },
    ]);
    expect(same.map((g) => prop(g, 'properties', 'roleDefinitionId'))).toMatchObject([
      { args: [{}, { value: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1' }] },
      { args: [{}, { value: '974c5e8b-45b9-4653-ba55-5f855dd0fb88' }] },
    ]);
  });

  it('08: an existing identity in another resource group', () => {
    const { p } = lowerCase('08-');
    const id = one(p, 'platformIdentity');
    expect(id.existing).toBe(true);
    expect(id.scope).toMatchObject({ kind: 'scope', level: 'resourceGroup', current: false, name: { value: 'identity-rg', at: { range: { start: { line: 3 } } } } });
    const app = one(p, 'app');
    const uai = prop(app, 'identity', 'userAssignedIdentities');
    const keys = uai?.kind === 'object' ? [...(uai.keyValues?.values() ?? [])] : [];
    expect(keys[0]).toMatchObject({ kind: 'concat', parts: [{ kind: 'ref', resource: id, path: ['id'] }] });
  });
});
