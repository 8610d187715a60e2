/**
 * The ARM / Bicep template function library over partially evaluated `Value`s.
 *
 * Shared by the Bicep evaluator and the ARM-expression evaluator:
 *
 * ```ts
 * const v = callFunction('toLower', [str('ABC')], ctx, at); // { kind: 'string', value: 'abc', at }
 * ```
 *
 * - Names are case-insensitive; a `sys.`/`az.` namespace must be stripped by the caller.
 * - Functions compute what is statically known. When an input they need is not known the result is
 *   a `call` value (`fn` lower case, the evaluated args) — never a guess — except for string builders
 *   (`concat`, `format`) which keep the string's shape as a `concat` value.
 * - `guid`, `newGuid`, `utcNow`, `uniqueString` are always kept as `call` values.
 * - `resourceId`-family calls become `{ kind: 'ref', resource, path: ['id'] }` when
 *   `ctx.resolveResource` finds the named resource, else a `call`.
 * - `resourceGroup()`, `subscription()`, `managementGroup()`, `tenant()` are `scope` values derived
 *   from `ctx.deploymentScope`; `deployment()` and `environment()` are unknowns (with a stable symbol).
 * - Lambda-taking functions (`map`, `filter`, `reduce`, `sort`, `toObject`, `groupBy`, `mapValues`)
 *   accept `LambdaArg`s, which the caller builds from its own lambda syntax.
 * - Every value produced gets `at` (the call's location) when given; values passed through
 *   (`first(arr)`, `coalesce(a, b)`) keep their own origin.
 */
import type { Location } from '../model/location.js';
import type { ResourceInstance } from '../model/template.js';
import type { ArrayValue, ConcatValue, ObjectValue, ScopeLevel, ScopeValue, Value } from '../model/value.js';
import { describeValue, getProp, isKnown, sameValue, toPlain } from '../model/value.js';
import { appendAll, maxOf, minOf } from '../util/arrays.js';

/** A lambda argument (`x => x.name`, ARM `lambda('x', ...)`), evaluated by the caller on demand. */
export interface LambdaArg {
  kind: 'lambda';
  arity: number;
  invoke(args: Value[]): Value;
  at?: Location;
}

export type FnArg = Value | LambdaArg;

/** What a `resourceId`-family call names. */
export interface ResourceQuery {
  /** `resourceid`, `subscriptionresourceid`, `tenantresourceid`, `extensionresourceid`, `managementgroupresourceid`. */
  fn: string;
  /** The resource type as written: `Microsoft.KeyVault/vaults`, `Microsoft.Web/sites/config`. */
  type: string;
  /** One name per type segment after the provider: `resourceId('A/b/c', 'x', 'y')` → [x, y]. */
  names: Value[];
  subscriptionId?: Value;
  resourceGroup?: Value;
  managementGroup?: Value;
  /** `extensionResourceId`'s first argument: the ID of the resource the extension resource is on. */
  extensionScope?: Value;
}

export interface FunctionContext {
  /** The target scope of the deployment being evaluated (`resourceGroup()` etc. are derived from it). */
  deploymentScope: ScopeValue;
  /** Finds a resource declared in the same deployment that a `resourceId`-family call names. */
  resolveResource?(query: ResourceQuery): ResourceInstance | undefined;
  /** Largest array a function may build (`range`, `take` over ranges...); larger results stay calls. */
  maxArrayLength?: number;
}

/** Functions that are never computed: rules inspect their arguments. */
export const SYMBOLIC_FUNCTIONS: ReadonlySet<string> = new Set(['guid', 'newguid', 'utcnow', 'uniquestring']);

export const RESOURCE_ID_FUNCTIONS: ReadonlySet<string> = new Set([
  'resourceid',
  'subscriptionresourceid',
  'extensionresourceid',
  'tenantresourceid',
  'managementgroupresourceid',
]);

const DEFAULT_MAX_ARRAY = 10_000;

/** Signals that a function cannot compute its result; `callFunction` then returns a `call` value. */
class NotComputable extends Error {}
const NOT = new NotComputable();
/** Calls kept symbolic that may evaluate to null (every other call gives a value). */
export const MAYBE_NULL_CALLS: ReadonlySet<string> = new Set([
  'coalesce',
  'tryget',
  'first',
  'last',
  'if',
  'json',
  'reference',
  'any',
  'loadjsoncontent',
  'loadyamlcontent',
]);

function fail(): never {
  throw NOT;
}

export function isLambda(a: FnArg | undefined): a is LambdaArg {
  return !!a && a.kind === 'lambda';
}

/** Calls a template function. See the module comment for the rules. */
export function callFunction(name: string, args: FnArg[], ctx: FunctionContext, at?: Location): Value {
  const fn = name.toLowerCase();
  const impl = FUNCTIONS.get(fn);
  if (impl) {
    try {
      const result = impl(args, ctx, at, fn);
      if (result) return result;
    } catch (e) {
      if (!(e instanceof NotComputable)) throw e;
    }
  }
  return symbolicCall(fn, args, at);
}

/** The call kept as written: `{ kind: 'call', fn, args }` (lambda args become unknowns). */
export function symbolicCall(fn: string, args: FnArg[], at?: Location): Value {
  const values = args.map((a) => (isLambda(a) ? unknownAt(a.at) : a));
  const v: Value = { kind: 'call', fn: fn.toLowerCase(), args: values };
  if (at) v.at = at;
  return v;
}

function unknownAt(at?: Location, symbol?: string): Value {
  const v: Value = { kind: 'unknown' };
  if (symbol) v.symbol = symbol;
  if (at) v.at = at;
  return v;
}

