/**
 * What grantlint cannot see is not a fact: an identity whose principal ID is passed to a module
 * grantlint cannot read (a registry module, a template spec, a remote or missing file) may well be
 * granted there, so it is not "granted nothing".
 */
import type { ExternalCall, ResourceInstance } from '../model/template.js';
import { walkValue, type Value } from '../model/value.js';
import { SHAPES } from './build.js';
import { identityNode } from './principals.js';
import type { Identity, IdentityGraph } from './types.js';
import { unwrap } from './values.js';

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
  map = new Map();
  const identityFor = (r: ResourceInstance, kind: 'system' | 'user'): Identity | undefined => identityNode(graph, r, kind);
  const add = (identity: Identity | undefined, use: Use): void => {
    if (!identity) return;
    const list = map!.get(identity) ?? [];
    list.push(use);
    map!.set(identity, list);
  };
  for (const call of graph.externalCalls ?? []) {
    walkValue(call.args, (v: Value) => {
      const u = unwrap(v);
      if (u?.kind !== 'ref') return;
      const principal = principalOf(u);
      if (principal?.resource) {
        const kind = principal.system ? 'system' : 'user';
        add(identityFor(principal.resource, kind), { call, passed: 'principalId' });
        return;
      }
      // The identity resource itself, its ID, client ID or name.
      const user = identityFor(u.resource, 'user');
      if (user) add(user, { call, passed: 'other' });
    });
  }
  cache.set(graph, map);
  return map;
}

function principalOf(v: Value): { resource?: ResourceInstance; system?: boolean } | undefined {
  for (const shape of SHAPES) {
    const facts = shape.resolvePrincipal(v);
    if (facts) return facts;
  }
  return undefined;
}
