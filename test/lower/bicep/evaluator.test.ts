import { describe, expect, it } from 'vitest';
import { sameValue } from '../../../src/model/value.js';
import { lowerFiles, lowerOne, one, prop, bySymbol } from './helpers.js';

const T = "'Microsoft.Foo/bars@2020-01-01'";

describe('bicep evaluator: literals and strings', () => {
  it('evaluates literals, interpolation, multi-line strings, objects and arrays', () => {
    const p = lowerOne(`
var name = 'app'
var n = 3
resource r ${T} = {
  name: '\${name}-\${n}-\${true}'
  properties: {
    s: '''
line
'''
    a: [1, 'x', null, ...[2]]
    o: { ...{ k: 1 }, j: 2 }
    neg: -n
    arith: (n * 4 + 2) / 3 % 5
    cmp: n >= 3 && 'a' != 'b'
    tern: n > 5 ? 'big' : 'small'
    coal: null ?? 'fallback'
    ci: 'ABC' =~ 'abc'
    idx: [10, 20, 30][^1]
  }
}`);
    const r = one(p, 'r');
    expect(r.name).toMatchObject({ kind: 'string', value: 'app-3-True' });
    expect(prop(r, 'properties', 's')).toMatchObject({ kind: 'string', value: 'line\n' });
    expect(prop(r, 'properties', 'a')).toMatchObject({ kind: 'array', items: [{ value: 1 }, { value: 'x' }, { kind: 'null' }, { value: 2 }] });
    expect([...((prop(r, 'properties', 'o') as { entries: Map<string, unknown> }).entries.keys())]).toEqual(['k', 'j']);
    expect(prop(r, 'properties', 'neg')).toMatchObject({ value: -3 });
    expect(prop(r, 'properties', 'arith')).toMatchObject({ value: 4 });
    expect(prop(r, 'properties', 'cmp')).toMatchObject({ value: true });
    expect(prop(r, 'properties', 'tern')).toMatchObject({ value: 'small' });
    expect(prop(r, 'properties', 'coal')).toMatchObject({ value: 'fallback' });
    expect(prop(r, 'properties', 'ci')).toMatchObject({ value: true });
    expect(prop(r, 'properties', 'idx')).toMatchObject({ value: 30 });
  });

  it('keeps the shape of interpolations with unknown parts', () => {
    const p = lowerOne(`
param sub string
resource r ${T} = {
  name: 'x'
  properties: { id: '/subscriptions/\${sub}/resourceGroups/rg' }
}`);
    const id = prop(one(p, 'r'), 'properties', 'id');
    expect(id).toMatchObject({ kind: 'concat', parts: [{ value: '/subscriptions/' }, { kind: 'unknown', symbol: 'param:/mem/main.bicep#sub' }, { value: '/resourceGroups/rg' }] });
  });

  it('gives every value the location where it is written, through params and vars', () => {
    const p = lowerOne(`param location string = 'westeurope'
var tags = {
  env: 'dev'
}
resource r ${T} = {
  name: 'x'
  location: location
  tags: tags
}`);
    const r = one(p, 'r');
    expect(prop(r, 'location')?.at).toEqual({ file: '/mem/main.bicep', range: { start: { line: 1, column: 25 }, end: { line: 1, column: 37 } } });
    expect(prop(r, 'tags', 'env')?.at?.range.start).toEqual({ line: 3, column: 8 });
    expect(r.decl.range).toEqual({ start: { line: 5, column: 1 }, end: { line: 9, column: 2 } });
  });

  it('starts a declaration at its keyword, after decorators, whatever the symbol is called', () => {
    const p = lowerOne(`@description('x')
@batchSize(1)
resource resourceLike ${T} = [for i in range(0, 1): {
  name: 'r\${i}'
}]`);
    expect(one(p, 'resourceLike').decl.range).toEqual({ start: { line: 3, column: 1 }, end: { line: 5, column: 3 } });
  });
});

