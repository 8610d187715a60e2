import type { Location } from './location.js';
import type { ResourceInstance } from './template.js';

/**
 * A partially evaluated value. Front ends evaluate what is statically known and keep the rest
 * symbolic: a call they cannot (or must not) compute, a reference to a resource's attribute, a
 * deployment scope, or an unknown. `at` is where the expression that produced the value is written;
 * rules use it to point at the line the user wrote.
 */
export type Value =
  | StringValue
  | NumberValue
  | BoolValue
  | NullValue
  | ArrayValue
  | ObjectValue
  | UnknownValue
  | CallValue
  | RefValue
  | ScopeValue
  | ConcatValue;

interface ValueBase {
  at?: Location;
}

export interface StringValue extends ValueBase {
  kind: 'string';
  value: string;
}
export interface NumberValue extends ValueBase {
  kind: 'number';
  value: number;
}
export interface BoolValue extends ValueBase {
  kind: 'bool';
  value: boolean;
}
export interface NullValue extends ValueBase {
  kind: 'null';
}
export interface ArrayValue extends ValueBase {
  kind: 'array';
  items: Value[];
}
export interface ObjectValue extends ValueBase {
  kind: 'object';
  /** Insertion-ordered; look keys up with `getProp`, which is case-insensitive like ARM. */
  entries: Map<string, Value>;
  /**
   * For keys computed from expressions (`'${uami.id}': {}`, ARM `"[resourceId(...)]": {}`): the
   * evaluated key by its entry key. The entry key is then `describeValue(keyValue)` when the key is
   * not a known string.
   */
  keyValues?: Map<string, Value>;
}

/** What an unknown stands for, when it is an input of the deployment (a parameter, a variable). */
export interface InputInfo {
  kind: 'parameter' | 'variable' | 'loop' | 'output' | 'external';
  name: string;
  decl?: Location;
}

export interface UnknownValue extends ValueBase {
  kind: 'unknown';
  /** Two unknowns with the same symbol are the same value (the same parameter, loop variable...). */
  symbol?: string;
  input?: InputInfo;
}

/**
 * A function call kept symbolic. `fn` is lower case: `guid`, `newguid`, `uuid`, `utcnow`,
 * `resourceid`, `subscriptionresourceid`, `extensionresourceid`, `tenantresourceid`,
 * `managementgroupresourceid`, ... Front ends compute what they can and keep these when an
 * argument is unknown or when the call must stay visible to rules (guid seeds, newGuid).
 */
export interface CallValue extends ValueBase {
  kind: 'call';
  fn: string;
  args: Value[];
}

/** An attribute of a declared resource: `uami.id`, `site.identity.principalId`, `x.identity[0].principal_id`. */
export interface RefValue extends ValueBase {
  kind: 'ref';
  resource: ResourceInstance;
  path: (string | number)[];
}

export type ScopeLevel = 'tenant' | 'managementGroup' | 'subscription' | 'resourceGroup';

/**
 * A deployment scope: `resourceGroup()`, `subscription('x')`, `managementGroup()`, or an attribute of
 * one (`resourceGroup().id` has path ['id']). `current` is true for the deployment's own scope.
 */
export interface ScopeValue extends ValueBase {
  kind: 'scope';
  level: ScopeLevel;
  current: boolean;
  name?: Value;
  subscriptionId?: Value;
  path: string[];
}

/** A string assembled from parts, some unknown: `'/subscriptions/${sub}'` keeps its known shape. */
export interface ConcatValue extends ValueBase {
  kind: 'concat';
  parts: Value[];
}

export const UNKNOWN: UnknownValue = Object.freeze({ kind: 'unknown' }) as UnknownValue;

export function str(value: string, at?: Location): StringValue {
  return at ? { kind: 'string', value, at } : { kind: 'string', value };
}

export function unknown(symbol?: string, at?: Location, input?: InputInfo): UnknownValue {
  const v: UnknownValue = { kind: 'unknown' };
  if (symbol !== undefined) v.symbol = symbol;
  if (at) v.at = at;
  if (input) v.input = input;
  return v;
}

/** `unknown` with the origin first, as evaluators call it: where, then what input (if any) it stands for. */
export function unknownAt(at?: Location, symbol?: string, input?: InputInfo): UnknownValue {
  return unknown(symbol, at, input);
}

export function obj(entries: Iterable<[string, Value]>, at?: Location): ObjectValue {
  const v: ObjectValue = { kind: 'object', entries: new Map(entries) };
  if (at) v.at = at;
  return v;
}

export function arr(items: Value[], at?: Location): ArrayValue {
  return at ? { kind: 'array', items, at } : { kind: 'array', items };
}

/** The same value with a different origin (a value written elsewhere keeps its own origin). */
export function withAt<T extends Value>(v: T, at: Location | undefined): T {
  if (!at || v.at === at) return v;
  return { ...v, at };
}

/** Case-insensitive property lookup on an object value; undefined when absent or not an object. */
export function getProp(v: Value | undefined, name: string): Value | undefined {
  if (!v || v.kind !== 'object') return undefined;
  const direct = v.entries.get(name);
  if (direct) return direct;
  // Most lookups miss (an optional property): only keys of the same length are lower-cased.
  let lower: string | undefined;
  for (const k of v.entries.keys()) {
    if (k.length !== name.length) continue;
    lower ??= name.toLowerCase();
    if (k.toLowerCase() === lower) return v.entries.get(k);
  }
  return undefined;
}