// ---------------------------------------------------------------------------------------------
// Value constructors and helpers (exported: the evaluators use the same conversions)

function mk<T extends Value>(v: T, at?: Location): T {
  if (at) v.at = at;
  return v;
}

export function strV(value: string, at?: Location): Value {
  return mk({ kind: 'string', value }, at);
}
export function numV(value: number, at?: Location): Value {
  return mk({ kind: 'number', value }, at);
}
export function boolV(value: boolean, at?: Location): Value {
  return mk({ kind: 'bool', value }, at);
}
export function nullV(at?: Location): Value {
  return mk({ kind: 'null' }, at);
}
export function arrV(items: Value[], at?: Location): ArrayValue {
  return mk({ kind: 'array', items }, at);
}
export function objV(entries: Map<string, Value>, at?: Location, keyValues?: Map<string, Value>): ObjectValue {
  const v: ObjectValue = { kind: 'object', entries };
  if (keyValues && keyValues.size) v.keyValues = keyValues;
  return mk(v, at);
}

/** Literal kinds whose top level is known (items of arrays / entries of objects may not be). */
function isLiteralShape(v: Value): boolean {
  return v.kind === 'string' || v.kind === 'number' || v.kind === 'bool' || v.kind === 'null' || v.kind === 'array' || v.kind === 'object';
}

function val(a: FnArg | undefined): Value {
  if (!a || isLambda(a)) fail();
  return a;
}
function vals(args: FnArg[]): Value[] {
  return args.map(val);
}
function s(a: FnArg | undefined): string {
  const v = val(a);
  if (v.kind !== 'string') fail();
  return v.value;
}
function n(a: FnArg | undefined): number {
  const v = val(a);
  if (v.kind === 'number') return v.value;
  fail();
}
function b(a: FnArg | undefined): boolean {
  const v = val(a);
  if (v.kind === 'bool') return v.value;
  fail();
}
function arrOf(a: FnArg | undefined): Value[] {
  const v = val(a);
  if (v.kind !== 'array') fail();
  return v.items;
}
function lam(a: FnArg | undefined): LambdaArg {
  if (!a || !isLambda(a)) fail();
  return a;
}
function arity(args: FnArg[], min: number, max = min): void {
  if (args.length < min || args.length > max) fail();
}

/** ARM's string conversion (`string()`, `format`, interpolation): booleans are `True`/`False`, objects JSON. */
export function stringify(v: Value): string | undefined {
  switch (v.kind) {
    case 'string':
      return v.value;
    case 'number':
      return String(v.value);
    case 'bool':
      return v.value ? 'True' : 'False';
    case 'null':
      return '';
    case 'array':
    case 'object':
      return isKnown(v) ? JSON.stringify(toJson(v)) : undefined;
    default:
      return undefined;
  }
}

/** A known value as plain JSON (undefined for anything symbolic). */
export function toJson(v: Value): unknown {
  return toPlain(v);
}

/** Plain JSON as a value; every value gets `at`. */
export function fromJson(j: unknown, at?: Location): Value {
  if (j === null || j === undefined) return nullV(at);
  if (typeof j === 'string') return strV(j, at);
  if (typeof j === 'number') return numV(j, at);
  if (typeof j === 'boolean') return boolV(j, at);
  if (Array.isArray(j)) return arrV(j.map((x) => fromJson(x, at)), at);
  const m = new Map<string, Value>();
  for (const [k, x] of Object.entries(j as Record<string, unknown>)) m.set(k, fromJson(x, at));
  return objV(m, at);
}

/**
 * A string assembled from parts: a `string` when every part is known, else a `concat` of the parts
 * (adjacent strings merged, nested concats flattened, empty strings dropped). Known non-string parts
 * are converted with `stringify`.
 */
export function concatParts(parts: Value[], at?: Location): Value {
  const out: Value[] = [];
  let pending: { text: string; at?: Location } | undefined;
  const flush = (): void => {
    if (pending && pending.text !== '') out.push(strV(pending.text, pending.at));
    pending = undefined;
  };
  const visit = (p: Value): void => {
    if (p.kind === 'concat') {
      p.parts.forEach(visit);
      return;
    }
    const text = stringify(p);
    if (text !== undefined) {
      if (pending) pending.text += text;
      else pending = { text, at: p.at };
      return;
    }
    flush();
    out.push(p);
  };
  parts.forEach(visit);
  if (out.length === 0) return strV(pending?.text ?? '', at);
  flush();
  const c: ConcatValue = { kind: 'concat', parts: out };
  return mk(c, at);
}

/** Deep equality of known values (strings case-sensitive); undefined when it cannot be decided. */
export function knownEquals(a: Value, c: Value, ignoreCase = false): boolean | undefined {
  if (isKnown(a) && isKnown(c)) return jsonEquals(toJson(a), toJson(c), ignoreCase);
  if (sameValue(a, c) && a.kind !== 'string') return true;
  // Two different literal shapes (a string and a number, say) are never equal.
  if (isLiteralShape(a) && isLiteralShape(c) && a.kind !== c.kind) return false;
  return undefined;
}

function jsonEquals(a: unknown, c: unknown, ignoreCase: boolean): boolean {
  if (typeof a === 'string' && typeof c === 'string') return ignoreCase ? a.toLowerCase() === c.toLowerCase() : a === c;
  if (a === null || c === null || typeof a !== 'object' || typeof c !== 'object') return a === c;
  if (Array.isArray(a) !== Array.isArray(c)) return false;
  if (Array.isArray(a)) {
    const ca = c as unknown[];
    return a.length === ca.length && a.every((x, i) => jsonEquals(x, ca[i], ignoreCase));
  }
  const ak = Object.keys(a as object);
  const co = c as Record<string, unknown>;
  const ck = Object.keys(co);
  if (ak.length !== ck.length) return false;
  const lower = new Map(ck.map((k) => [k.toLowerCase(), k]));
  return ak.every((k) => {
    const other = lower.get(k.toLowerCase());
    return other !== undefined && jsonEquals((a as Record<string, unknown>)[k], co[other], ignoreCase);
  });
}

