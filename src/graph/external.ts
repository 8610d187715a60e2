/**
 * What grantlint cannot see is not a fact: an identity whose principal ID is passed to a module
 * grantlint cannot read (a registry module, a template spec, a remote or missing file) may well be
 * granted there, so it is not "granted nothing".
 */
import type { ExternalCall } from '../model/template.js';
import { walkValue, type Value } from '../model/value.js';
import { identityIdOf } from './identity-ids.js';
import type { Identity, IdentityGraph } from './types.js';

/** How a value passed to a module names an identity. */
export type Passed = 'principalId' | 'other';

interface Use {
  call: ExternalCall;
  passed: Passed;
}

const cache = new WeakMap<IdentityGraph, Map<Identity, Use[]>>();

/**
 * The calls to modules grantlint cannot read that are passed this identity: its principal ID
 * (`'principalId'`), or with `'any'` also its resource ID, client ID or name.
 */
export function externalCallsPassing(identity: Identity, graph: IdentityGraph, what: Passed | 'any' = 'principalId'): ExternalCall[] {
  const uses = usesOf(graph).get(identity) ?? [];
  return [...new Set(uses.filter((u) => what === 'any' || u.passed === what).map((u) => u.call))];
}

function usesOf(graph: IdentityGraph): Map<Identity, Use[]> {
  let map = cache.get(graph);
  if (map) return map;
  const uses = new Map<Identity, Use[]>();
  for (const call of graph.externalCalls ?? []) {
    walkValue(call.args, (v: Value) => {
      if (v.kind !== 'ref' && v.kind !== 'concat' && v.kind !== 'call') return;
      // Which identity, and which of its IDs, the value is (identity-ids.ts).
      const id = identityIdOf(graph, v);
      if (!id?.identity) return;
      const list = uses.get(id.identity) ?? [];
      list.push({ call, passed: id.property === 'principalId' ? 'principalId' : 'other' });
      uses.set(id.identity, list);
    });
  }
  map = uses;
  cache.set(graph, map);
  return map;
}
