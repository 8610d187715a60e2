import { describe, expect, it } from 'vitest';
import {
  callFunction,
  concatParts,
  parseResourceIdArgs,
  scopeValue,
  stringShape,
  type FunctionContext,
  type LambdaArg,
  type ResourceQuery,
} from '../../src/link/functions.js';
import type { Location } from '../../src/model/location.js';
import type { ResourceInstance } from '../../src/model/template.js';
import { arr, obj, sameValue, str, unknown, type Value } from '../../src/model/value.js';

const ctx: FunctionContext = { deploymentScope: scopeValue('resourceGroup', true) };
const num = (value: number): Value => ({ kind: 'number', value });
const bool = (value: boolean): Value => ({ kind: 'bool', value });
const call = (name: string, ...args: (Value | LambdaArg)[]): Value => callFunction(name, args, ctx);
const at: Location = { file: '/x/main.bicep', range: { start: { line: 3, column: 1 }, end: { line: 3, column: 9 } } };

function lambda(f: (...a: Value[]) => Value, arity = f.length): LambdaArg {
  return { kind: 'lambda', arity, invoke: (a) => f(...a) };
}

describe('string functions', () => {
  it('computes known strings, case-insensitively by name', () => {
    expect(call('toLower', str('ABC'))).toMatchObject({ kind: 'string', value: 'abc' });
    expect(call('TOUPPER', str('abc'))).toMatchObject({ kind: 'string', value: 'ABC' });
    expect(call('trim', str('  a '))).toMatchObject({ value: 'a' });
    expect(call('replace', str('a-b-c'), str('-'), str('/'))).toMatchObject({ value: 'a/b/c' });
    expect(call('substring', str('abcdef'), num(1), num(3))).toMatchObject({ value: 'bcd' });
    expect(call('startsWith', str('Microsoft.Web'), str('microsoft'))).toMatchObject({ kind: 'bool', value: true });
    expect(call('endsWith', str('abc'), str('x'))).toMatchObject({ kind: 'bool', value: false });
    expect(call('string', num(5))).toMatchObject({ kind: 'string', value: '5' });
    expect(call('string', bool(true))).toMatchObject({ kind: 'string', value: 'True' });
    expect(call('int', str('42'))).toMatchObject({ kind: 'number', value: 42 });
    expect(call('bool', str('false'))).toMatchObject({ kind: 'bool', value: false });
    expect(call('padLeft', num(7), num(3), str('0'))).toMatchObject({ value: '007' });
  });

  it('splits and joins', () => {
    const parts = call('split', str('a/b/c'), str('/'));
    expect(parts).toMatchObject({ kind: 'array', items: [{ value: 'a' }, { value: 'b' }, { value: 'c' }] });
    expect(call('join', parts, str('-'))).toMatchObject({ kind: 'string', value: 'a-b-c' });
    expect(call('last', parts)).toMatchObject({ value: 'c' });
  });

  it('formats with {n} and format specifiers', () => {
    expect(call('format', str('{0}-{1}'), str('a'), num(2))).toMatchObject({ kind: 'string', value: 'a-2' });
    expect(call('format', str('{0:D3} {{x}}'), num(7))).toMatchObject({ kind: 'string', value: '007 {x}' });
  });

  it('keeps the shape of strings with unknown parts as concat', () => {
    const p = unknown('param:/x/main.bicep#sub');
    const v = call('concat', str('/subscriptions/'), p, str('/resourceGroups/'), str('rg'));
    expect(v.kind).toBe('concat');
    if (v.kind !== 'concat') return;
    expect(v.parts.map((x) => x.kind)).toEqual(['string', 'unknown', 'string']);
    expect(v.parts[2]).toMatchObject({ value: '/resourceGroups/rg' });
    const f = call('format', str('/subscriptions/{0}/resourceGroups/{1}'), p, str('rg'));
    expect(sameValue(f, v)).toBe(true);
  });

  it('concatenates arrays', () => {
    expect(call('concat', arr([str('a')]), arr([str('b')]))).toMatchObject({ kind: 'array', items: [{ value: 'a' }, { value: 'b' }] });
  });

  it('propagates unknowns as call values, never guesses', () => {
    const p = unknown('param:/x/main.bicep#name');
    const v = call('toLower', p);
    expect(v).toMatchObject({ kind: 'call', fn: 'tolower' });
    expect(sameValue(v, call('toLower', unknown('param:/x/main.bicep#name')))).toBe(true);
    expect(call('length', p)).toMatchObject({ kind: 'call', fn: 'length' });
    expect(call('equals', p, str('x'))).toMatchObject({ kind: 'call', fn: 'equals' });
    expect(call('someFutureFunction', str('x'))).toMatchObject({ kind: 'call', fn: 'somefuturefunction' });
  });

  it('gives the call location to computed values', () => {
    expect(callFunction('toLower', [str('A')], ctx, at).at).toBe(at);
  });
});

