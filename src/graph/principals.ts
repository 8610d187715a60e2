/**
 * Which identities a principal value may be. A conditional between two identities' principal IDs
 * (`useUser ? uami.properties.principalId : app.identity.principalId`, on a root's input) may be
 * either: each may be granted there, so neither is "granted nothing".
 */
import type { Value } from '../model/value.js';
import { identityIdOf } from './identity-ids.js';
import type { Grant, Identity, IdentityGraph } from './types.js';
import { unwrap } from './values.js';

/** The identity node whose principal ID the value is, if the graph has it. */
export function identityOfPrincipal(value: Value, graph: IdentityGraph): Identity | undefined {
  const id = identityIdOf(graph, value);
  return id?.property === 'principalId' ? id.identity : undefined;
}

/** The identities a grant's principal may be: its identity, or each identity of a conditional's branches. */
export function possibleIdentities(grant: Grant, graph: IdentityGraph): Identity[] {
  if (grant.principal.identity) return [grant.principal.identity];
  const v = unwrap(grant.principal.value);
  if (v?.kind !== 'call' || v.fn !== 'if' || v.args.length !== 3) return [];
  return [v.args[1], v.args[2]].map((b) => identityOfPrincipal(b, graph)).filter((i): i is Identity => !!i);
}
