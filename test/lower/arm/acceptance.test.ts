import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { armFrontEnd } from '../../../src/lower/arm/index.js';
import type { LoweredProgram, ResourceInstance } from '../../../src/model/template.js';
import { describeValue, getPath, getProp, type Value } from '../../../src/model/value.js';
import { sharedPath } from '../../helpers/paths.js';
import { filesUnder, fsHost } from './helpers.js';

const ACCEPTANCE = sharedPath('acceptance');

function lower(name: string): { p: LoweredProgram; dir: string } {
  const dir = join(ACCEPTANCE, name);
  const files = filesUnder(dir, (f) => /\.jsonc?$/.test(f));
  return { p: armFrontEnd.analyze(files, fsHost()), dir };
}

function byType(p: LoweredProgram, type: string): ResourceInstance[] {
  return p.resources.filter((r) => r.type.toLowerCase() === type.toLowerCase());
}

function lines(r: ResourceInstance): [number, number] {
  return [r.decl.range.start.line, r.decl.range.end.line];
}

function expectRef(v: Value | undefined, resource: ResourceInstance, path: (string | number)[]): void {
  expect(v?.kind).toBe('ref');
  if (v?.kind !== 'ref') return;
  expect(v.resource).toBe(resource);
  expect(v.path).toEqual(path);
}