describe('collections and logic', () => {
  it('computes over known collections', () => {
    const a = arr([str('x'), str('y'), str('z')]);
    expect(call('length', a)).toMatchObject({ value: 3 });
    expect(call('first', a)).toMatchObject({ value: 'x' });
    expect(call('take', a, num(2))).toMatchObject({ items: [{ value: 'x' }, { value: 'y' }] });
    expect(call('skip', a, num(2))).toMatchObject({ items: [{ value: 'z' }] });
    expect(call('contains', a, str('y'))).toMatchObject({ value: true });
    expect(call('indexOf', a, str('z'))).toMatchObject({ value: 2 });
    expect(call('empty', arr([]))).toMatchObject({ value: true });
    expect(call('range', num(1), num(3))).toMatchObject({ items: [{ value: 1 }, { value: 2 }, { value: 3 }] });
    expect(call('flatten', arr([arr([num(1)]), arr([num(2)])]))).toMatchObject({ items: [{ value: 1 }, { value: 2 }] });
    expect(call('createArray', num(1), num(2))).toMatchObject({ items: [{ value: 1 }, { value: 2 }] });
    expect(call('min', num(3), num(1))).toMatchObject({ value: 1 });
    expect(call('max', arr([num(3), num(9)]))).toMatchObject({ value: 9 });
    expect(call('intersection', arr([num(1), num(2)]), arr([num(2), num(3)]))).toMatchObject({ items: [{ value: 2 }] });
  });

  it('merges objects with union and lists items sorted by key', () => {
    const u = call('union', obj([['a', num(1)], ['n', obj([['x', num(1)]])]]), obj([['b', num(2)], ['n', obj([['y', num(2)]])]]));
    expect(u.kind).toBe('object');
    if (u.kind !== 'object') return;
    expect([...u.entries.keys()]).toEqual(['a', 'n', 'b']);
    const n = u.entries.get('n');
    expect(n && n.kind === 'object' ? [...n.entries.keys()] : []).toEqual(['x', 'y']);
    const items = call('items', obj([['b', num(2)], ['a', num(1)]]));
    expect(items).toMatchObject({ items: [{ entries: new Map([['key', str('a')], ['value', num(1)]]) }, {}] });
    expect(call('createObject', str('k'), num(1))).toMatchObject({ kind: 'object' });
    expect(call('contains', obj([['Key', num(1)]]), str('key'))).toMatchObject({ value: true });
  });

  it('decides logic when it can', () => {
    const p = unknown('param:/x#p');
    expect(call('and', bool(false), p)).toMatchObject({ kind: 'bool', value: false });
    expect(call('or', p, bool(true))).toMatchObject({ kind: 'bool', value: true });
    expect(call('and', bool(true), p)).toMatchObject({ kind: 'call', fn: 'and' });
    expect(call('not', bool(true))).toMatchObject({ value: false });
    expect(call('if', bool(true), str('a'), str('b'))).toMatchObject({ value: 'a' });
    expect(call('coalesce', { kind: 'null' }, str('b'))).toMatchObject({ value: 'b' });
    expect(call('equals', str('a'), str('a'))).toMatchObject({ value: true });
    expect(call('less', num(1), num(2))).toMatchObject({ value: true });
    expect(call('greaterOrEquals', num(1), num(2))).toMatchObject({ value: false });
    expect(call('json', str('{"a":[1,true]}'))).toMatchObject({ kind: 'object' });
  });

  it('runs lambda functions', () => {
    const a = arr([num(3), num(1), num(2)]);
    const doubled = call('map', a, lambda((x) => ({ kind: 'number', value: (x as { value: number }).value * 2 })));
    expect(doubled).toMatchObject({ items: [{ value: 6 }, { value: 2 }, { value: 4 }] });
    const big = call('filter', a, lambda((x) => bool((x as { value: number }).value > 1)));
    expect(big).toMatchObject({ items: [{ value: 3 }, { value: 2 }] });
    const sum = call('reduce', a, num(0), lambda((acc, x) => num((acc as { value: number }).value + (x as { value: number }).value)));
    expect(sum).toMatchObject({ value: 6 });
    const sorted = call('sort', a, lambda((x, y) => bool((x as { value: number }).value < (y as { value: number }).value)));
    expect(sorted).toMatchObject({ items: [{ value: 1 }, { value: 2 }, { value: 3 }] });
    const o = call('toObject', arr([str('a'), str('b')]), lambda((x) => x), lambda((x) => call('toUpper', x)));
    expect(o).toMatchObject({ entries: new Map([['a', str('A')], ['b', str('B')]]) });
    const unknownArray = call('map', unknown(), lambda((x) => x));
    expect(unknownArray.kind).toBe('call');
  });
});