/** Truthiness for conditions: a known bool, else undefined. */
export function truth(v: Value): boolean | undefined {
  return v.kind === 'bool' ? v.value : undefined;
}

// ---------------------------------------------------------------------------------------------
// Scopes

export function scopeValue(
  level: ScopeLevel,
  current: boolean,
  extra: { name?: Value; subscriptionId?: Value; path?: string[] } = {},
  at?: Location,
): ScopeValue {
  const v: ScopeValue = { kind: 'scope', level, current, path: extra.path ?? [] };
  if (extra.name) v.name = extra.name;
  if (extra.subscriptionId) v.subscriptionId = extra.subscriptionId;
  if (at) v.at = at;
  return v;
}

/** The same scope with a different origin and path `[]`. */
function rebase(sc: ScopeValue, at?: Location): ScopeValue {
  const v: ScopeValue = { ...sc, path: [] };
  if (at) v.at = at;
  else delete v.at;
  return v;
}

function resourceGroupFn(args: FnArg[], ctx: FunctionContext, at?: Location): Value {
  arity(args, 0, 2);
  if (args.length === 0) {
    const d = ctx.deploymentScope;
    if (d.level === 'resourceGroup') return rebase(d, at);
    return scopeValue('resourceGroup', true, {}, at);
  }
  const a = vals(args);
  if (a.length === 1) {
    const extra: { name: Value; subscriptionId?: Value } = { name: a[0] };
    const d = ctx.deploymentScope;
    if (d.level === 'resourceGroup' && d.subscriptionId) extra.subscriptionId = d.subscriptionId;
    return scopeValue('resourceGroup', false, extra, at);
  }
  return scopeValue('resourceGroup', false, { subscriptionId: a[0], name: a[1] }, at);
}

function subscriptionFn(args: FnArg[], ctx: FunctionContext, at?: Location): Value {
  arity(args, 0, 1);
  if (args.length === 0) {
    const d = ctx.deploymentScope;
    if (d.level === 'subscription') return rebase(d, at);
    if ((d.level === 'resourceGroup') && d.subscriptionId) {
      return scopeValue('subscription', false, { name: d.subscriptionId, subscriptionId: d.subscriptionId }, at);
    }
    return scopeValue('subscription', true, {}, at);
  }
  const id = val(args[0]);
  return scopeValue('subscription', false, { name: id, subscriptionId: id }, at);
}

function managementGroupFn(args: FnArg[], ctx: FunctionContext, at?: Location): Value {
  arity(args, 0, 1);
  if (args.length === 0) {
    const d = ctx.deploymentScope;
    if (d.level === 'managementGroup') return rebase(d, at);
    return scopeValue('managementGroup', true, {}, at);
  }
  return scopeValue('managementGroup', false, { name: val(args[0]) }, at);
}

function tenantFn(args: FnArg[], _ctx: FunctionContext, at?: Location): Value {
  arity(args, 0);
  return scopeValue('tenant', true, {}, at);
}

// ---------------------------------------------------------------------------------------------
// resourceId family

function isTypeString(v: Value): boolean {
  return v.kind === 'string' && /^[^/]+\.[^/]+\/[^/]/.test(v.value);
}

/** Splits a resourceId-family call's arguments; undefined when the shape is not recognised. */
export function parseResourceIdArgs(fn: string, args: Value[]): ResourceQuery | undefined {
  const start = fn === 'extensionresourceid' ? 1 : 0;
  let ti = -1;
  for (let i = start; i < args.length; i++) {
    if (isTypeString(args[i])) {
      ti = i;
      break;
    }
  }
  if (ti < 0 || ti === args.length - 1) return undefined;
  // `resourceId('Microsoft.X/y/', n)`: ARM reads a trailing slash on the type as the same type.
  const type = (args[ti] as { value: string }).value.replace(/\/+$/, '');
  const names = args.slice(ti + 1);
  const prefix = args.slice(start, ti);
  const q: ResourceQuery = { fn, type, names };
  switch (fn) {
    case 'resourceid':
      if (prefix.length === 1) q.resourceGroup = prefix[0];
      else if (prefix.length === 2) [q.subscriptionId, q.resourceGroup] = prefix;
      else if (prefix.length > 2) return undefined;
      break;
    case 'subscriptionresourceid':
      if (prefix.length === 1) q.subscriptionId = prefix[0];
      else if (prefix.length > 1) return undefined;
      break;
    case 'managementgroupresourceid':
      if (prefix.length === 1) q.managementGroup = prefix[0];
      else if (prefix.length > 1) return undefined;
      break;
    case 'extensionresourceid':
      if (ti !== 1 || args.length < 3) return undefined;
      q.extensionScope = args[0];
      break;
    default:
      if (prefix.length) return undefined;
  }
  return q;
}

function resourceIdFn(args: FnArg[], ctx: FunctionContext, at: Location | undefined, fn: string): Value {
  const a = vals(args);
  const q = parseResourceIdArgs(fn, a);
  const resource = q && ctx.resolveResource?.(q);
  if (resource) return mk({ kind: 'ref', resource, path: ['id'] }, at);
  fail();
}

/**
 * The known shape of a string value with unknown parts: a `concat`, or a `resourceId`-family call
 * (`/subscriptions/<?>/providers/Microsoft.Authorization/roleDefinitions/<guid>`).
 */
