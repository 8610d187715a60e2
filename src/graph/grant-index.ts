/**
 * Grants looked up by principal and by value, in constant time: rules ask "what grants this
 * identity?" once per identity, and a repository has tens of thousands of grants.
 *
 * `equalityKey` is a hash that agrees with `sameValue` (equal values have equal keys); lookups
 * confirm with `sameValue`, so the key may be coarser than equality but never finer.
 */
import { sameValue, type Value } from '../model/value.js';
import type { Grant, Identity, IdentityGraph } from './types.js';
import { unwrap } from './values.js';

export interface GrantIndex {
  /** Grants whose principal is this identity node, in graph order. */
  to(identity: Identity): Grant[];
  /** Grants whose principal value (unwrapped) is the same value as `principal`, in graph order. */
  withPrincipal(principal: Value | undefined): Grant[];
}

const EMPTY: Grant[] = [];
const byGraph = new WeakMap<IdentityGraph, GrantIndex>();

/** The grant index of a graph, built on first use. */
export function grantIndex(graph: IdentityGraph): GrantIndex {
  let index = byGraph.get(graph);
  if (!index) byGraph.set(graph, (index = indexGrants(graph.grants)));
  return index;
}

/** Grants to one identity (`grantIndex(graph).to(identity)`). */
export function grantsOf(graph: IdentityGraph, identity: Identity): Grant[] {
  return grantIndex(graph).to(identity);
}

export function indexGrants(grants: readonly Grant[]): GrantIndex {
  const byIdentity = new Map<Identity, Grant[]>();
  for (const g of grants) {
    const identity = g.principal.identity;
    if (identity) {
      const list = byIdentity.get(identity);
      if (list) list.push(g);
      else byIdentity.set(identity, [g]);
    }
  }
  // Built on the first lookup by value: most runs only ask by identity.
  let byPrincipal: ValueMap<Grant> | undefined;
  return {
    to: (identity) => byIdentity.get(identity) ?? EMPTY,
    withPrincipal(principal) {
      if (!byPrincipal) {
        byPrincipal = new ValueMap<Grant>();
        for (const g of grants) byPrincipal.add(unwrap(g.principal.value), g);
      }
      return byPrincipal.lookup(unwrap(principal));
    },
  };
}

/** Items filed under a value; `lookup` returns those filed under a `sameValue` value, in order. */
export class ValueMap<T> {
  private readonly buckets = new Map<string, { value: Value; item: T }[]>();

  add(value: Value | undefined, item: T): void {
    if (!value) return;
    const key = equalityKey(value);
    const bucket = this.buckets.get(key);
    if (bucket) bucket.push({ value, item });
    else this.buckets.set(key, [{ value, item }]);
  }

  lookup(value: Value | undefined): T[] {
    if (!value) return EMPTY as T[];
    const bucket = this.buckets.get(equalityKey(value));
    if (!bucket) return EMPTY as T[];
    return bucket.filter((e) => sameValue(e.value, value)).map((e) => e.item);
  }

  /** The buckets themselves (values with equal keys), for grouping without a lookup per item. */
  groups(): IterableIterator<{ value: Value; item: T }[]> {
    return this.buckets.values();
  }
}

const opaqueIds = new WeakMap<Value, number>();
let nextOpaque = 0;

/**
 * A string equal for any two values `sameValue` holds equal: origins ignored, strings and object
 * keys lower-cased, object entries in sorted order. An unknown without a symbol is only ever the
 * same as itself (the same object), so it is keyed by its identity.
 */
export function equalityKey(v: Value): string {
  switch (v.kind) {
    case 'string':
      return text(v.value.toLowerCase());
    case 'number':
      return Object.is(v.value, -0) ? '0' : String(v.value);
    case 'bool':
      return String(v.value);
    case 'null':
      return 'null';
    case 'unknown': {
      if (v.symbol !== undefined) return `?${text(v.symbol)}`;
      let id = opaqueIds.get(v);
      if (id === undefined) opaqueIds.set(v, (id = nextOpaque++));
      return `?#${id}`;
    }
    case 'ref':
      return `&${text(v.resource.key)}${pathKey(v.path)}`;
    case 'scope':
      return `@${v.level}:${v.current}:${v.name ? equalityKey(v.name) : ''}:${v.subscriptionId ? equalityKey(v.subscriptionId) : ''}:${pathKey(v.path)}`;
    case 'object': {
      const entries = [...v.entries].map(([k, x]) => [k.toLowerCase(), x] as const);
      const names = entries.map(([k]) => k).sort();
      // Keys that differ only in case make `sameValue` compare through one of them: key by names alone.
      if (names.some((k, i) => i > 0 && names[i - 1] === k)) return `{${names.map(text).join('')}}`;
      entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      return `{${entries.map(([k, x]) => `${text(k)}${equalityKey(x)}`).join(',')}}`;
    }
    case 'array':
      return `[${v.items.map(equalityKey).join(',')}]`;
    case 'call':
      return `${v.fn}(${v.args.map(equalityKey).join(',')})`;
    case 'concat':
      return `concat<${v.parts.map(equalityKey).join(',')}>`;
  }
}

/** A string in a key, prefixed by its length so that no content can imitate the key's punctuation. */
function text(s: string): string {
  return `${s.length}'${s}`;
}

function pathKey(path: (string | number)[]): string {
  let out = '';
  for (const p of path) out += `.${text(String(p).toLowerCase())}`;
  return out;
}