describe('acceptance cases, ARM', () => {
  it('14: compiled seed: principal is the identity, scope the relative vault form, computed identity key', () => {
    const { p } = lower('14-arm-seed-compiled');
    expect(p.diagnostics).toEqual([]);
    expect(p.resources).toHaveLength(3);
    const [uami] = byType(p, 'Microsoft.ManagedIdentity/userAssignedIdentities');
    const [ra] = byType(p, 'Microsoft.Authorization/roleAssignments');
    const [site] = byType(p, 'Microsoft.Web/sites');
    expect(lines(ra)).toEqual([20, 33]);
    expect(ra.deploymentScope).toMatchObject({ kind: 'scope', level: 'resourceGroup', current: true, path: [] });
    expect(ra.callChain).toEqual([]);
    expectRef(getPath(ra.body, ['properties', 'principalId']), uami, ['properties', 'principalId']);
    // The vault is not declared: the relative form becomes a resourceId call.
    expect(ra.scope).toMatchObject({ kind: 'call', fn: 'resourceid', args: [{ value: 'Microsoft.KeyVault/vaults' }, { value: 'myapp-kv' }] });
    expect(getProp(ra.body, 'scope')).toBe(ra.scope);
    expect(ra.name?.kind).toBe('call');
    if (ra.name?.kind === 'call') {
      expect(ra.name.fn).toBe('guid');
      expect(ra.name.args[0]).toMatchObject({ kind: 'call', fn: 'resourceid' });
      expectRef(ra.name.args[1], uami, ['id']);
      expect(ra.name.args[2]).toMatchObject({ kind: 'string', value: '4633458b-17de-408a-b874-0445c86b69e6' });
      // The variable's value keeps the location where it is written.
      expect(ra.name.args[2].at?.range.start.line).toBe(11);
    }
    expect(getPath(ra.body, ['properties', 'roleDefinitionId'])).toMatchObject({ kind: 'call', fn: 'subscriptionresourceid' });
    const uai = getPath(site.body, ['identity', 'userAssignedIdentities']);
    expect(uai?.kind).toBe('object');
    if (uai?.kind === 'object') {
      const keys = [...uai.entries.keys()];
      expect(keys).toHaveLength(1);
      const kv = uai.keyValues?.get(keys[0]);
      const inner = kv?.kind === 'concat' && kv.parts.length === 1 ? kv.parts[0] : kv;
      expectRef(inner, uami, ['id']);
    }
    expect(getProp(uami.body, 'location')).toMatchObject({ kind: 'scope', level: 'resourceGroup', current: true, path: ['location'] });
  });

  it('15: newGuid() default stays a call; a parameter without default is an unknown input', () => {
    const { p, dir } = lower('15-arm-owner-new-guid');
    const [ra] = p.resources;
    expect(p.resources).toHaveLength(1);
    expect(lines(ra)).toEqual([20, 28]);
    expect(ra.scope).toBeUndefined();
    expect(ra.name).toMatchObject({ kind: 'call', fn: 'newguid', args: [] });
    expect(ra.name?.at?.range.start.line).toBe(13);
    const principal = getPath(ra.body, ['properties', 'principalId']);
    expect(principal).toMatchObject({
      kind: 'unknown',
      symbol: `param:${join(dir, 'azuredeploy.json')}#principalId`,
      input: { kind: 'parameter', name: 'principalId' },
    });
    expect(getPath(ra.body, ['properties', 'roleDefinitionId'])).toMatchObject({
      kind: 'call',
      fn: 'subscriptionresourceid',
      args: [{ value: 'Microsoft.Authorization/roleDefinitions' }, { value: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635' }],
    });
    expect(getPath(ra.body, ['properties', 'principalType'])).toBeUndefined();
  });

  it('16: the legacy <vault>/Microsoft.Authorization/<guid> form is a role assignment scoped to the vault', () => {
    const { p, dir } = lower('16-arm-legacy-nested-type');
    const [site] = byType(p, 'Microsoft.Web/sites');
    const [ra] = byType(p, 'Microsoft.Authorization/roleAssignments');
    expect(p.resources).toHaveLength(2);
    expect(lines(ra)).toEqual([28, 39]);
    const vaultName = { kind: 'unknown', symbol: `param:${join(dir, 'azuredeploy.json')}#vaultName` };
    expect(ra.scope).toMatchObject({ kind: 'call', fn: 'resourceid', args: [{ kind: 'string', value: 'Microsoft.KeyVault/vaults' }, vaultName] });
    expect(ra.name).toMatchObject({ kind: 'call', fn: 'guid' });
    expect(getProp(ra.body, 'name')).toBe(ra.name);
    expectRef(getPath(ra.body, ['properties', 'principalId']), site, ['identity', 'principalId']);
    if (ra.name?.kind === 'call') expectRef(ra.name.args[1], site, ['id']);
    expect(site.name).toMatchObject({ kind: 'string', value: 'legacy-web' });
  });

  it('17: a VM with a system-assigned identity', () => {
    const { p } = lower('17-arm-identity-never-granted');
    expect(p.resources).toHaveLength(1);
    const [vm] = p.resources;
    expect(lines(vm)).toEqual([11, 20]);
    expect(getPath(vm.body, ['identity', 'type'])).toMatchObject({ value: 'SystemAssigned' });
    expect(vm.symbol).toBe('Microsoft.Compute/virtualMachines/batch-vm');
  });

  it('18: a truncated template is one parse error; package.json is skipped without a word', () => {
    const { p, dir } = lower('18-mixed-bad-input');
    expect(p.resources).toEqual([]);
    expect(p.diagnostics).toHaveLength(1);
    const [d] = p.diagnostics;
    expect(d.code).toBe('parse-error');
    expect(d.at.file).toBe(join(dir, 'truncated.json'));
    expect(d.at.range.start.line).toBeGreaterThanOrEqual(1);
    expect(d.at.range.start.line).toBeLessThanOrEqual(7);
    expect(p.files).toEqual([join(dir, 'truncated.json')]);
  });

  it('19: inner-scope nested deployment: parameters flow in, callChain is the deployment', () => {
    const { p } = lower('19-arm-nested-deployment');
    const [vm] = byType(p, 'Microsoft.Compute/virtualMachines');
    const [dep] = byType(p, 'Microsoft.Resources/deployments');
    const [ra] = byType(p, 'Microsoft.Authorization/roleAssignments');
    expect(p.resources).toHaveLength(3);
    expect(lines(ra)).toEqual([60, 70]);
    expect(ra.callChain).toEqual([dep.decl]);
    expect(lines(dep)).toEqual([25, 74]);
    expect(ra.deploymentScope).toMatchObject({ level: 'resourceGroup', current: true });
    const principal = getPath(ra.body, ['properties', 'principalId']);
    expectRef(principal, vm, ['identity', 'principalId']);
    // Written in the caller's parameters, so it points there.
    expect(principal?.at?.range.start.line).toBe(42);
    expect(ra.scope).toMatchObject({ kind: 'call', fn: 'resourceid', args: [{ value: 'Microsoft.ContainerRegistry/registries' }, { value: 'buildregistry' }] });
    expect(describeValue(ra.name)).toContain('guid(');
    expect(ra.key).not.toBe(ra.declKey);
    expect(getPath(dep.body, ['properties', 'template'])).toBeUndefined();
  });
});