export function stringShape(v: Value): ConcatValue | undefined {
  if (v.kind === 'concat') return v;
  if (v.kind !== 'call' || !RESOURCE_ID_FUNCTIONS.has(v.fn)) return undefined;
  const q = parseResourceIdArgs(v.fn, v.args);
  if (!q) return undefined;
  const [ns, ...types] = q.type.split('/');
  const parts: Value[] = [];
  switch (q.fn) {
    case 'resourceid':
      parts.push(strV('/subscriptions/'), q.subscriptionId ?? { kind: 'unknown' }, strV('/resourceGroups/'), q.resourceGroup ?? { kind: 'unknown' });
      break;
    case 'subscriptionresourceid':
      parts.push(strV('/subscriptions/'), q.subscriptionId ?? { kind: 'unknown' });
      break;
    case 'managementgroupresourceid':
      parts.push(strV('/providers/Microsoft.Management/managementGroups/'), q.managementGroup ?? { kind: 'unknown' });
      break;
    case 'extensionresourceid':
      parts.push(q.extensionScope ?? { kind: 'unknown' });
      break;
    default:
      break;
  }
  parts.push(strV(`/providers/${ns}`));
  types.forEach((t, i) => {
    parts.push(strV(`/${t}/`));
    parts.push(q.names[i] ?? { kind: 'unknown' });
  });
  const c = concatParts(parts);
  return c.kind === 'concat' ? c : undefined;
}