describe('symbolic functions', () => {
  it('always keeps guid, newGuid, utcNow and uniqueString as calls', () => {
    expect(call('guid', str('a'), str('b'))).toMatchObject({ kind: 'call', fn: 'guid', args: [{ value: 'a' }, { value: 'b' }] });
    expect(call('newGuid')).toMatchObject({ kind: 'call', fn: 'newguid', args: [] });
    expect(call('utcNow')).toMatchObject({ kind: 'call', fn: 'utcnow' });
    const u1 = call('uniqueString', call('resourceGroup'));
    const u2 = call('uniqueString', call('resourceGroup'));
    expect(u1.kind).toBe('call');
    expect(sameValue(u1, u2)).toBe(true);
  });

  it('derives deployment scopes', () => {
    expect(call('resourceGroup')).toMatchObject({ kind: 'scope', level: 'resourceGroup', current: true, path: [] });
    expect(call('resourceGroup', str('other'))).toMatchObject({ kind: 'scope', level: 'resourceGroup', current: false, name: { value: 'other' } });
    expect(call('resourceGroup', str('sub'), str('other'))).toMatchObject({ current: false, subscriptionId: { value: 'sub' } });
    expect(call('subscription')).toMatchObject({ kind: 'scope', level: 'subscription', current: true });
    expect(call('managementGroup')).toMatchObject({ kind: 'scope', level: 'managementGroup', current: true });
    expect(call('tenant')).toMatchObject({ kind: 'scope', level: 'tenant', current: true });
    const inModule: FunctionContext = { deploymentScope: scopeValue('resourceGroup', false, { name: str('other') }) };
    expect(callFunction('resourceGroup', [], inModule)).toMatchObject({ current: false, name: { value: 'other' }, path: [] });
    expect(call('deployment')).toMatchObject({ kind: 'unknown' });
    expect(sameValue(call('environment'), call('environment'))).toBe(true);
  });

  it('resolves resourceId calls to declared resources, else keeps the call', () => {
    const vault = { key: 'k', symbol: 'vault', type: 'Microsoft.KeyVault/vaults' } as ResourceInstance;
    const queries: ResourceQuery[] = [];
    const withResolver: FunctionContext = {
      deploymentScope: scopeValue('resourceGroup', true),
      resolveResource: (q) => {
        queries.push(q);
        return q.type === 'Microsoft.KeyVault/vaults' && q.names[0].kind === 'string' && q.names[0].value === 'kv' ? vault : undefined;
      },
    };
    const ref = callFunction('resourceId', [str('Microsoft.KeyVault/vaults'), str('kv')], withResolver);
    expect(ref).toMatchObject({ kind: 'ref', path: ['id'] });
    expect(ref.kind === 'ref' && ref.resource).toBe(vault);
    const role = callFunction('subscriptionResourceId', [str('Microsoft.Authorization/roleDefinitions'), str('acdd72a7-3385-48ef-bd42-f606fba81ae7')], withResolver);
    expect(role).toMatchObject({ kind: 'call', fn: 'subscriptionresourceid', args: [{ value: 'Microsoft.Authorization/roleDefinitions' }, { value: 'acdd72a7-3385-48ef-bd42-f606fba81ae7' }] });
    expect(parseResourceIdArgs('resourceid', [str('sub'), str('rg'), str('Microsoft.Web/sites/config'), str('app'), str('web')])).toMatchObject({
      subscriptionId: { value: 'sub' },
      resourceGroup: { value: 'rg' },
      type: 'Microsoft.Web/sites/config',
      names: [{ value: 'app' }, { value: 'web' }],
    });
    expect(parseResourceIdArgs('extensionresourceid', [str('/x'), str('Microsoft.Authorization/roleAssignments'), str('n')])).toMatchObject({ extensionScope: { value: '/x' } });
  });

  it('knows the shape of a resource ID it keeps symbolic', () => {
    const role = call('subscriptionResourceId', str('Microsoft.Authorization/roleDefinitions'), str('abc'));
    const shape = stringShape(role);
    expect(shape?.parts.some((p) => p.kind === 'string' && p.value.includes('/providers/Microsoft.Authorization/roleDefinitions/'))).toBe(true);
    expect(call('contains', role, str('/providers/Microsoft.Authorization/roleDefinitions/'))).toMatchObject({ kind: 'bool', value: true });
  });

  it('builds concat values that merge adjacent strings', () => {
    const v = concatParts([str('a'), str('b'), unknown('s'), str('c')]);
    expect(v).toMatchObject({ kind: 'concat', parts: [{ value: 'ab' }, { kind: 'unknown' }, { value: 'c' }] });
    expect(concatParts([str('a'), num(1), bool(false)])).toMatchObject({ kind: 'string', value: 'a1False' });
  });
});

