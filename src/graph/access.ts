/**
 * Whether an access need is met, by the acceptance contract: by a grant to the need's identity on
 * the target or on a scope that contains it (its resource group, subscription, management group;
 * an unknown scope or an unknown target meets it when the role fits) whose role's permissions cover
 * the operations (an unresolved role, or a custom role whose permissions are not known, may: it
 * meets it); or, on a vault in access-policy mode, by an access policy naming the identity with the
 * permission. On a key vault the access model decides which kind counts: an RBAC vault ignores
 * access policies, an access-policy vault gives role assignments no data access.
 */
import { asString, getProp } from '../model/value.js';
import { azureResourceKey } from './build.js';
import { modelOfDeclarations, type VaultModel } from './keyvault-model.js';
import type { AccessNeed } from './needs.js';
import { KEY_UNWRAP, KEY_WRAP, SECRET_GET } from './operations.js';
import { allows, type Operation } from './permissions.js';
import { armTypeOfResource, sameOrChild, VAULT } from './targets.js';
import { grantsOf } from './grant-index.js';
import { possibleIdentities } from './principals.js';
import type { Grant, GrantScope, IdentityGraph } from './types.js';
import { listOf, unwrap } from './values.js';

export type NeedVerdict =
  /** A grant meets it (or may: unknown never turns into a finding). */
  | 'met'
  /** A grant would meet it but the vault's access model ignores that kind of grant: keyvault-access-model's finding. */
  | 'model'
  | 'unmet';

export interface NeedAssessment {
  verdict: NeedVerdict;
  /** Grants on scopes that contain the target whose roles do not cover the need (for messages). */
  insufficient: Grant[];
}

/** Access policy permissions each operation needs (Microsoft Learn, "Key Vault access policy"). */
const POLICY_PERMISSIONS = new Map<string, [string, string[]]>([
  [SECRET_GET.name.toLowerCase(), ['secrets', ['get']]],
  [KEY_WRAP.name.toLowerCase(), ['keys', ['wrapkey', 'get']]],
  [KEY_UNWRAP.name.toLowerCase(), ['keys', ['unwrapkey', 'get']]],
]);

/** Does the role allow the operations (`undefined` permissions, or no role resolved: it may)? */
export function roleCovers(grant: Grant, need: Pick<AccessNeed, 'operations' | 'requires'>): boolean {
  const role = grant.role;
  if (!role) return true;
  const results = need.operations.map((op) => allows(role, op));
  return need.requires === 'all' ? results.every((r) => r !== false) : results.some((r) => r !== false);
}

function policyCovers(grant: Grant, ops: Operation[], requires: 'all' | 'any'): boolean {
  const results = ops.map((op) => {
    const wanted = POLICY_PERMISSIONS.get(op.name.toLowerCase());
    if (!wanted) return false;
    const [list, names] = wanted;
    if (!grant.permissions) return true;
    const written = getProp(grant.permissions, list);
    if (!written) return false;
    const kind = unwrap(written)?.kind;
    if (kind !== 'array' && kind !== 'string' && kind !== 'null') return true;
    const texts = listOf(written).map((i) => asString(unwrap(i))?.toLowerCase());
    if (texts.some((t) => t === undefined || t === 'all')) return true;
    return names.every((n) => texts.includes(n));
  });
  return requires === 'all' ? results.every(Boolean) : results.some(Boolean);
}

/** The types a need's target may have: its own, or those of its operations' namespaces (a messaging host). */
function targetNamespaces(need: AccessNeed): string[] {
  if (need.target.resourceType) return [need.target.resourceType.split('/')[0].toLowerCase()];
  return [...new Set(need.operations.map((op) => op.name.split('/')[0].toLowerCase()))];
}

function firstSegment(name: string): string {
  return name.split('/')[0].trim().toLowerCase();
}