/** Whether a string of this shape could be `text` (case-insensitive, as ARM compares names). */
export function shapeCouldBe(shape: ConcatValue, text: string): boolean {
  // A wildcard match, not a regex built from template text: `m[?'${p}a${p}a${p}c']` made a pattern
  // that backtracked for minutes. Each literal is found in order, leftmost first, which is exact
  // when the only wildcards are "any text".
  const literals: string[] = [''];
  for (const p of shape.parts) {
    if (p.kind === 'string') literals[literals.length - 1] += p.value.toLowerCase();
    else literals.push('');
  }
  const subject = text.toLowerCase();
  if (literals.length === 1) return subject === literals[0];
  const first = literals[0];
  const last = literals[literals.length - 1];
  if (!subject.startsWith(first) || subject.length < first.length + last.length || !subject.endsWith(last)) return false;
  let from = first.length;
  const end = subject.length - last.length;
  for (const lit of literals.slice(1, -1)) {
    const at = subject.indexOf(lit, from);
    if (at < 0 || at + lit.length > end) return false;
    from = at + lit.length;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// The table

type Impl = (args: FnArg[], ctx: FunctionContext, at: Location | undefined, fn: string) => Value | undefined;

const FUNCTIONS = new Map<string, Impl>();
/** The functions of the table as ARM and Bicep spell them (`subscriptionResourceId`), for messages. */
export const WRITTEN_FUNCTION_NAMES: string[] = [];
function def(names: string | string[], impl: Impl): void {
  for (const name of Array.isArray(names) ? names : [names]) {
    FUNCTIONS.set(name.toLowerCase(), impl);
    WRITTEN_FUNCTION_NAMES.push(name);
  }
}

// Always symbolic.
def(['guid', 'newGuid', 'utcNow', 'uniqueString'], () => undefined);

// Unknown environment.
def(['deployment', 'environment'], (args, _ctx, at, fn) => (args.length === 0 ? unknownAt(at, `fn:${fn}()`) : undefined));

def('resourceGroup', resourceGroupFn);
def('subscription', subscriptionFn);
def('managementGroup', managementGroupFn);
def('tenant', tenantFn);
def([...RESOURCE_ID_FUNCTIONS], resourceIdFn);

// Strings.
def('concat', (args, _ctx, at) => {
  const a = vals(args);
  if (a.length === 0) return strV('', at);
  if (a.some((x) => x.kind === 'array')) {
    if (!a.every((x) => x.kind === 'array' || x.kind === 'null')) fail();
    return arrV(a.flatMap((x) => (x.kind === 'array' ? x.items : [])), at);
  }
  if (a.some((x) => x.kind === 'object')) fail();
  return concatParts(a, at);
});

def('format', (args, _ctx, at) => {
  const fmt = s(args[0]);
  const a = vals(args.slice(1));
  const parts: Value[] = [];
  let text = '';
  let i = 0;
  while (i < fmt.length) {
    const c = fmt[i];
    if (c === '{' && fmt[i + 1] === '{') {
      text += '{';
      i += 2;
    } else if (c === '}' && fmt[i + 1] === '}') {
      text += '}';
      i += 2;
    } else if (c === '{') {
      const close = fmt.indexOf('}', i);
      if (close < 0) fail();
      const m = /^(\d+)\s*(?:,\s*(-?\d+))?\s*(?::(.*))?$/s.exec(fmt.slice(i + 1, close));
      if (!m) fail();
      const arg = a[Number(m[1])];
      if (!arg) fail();
      const formatted = formatItem(arg, m[3], m[2] === undefined ? undefined : Number(m[2]));
      if (typeof formatted === 'string') text += formatted;
      else {
        if (text) parts.push(strV(text, at));
        text = '';
        parts.push(formatted);
      }
      i = close + 1;
    } else {
      text += c;
      i++;
    }
  }
  if (text) parts.push(strV(text, at));
  return concatParts(parts, at);
});

/** One `{n[,w][:spec]}` item: a string when computable, else the value itself (or unknown). */
function formatItem(v: Value, spec: string | undefined, width: number | undefined): string | Value {
  let out: string | undefined;
  if (spec === undefined || spec === '') out = stringify(v);
  else if (v.kind === 'number') out = formatNumber(v.value, spec);
  else if (v.kind === 'string' || v.kind === 'bool') out = undefined;
  if (out === undefined) {
    if (spec || width !== undefined) return isLiteralShape(v) ? fail() : unknownAt(v.at);
    return v;
  }
  if (width !== undefined) out = width < 0 ? out.padEnd(-width) : out.padStart(width);
  return out;
}

function formatNumber(x: number, spec: string): string | undefined {
  const m = /^([DdNnXxFf])(\d*)$/.exec(spec);
  if (m) {
    const p = m[2] === '' ? undefined : Number(m[2]);
    switch (m[1]) {
      case 'D':
      case 'd':
        return Number.isInteger(x) ? (x < 0 ? '-' : '') + String(Math.abs(x)).padStart(p ?? 0, '0') : undefined;
      case 'X':
      case 'x': {
        if (!Number.isInteger(x) || x < 0) return undefined;
        const h = x.toString(16).padStart(p ?? 0, '0');
        return m[1] === 'X' ? h.toUpperCase() : h;
      }
      case 'F':
      case 'f':
        return x.toFixed(p ?? 2);
      default:
        return x.toLocaleString('en-US', { minimumFractionDigits: p ?? 2, maximumFractionDigits: p ?? 2 });
    }
  }
  if (/^0+$/.test(spec) && Number.isInteger(x)) return (x < 0 ? '-' : '') + String(Math.abs(x)).padStart(spec.length, '0');
  return undefined;
}

def('string', (args, _ctx, at) => {
  arity(args, 1);
  const v = val(args[0]);
  if (v.kind === 'string') return v;
  if (v.kind === 'concat') return v;
  const t = stringify(v);
  if (t === undefined) fail();
  return strV(t, at);
});

def('int', (args, _ctx, at) => {
  arity(args, 1);
  const v = val(args[0]);
  if (v.kind === 'number') return numV(Math.trunc(v.value), at);
  if (v.kind === 'string' && /^\s*[-+]?\d+\s*$/.test(v.value)) return numV(parseInt(v.value, 10), at);
  fail();
});

def('bool', (args, _ctx, at) => {
  arity(args, 1);
  const v = val(args[0]);
  if (v.kind === 'bool') return v;
  if (v.kind === 'number') return boolV(v.value !== 0, at);
  if (v.kind === 'string') {
    const t = v.value.trim().toLowerCase();
    if (t === 'true' || t === '1') return boolV(true, at);
    if (t === 'false' || t === '0') return boolV(false, at);
  }
  fail();
});

def('json', (args, _ctx, at) => {
  arity(args, 1);
  const text = s(args[0]);
  try {
    return fromJson(JSON.parse(text), at);
  } catch {
    return fail();
  }
});

def('toLower', (args, _ctx, at) => strV(s(args[0]).toLowerCase(), at));
def('toUpper', (args, _ctx, at) => strV(s(args[0]).toUpperCase(), at));
def('trim', (args, _ctx, at) => strV(s(args[0]).trim(), at));
def('replace', (args, _ctx, at) => {
  arity(args, 3);
  return strV(s(args[0]).split(s(args[1])).join(s(args[2])), at);
});
def('split', (args, _ctx, at) => {
  arity(args, 2);
  const text = s(args[0]);
  const d = val(args[1]);
  let delims: string[];
  if (d.kind === 'string') delims = [d.value];
  else if (d.kind === 'array') delims = d.items.map((x) => s(x));
  else fail();
  let pieces = [text];
  for (const delim of delims) if (delim !== '') pieces = pieces.flatMap((p) => p.split(delim));
  return arrV(
    pieces.map((p) => strV(p, at)),
    at,
  );
});
def('join', (args, _ctx, at) => {
  arity(args, 2);
  const items = arrOf(args[0]);
  const delim = s(args[1]);
  const parts: Value[] = [];
  items.forEach((x, i) => {
    if (i) parts.push(strV(delim, at));
    parts.push(x);
  });
  if (items.some((x) => !isLiteralShape(x) && x.kind !== 'concat' && x.kind !== 'ref' && x.kind !== 'call' && x.kind !== 'scope' && x.kind !== 'unknown')) fail();
  return concatParts(parts, at);
});
def('startsWith', (args, _ctx, at) => boolV(s(args[0]).toLowerCase().startsWith(s(args[1]).toLowerCase()), at));
def('endsWith', (args, _ctx, at) => boolV(s(args[0]).toLowerCase().endsWith(s(args[1]).toLowerCase()), at));
def('substring', (args, _ctx, at) => {
  arity(args, 2, 3);
  const text = s(args[0]);
  const start = n(args[1]);
  const len = args.length > 2 ? n(args[2]) : text.length - start;
  if (start < 0 || len < 0 || start + len > text.length) fail();
  return strV(text.substr(start, len), at);
});
def('padLeft', (args, _ctx, at) => {
  arity(args, 2, 3);
  const v = val(args[0]);
  const text = v.kind === 'number' ? String(v.value) : s(v);
  const pad = args.length > 2 ? s(args[2]) : ' ';
  return strV(text.padStart(n(args[1]), pad || ' '), at);
});
def('lastIndexOf', (args, _ctx, at) => {
  arity(args, 2);
  const hay = val(args[0]);
  if (hay.kind === 'string') return numV(hay.value.toLowerCase().lastIndexOf(s(args[1]).toLowerCase()), at);
  const items = arrOf(hay);
  const x = val(args[1]);
  for (let i = items.length - 1; i >= 0; i--) {
    const eq = knownEquals(items[i], x);
    if (eq === undefined) fail();
    if (eq) return numV(i, at);
  }
  return numV(-1, at);
});
def('indexOf', (args, _ctx, at) => {
  arity(args, 2);
  const hay = val(args[0]);
  if (hay.kind === 'string') return numV(hay.value.toLowerCase().indexOf(s(args[1]).toLowerCase()), at);
  const items = arrOf(hay);
  const x = val(args[1]);
  for (let i = 0; i < items.length; i++) {
    const eq = knownEquals(items[i], x);
    if (eq === undefined) fail();
    if (eq) return numV(i, at);
  }
  return numV(-1, at);
});
def('base64', (args, _ctx, at) => strV(Buffer.from(s(args[0]), 'utf8').toString('base64'), at));
def('base64ToString', (args, _ctx, at) => strV(Buffer.from(s(args[0]), 'base64').toString('utf8'), at));
def('uriComponent', (args, _ctx, at) => strV(encodeURIComponent(s(args[0])), at));
def('uriComponentToString', (args, _ctx, at) => {
  try {
    return strV(decodeURIComponent(s(args[0])), at);
  } catch {
    return fail();
  }
});

// Collections.
def('contains', (args, _ctx, at) => {
  arity(args, 2);
  const c = val(args[0]);
  if (c.kind === 'string') return boolV(c.value.includes(s(args[1])), at);
  const shape = stringShape(c);
  if (shape) {
    // A string with unknown parts contains the text when a known part does; otherwise undecided.
    const needle = s(args[1]);
    if (shape.parts.some((p) => p.kind === 'string' && p.value.includes(needle))) return boolV(true, at);
    fail();
  }
  if (c.kind === 'object') {
    const key = s(args[1]);
    if (c.keyValues?.size) fail();
    return boolV(getProp(c, key) !== undefined, at);
  }
  if (c.kind === 'array') {
    const x = val(args[1]);
    let undecided = false;
    for (const item of c.items) {
      const eq = knownEquals(item, x);
      if (eq) return boolV(true, at);
      if (eq === undefined) undecided = true;
    }
    if (undecided) fail();
    return boolV(false, at);
  }
  fail();
});

def('empty', (args, _ctx, at) => {
  arity(args, 1);
  const v = val(args[0]);
  switch (v.kind) {
    case 'null':
      return boolV(true, at);
    case 'string':
      return boolV(v.value.length === 0, at);
    case 'array':
      return boolV(v.items.length === 0, at);
    case 'object':
      return boolV(v.entries.size === 0, at);
    case 'concat':
      if (v.parts.some((p) => p.kind === 'string' && p.value !== '')) return boolV(false, at);
      return fail();
    default:
      return fail();
  }
});

def('length', (args, _ctx, at) => {
  arity(args, 1);
  const v = val(args[0]);
  if (v.kind === 'string') return numV(v.value.length, at);
  if (v.kind === 'array') return numV(v.items.length, at);
  if (v.kind === 'object') return numV(v.entries.size, at);
  fail();
});

def('first', (args, _ctx, at) => {
  arity(args, 1);
  const v = val(args[0]);
  if (v.kind === 'string') return strV(v.value.slice(0, 1), at);
  const items = arrOf(v);
  return items.length ? items[0] : nullV(at);
});

def('last', (args, _ctx, at) => {
  arity(args, 1);
  const v = val(args[0]);
  if (v.kind === 'string') return strV(v.value.slice(-1), at);
  const items = arrOf(v);
  return items.length ? items[items.length - 1] : nullV(at);
});

def('take', (args, _ctx, at) => {
  arity(args, 2);
  const v = val(args[0]);
  const count = Math.max(0, n(args[1]));
  if (v.kind === 'string') return strV(v.value.slice(0, count), at);
  return arrV(arrOf(v).slice(0, count), at);
});

def('skip', (args, _ctx, at) => {
  arity(args, 2);
  const v = val(args[0]);
  const count = Math.max(0, n(args[1]));
  if (v.kind === 'string') return strV(v.value.slice(count), at);
  return arrV(arrOf(v).slice(count), at);
});

def('flatten', (args, _ctx, at) => {
  arity(args, 1);
  const out: Value[] = [];
  for (const item of arrOf(args[0])) {
    if (item.kind === 'array') appendAll(out, item.items);
    else if (item.kind === 'null') continue;
    else fail();
  }
  return arrV(out, at);
});

/** Recursive object merge, as ARM's `union` does for nested objects. */
function mergeObjects(objects: ObjectValue[], at?: Location): ObjectValue {
  const entries = new Map<string, Value>();
  const keyValues = new Map<string, Value>();
  for (const o of objects) {
    for (const [k, v] of o.entries) {
      const existingKey = [...entries.keys()].find((x) => x.toLowerCase() === k.toLowerCase());
      const prev = existingKey === undefined ? undefined : entries.get(existingKey);
      const merged = prev && prev.kind === 'object' && v.kind === 'object' ? mergeObjects([prev, v], v.at) : v;
      if (existingKey !== undefined && existingKey !== k) entries.delete(existingKey);
      entries.set(existingKey ?? k, merged);
      const kv = o.keyValues?.get(k);
      if (kv) keyValues.set(existingKey ?? k, kv);
    }
  }
  return objV(entries, at, keyValues);
}

def('union', (args, _ctx, at) => {
  const a = vals(args);
  if (a.length === 0) fail();
  if (a.every((x) => x.kind === 'object')) return mergeObjects(a as ObjectValue[], at);
  if (a.every((x) => x.kind === 'array')) {
    const out: Value[] = [];
    for (const x of a as ArrayValue[]) {
      for (const item of x.items) {
        if (!out.some((o) => knownEquals(o, item) === true)) out.push(item);
      }
    }
    return arrV(out, at);
  }
  fail();
});

def('intersection', (args, _ctx, at) => {
  const a = vals(args);
  if (a.length < 2) fail();
  if (a.every((x) => x.kind === 'object')) {
    const [head, ...rest] = a as ObjectValue[];
    const entries = new Map<string, Value>();
    for (const [k, v] of head.entries) {
      let keep = true;
      for (const o of rest) {
        const other = getProp(o, k);
        const eq = other ? knownEquals(v, other) : false;
        if (eq === undefined) fail();
        if (!eq) keep = false;
      }
      if (keep) entries.set(k, v);
    }
    return objV(entries, at);
  }
  if (a.every((x) => x.kind === 'array')) {
    const [head, ...rest] = a as ArrayValue[];
    const out: Value[] = [];
    for (const item of head.items) {
      let keep = true;
      for (const o of rest) {
        let found = false;
        for (const other of o.items) {
          const eq = knownEquals(item, other);
          if (eq === undefined) fail();
          if (eq) found = true;
        }
        if (!found) keep = false;
      }
      if (keep && !out.some((o) => knownEquals(o, item) === true)) out.push(item);
    }
    return arrV(out, at);
  }
  fail();
});

def('createArray', (args, _ctx, at) => arrV(vals(args), at));
def('array', (args, _ctx, at) => {
  arity(args, 1);
  const v = val(args[0]);
  if (v.kind === 'array') return v;
  if (isLiteralShape(v) || v.kind === 'ref' || v.kind === 'concat' || v.kind === 'scope') return arrV([v], at);
  fail();
});
def('createObject', (args, _ctx, at) => {
  if (args.length % 2) fail();
  const entries = new Map<string, Value>();
  const keyValues = new Map<string, Value>();
  for (let i = 0; i < args.length; i += 2) {
    const k = val(args[i]);
    if (k.kind === 'string') entries.set(k.value, val(args[i + 1]));
    else if (k.kind === 'concat' || k.kind === 'unknown' || k.kind === 'call' || k.kind === 'ref') {
      // A computed key, as in an object literal (`{ '${uami.id}': {} }`): kept by its description.
      const key = describeValue(k);
      entries.set(key, val(args[i + 1]));
      keyValues.set(key, k);
    } else fail();
  }
  return objV(entries, at, keyValues);
});
def('objectKeys', (args, _ctx, at) => {
  arity(args, 1);
  const v = val(args[0]);
  if (v.kind !== 'object' || v.keyValues?.size) fail();
  return arrV(
    [...v.entries.keys()].map((k) => strV(k, at)),
    at,
  );
});
def('items', (args, _ctx, at) => {
  arity(args, 1);
  const v = val(args[0]);
  if (v.kind !== 'object') fail();
  const keys = [...v.entries.keys()].sort((x, y) => {
    const a = x.toLowerCase();
    const c = y.toLowerCase();
    return a < c ? -1 : a > c ? 1 : 0;
  });
  return arrV(
    keys.map((k) =>
      objV(
        new Map<string, Value>([
          ['key', v.keyValues?.get(k) ?? strV(k, at)],
          ['value', v.entries.get(k) as Value],
        ]),
        at,
      ),
    ),
    at,
  );
});
def('range', (args, ctx, at) => {
  arity(args, 2);
  const start = n(args[0]);
  const count = n(args[1]);
  if (count < 0 || count > (ctx.maxArrayLength ?? DEFAULT_MAX_ARRAY)) fail();
  return arrV(
    Array.from({ length: count }, (_, i) => numV(start + i, at)),
    at,
  );
});
def('tryGet', (args, _ctx, at) => {
  if (args.length < 2) fail();
  let cur = val(args[0]);
  for (const k of args.slice(1)) {
    const key = val(k);
    if (cur.kind === 'null') return nullV(at);
    if (cur.kind === 'object' && key.kind === 'string') {
      if (cur.keyValues?.size) fail();
      cur = getProp(cur, key.value) ?? nullV(at);
    } else if (cur.kind === 'array' && key.kind === 'number') cur = cur.items[key.value] ?? nullV(at);
    else if (cur.kind === 'ref' && (key.kind === 'string' || key.kind === 'number')) {
      // `x.?identity.?principalId` on a resource: the attribute, as `x.identity.principalId`.
      cur = mk({ kind: 'ref', resource: cur.resource, path: [...cur.path, key.value] }, at);
    } else if (cur.kind === 'unknown' && cur.symbol !== undefined && (key.kind === 'string' || key.kind === 'number')) {
      const u: Value = { kind: 'unknown', symbol: key.kind === 'number' ? `${cur.symbol}[${key.value}]` : `${cur.symbol}.${key.value}` };
      if (cur.input) u.input = cur.input;
      cur = mk(u, at);
    } else fail();
  }
  return cur;
});
def('shallowMerge', (args, _ctx, at) => {
  const items = arrOf(args[0]);
  const entries = new Map<string, Value>();
  for (const o of items) {
    if (o.kind !== 'object') fail();
    for (const [k, v] of o.entries) entries.set(k, v);
  }
  return objV(entries, at);
});

// Logic and comparison.
def('coalesce', (args, _ctx, at) => {
  const a = vals(args);
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (v.kind === 'null') continue;
    if (v.kind === 'unknown' || (v.kind === 'call' && MAYBE_NULL_CALLS.has(v.fn))) {
      if (i === 0) fail();
      const rest = a.slice(i);
      return rest.length === 1 ? rest[0] : symbolicCall('coalesce', rest, at);
    }
    // Any other value (a `resourceId(...)` call, a reference, a string) is not null.
    return v;
  }
  return nullV(at);
});
def('if', (args) => {
  arity(args, 3);
  const c = truth(val(args[0]));
  if (c === undefined) fail();
  return val(c ? args[1] : args[2]);
});
def('equals', (args, _ctx, at) => {
  arity(args, 2);
  const eq = knownEquals(val(args[0]), val(args[1]));
  if (eq === undefined) fail();
  return boolV(eq, at);
});
def('not', (args, _ctx, at) => boolV(!b(args[0]), at));
def('and', (args, _ctx, at) => {
  let undecided = false;
  for (const a of vals(args)) {
    const t = truth(a);
    if (t === false) return boolV(false, at);
    if (t === undefined) undecided = true;
  }
  if (undecided) fail();
  return boolV(true, at);
});
def('or', (args, _ctx, at) => {
  let undecided = false;
  for (const a of vals(args)) {
    const t = truth(a);
    if (t === true) return boolV(true, at);
    if (t === undefined) undecided = true;
  }
  if (undecided) fail();
  return boolV(false, at);
});

function compare(args: FnArg[]): number {
  arity(args, 2);
  const x = val(args[0]);
  const y = val(args[1]);
  if (x.kind === 'number' && y.kind === 'number') return x.value - y.value;
  if (x.kind === 'string' && y.kind === 'string') return x.value < y.value ? -1 : x.value > y.value ? 1 : 0;
  fail();
}
def('less', (args, _ctx, at) => boolV(compare(args) < 0, at));
def('lessOrEquals', (args, _ctx, at) => boolV(compare(args) <= 0, at));
def('greater', (args, _ctx, at) => boolV(compare(args) > 0, at));
def('greaterOrEquals', (args, _ctx, at) => boolV(compare(args) >= 0, at));

function numbersOf(args: FnArg[]): number[] {
  const a = vals(args);
  const list = a.length === 1 && a[0].kind === 'array' ? a[0].items : a;
  if (list.length === 0) fail();
  return list.map((x) => n(x));
}
def('min', (args, _ctx, at) => numV(minOf(numbersOf(args)), at));
def('max', (args, _ctx, at) => numV(maxOf(numbersOf(args)), at));

// Arithmetic (ARM integer semantics).
def('add', (args, _ctx, at) => numV(n(args[0]) + n(args[1]), at));
def('sub', (args, _ctx, at) => numV(n(args[0]) - n(args[1]), at));
def('mul', (args, _ctx, at) => numV(n(args[0]) * n(args[1]), at));
def('div', (args, _ctx, at) => {
  const d = n(args[1]);
  if (d === 0) fail();
  return numV(Math.trunc(n(args[0]) / d), at);
});
def('mod', (args, _ctx, at) => {
  const d = n(args[1]);
  if (d === 0) fail();
  return numV(n(args[0]) % d, at);
});

// Lambdas.
def('map', (args, _ctx, at) => {
  arity(args, 2);
  const items = arrOf(args[0]);
  const f = lam(args[1]);
  return arrV(
    items.map((x, i) => f.invoke([x, numV(i, at)])),
    at,
  );
});
def('filter', (args, _ctx, at) => {
  arity(args, 2);
  const items = arrOf(args[0]);
  const f = lam(args[1]);
  const out: Value[] = [];
  items.forEach((x, i) => {
    const t = truth(f.invoke([x, numV(i, at)]));
    if (t === undefined) fail();
    if (t) out.push(x);
  });
  return arrV(out, at);
});
def('reduce', (args, _ctx, at) => {
  arity(args, 3);
  const items = arrOf(args[0]);
  let acc = val(args[1]);
  const f = lam(args[2]);
  items.forEach((x, i) => {
    acc = f.invoke([acc, x, numV(i, at)]);
  });
  return acc;
});
def('sort', (args, _ctx, at) => {
  arity(args, 2);
  const items = [...arrOf(args[0])];
  if (items.length > 256) fail();
  const f = lam(args[1]);
  // Insertion sort: the comparator must be decided for every pair it is asked about.
  for (let i = 1; i < items.length; i++) {
    let j = i;
    while (j > 0) {
      const t = truth(f.invoke([items[j], items[j - 1]]));
      if (t === undefined) fail();
      if (!t) break;
      [items[j - 1], items[j]] = [items[j], items[j - 1]];
      j--;
    }
  }
  return arrV(items, at);
});
def('toObject', (args, _ctx, at) => {
  arity(args, 2, 3);
  const items = arrOf(args[0]);
  const keyOf = lam(args[1]);
  const valueOf = args.length > 2 ? lam(args[2]) : undefined;
  const entries = new Map<string, Value>();
  for (const x of items) {
    const k = keyOf.invoke([x]);
    if (k.kind !== 'string') fail();
    entries.set(k.value, valueOf ? valueOf.invoke([x]) : x);
  }
  return objV(entries, at);
});
def('groupBy', (args, _ctx, at) => {
  arity(args, 2);
  const items = arrOf(args[0]);
  const keyOf = lam(args[1]);
  const groups = new Map<string, Value[]>();
  for (const x of items) {
    const k = keyOf.invoke([x]);
    if (k.kind !== 'string') fail();
    const g = groups.get(k.value);
    if (g) g.push(x);
    else groups.set(k.value, [x]);
  }
  return objV(new Map([...groups].map(([k, g]) => [k, arrV(g, at)])), at);
});
def('mapValues', (args, _ctx, at) => {
  arity(args, 2);
  const o = val(args[0]);
  if (o.kind !== 'object') fail();
  const f = lam(args[1]);
  return objV(new Map([...o.entries].map(([k, v]) => [k, f.invoke([v])])), at, o.keyValues);
});