describe('agreement between the Bicep and ARM readings', () => {
  it('createObject with a computed key keeps the key, as an object literal does', () => {
    const key = concatParts([unknown('param:x#id')]);
    const v = call('createObject', key, obj([]));
    expect(v.kind).toBe('object');
    const o = v as Extract<Value, { kind: 'object' }>;
    expect([...o.entries.keys()]).toHaveLength(1);
    expect(sameValue([...(o.keyValues?.values() ?? [])][0], key)).toBe(true);
  });

  it('coalesce skips nulls and returns a call that cannot be null (Bicep `a ?? b`)', () => {
    const roleId = call('subscriptionResourceId', str('Microsoft.Authorization/roleDefinitions'), unknown('param:x#role'));
    expect(call('coalesce', { kind: 'null' }, roleId)).toBe(roleId);
    expect(call('coalesce', { kind: 'null' }, call('tryGet', unknown(), str('x')), str('y'))).toMatchObject({ kind: 'call', fn: 'coalesce' });
  });

  it('tryGet on a resource reference reads the attribute (`x.?identity.?principalId`)', () => {
    const resource = { key: 'k' } as ResourceInstance;
    const v = call('tryGet', call('tryGet', { kind: 'ref', resource, path: [] }, str('identity')), str('principalId'));
    expect(v).toMatchObject({ kind: 'ref', path: ['identity', 'principalId'] });
  });
});
