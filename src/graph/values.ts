import { getProp, type Value } from '../model/value.js';

/**
 * Functions that keep what a value points at (ARM/Bicep, then Terraform): `toLower(principalId)` is
 * still that principal, `trim(vault.id)` still that vault. Resource IDs and GUIDs compare
 * case-insensitively, so case and surrounding white space do not change them.
 */
const MEANING_KEEPERS: ReadonlySet<string> = new Set(['tolower', 'toupper', 'trim', 'string', 'lower', 'upper', 'trimspace', 'tostring']);

/** `''` or null: the branch a conditional takes when the thing it guards is not deployed. */
function isEmpty(v: Value): boolean {
  return v.kind === 'null' || (v.kind === 'string' && v.value === '');
}

/**
 * Strips what does not change what a value points at: an interpolation with one expression and no
 * text (`'${uami.id}'`), `format('{0}', x)`-style single-part concats, the functions that keep a
 * value's meaning (`toLower`, `trim`, `string`...), and a conditional whose other branch is empty
 * (`deployApi ? api.identity.principalId : ''` is the API's identity, when it is there at all).
 */
export function unwrap(v: Value | undefined): Value | undefined {
  let cur = v;
  for (;;) {
    if (!cur) return cur;
    if (cur.kind === 'concat') {
      const parts = cur.parts.filter((p) => !(p.kind === 'string' && p.value === ''));
      if (parts.length !== 1) return cur;
      cur = parts[0];
    } else if (cur.kind === 'call' && cur.args.length === 1 && MEANING_KEEPERS.has(cur.fn)) {
      cur = cur.args[0];
    } else if (cur.kind === 'call' && cur.fn === 'if' && cur.args.length === 3 && isEmpty(cur.args[1]) !== isEmpty(cur.args[2])) {
      cur = isEmpty(cur.args[1]) ? cur.args[2] : cur.args[1];
    } else return cur;
  }
}

/** Every string literal inside a value (call arguments, concat parts), in order. */
export function stringsIn(v: Value | undefined): string[] {
  const out: string[] = [];
  const visit = (x: Value | undefined): void => {
    if (!x) return;
    switch (x.kind) {
      case 'string':
        out.push(x.value);
        break;
      case 'call':
        x.args.forEach(visit);
        break;
      case 'concat':
        x.parts.forEach(visit);
        break;
      default:
        break;
    }
  };
  visit(v);
  return out;
}

export function lowerPath(path: (string | number)[]): string {
  return path.map((p) => String(p).toLowerCase()).join('.');
}

/**
 * A string that is equal for two values exactly when `sameValue` would hold (origins ignored,
 * strings compared case-insensitively), or undefined when the value holds an unknown without
 * identity: such values are never the same as anything.
 */
export function valueKey(v: Value | undefined): string | undefined {
  if (!v) return undefined;
  switch (v.kind) {
    case 'string':
      return JSON.stringify(v.value.toLowerCase());
    case 'number':
    case 'bool':
      return String(v.value);
    case 'null':
      return 'null';
    case 'unknown':
      return v.symbol === undefined ? undefined : `?${v.symbol}`;
    case 'ref':
      return `&${v.resource.key}${v.path.map((p) => `.${String(p).toLowerCase()}`).join('')}`;
    case 'scope': {
      const name = v.name ? valueKey(v.name) : '';
      const sub = v.subscriptionId ? valueKey(v.subscriptionId) : '';
      if (name === undefined || sub === undefined) return undefined;
      return `@${v.level}:${v.current}:${name}:${sub}:${v.path.join('.').toLowerCase()}`;
    }
    default: {
      const children = v.kind === 'array' ? v.items : v.kind === 'object' ? [...v.entries.values()] : v.kind === 'call' ? v.args : v.parts;
      const keys = children.map(valueKey);
      if (keys.some((k) => k === undefined)) return undefined;
      const label = v.kind === 'object' ? [...v.entries.keys()].map((k) => k.toLowerCase()).join(',') : v.kind === 'call' ? v.fn : '';
      return `${v.kind}(${label}|${keys.join(',')})`;
    }
  }
}

/** A list value's items; a single value as one item; absent or null as none. */
export function listOf(v: Value | undefined): Value[] {
  const u = unwrap(v);
  if (!u || u.kind === 'null') return [];
  return u.kind === 'array' ? u.items : [u];
}

/**
 * Like `getPath`, but a symbolic value on the way (an unknown, a reference, a call: an object whose
 * content is not known) makes the result unknown rather than absent, so that "not written" is
 * concluded only where the enclosing objects are known.
 */
export function pathOrUnknown(v: Value | undefined, path: (string | number)[]): Value | undefined {
  let cur = unwrap(v);
  for (const p of path) {
    if (!cur || cur.kind === 'null') return undefined;
    if (cur.kind === 'unknown' || cur.kind === 'ref' || cur.kind === 'call' || cur.kind === 'concat') return { kind: 'unknown', ...(cur.at ? { at: cur.at } : {}) };
    if (typeof p === 'number') cur = cur.kind === 'array' ? unwrap(cur.items[p]) : undefined;
    else cur = cur.kind === 'object' ? unwrap(getProp(cur, p)) : undefined;
  }
  return cur;
}
