import { asString, getProp, sameValue, walkValue, type Value } from '../model/value.js';
import { RESOURCE_ID_FUNCTIONS } from '../link/functions.js';
import { sameLocation, type Location } from '../model/location.js';
import { azureResourceKey, resolveScopeValue } from './build.js';
import { indexGrants, type GrantIndex } from './grant-index.js';
import { isPolicyAssignment } from './policy.js';
import { findGuid } from './roles.js';
import type { Grant, GrantScope, Identity } from './types.js';
import { stringsIn, unwrap } from './values.js';
import { writtenText } from './written.js';

export { writtenText } from './written.js';

/** Grants the rules about workload principals look at: not to a known user or group. */
export function isWorkloadPrincipal(grant: Grant): boolean {
  return grant.principal.kind !== 'user' && grant.principal.kind !== 'group';
}

const indexes = new WeakMap<readonly Grant[], { length: number; index: GrantIndex }>();

/**
 * Grants to one identity among `grants`, in their order. Indexed: the first call on an array
 * builds its index (rebuilt when the array grows), so asking once per identity stays linear.
 * Rules with the graph at hand can call `grantsOf(graph, identity)` (grant-index.ts).
 */
export function grantsTo(identity: Identity, grants: readonly Grant[]): Grant[] {
  let cached = indexes.get(grants);
  if (!cached || cached.length !== grants.length) indexes.set(grants, (cached = { length: grants.length, index: indexGrants(grants) }));
  return cached.index.to(identity);
}

export function isBroad(scope: GrantScope): boolean {
  return scope.kind === 'resourceGroup' || scope.kind === 'subscription' || scope.kind === 'managementGroup' || scope.kind === 'tenant';
}

/** How each scope kind is named in messages and pictures. */
export const SCOPE_WORDS: Record<GrantScope['kind'], string> = {
  resource: 'resource',
  resourceGroup: 'resource group',
  subscription: 'subscription',
  managementGroup: 'management group',
  tenant: 'tenant',
  unknown: 'scope',
};

/** `resource group 'app-rg'`, `the subscription`, `'myapp-kv' (Microsoft.KeyVault/vaults)`. */
export function describeScope(scope: GrantScope): string {
  if (scope.kind === 'resource') {
    const label = scope.label ?? scope.resource?.symbol;
    const name = label ? `'${label}'` : 'a resource';
    return scope.resourceType ? `${name} (${scope.resourceType})` : name;
  }
  const word = SCOPE_WORDS[scope.kind];
  if (scope.kind === 'unknown') return 'its scope';
  return scope.label ? `${word} '${scope.label}'` : `the ${word}`;
}

/** `uami`, `the system-assigned identity of site`, `principal 'principalId' (passed in, kind unknown)`. */
export function describePrincipal(grant: Grant): string {
  const identity = grant.principal.identity;
  if (identity) return describeIdentity(identity);
  const v = unwrap(grant.principal.value);
  if (v?.kind === 'unknown' && v.input) {
    // A module's output is not passed in: quote it as written (`identity.outputs.principalId`).
    if (v.input.kind === 'output' || v.input.kind === 'external') return `principal ${writtenText(grant.principal.value)} (kind unknown)`;
    return `principal '${v.input.name}' (passed in, kind unknown)`;
  }
  return `principal ${writtenText(grant.principal.value)}`;
}

export function describeIdentity(identity: Identity): string {
  if (identity.kind === 'system' && identity.resource && isPolicyAssignment(identity.resource)) return `the remediation identity of policy assignment '${identity.label}'`;
  if (identity.kind === 'system') return `the system-assigned identity of '${identity.label}'`;
  if (identity.kind === 'user') return `user-assigned identity '${identity.label}'`;
  if (identity.kind === 'kubelet') return `the kubelet identity of '${identity.label}'`;
  return `identity ${identity.label}`;
}

/**
 * The literal that names the granted role (the GUID inside `subscriptionResourceId(..., roleId)`,
 * the Terraform role name): where the role was chosen, which may be a module caller's argument.
 */
export function roleSource(grant: Grant): Value | undefined {
  const role = grant.role;
  let found: Value | undefined;
  if (role && grant.roleValue) {
    walkValue(grant.roleValue, (x) => {
      if (found || x.kind !== 'string') return;
      if (findGuid(x.value) === role.id || x.value.trim().toLowerCase() === role.roleName.trim().toLowerCase()) found = x;
    });
  }
  if (!found) return grant.roleValue;
  // A role chosen by a caller's key from a module's table is chosen where the key is written.
  return depthOf(grant, grant.roleValue?.at) < depthOf(grant, found.at) ? grant.roleValue : found;
}