describe('bicep evaluator: parameters and unknowns', () => {
  it('reads a root parameter without default as an input unknown, equal across reads', () => {
    const p = lowerOne(`
param principalId string
resource a ${T} = {
  name: guid(principalId)
}
resource b ${T} = {
  name: guid(principalId)
}`);
    const a = one(p, 'a').name;
    const b = one(p, 'b').name;
    expect(a).toMatchObject({ kind: 'call', fn: 'guid', args: [{ kind: 'unknown', symbol: 'param:/mem/main.bicep#principalId', input: { kind: 'parameter', name: 'principalId' } }] });
    expect(sameValue(a, b)).toBe(true);
  });

  it('keeps guid, newGuid and utcNow symbolic, also as parameter defaults', () => {
    const p = lowerOne(`
param n string = newGuid()
param t string = utcNow()
resource a ${T} = {
  name: n
  properties: { g: guid(resourceGroup().id, 'x'), t: t }
}`);
    const a = one(p, 'a');
    expect(a.name).toMatchObject({ kind: 'call', fn: 'newguid', args: [] });
    expect(prop(a, 'properties', 'g')).toMatchObject({ kind: 'call', fn: 'guid', args: [{ kind: 'scope', level: 'resourceGroup', current: true, path: ['id'] }, { value: 'x' }] });
    expect(prop(a, 'properties', 't')).toMatchObject({ kind: 'call', fn: 'utcnow' });
  });

  it('propagates unknowns without guessing', () => {
    const p = lowerOne(`
param flag bool
param items array
param cfg object
resource a ${T} = {
  name: 'a'
  properties: {
    t: flag ? 'x' : 'y'
    l: length(items)
    m: cfg.nested.value
    s: cfg.?maybe ?? 'd'
    e: environment().suffixes.keyvaultDns
  }
}`);
    const a = one(p, 'a');
    // Kept as the compiler's if(), its branches evaluated: neither is guessed.
    expect(prop(a, 'properties', 't')).toMatchObject({ kind: 'call', fn: 'if', args: [{ kind: 'unknown' }, { value: 'x' }, { value: 'y' }] });
    expect(prop(a, 'properties', 'l')).toMatchObject({ kind: 'call', fn: 'length' });
    expect(prop(a, 'properties', 'm')).toMatchObject({ kind: 'unknown', symbol: 'param:/mem/main.bicep#cfg.nested.value', input: { name: 'cfg' } });
    // `a ?? b` with `a` maybe null is kept as the compiler's `coalesce(a, b)`.
    expect(prop(a, 'properties', 's')).toMatchObject({ kind: 'call', fn: 'coalesce', args: [{ kind: 'unknown' }, { value: 'd' }] });
    expect(prop(a, 'properties', 'e')).toMatchObject({ kind: 'unknown' });
  });

  it('survives cyclic variables', () => {
    const p = lowerOne(`
var a = b
var b = a
resource r ${T} = {
  name: a
}`);
    expect(one(p, 'r').name?.kind).toBe('unknown');
  });
});

