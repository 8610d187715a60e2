/**
 * What a grant gives, to compare two principals' grants: its kind and role, and its scope. Either
 * is undefined when grantlint cannot tell (a role or scope from a parameter), and an unknown may be
 * anything: it may give the same.
 */
import { azureResourceKey } from './build.js';
import { walkValue, type Value } from '../model/value.js';
import type { Grant } from './types.js';
import { unwrap, valueKey } from './values.js';

/** What a grant gives, for comparing two principals' grants: (kind and role, scope), each undefined when not known. */
export interface GrantKey {
  role?: string;
  scope?: string;
}

export function grantKey(g: Grant): GrantKey {
  const key: GrantKey = {};
  if (g.kind === 'accessPolicy') key.role = 'access-policy';
  else if (g.role) key.role = `${g.kind}:${g.role.id.toLowerCase()}`;
  else {
    const v = definite(g.roleValue);
    if (v !== undefined) key.role = `${g.kind}:${v}`;
  }
  const s = g.scope;
  if (s.resource) key.scope = `resource:${azureResourceKey(s.resource)}`;
  else if (s.kind !== 'unknown' && s.label) key.scope = `${s.kind}:${(s.resourceType ?? '').toLowerCase()}:${s.label.toLowerCase()}`;
  else if (!s.value) {
    const d = valueKey(g.resource.deploymentScope);
    if (d !== undefined) key.scope = `deployment:${d}`;
  } else {
    const v = definite(s.value);
    if (v !== undefined) key.scope = `value:${v}`;
  }
  return key;
}

/** A key for a value with nothing unknown in it: a parameter's value may be anything. */
function definite(value: Value | undefined): string | undefined {
  const v = unwrap(value);
  if (!v) return undefined;
  let unknown = false;
  walkValue(v, (x) => {
    if (x.kind === 'unknown') unknown = true;
  });
  return unknown ? undefined : valueKey(v);
}

/** Could `other` give what `grant` gives? Unknown roles or scopes may. */
export function mayGiveSame(grant: Grant, other: Grant): boolean {
  const a = grantKey(grant);
  const b = grantKey(other);
  const role = a.role === undefined || b.role === undefined || a.role === b.role;
  const scope = a.scope === undefined || b.scope === undefined || a.scope === b.scope;
  return role && scope;
}

/** Both grants known, and the same role on the same scope. */
export function sameGrantKey(a: Grant, b: Grant): boolean {
  const x = grantKey(a);
  const y = grantKey(b);
  return x.role !== undefined && x.scope !== undefined && x.role === y.role && x.scope === y.scope;
}

/** Could the two grants be on the same scope? */
export function mayShareScope(a: Grant, b: Grant): boolean {
  const x = grantKey(a).scope;
  const y = grantKey(b).scope;
  return x === undefined || y === undefined || x === y;
}