function resourceScopeCovers(scope: GrantScope, need: AccessNeed): boolean {
  const target = need.target;
  if (target.kind === 'unknown' && !target.resourceType) return true;
  if (scope.resource && target.resources.some((t) => t.key === scope.resource!.key || azureResourceKey(t) === azureResourceKey(scope.resource!))) return true;
  const scopeType = scope.resourceType ?? (scope.resource ? armTypeOfResource(scope.resource) : undefined);
  if (scopeType) {
    if (target.resourceType) {
      if (!sameOrChild(scopeType, target.resourceType) && !sameOrChild(target.resourceType, scopeType)) return false;
    } else if (!targetNamespaces(need).includes(scopeType.split('/')[0].toLowerCase())) return false;
  }
  if (target.kind === 'unknown') return true;
  const scopeName = scope.label ?? (scope.resource ? asString(unwrap(scope.resource.name)) : undefined);
  if (!scopeName || !target.name || scopeName.includes('${')) return true;
  return firstSegment(scopeName) === firstSegment(target.name);
}

/** The resource group a declared target is deployed to, when its name is known. */
function targetGroups(need: AccessNeed): (string | undefined)[] {
  return need.target.resources.map((t) => {
    if (t.format === 'terraform') return asString(unwrap(getProp(t.body, 'resource_group_name')))?.toLowerCase();
    const scope = t.deploymentScope;
    return scope.level === 'resourceGroup' ? asString(unwrap(scope.name))?.toLowerCase() : undefined;
  });
}

/** Does the grant's scope contain the need's target (unknown: it may)? */
export function scopeContains(grant: Grant, need: AccessNeed): boolean {
  const scope = grant.scope;
  switch (scope.kind) {
    case 'resource':
      return resourceScopeCovers(scope, need);
    case 'resourceGroup': {
      const group = (scope.label ?? (scope.value ? undefined : asString(unwrap(grant.resource.deploymentScope.name))))?.toLowerCase();
      const groups = targetGroups(need);
      if (!group || groups.length === 0 || groups.some((g) => g === undefined)) return true;
      return groups.includes(group);
    }
    default:
      return true;
  }
}

function isVaultNeed(need: AccessNeed): boolean {
  return need.target.resourceType?.toLowerCase() === VAULT.toLowerCase();
}

/** The target vault's access model, when it is declared here and known. */
export function targetVaultModel(need: AccessNeed): VaultModel | undefined {
  return isVaultNeed(need) ? modelOfDeclarations(need.target.resources) : undefined;
}

/**
 * Is the need met by the identity's grants? With the graph, a grant to a conditional principal
 * that may be the identity counts as its grant too.
 */
export function assessNeed(need: AccessNeed, grants: Grant[], graph?: IdentityGraph): NeedAssessment {
  const identity = need.identity;
  const mine = !identity ? [] : graph ? [...grantsOf(graph, identity), ...conditionalGrants(graph).filter((g) => possibleIdentities(g, graph).includes(identity))] : grants.filter((g) => g.principal.identity === identity);
  const model = targetVaultModel(need)?.model;
  const insufficient: Grant[] = [];
  let blocked = false;
  for (const g of mine) {
    if (g.kind === 'dataPlane' || !scopeContains(g, need)) continue;
    if (g.kind === 'accessPolicy') {
      if (!isVaultNeed(need) || !policyCovers(g, need.operations, need.requires)) continue;
      if (model === 'rbac') blocked = true;
      else return { verdict: 'met', insufficient: [] };
      continue;
    }
    if (!roleCovers(g, need)) {
      insufficient.push(g);
      continue;
    }
    const dataAccess = need.operations.some((op) => op.kind === 'dataAction');
    if (isVaultNeed(need) && model === 'accessPolicy' && dataAccess) blocked = true;
    else return { verdict: 'met', insufficient: [] };
  }
  return { verdict: blocked ? 'model' : 'unmet', insufficient };
}

const conditionals = new WeakMap<IdentityGraph, Grant[]>();

/** Grants to a principal the graph does not resolve to one identity (a conditional may be one of two). */
function conditionalGrants(graph: IdentityGraph): Grant[] {
  let list = conditionals.get(graph);
  if (!list) conditionals.set(graph, (list = graph.grants.filter((g) => !g.principal.identity && unwrap(g.principal.value)?.kind === 'call')));
  return list;
}

/** Where an operation's role would be suggested from: the narrowest built-in role per alternative. */
export function neededOperations(need: AccessNeed): Operation[][] {
  return need.requires === 'all' ? [need.operations] : need.operations.map((op) => [op]);
}