describe('bicep evaluator: scopes', () => {
  it('uses the resource group by default and targetScope otherwise', () => {
    const rg = lowerOne(`resource r ${T} = { name: 'x' }`);
    expect(one(rg, 'r').deploymentScope).toMatchObject({ kind: 'scope', level: 'resourceGroup', current: true, path: [] });
    const sub = lowerOne(`targetScope = 'subscription'
resource r ${T} = {
  name: 'x'
  properties: { s: subscription().subscriptionId }
}`);
    expect(one(sub, 'r').deploymentScope).toMatchObject({ level: 'subscription', current: true });
    expect(prop(one(sub, 'r'), 'properties', 's')).toMatchObject({ kind: 'scope', level: 'subscription', current: true, path: ['subscriptionId'] });
    const mg = lowerOne(`targetScope = 'managementGroup'
resource r ${T} = { name: 'x' }`);
    expect(one(mg, 'r').deploymentScope).toMatchObject({ level: 'managementGroup', current: true });
  });

  it('keeps explicit scopes of extension resources and existing resources', () => {
    const p = lowerOne(`
resource kv 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: 'kv'
  scope: resourceGroup('other-rg')
}
resource ra 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(kv.id)
  scope: kv
  properties: { principalId: 'x' }
}
resource noScope 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: 'n'
}`);
    expect(one(p, 'kv').existing).toBe(true);
    expect(one(p, 'kv').scope).toMatchObject({ kind: 'scope', level: 'resourceGroup', current: false, name: { value: 'other-rg' } });
    const ra = one(p, 'ra');
    expect(ra.existing).toBe(false);
    expect(ra.scope).toMatchObject({ kind: 'ref', path: [] });
    expect(ra.scope?.kind === 'ref' && ra.scope.resource).toBe(one(p, 'kv'));
    expect(one(p, 'noScope').scope).toBeUndefined();
  });
});

describe('bicep evaluator: resource references', () => {
  it('turns symbols and attributes into refs, and x.name into the name', () => {
    const p = lowerOne(`
resource uami 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-\${resourceGroup().name}'
}
resource site 'Microsoft.Web/sites@2023-01-01' = {
  name: 'app'
  identity: { type: 'SystemAssigned, UserAssigned', userAssignedIdentities: { '\${uami.id}': {} } }
}
resource ra 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(site.id, uami.id)
  properties: {
    a: uami.properties.principalId
    b: site.identity.principalId
    c: uami.properties.clientId
    d: uami.name
    e: site.type
    f: resourceId('Microsoft.Web/sites', 'app')
    g: resourceId('Microsoft.Web/sites', 'other')
  }
}`);
    const uami = one(p, 'uami');
    const site = one(p, 'site');
    const ra = one(p, 'ra');
    expect(prop(ra, 'properties', 'a')).toMatchObject({ kind: 'ref', path: ['properties', 'principalId'] });
    expect((prop(ra, 'properties', 'a') as { resource: unknown }).resource).toBe(uami);
    expect(prop(ra, 'properties', 'b')).toMatchObject({ kind: 'ref', path: ['identity', 'principalId'] });
    expect((prop(ra, 'properties', 'b') as { resource: unknown }).resource).toBe(site);
    expect(prop(ra, 'properties', 'c')).toMatchObject({ kind: 'ref', path: ['properties', 'clientId'] });
    expect(prop(ra, 'properties', 'd')).toMatchObject({ kind: 'concat', parts: [{ value: 'id-' }, { kind: 'scope', path: ['name'] }] });
    expect(prop(ra, 'properties', 'e')).toMatchObject({ kind: 'string', value: 'Microsoft.Web/sites' });
    const f = prop(ra, 'properties', 'f');
    expect(f).toMatchObject({ kind: 'ref', path: ['id'] });
    expect(f && sameValue(f, { kind: 'ref', resource: site, path: ['id'] })).toBe(true);
    expect(prop(ra, 'properties', 'g')).toMatchObject({ kind: 'call', fn: 'resourceid' });
    const uai = prop(site, 'identity', 'userAssignedIdentities');
    expect(uai?.kind).toBe('object');
    if (uai?.kind !== 'object') return;
    const [key] = [...uai.entries.keys()];
    expect(key).toBe('${uami.id}');
    expect(uai.keyValues?.get(key)).toMatchObject({ kind: 'concat', parts: [{ kind: 'ref', path: ['id'] }] });
  });

  it('lowers nested child resources and parent: children with full types and names', () => {
    const p = lowerOne(`
resource sa 'Microsoft.Storage/storageAccounts@2023-01-01' = {
  name: 'store'
  resource blob 'blobServices' = {
    name: 'default'
    resource c 'containers' = {
      name: 'data'
    }
  }
}
resource q 'Microsoft.Storage/storageAccounts/queueServices@2023-01-01' = {
  parent: sa
  name: 'default'
}
resource x ${T} = {
  name: 'x'
  properties: { c: sa::blob::c.id, n: q.name }
}`);
    const blob = one(p, 'sa::blob');
    expect(blob.type).toBe('Microsoft.Storage/storageAccounts/blobServices');
    expect(blob.name).toMatchObject({ kind: 'string', value: 'store/default' });
    expect(blob.parent).toBe(one(p, 'sa'));
    const c = one(p, 'sa::blob::c');
    expect(c.type).toBe('Microsoft.Storage/storageAccounts/blobServices/containers');
    expect(c.name).toMatchObject({ value: 'store/default/data' });
    expect(c.declKey).toBe('/mem/main.bicep#sa::blob::c');
    const q = one(p, 'q');
    expect(q.name).toMatchObject({ value: 'store/default' });
    expect(q.parent).toBe(one(p, 'sa'));
    expect(prop(one(p, 'x'), 'properties', 'c')).toMatchObject({ kind: 'ref', path: ['id'], resource: { symbol: 'sa::blob::c' } });
    expect(prop(one(p, 'x'), 'properties', 'n')).toMatchObject({ value: 'default' });
  });
});

