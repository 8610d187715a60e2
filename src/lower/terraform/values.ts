/**
 * Value helpers for the Terraform evaluator: Terraform's own equality (case-sensitive, unlike
 * `sameValue`), string conversion, and an internal error the evaluator throws where Terraform
 * would fail (caught by `try`/`can`, otherwise turned into an unknown).
 */
import type { Location } from '../../model/location.js';
import type { ArrayValue, ConcatValue, ObjectValue, Value } from '../../model/value.js';
import { arr, isKnown, toPlain } from '../../model/value.js';
import { appendAll } from '../../util/arrays.js';

export class EvalError extends Error {}

export function fail(message: string): never {
  throw new EvalError(message);
}

/** A value whose outer shape is a literal (its items may still be unknown). */
export function isLiteral(v: Value | undefined): boolean {
  if (!v) return false;
  switch (v.kind) {
    case 'string':
    case 'number':
    case 'bool':
    case 'null':
    case 'array':
    case 'object':
      return true;
    default:
      return false;
  }
}

export function num(value: number, at?: Location): Value {
  return at ? { kind: 'number', value, at } : { kind: 'number', value };
}

export function bool(value: boolean, at?: Location): Value {
  return at ? { kind: 'bool', value, at } : { kind: 'bool', value };
}

export function nul(at?: Location): Value {
  return at ? { kind: 'null', at } : { kind: 'null' };
}

export function call(fn: string, args: Value[], at?: Location): Value {
  return at ? { kind: 'call', fn, args, at } : { kind: 'call', fn, args };
}

export function concatOf(parts: Value[], at?: Location): Value {
  const flat: Value[] = [];
  for (const p of parts) {
    if (p.kind === 'concat') appendAll(flat, p.parts);
    else flat.push(p);
  }
  const merged: Value[] = [];
  for (const p of flat) {
    const last = merged[merged.length - 1];
    if (p.kind === 'string' && last && last.kind === 'string') {
      merged[merged.length - 1] = { kind: 'string', value: last.value + p.value, ...(last.at ? { at: last.at } : {}) };
    } else if (!(p.kind === 'string' && p.value === '')) merged.push(p);
  }
  if (merged.length === 0) return at ? { kind: 'string', value: '', at } : { kind: 'string', value: '' };
  if (merged.every((p) => p.kind === 'string')) {
    const text = merged.map((p) => (p.kind === 'string' ? p.value : '')).join('');
    return at ? { kind: 'string', value: text, at } : { kind: 'string', value: text };
  }
  const v: ConcatValue = { kind: 'concat', parts: merged };
  if (at) v.at = at;
  return v;
}

/** Terraform's conversion of a primitive to a string; undefined when the value is not a known primitive. */
export function primitiveString(v: Value): string | undefined {
  switch (v.kind) {
    case 'string':
      return v.value;
    case 'number':
      return formatNumber(v.value);
    case 'bool':
      return v.value ? 'true' : 'false';
    default:
      return undefined;
  }
}

export function formatNumber(n: number): string {
  return String(n);
}

/** A string-ish part for templates: strings stay, numbers and bools convert, symbolic values stay symbolic. */
export function templatePart(v: Value): Value {
  switch (v.kind) {
    case 'string':
      return v;
    case 'number':
    case 'bool':
      return { kind: 'string', value: primitiveString(v) ?? '', ...(v.at ? { at: v.at } : {}) };
    case 'null':
      return fail('cannot interpolate a null value');
    case 'array':
    case 'object':
      return fail('cannot interpolate a collection');
    default:
      return v;
  }
}

/** Terraform equality on known values: true/false, or undefined when it cannot be decided. */
export function tfEqual(a: Value, b: Value): boolean | undefined {
  if (!isKnown(a) || !isKnown(b)) {
    if (a.kind === 'unknown' && b.kind === 'unknown' && a.symbol && a.symbol === b.symbol) return true;
    return undefined;
  }
  return knownEqual(a, b);
}

function knownEqual(a: Value, b: Value): boolean {
  if (a.kind === 'number' && b.kind === 'string') return String(a.value) === b.value;
  if (a.kind === 'string' && b.kind === 'number') return a.value === String(b.value);
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'string':
    case 'number':
    case 'bool':
      return a.value === (b as typeof a).value;
    case 'null':
      return true;
    case 'array': {
      const bi = (b as ArrayValue).items;
      return a.items.length === bi.length && a.items.every((x, i) => knownEqual(x, bi[i]));
    }
    case 'object': {
      const be = (b as ObjectValue).entries;
      if (a.entries.size !== be.size) return false;
      for (const [k, v] of a.entries) {
        const other = be.get(k);
        if (!other || !knownEqual(v, other)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

/** The items of a list, set or tuple, or of an object's values (sorted by key, as Terraform iterates). */
export function sortedEntries(o: ObjectValue): [string, Value][] {
  return [...o.entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

export function toBool(v: Value): boolean | undefined {
  if (v.kind === 'bool') return v.value;
  if (v.kind === 'string' && (v.value === 'true' || v.value === 'false')) return v.value === 'true';
  return undefined;
}

export function toNumber(v: Value): number | undefined {
  if (v.kind === 'number') return v.value;
  if (v.kind === 'string' && v.value.trim() !== '' && !Number.isNaN(Number(v.value))) return Number(v.value);
  return undefined;
}

/** Deduplicates (Terraform set semantics); a set of known strings is sorted. */
export function toSet(items: Value[], at?: Location): ArrayValue {
  const out: Value[] = [];
  for (const item of items) {
    if (out.some((o) => tfEqual(o, item) === true || o === item)) continue;
    out.push(item);
  }
  if (out.every((x) => x.kind === 'string')) {
    out.sort((a, b) => {
      const x = (a as { value: string }).value;
      const y = (b as { value: string }).value;
      return x < y ? -1 : x > y ? 1 : 0;
    });
  }
  return arr(out, at);
}

/** Plain JS for a known value (jsonencode, hashing); undefined when not fully known. */
export function toJs(v: Value): unknown {
  return toPlain(v, { sortKeys: true });
}

/** A value from plain JS (jsondecode, tfvars JSON). */
export function fromJs(x: unknown, at?: Location): Value {
  if (x === null || x === undefined) return nul(at);
  if (typeof x === 'string') return at ? { kind: 'string', value: x, at } : { kind: 'string', value: x };
  if (typeof x === 'number') return num(x, at);
  if (typeof x === 'boolean') return bool(x, at);
  if (Array.isArray(x)) return arr(x.map((i) => fromJs(i, at)), at);
  const o: ObjectValue = { kind: 'object', entries: new Map() };
  if (at) o.at = at;
  for (const [k, val] of Object.entries(x as Record<string, unknown>)) o.entries.set(k, fromJs(val, at));
  return o;
}
