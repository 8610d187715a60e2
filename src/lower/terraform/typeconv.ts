/**
 * Variable type constraints applied to known values: `set(...)` deduplicates, `object({...})` adds
 * `optional(...)` attributes that are missing (with their default, or null) and drops undeclared
 * ones, primitives convert. Symbolic values pass unchanged.
 */
import type { Value } from '../../model/value.js';
import { arr, obj } from '../../model/value.js';
import type { Expression } from '../../syntax/hcl/ast.js';
import { nul, primitiveString, toNumber, toSet } from './values.js';

export function convertType(v: Value, type: Expression, evalDefault: (e: Expression) => Value): Value {
  if (type.kind === 'Paren') return convertType(v, type.expression, evalDefault);
  if (type.kind === 'Variable') {
    switch (type.name) {
      case 'string': {
        if (v.kind === 'number' || v.kind === 'bool') return { kind: 'string', value: primitiveString(v) ?? '', ...(v.at ? { at: v.at } : {}) };
        return v;
      }
      case 'number': {
        if (v.kind === 'string') {
          const n = toNumber(v);
          return n === undefined ? v : { kind: 'number', value: n, ...(v.at ? { at: v.at } : {}) };
        }
        return v;
      }
      case 'bool':
        if (v.kind === 'string' && (v.value === 'true' || v.value === 'false')) return { kind: 'bool', value: v.value === 'true', ...(v.at ? { at: v.at } : {}) };
        return v;
      default:
        return v;
    }
  }
  if (type.kind !== 'FunctionCall') return v;
  const [inner] = type.args;
  switch (type.name) {
    case 'list':
    case 'set': {
      if (v.kind !== 'array' || !inner) return v;
      const items = v.items.map((i) => convertType(i, inner, evalDefault));
      return type.name === 'set' ? toSet(items, v.at) : arr(items, v.at);
    }
    case 'map': {
      if (v.kind !== 'object' || !inner) return v;
      return obj(
        [...v.entries].map(([k, x]) => [k, convertType(x, inner, evalDefault)] as [string, Value]),
        v.at,
      );
    }
    case 'tuple': {
      if (v.kind !== 'array' || !inner || inner.kind !== 'Tuple') return v;
      return arr(
        v.items.map((i, n) => (inner.items[n] ? convertType(i, inner.items[n], evalDefault) : i)),
        v.at,
      );
    }
    case 'optional':
      return inner ? convertType(v, inner, evalDefault) : v;
    case 'object': {
      if (v.kind !== 'object' || !inner || inner.kind !== 'Object') return v;
      const out = obj([], v.at);
      for (const item of inner.items) {
        const name = item.key.kind === 'Variable' ? item.key.name : item.key.kind === 'Template' || item.key.kind === 'Literal' ? keyText(item.key) : undefined;
        if (name === undefined) return v;
        const attrType = item.value;
        const given = v.entries.get(name);
        if (given && given.kind !== 'null') {
          out.entries.set(name, convertType(given, attrType, evalDefault));
          continue;
        }
        if (attrType.kind === 'FunctionCall' && attrType.name === 'optional') {
          const def = attrType.args[1];
          out.entries.set(name, def ? convertType(evalDefault(def), attrType.args[0] ?? attrType, evalDefault) : given ?? nul(v.at));
        } else if (given) out.entries.set(name, given);
        else return v; // a required attribute is missing: Terraform would reject it; leave the value alone
      }
      return out;
    }
    default:
      return v;
  }
}

function keyText(e: Expression): string | undefined {
  if (e.kind === 'Literal') return typeof e.value === 'string' ? e.value : undefined;
  if (e.kind === 'Template' && e.parts.every((p) => p.kind === 'Text')) return e.parts.map((p) => (p.kind === 'Text' ? p.value : '')).join('');
  return undefined;
}