describe('bicep evaluator: loops and conditions', () => {
  it('makes one instance per element, with item and index', () => {
    const p = lowerOne(`
param names array = ['a', 'b']
resource r ${T} = [for (n, i) in names: {
  name: '\${n}-\${i}'
}]
resource s ${T} = [for i in range(0, 3): if (i != 1) {
  name: 's\${i}'
}]
resource none ${T} = [for x in []: { name: x }]
resource off ${T} = if (false) { name: 'off' }
resource first ${T} = {
  name: 'f'
  properties: { a: r[1].id, b: s[2].name }
}`);
    expect(bySymbol(p, 'r').map((r) => r.name)).toMatchObject([{ value: 'a-0' }, { value: 'b-1' }]);
    expect(new Set(bySymbol(p, 'r').map((r) => r.key)).size).toBe(2);
    expect(new Set(bySymbol(p, 'r').map((r) => r.declKey)).size).toBe(1);
    expect(bySymbol(p, 's').map((r) => r.name)).toMatchObject([{ value: 's0' }, { value: 's2' }]);
    expect(bySymbol(p, 'none')).toHaveLength(0);
    expect(bySymbol(p, 'off')).toHaveLength(0);
    const f = one(p, 'first');
    expect(prop(f, 'properties', 'a')).toMatchObject({ kind: 'ref', path: ['id'], resource: { key: bySymbol(p, 'r')[1].key } });
    expect(prop(f, 'properties', 'b')).toMatchObject({ value: 's2' });
  });

  it('gives one instance with an unknown loop variable over an unknown collection', () => {
    const p = lowerOne(`
param names array
param on bool
resource r ${T} = [for n in names: {
  name: n
}]
resource c ${T} = if (on) { name: 'c' }
resource x ${T} = [for (n, i) in names: {
  name: 'x\${i}'
  properties: { other: r[i].id }
}]`);
    const r = one(p, 'r');
    expect(r.name).toMatchObject({ kind: 'unknown', input: { kind: 'loop', name: 'n' } });
    expect(r.name?.kind === 'unknown' && r.name.symbol).toMatch(/^loop:/);
    expect(one(p, 'c').name).toMatchObject({ value: 'c' });
    expect(prop(one(p, 'x'), 'properties', 'other')).toMatchObject({ kind: 'ref', resource: r });
  });

  it('caps huge loops', () => {
    const p = lowerOne(`resource r ${T} = [for i in range(0, 5000): { name: 'r\${i}' }]`);
    expect(bySymbol(p, 'r').length).toBeLessThanOrEqual(1000);
    expect(bySymbol(p, 'r').length).toBeGreaterThan(0);
  });

  it('evaluates for-expressions, lambdas and user functions', () => {
    const p = lowerOne(`
func prefixed(n string) string => 'p-\${n}'
var xs = [for i in range(1, 3): i * 2]
resource r ${T} = {
  name: prefixed('a')
  properties: {
    xs: xs
    m: map(xs, x => x + 1)
    f: filter(xs, x => x > 2)
    o: toObject(['a', 'b'], k => k, k => toUpper(k))
    red: reduce(xs, 0, (acc, x) => acc + x)
    s: sys.toLower('ABC')
    az: az.resourceGroup().id
  }
}`);
    const r = one(p, 'r');
    expect(r.name).toMatchObject({ value: 'p-a' });
    expect(prop(r, 'properties', 'xs')).toMatchObject({ items: [{ value: 2 }, { value: 4 }, { value: 6 }] });
    expect(prop(r, 'properties', 'm')).toMatchObject({ items: [{ value: 3 }, { value: 5 }, { value: 7 }] });
    expect(prop(r, 'properties', 'f')).toMatchObject({ items: [{ value: 4 }, { value: 6 }] });
    expect(prop(r, 'properties', 'o', 'b')).toMatchObject({ value: 'B' });
    expect(prop(r, 'properties', 'red')).toMatchObject({ value: 12 });
    expect(prop(r, 'properties', 's')).toMatchObject({ value: 'abc' });
    expect(prop(r, 'properties', 'az')).toMatchObject({ kind: 'scope', path: ['id'] });
  });
});