/** Follows a property path through objects and arrays. */
export function getPath(v: Value | undefined, path: (string | number)[]): Value | undefined {
  let cur = v;
  for (const p of path) {
    if (!cur) return undefined;
    if (typeof p === 'number') cur = cur.kind === 'array' ? cur.items[p] : undefined;
    else cur = getProp(cur, p);
  }
  return cur;
}

export function asString(v: Value | undefined): string | undefined {
  return v && v.kind === 'string' ? v.value : undefined;
}

export function isKnown(v: Value | undefined): boolean {
  if (!v) return false;
  switch (v.kind) {
    case 'unknown':
    case 'call':
    case 'ref':
    case 'scope':
    case 'concat':
      return false;
    case 'array':
      return v.items.every(isKnown);
    case 'object':
      return [...v.entries.values()].every(isKnown);
    default:
      return true;
  }
}

/**
 * A known value as plain JSON-like data (undefined for anything symbolic). `sortKeys` orders object
 * keys as Terraform's jsonencode does.
 */
export function toPlain(v: Value, options: { sortKeys?: boolean } = {}): unknown {
  switch (v.kind) {
    case 'string':
    case 'number':
    case 'bool':
      return v.value;
    case 'null':
      return null;
    case 'array':
      return v.items.map((x) => toPlain(x, options));
    case 'object': {
      const o: Record<string, unknown> = {};
      const keys = [...v.entries.keys()];
      if (options.sortKeys) keys.sort();
      for (const k of keys) o[k] = toPlain(v.entries.get(k)!, options);
      return o;
    }
    default:
      return undefined;
  }
}

/** Structural equality, ignoring origins. Strings compare case-insensitively (GUIDs, resource IDs). */
export function sameValue(a: Value | undefined, b: Value | undefined): boolean {
  if (!a || !b) return false;
  if (a === b) return true;
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'string':
      return a.value.toLowerCase() === (b as StringValue).value.toLowerCase();
    case 'number':
    case 'bool':
      return a.value === (b as NumberValue | BoolValue).value;
    case 'null':
      return true;
    case 'array': {
      const bi = (b as ArrayValue).items;
      return a.items.length === bi.length && a.items.every((x, i) => sameValue(x, bi[i]));
    }
    case 'object': {
      const be = (b as ObjectValue).entries;
      if (a.entries.size !== be.size) return false;
      for (const [k, v] of a.entries) if (!sameValue(v, getProp(b, k))) return false;
      return true;
    }
    case 'unknown':
      return a.symbol !== undefined && a.symbol === (b as UnknownValue).symbol;
    case 'call': {
      const bc = b as CallValue;
      return a.fn === bc.fn && a.args.length === bc.args.length && a.args.every((x, i) => sameValue(x, bc.args[i]));
    }
    case 'ref': {
      const br = b as RefValue;
      return a.resource.key === br.resource.key && samePath(a.path, br.path);
    }
    case 'scope': {
      const bs = b as ScopeValue;
      return (
        a.level === bs.level &&
        a.current === bs.current &&
        samePath(a.path, bs.path) &&
        (a.name === bs.name || sameValue(a.name, bs.name)) &&
        (a.subscriptionId === bs.subscriptionId || sameValue(a.subscriptionId, bs.subscriptionId))
      );
    }
    case 'concat': {
      const bp = (b as ConcatValue).parts;
      return a.parts.length === bp.length && a.parts.every((x, i) => sameValue(x, bp[i]));
    }
  }
}

function samePath(a: (string | number)[], b: (string | number)[]): boolean {
  return a.length === b.length && a.every((p, i) => String(p).toLowerCase() === String(b[i]).toLowerCase());
}

/** Calls `visit` on the value and every value inside it (items, entries, args, parts). */
export function walkValue(v: Value, visit: (v: Value) => void): void {
  visit(v);
  // Indexed loops, no closure per value: the walk runs over every value of a run, many times.
  switch (v.kind) {
    case 'array':
      for (let i = 0; i < v.items.length; i++) walkValue(v.items[i], visit);
      break;
    case 'object':
      for (const x of v.entries.values()) walkValue(x, visit);
      break;
    case 'call':
      for (let i = 0; i < v.args.length; i++) walkValue(v.args[i], visit);
      break;
    case 'concat':
      for (let i = 0; i < v.parts.length; i++) walkValue(v.parts[i], visit);
      break;
    case 'scope':
      if (v.name) walkValue(v.name, visit);
      if (v.subscriptionId) walkValue(v.subscriptionId, visit);
      break;
    default:
      break;
  }
}

/** A short human rendering for messages: `'Owner'`, `guid(vault.id, uami.id)`, `<unknown>`. */
export function describeValue(v: Value | undefined, depth = 0): string {
  if (!v) return '<none>';
  if (depth > 4) return '…';
  switch (v.kind) {
    case 'string':
      return `'${v.value}'`;
    case 'number':
    case 'bool':
      return String(v.value);
    case 'null':
      return 'null';
    case 'array':
      return `[${v.items.map((x) => describeValue(x, depth + 1)).join(', ')}]`;
    case 'object':
      return '{…}';
    case 'unknown':
      return v.input ? v.input.name : '<unknown>';
    case 'call':
      return `${v.fn}(${v.args.map((x) => describeValue(x, depth + 1)).join(', ')})`;
    case 'ref':
      return [v.resource.symbol, ...v.path.map((p) => (typeof p === 'number' ? `[${p}]` : p))].join('.').replace(/\.\[/g, '[');
    case 'scope':
      return [`${v.level}()`, ...v.path].join('.');
    case 'concat':
      return v.parts.map((p) => (p.kind === 'string' ? p.value : `\${${describeValue(p, depth + 1)}}`)).join('');
  }
}