/** How deep in the grant's module calls a location's file is: 0 for the root, the chain's length for the grant's own file. */
function depthOf(grant: Grant, at: Location | undefined): number {
  const files = [...grant.resource.callChain.map((c) => c.file), grant.resource.decl.file];
  const i = at ? files.indexOf(at.file) : -1;
  return i < 0 ? files.length : i;
}

export function roleName(grant: Grant): string {
  if (grant.role) return grant.role.roleName;
  return writtenText(grant.roleValue);
}

/**
 * For messages: `'Owner'`; `role '<guid>', which is not a built-in role` when the role is named by
 * a GUID the catalog does not have; otherwise the role as written (`the role roleDefinitionId`).
 */
export function describeRole(grant: Grant): string {
  if (grant.role) return `'${grant.role.roleName}'`;
  const v = unwrap(grant.roleValue);
  const guid = firstGuid(v);
  if (guid && (v?.kind === 'string' || v?.kind === 'concat' || (v?.kind === 'call' && RESOURCE_ID_FUNCTIONS.has(v.fn)))) {
    return `role '${guid}', which is not a built-in role,`;
  }
  if (v?.kind === 'unknown' && v.input) return `the role in '${v.input.name}' (passed in)`;
  return `the role ${writtenText(grant.roleValue)}`;
}

/** Is the value explicitly set (not absent, not null)? */
export function isSet(v: Value | undefined): boolean {
  const u = unwrap(v);
  return !!u && u.kind !== 'null';
}

export function isTrue(v: Value | undefined): boolean {
  const u = unwrap(v);
  return !!u && ((u.kind === 'bool' && u.value) || (u.kind === 'string' && u.value.toLowerCase() === 'true'));
}

/** A call anywhere inside the value to one of `fns` (lower case). */
export function findCall(v: Value | undefined, fns: string[]): string | undefined {
  let found: string | undefined;
  if (v) walkValue(v, (x) => {
    if (!found && x.kind === 'call' && fns.includes(x.fn)) found = x.fn;
  });
  return found;
}

export type SeedPart = 'scope' | 'principal' | 'role';

/**
 * Which of scope, principal and role a `guid(...)` name's arguments leave out. Follows the
 * acceptance contract: a seed covers the scope with the scope's resource ID (or the deployment
 * scope's ID when the assignment lands there), the principal with the identity's ID or principal
 * ID or the parameter carrying it, the role with its definition GUID or ID. Other literals cover
 * nothing. Seeds wrapped in string builders (`uniqueString(a, b)`, `concat`, `toLower`) count as
 * their parts. Returns undefined when a seed is an unknown grantlint cannot identify: it might be
 * the missing part, and grantlint does not guess.
 */
export function missingSeeds(grant: Grant, args: Value[]): SeedPart[] | undefined {
  const seeds = args.flatMap(seedParts);
  const missing: SeedPart[] = [];
  if (!seeds.some((a) => coversScope(grant, a))) missing.push('scope');
  if (!seeds.some((a) => coversPrincipal(grant, a))) missing.push('principal');
  if (!seeds.some((a) => coversRole(grant, a))) missing.push('role');
  if (missing.length > 0 && seeds.some(isOpaque)) return undefined;
  return missing;
}

// Deterministic wrappers: a seed inside them is still a seed (guid(guid(a, b)) is as stable as guid(a, b)).
const SEED_WRAPPERS = new Set(['guid', 'uniquestring', 'concat', 'format', 'string', 'tolower', 'toupper', 'trim']);

function seedParts(raw: Value): Value[] {
  const v = unwrap(raw)!;
  if (v.kind === 'concat') return v.parts.flatMap(seedParts);
  if (v.kind === 'call' && SEED_WRAPPERS.has(v.fn)) return v.args.flatMap(seedParts);
  return [v];
}

/** An unknown with no identity (not a parameter, loop variable or other named input). */
function isOpaque(v: Value): boolean {
  return v.kind === 'unknown' && v.symbol === undefined;
}

function containsValue(haystack: Value | undefined, needle: Value): boolean {
  let found = false;
  if (haystack) walkValue(haystack, (x) => {
    if (!found && sameValue(x, needle)) found = true;
  });
  return found;
}

/** A symbolic value (not a literal) that appears inside the target: `roleId` inside `subscriptionResourceId(..., roleId)`. */
function symbolicPartOf(target: Value | undefined, arg: Value): boolean {
  return arg.kind !== 'string' && arg.kind !== 'number' && arg.kind !== 'bool' && arg.kind !== 'null' && containsValue(target, arg);
}