describe('bicep evaluator: modules', () => {
  it('binds module parameters, follows outputs and scopes, extends the call chain', () => {
    const p = lowerFiles({
      'main.bicep': `param principal string
module m 'mods/grant.bicep' = {
  name: 'g'
  scope: resourceGroup('other')
  params: {
    principalId: principal
  }
}
module loop 'mods/grant.bicep' = [for i in range(0, 2): {
  name: 'l\${i}'
  params: { principalId: 'p\${i}', roleName: 'r\${i}' }
}]
module ext 'br/public:avm/res/x:1.0.0' = {
  name: 'ext'
}
resource after ${T} = {
  name: 'after'
  properties: { out: m.outputs.assignmentId, e: ext.outputs.id, l: loop[1].outputs.name }
}`,
      'mods/grant.bicep': `param principalId string
param roleName string = 'reader'
param opt string?
resource ra 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(resourceGroup().id, principalId, roleName)
  properties: { principalId: principalId, rg: resourceGroup(), opt: opt }
}
output assignmentId string = ra.id
output name string = roleName`,
    });
    expect(p.files).toContain('/mem/mods/grant.bicep');
    const ras = bySymbol(p, 'ra');
    expect(ras).toHaveLength(3);
    const [m, l0, l1] = ras;
    expect(m.callChain).toHaveLength(1);
    expect(m.callChain[0]).toMatchObject({ file: '/mem/main.bicep', range: { start: { line: 2, column: 1 } } });
    expect(m.deploymentScope).toMatchObject({ level: 'resourceGroup', current: false, name: { value: 'other' } });
    expect(prop(m, 'properties', 'rg')).toMatchObject({ level: 'resourceGroup', current: false, name: { value: 'other' } });
    expect(prop(m, 'properties', 'principalId')).toMatchObject({ kind: 'unknown', symbol: 'param:/mem/main.bicep#principal' });
    expect(prop(m, 'properties', 'opt')).toMatchObject({ kind: 'null' });
    expect(m.declKey).toBe('/mem/mods/grant.bicep#ra');
    expect(m.name).toMatchObject({ kind: 'call', fn: 'guid', args: [{}, {}, { value: 'reader' }] });
    expect(l0.deploymentScope).toMatchObject({ level: 'resourceGroup', current: true });
    expect(prop(l1, 'properties', 'principalId')).toMatchObject({ value: 'p1', at: { file: '/mem/main.bicep' } });
    expect(new Set(ras.map((r) => r.key)).size).toBe(3);
    const after = one(p, 'after');
    expect(prop(after, 'properties', 'out')).toMatchObject({ kind: 'ref', path: ['id'], resource: m });
    expect(prop(after, 'properties', 'e')).toMatchObject({ kind: 'unknown', input: { kind: 'output', name: 'id' } });
    expect(prop(after, 'properties', 'l')).toMatchObject({ value: 'r1' });
  });

  it('analyses a module only through its calls, guards cycles, reports parse errors once', () => {
    const p = lowerFiles({
      'a.bicep': `module b 'b.bicep' = { name: 'b' }
resource ra ${T} = { name: 'a' }`,
      'b.bicep': `module a 'a.bicep' = { name: 'a' }
module c 'c.bicep' = { name: 'c' }
resource rb ${T} = { name: 'b' }`,
      'c.bicep': `resource rc ${T} = {
  name: 'c'
  properties: {
}`,
      'root.bicep': `module b 'b.bicep' = { name: 'b' }`,
    });
    expect(p.resources.map((r) => r.symbol).sort()).toEqual(['ra', 'rb']);
    // The parse error once, and the cycle where it closes (b calls a, which called b).
    expect(p.diagnostics.map((d) => [d.code, d.at.file])).toEqual([
      ['parse-error', '/mem/c.bicep'],
      ['module-cycle', '/mem/a.bicep'],
    ]);
  });

  it('reads a .bicepparam file in addition to the defaults', () => {
    const p = lowerFiles({
      'main.bicep': `param name string = 'default'
resource r ${T} = { name: name }`,
      'main.bicepparam': `using 'main.bicep'
param name = 'fromParams'`,
    });
    const names = bySymbol(p, 'r').map((r) => r.name);
    expect(names).toMatchObject([{ value: 'default' }, { value: 'fromParams', at: { file: '/mem/main.bicepparam' } }]);
  });

  it('evaluates imported variables and functions', () => {
    const p = lowerFiles({
      'main.bicep': `import { roles, fmt } from 'shared.bicep'
import * as shared from 'shared.bicep'
resource r ${T} = {
  name: fmt('x')
  properties: { role: roles.reader, other: shared.roles.reader }
}`,
      'shared.bicep': `@export()
var roles = { reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7' }
@export()
func fmt(s string) string => 'n-\${s}'`,
    }, ['main.bicep']);
    const r = one(p, 'r');
    expect(r.name).toMatchObject({ value: 'n-x' });
    expect(prop(r, 'properties', 'role')).toMatchObject({ value: 'acdd72a7-3385-48ef-bd42-f606fba81ae7' });
    expect(prop(r, 'properties', 'other')).toMatchObject({ value: 'acdd72a7-3385-48ef-bd42-f606fba81ae7' });
  });
});

