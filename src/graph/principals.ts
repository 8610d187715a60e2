/**
 * Which identities a principal value may be. A conditional between two identities' principal IDs
 * (`useUser ? uami.properties.principalId : app.identity.principalId`, on a root's input) may be
 * either: each may be granted there, so neither is "granted nothing".
 */
import type { ResourceInstance } from '../model/template.js';
import type { Value } from '../model/value.js';
import { azureResourceKey, SHAPES } from './build.js';
import type { Grant, Identity, IdentityGraph } from './types.js';
import { unwrap } from './values.js';

const byGraph = new WeakMap<IdentityGraph, Map<string, Identity>>();

/** The identity node of the resource a principal ID value points at, if the graph has it. */
export function identityOfPrincipal(value: Value, graph: IdentityGraph): Identity | undefined {
  const v = unwrap(value);
  if (v?.kind !== 'ref') return undefined;
  for (const shape of SHAPES) {
    const facts = shape.resolvePrincipal(v);
    if (!facts) continue;
    return facts.resource ? identityNode(graph, facts.resource, facts.system ? 'system' : 'user') : undefined;
  }
  return undefined;
}

/** The builder's node for a resource's system-assigned identity, or for the user-assigned identity it is. */
export function identityNode(graph: IdentityGraph, r: ResourceInstance, kind: 'system' | 'user'): Identity | undefined {
  let ids = byGraph.get(graph);
  if (!ids) {
    ids = new Map(graph.identities.map((i) => [i.id, i]));
    byGraph.set(graph, ids);
  }
  return ids.get(`${kind}:${azureResourceKey(r)}`);
}

/** The identities a grant's principal may be: its identity, or each identity of a conditional's branches. */
export function possibleIdentities(grant: Grant, graph: IdentityGraph): Identity[] {
  if (grant.principal.identity) return [grant.principal.identity];
  const v = unwrap(grant.principal.value);
  if (v?.kind !== 'call' || v.fn !== 'if' || v.args.length !== 3) return [];
  return [v.args[1], v.args[2]].map((b) => identityOfPrincipal(b, graph)).filter((i): i is Identity => !!i);
}
