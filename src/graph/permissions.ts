/**
 * The permission model of roles: one place that answers "does this role allow this operation" and
 * "which built-in roles of least privilege allow it". Every rule that reasons about what a grant
 * permits asks here, for built-in roles and for custom roles declared in the analysed files alike.
 *
 * Azure's semantics (Microsoft Learn, "Understand Azure role definitions"):
 * - An operation is a control-plane action (`Microsoft.ContainerRegistry/registries/pull/read`) or
 *   a data action (`Microsoft.KeyVault/vaults/secrets/getSecret/action`); `actions` never grant
 *   data actions and `dataActions` never grant actions.
 * - `*` in a permission matches any sequence of characters, `/` included (Reader's `*` then
 *   `/read`, `Microsoft.Storage/*`); matching is case-insensitive.
 * - A role allows an operation when one of its permission blocks lists a matching pattern and the
 *   same block's `notActions`/`notDataActions` has none. Most roles are one block (the flat lists);
 *   the catalog keeps the blocks where flattening would lose that information.
 * - An ABAC condition on a block narrows it in ways a static reading cannot evaluate; such a
 *   block is taken to allow what it lists (unknown is never turned into a denial).
 */
import { roleCatalog, type RoleCatalog, type RoleDefinition } from './roles.js';

export type OperationKind = 'action' | 'dataAction';

export interface Operation {
  kind: OperationKind;
  /** As Azure writes it: `Microsoft.KeyVault/vaults/secrets/getSecret/action`. */
  name: string;
}

export function action(name: string): Operation {
  return { kind: 'action', name };
}

export function dataAction(name: string): Operation {
  return { kind: 'dataAction', name };
}

export interface PermissionBlock {
  actions: string[];
  notActions: string[];
  dataActions: string[];
  notDataActions: string[];
  /** The block carries an ABAC condition (not evaluated). */
  condition?: boolean;
}

/**
 * Does `pattern` (an Azure permission, `*` as wildcard) match `text`? Both are compared
 * case-insensitively. Linear in practice: the classic greedy matcher that backtracks only to the
 * last `*`, so a custom role written in a template cannot make it blow up.
 */
export function matchesPermission(pattern: string, text: string): boolean {
  return matchesLower(pattern.toLowerCase(), text.toLowerCase());
}