describe('bicep front end: diagnostics and comments', () => {
  it('gives one parse-error at the first syntax error and lowers nothing from the file', () => {
    const p = lowerOne(`resource r ${T} = {
  name: 'x'
  properties: {
    a: 
  }
}
resource s ${T} = {`);
    expect(p.resources).toHaveLength(0);
    expect(p.diagnostics).toHaveLength(1);
    const d = p.diagnostics[0];
    expect(d.code).toBe('parse-error');
    expect(d.at.file).toBe('/mem/main.bicep');
    expect(d.message).toMatch(/\(and \d+ more syntax errors?\)/);
  });

  it('returns comments with their text and location', () => {
    const p = lowerOne(`// first
resource r ${T} = {
  name: 'x' /* inline */
}`);
    expect(p.comments).toMatchObject([
      { file: '/mem/main.bicep', text: '// first', at: { range: { start: { line: 1, column: 1 } } } },
      { text: '/* inline */', at: { range: { start: { line: 3, column: 13 } } } },
    ]);
  });
});

describe('bicep evaluator: robustness', () => {
  it('stops evaluating past its budget instead of running away', async () => {
    const { analyzeBicep, DEFAULT_LIMITS } = await import('../../../src/lower/bicep/index.js');
    const { memoryHost } = await import('./helpers.js');
    const text = `var a = [for i in range(0, 1000): [for j in range(0, 1000): i * j]]
resource r ${T} = {
  name: 'x'
  properties: { a: a }
}`;
    const started = Date.now();
    const p = analyzeBicep(['/mem/main.bicep'], memoryHost({ '/mem/main.bicep': text }), undefined, { ...DEFAULT_LIMITS, maxEvals: 20_000 });
    expect(Date.now() - started).toBeLessThan(5_000);
    const r = one(p, 'r');
    expect(r.name).toMatchObject({ value: 'x' });
    expect(prop(r, 'properties', 'a')?.kind).toBe('array');
    expect(JSON.stringify([...((prop(r, 'properties', 'a') as { items: unknown[] }).items.slice(-1))])).toContain('unknown');
  });

  it('reaches existing resources and their children through ::', () => {
    const p = lowerOne(`
resource kv 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: 'kv'
  resource secret 'secrets' existing = {
    name: 's'
  }
}
resource r ${T} = {
  name: 'r'
  properties: { id: kv::secret.id, n: kv::secret.name }
}`);
    const secret = one(p, 'kv::secret');
    expect(secret.existing).toBe(true);
    expect(secret.type).toBe('Microsoft.KeyVault/vaults/secrets');
    expect(prop(one(p, 'r'), 'properties', 'id')).toMatchObject({ kind: 'ref', resource: secret, path: ['id'] });
    expect(prop(one(p, 'r'), 'properties', 'n')).toMatchObject({ value: 's' });
  });

  it('does not crash on missing module files or odd references', () => {
    const p = lowerOne(`
module missing 'nope/missing.bicep' = { name: 'm' }
module json 'arm.json' = { name: 'j' }
resource r ${T} = {
  name: 'r'
  properties: { a: missing.outputs.x, b: json.outputs.y, c: nothing.here, d: r2[5].id }
}
resource r2 ${T} = [for i in range(0, 2): { name: 'r2\${i}' }]`);
    const r = one(p, 'r');
    expect(prop(r, 'properties', 'a')).toMatchObject({ kind: 'unknown', input: { kind: 'output', name: 'x' } });
    expect(prop(r, 'properties', 'b')?.kind).toBe('unknown');
    expect(prop(r, 'properties', 'c')?.kind).toBe('unknown');
    expect(prop(r, 'properties', 'd')?.kind).toBe('unknown');
    expect(p.diagnostics).toEqual([]);
  });
});

