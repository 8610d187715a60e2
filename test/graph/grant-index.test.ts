import { describe, expect, it } from 'vitest';
import { equalityKey, indexGrants, ValueMap } from '../../src/graph/grant-index.js';
import { grantsTo } from '../../src/graph/queries.js';
import type { Grant, Identity } from '../../src/graph/types.js';
import { sameValue, type Value } from '../../src/model/value.js';

const str = (value: string): Value => ({ kind: 'string', value });
const obj = (...entries: [string, Value][]): Value => ({ kind: 'object', entries: new Map(entries) });
const opaque: Value = { kind: 'unknown' };

describe('equalityKey agrees with sameValue', () => {
  const values: Value[] = [
    str('Abc'),
    str('abc'),
    str('ab'),
    { kind: 'number', value: 0 },
    { kind: 'number', value: -0 },
    { kind: 'number', value: 1 },
    { kind: 'bool', value: true },
    { kind: 'null' },
    { kind: 'unknown', symbol: 'param:/a.bicep#p' },
    { kind: 'unknown', symbol: 'param:/b.bicep#p' },
    opaque,
    { kind: 'unknown' },
    obj(['a', str('x')], ['B', str('y')]),
    obj(['b', str('Y')], ['A', str('x')]),
    obj(['a', str('x')]),
    obj(['a', str('x')], ['A', str('z')]),
    obj(['A', str('x')], ['a', str('z')]),
    { kind: 'array', items: [str('a'), opaque] },
    { kind: 'array', items: [str('A'), opaque] },
    { kind: 'array', items: [str('a'), { kind: 'unknown' }] },
    { kind: 'call', fn: 'guid', args: [str('a'), str('b')] },
    { kind: 'call', fn: 'guid', args: [str('a,b')] },
    { kind: 'concat', parts: [str('a'), str('b')] },
    { kind: 'scope', level: 'resourceGroup', current: true, path: ['id'] },
    { kind: 'scope', level: 'resourceGroup', current: true, path: ['ID'] },
    { kind: 'scope', level: 'subscription', current: true, path: ['id'] },
  ];

  it('gives equal keys to every pair of equal values', () => {
    for (const a of values) for (const b of values) if (sameValue(a, b)) expect(equalityKey(a), `${JSON.stringify(a)} ~ ${JSON.stringify(b)}`).toBe(equalityKey(b));
  });

  it('tells most unequal values apart (the index stays fast)', () => {
    const keys = new Set(values.map(equalityKey));
    expect(keys.size).toBeGreaterThanOrEqual(17);
    expect(equalityKey(str('a,b'))).not.toBe(equalityKey({ kind: 'concat', parts: [str('a'), str('b')] }));
  });

  it('finds by value what a scan with sameValue finds, in order', () => {
    const map = new ValueMap<number>();
    values.forEach((v, i) => map.add(v, i));
    for (const v of values) expect(map.lookup(v)).toEqual(values.flatMap((x, i) => (sameValue(x, v) ? [i] : [])));
  });
});

describe('grants by principal', () => {
  const identity = (id: string): Identity => ({ id, kind: 'user', createdHere: true, workloads: [], platformManaged: false, label: id });
  const a = identity('a');
  const b = identity('b');
  const grant = (id: string, to: Identity | undefined, value: Value): Grant => ({ id, principal: { identity: to, kind: 'managedIdentity', value } }) as unknown as Grant;
  const grants = [grant('1', a, str('pa')), grant('2', b, str('pb')), grant('3', a, str('PA')), grant('4', undefined, str('pa'))];

  it('indexes grants by identity node and by principal value', () => {
    const index = indexGrants(grants);
    expect(index.to(a).map((g) => g.id)).toEqual(['1', '3']);
    expect(index.to(identity('c'))).toEqual([]);
    expect(index.withPrincipal(str('pa')).map((g) => g.id)).toEqual(['1', '3', '4']);
  });

  it('keeps grantsTo(identity, grants) answering as a filter would, also when the array grows', () => {
    const list = [...grants];
    expect(grantsTo(a, list).map((g) => g.id)).toEqual(['1', '3']);
    list.push(grant('5', a, str('pa')));
    expect(grantsTo(a, list).map((g) => g.id)).toEqual(['1', '3', '5']);
  });
});