/** `matchesPermission` over texts already in lower case. */
function matchesLower(p: string, t: string): boolean {
  let pi = 0;
  let ti = 0;
  let star = -1;
  let mark = 0;
  while (ti < t.length) {
    if (pi < p.length && p[pi] !== '*' && p[pi] === t[ti]) {
      pi++;
      ti++;
    } else if (pi < p.length && p[pi] === '*') {
      star = pi++;
      mark = ti;
    } else if (star >= 0) {
      pi = star + 1;
      ti = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === '*') pi++;
  return pi === p.length;
}

/** The role's permission blocks: the catalog's blocks where it keeps them, else the flat lists as one. */
export function blocksOf(role: RoleDefinition): PermissionBlock[] {
  return role.permissionBlocks ?? [role];
}

/**
 * A list of permission patterns, lower-cased once: exact names in a set, patterns with one
 * wildcard at the end or at the start (most of the catalog's) as plain string tests, others
 * through the matcher.
 */
interface PatternSet {
  exact: Set<string>;
  prefixes: string[];
  suffixes: string[];
  wild: string[];
}

/** A permission block's patterns of one kind compiled for matching. */
interface CompiledBlock {
  granted: PatternSet;
  denied: PatternSet;
}

function patternSet(patterns: string[]): PatternSet {
  const set: PatternSet = { exact: new Set(), prefixes: [], suffixes: [], wild: [] };
  for (const p of patterns) {
    const lower = p.toLowerCase();
    const star = lower.indexOf('*');
    if (star < 0) set.exact.add(lower);
    else if (star === lower.length - 1) set.prefixes.push(lower.slice(0, -1));
    else if (star === 0 && !lower.includes('*', 1)) set.suffixes.push(lower.slice(1));
    else set.wild.push(lower);
  }
  return set;
}

function inSet(set: PatternSet, lower: string): boolean {
  return (
    set.exact.has(lower) ||
    set.prefixes.some((p) => lower.startsWith(p)) ||
    set.suffixes.some((p) => lower.endsWith(p)) ||
    set.wild.some((p) => matchesLower(p, lower))
  );
}

const compiled = { action: new WeakMap<RoleDefinition, CompiledBlock[]>(), dataAction: new WeakMap<RoleDefinition, CompiledBlock[]>() };

/**
 * The role's blocks compiled once per role and kind (roles are matched against thousands of
 * operations); blocks with nothing of the kind granted are left out, so that a question about a
 * data action compiles nothing of the many roles that have none.
 */
function compiledBlocks(role: RoleDefinition, kind: OperationKind): CompiledBlock[] {
  let blocks = compiled[kind].get(role);
  if (!blocks) {
    const [granted, denied] = kind === 'action' ? (['actions', 'notActions'] as const) : (['dataActions', 'notDataActions'] as const);
    blocks = blocksOf(role)
      .filter((b) => b[granted].length > 0)
      .map((b) => ({ granted: patternSet(b[granted]), denied: patternSet(b[denied]) }));
    compiled[kind].set(role, blocks);
  }
  return blocks;
}

/** Does a known role allow an operation whose name is already lower case? */
function allowsLower(role: RoleDefinition, kind: OperationKind, lower: string): boolean {
  return compiledBlocks(role, kind).some((b) => inSet(b.granted, lower) && !inSet(b.denied, lower));
}

/**
 * Does the role allow the operation? `undefined` when grantlint cannot tell: a custom role whose
 * permissions are not statically known. Callers treat that as "may allow" (never guessed into a finding).
 */
export function allows(role: RoleDefinition, op: Operation): boolean | undefined {
  if (role.permissionsKnown === false) return undefined;
  return allowsLower(role, op.kind, op.name.toLowerCase());
}

/** Does the role allow every operation? `undefined` when it cannot be told. */
export function allowsAll(role: RoleDefinition, ops: Operation[]): boolean | undefined {
  if (role.permissionsKnown === false) return undefined;
  return ops.every((op) => allows(role, op));
}

/** Does the role carry any data action at all (Owner and Contributor carry none)? */
export function hasDataActions(role: RoleDefinition): boolean | undefined {
  if (role.permissionsKnown === false) return undefined;
  return blocksOf(role).some((b) => b.dataActions.length > 0);
}

/**
 * Every permission pattern the role lists (actions and data actions), for rules that reason about
 * namespaces (`role-target-mismatch`). `undefined` when not statically known.
 */
export function patternsOf(role: RoleDefinition): string[] | undefined {
  if (role.permissionsKnown === false) return undefined;
  return blocksOf(role).flatMap((b) => [...b.actions, ...b.dataActions]);
}

/**
 * Least privilege among the built-in roles: the roles that allow every operation, the narrowest
 * first. Narrowness is measured against the catalog's own vocabulary: the number of permission
 * strings written anywhere in the catalog (each role's actions and data actions, wildcards included
 * as text) that the role allows. Roles documented on Microsoft Learn (with a category) come before
 * undocumented service-internal ones; ties go by name, so the answer is deterministic.
 */
export class PermissionModel {
  private vocabulary?: { kind: OperationKind; lower: string }[];
  private readonly breadths = new Map<string, number>();
  private readonly answers = new Map<string, RoleDefinition[]>();

  constructor(private readonly catalog: RoleCatalog) {}

  allows(role: RoleDefinition, op: Operation): boolean | undefined {
    return allows(role, op);
  }

  leastPrivileged(ops: Operation[]): RoleDefinition[] {
    const key = ops.map((o) => `${o.kind}:${o.name.toLowerCase()}`).sort().join('|');
    const cached = this.answers.get(key);
    if (cached) return cached;
    const candidates = this.catalog.all().filter((r) => ops.length > 0 && allowsAll(r, ops) === true);
    const ranked = candidates
      .map((role) => ({ role, documented: role.category !== null ? 0 : 1, breadth: this.breadth(role) }))
      .sort((a, b) => a.documented - b.documented || a.breadth - b.breadth || (a.role.roleName < b.role.roleName ? -1 : 1))
      .map((x) => x.role);
    this.answers.set(key, ranked);
    return ranked;
  }

  /** The single narrowest built-in role that allows every operation, if any does. */
  narrowest(ops: Operation[]): RoleDefinition | undefined {
    return this.leastPrivileged(ops)[0];
  }

  private breadth(role: RoleDefinition): number {
    // The shipped catalog carries each role's breadth (scripts/build-roles.mjs): no run measures it.
    if (role.breadth !== undefined) return role.breadth;
    let n = this.breadths.get(role.id);
    if (n === undefined) {
      n = this.measure(role);
      this.breadths.set(role.id, n);
    }
    return n;
  }

  /** The number of the catalog's permission strings the role allows. */
  measure(role: RoleDefinition): number {
    return role.permissionsKnown === false ? 0 : this.ops().filter((op) => allowsLower(role, op.kind, op.lower)).length;
  }

  private ops(): { kind: OperationKind; lower: string }[] {
    if (!this.vocabulary) {
      const seen = new Map<string, { kind: OperationKind; lower: string }>();
      for (const r of this.catalog.all()) {
        for (const b of blocksOf(r)) {
          for (const a of b.actions) seen.set(`a:${a.toLowerCase()}`, { kind: 'action', lower: a.toLowerCase() });
          for (const d of b.dataActions) seen.set(`d:${d.toLowerCase()}`, { kind: 'dataAction', lower: d.toLowerCase() });
        }
      }
      this.vocabulary = [...seen.values()];
    }
    return this.vocabulary;
  }
}

/** Each role's breadth, measured against the catalog's own vocabulary (for scripts/build-roles.mjs). */
export function catalogBreadths(catalog: RoleCatalog): Map<string, number> {
  const model = new PermissionModel(catalog);
  return new Map(catalog.all().map((role) => [role.id, model.measure(role)]));
}

/**
 * What a workload most often needs from a resource of a type, as operations (facts about the
 * services, not about roles): the suggestion of a narrower role comes from the permission model
 * for these. Types not listed get no suggestion of a specific role. Keys are lower case.
 */
export const TYPICAL_OPERATIONS: Record<string, Operation[]> = {
  'microsoft.keyvault/vaults': [dataAction('Microsoft.KeyVault/vaults/secrets/getSecret/action')],
  'microsoft.storage/storageaccounts': [dataAction('Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read')],
  'microsoft.storage/storageaccounts/blobservices/containers': [dataAction('Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read')],
  'microsoft.storage/storageaccounts/queueservices/queues': [dataAction('Microsoft.Storage/storageAccounts/queueServices/queues/messages/read')],
  'microsoft.containerregistry/registries': [action('Microsoft.ContainerRegistry/registries/pull/read')],
  'microsoft.servicebus/namespaces': [dataAction('Microsoft.ServiceBus/namespaces/messages/receive/action')],
  'microsoft.eventhub/namespaces': [dataAction('Microsoft.EventHub/namespaces/messages/receive/action')],
  'microsoft.appconfiguration/configurationstores': [dataAction('Microsoft.AppConfiguration/configurationStores/keyValues/read')],
};

/** The narrow role to suggest for a target of this type, from its typical operations, if known. */
export function suggestedRole(model: PermissionModel, resourceType: string | undefined): RoleDefinition | undefined {
  const ops = resourceType ? TYPICAL_OPERATIONS[resourceType.toLowerCase()] : undefined;
  return ops ? model.narrowest(ops) : undefined;
}

let model: PermissionModel | undefined;

/** The permission model over the built-in catalog shipped with grantlint. */
export function permissionModel(): PermissionModel {
  model ??= new PermissionModel(roleCatalog());
  return model;
}