describe('bicep evaluator: agreement with the compiled template', () => {
  it('a nullable parameter without a default is null in a root, a plain one is an input', () => {
    const p = lowerOne(`
param maybe string?
param required string
resource r ${T} = {
  name: 'x'
  properties: { n: maybe, req: required }
}`);
    const r = one(p, 'r');
    expect(prop(r, 'properties', 'n')).toMatchObject({ kind: 'null' });
    expect(prop(r, 'properties', 'req')).toMatchObject({ kind: 'unknown', input: { kind: 'parameter', name: 'required' } });
  });

  it('the ID of a resource whose condition is false is its resourceId(...), as the compiler writes it', () => {
    const p = lowerOne(`
resource kv 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: 'kv1'
}
resource secret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (false) {
  parent: kv
  name: 's1'
  properties: {}
}
resource ra 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid('x')
  scope: secret
  properties: { principalId: 'p', roleDefinitionId: 'r' }
}`);
    expect(bySymbol(p, 'secret')).toHaveLength(0);
    const scope = one(p, 'ra').scope;
    expect(scope).toMatchObject({ kind: 'call', fn: 'resourceid', args: [{ value: 'Microsoft.KeyVault/vaults/secrets' }, { value: 'kv1' }, { value: 's1' }] });
  });
});