function coversScope(grant: Grant, raw: Value): boolean {
  const arg = unwrap(raw)!;
  const written = grant.scope.value;
  if (!written) {
    // Lands on the deployment's scope. A module call's `scope: managementGroup(x)` (or
    // `subscription(x)`, `resourceGroup(x)`) sets it from x, which then covers it: the loop
    // variable included, and only that value (the same name typed out again covers nothing).
    const ds = grant.resource.deploymentScope;
    if (!ds.current && [ds.name, ds.subscriptionId].some((x) => x && sameValue(arg, unwrap(x)) && sameOrigin(arg, unwrap(x)!, grant.name?.at))) return true;
    // Its ID (or subscription ID / management group name) covers it.
    return (
      arg.kind === 'scope' &&
      arg.level === grant.resource.deploymentScope.level &&
      arg.path.length === 1 &&
      ['id', 'subscriptionid', 'name'].includes(arg.path[0].toLowerCase()) &&
      sameValue({ ...arg, path: [] }, grant.resource.deploymentScope)
    );
  }
  const scope = unwrap(written)!;
  if (sameValue(arg, scope) || symbolicPartOf(scope, arg)) return true;
  if (scope.kind === 'ref' && arg.kind === 'ref' && arg.resource.key === scope.resource.key) return true;
  if (scope.kind === 'scope' && arg.kind === 'scope') return sameValue({ ...arg, path: [] }, { ...scope, path: [] });
  return sameNamedScope(resolveScopeValue(scope), resolveScopeValue(arg));
}

/**
 * Two equal values that are one written value: an input's symbol, the same place in the source, or
 * a value that reaches the seed from elsewhere (a loop element, a parameter, a variable) rather
 * than typed into the name itself. ARM's `format('.../managementGroups/{0}', parameters('mgs')[copyIndex()])`
 * computes the scope's name anew, so its origin is the format() call, not the loop element.
 */
function sameOrigin(a: Value, b: Value, nameAt: Location | undefined): boolean {
  if (a.kind === 'unknown') return a.symbol !== undefined;
  if (a === b || sameLocation(a.at, b.at)) return true;
  return !!a.at && !!nameAt && !within(a.at, nameAt);
}

function within(inner: Location, outer: Location): boolean {
  const before = (x: Location['range']['start'], y: Location['range']['start']): boolean => x.line < y.line || (x.line === y.line && x.column <= y.column);
  return inner.file === outer.file && before(outer.range.start, inner.range.start) && before(inner.range.end, outer.range.end);
}

function sameNamedScope(a: ReturnType<typeof resolveScopeValue>, b: ReturnType<typeof resolveScopeValue>): boolean {
  if (a.kind === 'unknown' || a.kind !== b.kind || !a.label || !b.label) return false;
  if (a.resource && b.resource) return a.resource.key === b.resource.key;
  return a.label.toLowerCase() === b.label.toLowerCase() && (a.resourceType ?? '').toLowerCase() === (b.resourceType ?? '').toLowerCase();
}

function coversPrincipal(grant: Grant, raw: Value): boolean {
  const arg = unwrap(raw)!;
  const principal = unwrap(grant.principal.value);
  if (sameValue(arg, principal) || symbolicPartOf(principal, arg)) return true;
  const resource = grant.principal.identity?.resource;
  if (resource && arg.kind === 'ref' && azureResourceKey(arg.resource) === azureResourceKey(resource)) return true;
  // A principal ID known as a GUID, written into a seed's text (`'msi-${appObjectId}-...'` once
  // the parameter's value is known): the same principal, as the same GUID literal covers a role.
  const guid = principal?.kind === 'string' ? findGuid(principal.value) : undefined;
  return !!guid && stringsIn(arg).some((s) => s.toLowerCase().includes(guid));
}

function coversRole(grant: Grant, raw: Value): boolean {
  const arg = unwrap(raw)!;
  const role = unwrap(grant.roleValue);
  if (sameValue(arg, role) || symbolicPartOf(role, arg)) return true;
  const guid = grant.role?.id ?? firstGuid(role);
  if (!guid) return false;
  return stringsIn(arg).some((s) => s.toLowerCase().includes(guid));
}

function firstGuid(v: Value | undefined): string | undefined {
  for (const s of stringsIn(v)) {
    const g = findGuid(s);
    if (g) return g;
  }
  return undefined;
}

export function stringProp(v: Value | undefined, name: string): string | undefined {
  return asString(getProp(v, name));
}
