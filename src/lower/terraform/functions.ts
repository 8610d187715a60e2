/**
 * Terraform's built-in functions, evaluated where their arguments are known. A function that is not
 * implemented here, or whose arguments are not known enough, stays a `call` value (lower-cased name,
 * evaluated arguments) so that equality still works. `uuid()` and `timestamp()` are never computed.
 * `try`, `can` and `one` need the evaluator and live there.
 */
import { createHash } from '../../engine/lazy-deps.js';
import type { Location } from '../../model/location.js';
import type { Value } from '../../model/value.js';
import { arr, isKnown, obj } from '../../model/value.js';
import {
  bool,
  call,
  concatOf,
  fail,
  fromJs,
  isLiteral,
  nul,
  num,
  primitiveString,
  sortedEntries,
  templatePart,
  tfEqual,
  toJs,
  toNumber,
  toSet,
} from './values.js';
import { appendAll, maxOf, minOf } from '../../util/arrays.js';
import { allMatches, compileRe2, firstMatch, replaceAllRe2, type Re2Match } from './regex.js';

type Impl = (args: Value[], at: Location | undefined) => Value | undefined;

const NEVER_EVALUATED = new Set(['uuid', 'timestamp', 'uuidv5', 'bcrypt', 'plantimestamp', 'file', 'filebase64', 'templatefile', 'fileexists', 'fileset', 'filemd5', 'filesha1', 'filesha256', 'filesha512', 'filebase64sha256', 'filebase64sha512', 'abspath', 'pathexpand']);

function str(value: string, at?: Location): Value {
  return at ? { kind: 'string', value, at } : { kind: 'string', value };
}

function knownString(v: Value | undefined): string | undefined {
  return v ? primitiveString(v) : undefined;
}

function strings(args: Value[]): string[] | undefined {
  const out: string[] = [];
  for (const a of args) {
    const s = knownString(a);
    if (s === undefined) return undefined;
    out.push(s);
  }
  return out;
}

function listItems(v: Value | undefined): Value[] | undefined {
  if (!v) return undefined;
  if (v.kind === 'array') return v.items;
  return undefined;
}

function collectionItems(v: Value | undefined): Value[] | undefined {
  if (!v) return undefined;
  if (v.kind === 'array') return v.items;
  if (v.kind === 'object') return sortedEntries(v).map(([, x]) => x);
  return undefined;
}

/** Applies a string function to a known string argument. */
function strFn(f: (s: string, rest: string[]) => string | Value): Impl {
  return (args, at) => {
    const all = strings(args);
    if (!all) return undefined;
    const r = f(all[0] ?? '', all.slice(1));
    return typeof r === 'string' ? str(r, at) : r;
  };
}

function flattenItems(items: Value[]): Value[] | undefined {
  const out: Value[] = [];
  for (const item of items) {
    if (item.kind === 'array') {
      const inner = flattenItems(item.items);
      if (!inner) return undefined;
      appendAll(out, inner);
    } else if (isLiteral(item) || item.kind === 'ref' || item.kind === 'concat' || item.kind === 'scope') out.push(item);
    else return undefined; // an unknown could be a list: the result's length is unknown
  }
  return out;
}

/** Terraform `format` verbs: %s %d %v %q %f %t %%, with unknown arguments kept as concat parts. */
function format(fmt: string, args: Value[], at: Location | undefined): Value | undefined {
  const parts: Value[] = [];
  let text = '';
  let argIndex = 0;
  for (let i = 0; i < fmt.length; i++) {
    const c = fmt[i];
    if (c !== '%') {
      text += c;
      continue;
    }
    const m = /^%([-+# 0]*)(\d+)?(?:\.(\d+))?([sdvqftxXobeEgG%])/.exec(fmt.slice(i));
    if (!m) {
      text += c;
      continue;
    }
    i += m[0].length - 1;
    const verb = m[4];
    if (verb === '%') {
      text += '%';
      continue;
    }
    const a = args[argIndex++];
    if (!a) return fail('format: not enough arguments');
    let piece: string | undefined;
    if (verb === 'q') piece = a.kind === 'string' ? JSON.stringify(a.value) : undefined;
    else if (verb === 'd') {
      const n = toNumber(a);
      piece = n === undefined ? undefined : String(Math.trunc(n));
    } else if (verb === 'f') {
      const n = toNumber(a);
      const precision = m[3] ? Number(m[3]) : 6;
      piece = n === undefined || precision > 100 ? undefined : n.toFixed(precision);
    } else if (verb === 'x' || verb === 'X') {
      const n = toNumber(a);
      piece = n === undefined ? undefined : Math.trunc(n).toString(16);
      if (piece && verb === 'X') piece = piece.toUpperCase();
    } else if (verb === 'v' && (a.kind === 'array' || a.kind === 'object')) {
      piece = isKnown(a) ? JSON.stringify(toJs(a)) : undefined;
    } else piece = primitiveString(a);
    if (piece !== undefined) {
      const width = m[2] ? Number(m[2]) : 0;
      // A padding width no template needs would only build a huge string: unknown instead.
      if (width > 10_000) return undefined;
      if (piece.length < width) {
        const pad = m[1].includes('0') && !m[1].includes('-') ? '0' : ' ';
        piece = m[1].includes('-') ? piece.padEnd(width, ' ') : piece.padStart(width, pad);
      }
      text += piece;
      continue;
    }
    if (a.kind === 'null' || a.kind === 'array' || a.kind === 'object') return undefined;
    if (text) parts.push(str(text));
    text = '';
    parts.push(a);
  }
  if (text) parts.push(str(text));
  return concatOf(parts, at);
}

/** A `regex` result as Terraform gives it: named groups as an object, groups as a list, else the text. */
function matchValue(m: Re2Match, at: Location | undefined): Value {
  const text = (s: string | null): Value => (s === null ? nul(at) : str(s, at));
  if (m.named.length > 0) return obj(m.named.map(([k, v]) => [k, text(v)]), at);
  if (m.groups.length > 0) return arr(m.groups.map(text), at);
  return str(m.text, at);
}

const IMPLS: Record<string, Impl> = {
  // Collections
  toset: ([a], at) => {
    const items = listItems(a);
    return items ? toSet(items, at) : undefined;
  },
  tolist: ([a], at) => (a && a.kind === 'array' ? arr(a.items, at) : undefined),
  tomap: ([a], at) => (a && a.kind === 'object' ? obj(a.entries, at) : undefined),
  merge: (args, at) => {
    const out = new Map<string, Value>();
    for (const a of args) {
      if (a.kind === 'null') continue;
      if (a.kind !== 'object') return undefined;
      for (const [k, v] of a.entries) out.set(k, v);
    }
    return obj(out, at);
  },
  concat: (args, at) => {
    const out: Value[] = [];
    for (const a of args) {
      if (a.kind !== 'array') return undefined;
      appendAll(out, a.items);
    }
    return arr(out, at);
  },
  flatten: ([a], at) => {
    const items = listItems(a);
    const flat = items && flattenItems(items);
    return flat ? arr(flat, at) : undefined;
  },
  distinct: ([a], at) => {
    const items = listItems(a);
    if (!items) return undefined;
    const out: Value[] = [];
    for (const i of items) if (!out.some((o) => tfEqual(o, i) === true || o === i)) out.push(i);
    return arr(out, at);
  },
  keys: ([a], at) => (a && a.kind === 'object' ? arr(sortedEntries(a).map(([k]) => str(k, at)), at) : undefined),
  values: ([a], at) => (a && a.kind === 'object' ? arr(sortedEntries(a).map(([, v]) => v), at) : undefined),
  lookup: ([m, k, d]) => {
    const key = k && knownString(k);
    if (!m || m.kind !== 'object' || key === undefined) return undefined;
    const v = m.entries.get(key);
    if (v) return v;
    if (d) return d;
    return fail(`lookup: no key ${key}`);
  },
  element: ([l, i]) => {
    const items = listItems(l);
    const n = i && toNumber(i);
    if (!items || n === undefined) return undefined;
    if (items.length === 0) return fail('element: empty list');
    return items[((Math.trunc(n) % items.length) + items.length) % items.length];
  },
  length: ([a], at) => {
    if (!a) return undefined;
    if (a.kind === 'array') return num(a.items.length, at);
    if (a.kind === 'object') return num(a.entries.size, at);
    if (a.kind === 'string') return num([...a.value].length, at);
    return undefined;
  },
  contains: ([l, v], at) => {
    const items = collectionItems(l);
    if (!items || !v) return undefined;
    let undecided = false;
    for (const i of items) {
      const eq = tfEqual(i, v);
      if (eq === true) return bool(true, at);
      if (eq === undefined) undecided = true;
    }
    return undecided ? undefined : bool(false, at);
  },
  index: ([l, v], at) => {
    const items = listItems(l);
    if (!items || !v) return undefined;
    for (let i = 0; i < items.length; i++) {
      const eq = tfEqual(items[i], v);
      if (eq === true) return num(i, at);
      if (eq === undefined) return undefined;
    }
    return fail('index: not found');
  },
  zipmap: ([k, v], at) => {
    const ks = listItems(k);
    const vs = listItems(v);
    if (!ks || !vs) return undefined;
    const names = strings(ks);
    if (!names) return undefined;
    const out = new Map<string, Value>();
    names.forEach((n, i) => {
      if (vs[i]) out.set(n, vs[i]);
    });
    return obj(out, at);
  },
  setunion: (args, at) => {
    const all: Value[] = [];
    for (const a of args) {
      const items = listItems(a);
      if (!items) return undefined;
      appendAll(all, items);
    }
    return toSet(all, at);
  },
  setintersection: (args, at) => {
    const lists = args.map(listItems);
    if (lists.some((l) => !l) || lists.length === 0 || !args.every(isKnown)) return undefined;
    const [first, ...rest] = lists as Value[][];
    return toSet(first.filter((x) => rest.every((l) => l.some((y) => tfEqual(x, y) === true))), at);
  },
  setsubtract: ([a, b], at) => {
    const x = listItems(a);
    const y = listItems(b);
    if (!x || !y || !isKnown(b)) return undefined;
    return toSet(x.filter((i) => !y.some((j) => tfEqual(i, j) === true)), at);
  },
  slice: ([l, s, e], at) => {
    const items = listItems(l);
    const start = s && toNumber(s);
    const end = e && toNumber(e);
    if (!items || start === undefined || end === undefined) return undefined;
    return arr(items.slice(start, end), at);
  },
  reverse: ([l], at) => {
    const items = listItems(l);
    return items ? arr([...items].reverse(), at) : undefined;
  },
  compact: ([l], at) => {
    const items = listItems(l);
    if (!items || !items.every((i) => i.kind === 'string' || i.kind === 'null')) return undefined;
    return arr(items.filter((i) => i.kind === 'string' && i.value !== ''), at);
  },
  coalescelist: (args) => {
    for (const a of args) {
      if (a.kind !== 'array') return undefined;
      if (a.items.length > 0) return a;
    }
    return fail('coalescelist: no non-empty list');
  },
  range: (args, at) => {
    const ns = args.map(toNumber);
    if (ns.some((n) => n === undefined)) return undefined;
    const [a, b, c] = ns as number[];
    const [start, end, step] = args.length === 1 ? [0, a, 1] : [a, b, c ?? 1];
    if (step === 0) return fail('range: step 0');
    const out: Value[] = [];
    for (let i = start; step > 0 ? i < end : i > end; i += step) {
      out.push(num(i, at));
      if (out.length > 10000) return undefined;
    }
    return arr(out, at);
  },
  sort: ([l], at) => {
    const items = listItems(l);
    const s = items && strings(items);
    return s ? arr([...s].sort().map((x) => str(x, at)), at) : undefined;
  },
  alltrue: ([l], at) => {
    const items = listItems(l);
    if (!items || !items.every((i) => i.kind === 'bool')) return undefined;
    return bool(items.every((i) => i.kind === 'bool' && i.value), at);
  },
  anytrue: ([l], at) => {
    const items = listItems(l);
    if (!items || !items.every((i) => i.kind === 'bool')) return undefined;
    return bool(items.some((i) => i.kind === 'bool' && i.value), at);
  },
  sum: ([l], at) => {
    const items = listItems(l);
    const ns = items?.map(toNumber);
    if (!ns || ns.some((n) => n === undefined)) return undefined;
    return num((ns as number[]).reduce((a, b) => a + b, 0), at);
  },
  coalesce: (args) => {
    for (const a of args) {
      if (a.kind === 'null') continue;
      if (a.kind === 'string' && a.value === '') continue;
      if (isLiteral(a) || a.kind === 'ref' || a.kind === 'concat' || a.kind === 'scope') return a;
      return undefined;
    }
    return fail('coalesce: no non-null argument');
  },
  // Strings
  format: ([f, ...rest], at) => {
    const fmt = f && knownString(f);
    return fmt === undefined ? undefined : format(fmt, rest, at);
  },
  join: ([sep, ...lists], at) => {
    const s = sep && knownString(sep);
    if (s === undefined) return undefined;
    const items: Value[] = [];
    for (const l of lists) {
      const li = listItems(l);
      if (!li) return undefined;
      appendAll(items, li);
    }
    const parts: Value[] = [];
    items.forEach((item, i) => {
      if (i > 0) parts.push(str(s));
      parts.push(templatePart(item));
    });
    return concatOf(parts, at);
  },
  split: ([sep, s], at) => {
    const a = sep && knownString(sep);
    const b = s && knownString(s);
    if (a === undefined || b === undefined) return undefined;
    if (b === '') return arr([], at);
    return arr(b.split(a).map((x) => str(x, at)), at);
  },
  lower: strFn((s) => s.toLowerCase()),
  upper: strFn((s) => s.toUpperCase()),
  title: strFn((s) => s.replace(/\b\w/g, (c) => c.toUpperCase())),
  trimspace: strFn((s) => s.trim()),
  chomp: strFn((s) => s.replace(/(\r?\n)+$/, '')),
  strrev: strFn((s) => [...s].reverse().join('')),
  trim: strFn((s, [chars]) => {
    const set = new Set(chars ?? '');
    let a = 0;
    let b = s.length;
    while (a < b && set.has(s[a])) a++;
    while (b > a && set.has(s[b - 1])) b--;
    return s.slice(a, b);
  }),
  trimprefix: strFn((s, [p]) => (p && s.startsWith(p) ? s.slice(p.length) : s)),
  trimsuffix: strFn((s, [p]) => (p && s.endsWith(p) ? s.slice(0, s.length - p.length) : s)),
  trimleft: strFn((s, [chars]) => {
    let a = 0;
    while (a < s.length && (chars ?? '').includes(s[a])) a++;
    return s.slice(a);
  }),
  trimright: strFn((s, [chars]) => {
    let b = s.length;
    while (b > 0 && (chars ?? '').includes(s[b - 1])) b--;
    return s.slice(0, b);
  }),
  startswith: (args, at) => {
    const s = strings(args);
    return s ? bool(s[0].startsWith(s[1] ?? ''), at) : undefined;
  },
  endswith: (args, at) => {
    const s = strings(args);
    return s ? bool(s[0].endsWith(s[1] ?? ''), at) : undefined;
  },
  strcontains: (args, at) => {
    const s = strings(args);
    return s ? bool(s[0].includes(s[1] ?? ''), at) : undefined;
  },
  substr: ([s, o, l], at) => {
    const text = s && knownString(s);
    const off = o && toNumber(o);
    const len = l && toNumber(l);
    if (text === undefined || off === undefined || len === undefined) return undefined;
    const chars = [...text];
    const start = off < 0 ? chars.length + off : off;
    return str(chars.slice(start, len < 0 ? undefined : start + len).join(''), at);
  },
  replace: strFn((s, [search, replacement]) => {
    if (search === undefined || replacement === undefined) return fail('replace: arguments');
    if (search.length > 1 && search.startsWith('/') && search.endsWith('/')) {
      const re = compileRe2(search.slice(1, -1));
      if (!re) return fail('replace: bad pattern');
      return replaceAllRe2(re, s, replacement);
    }
    return search === '' ? s : s.split(search).join(replacement);
  }),
  regex: ([p, s], at) => {
    const pattern = p && knownString(p);
    const text = s && knownString(s);
    if (pattern === undefined || text === undefined) return undefined;
    const re = compileRe2(pattern);
    if (!re) return undefined;
    const m = firstMatch(re, text);
    if (!m) return fail('regex: no match');
    return matchValue(m, at);
  },
  regexall: ([p, s], at) => {
    const pattern = p && knownString(p);
    const text = s && knownString(s);
    if (pattern === undefined || text === undefined) return undefined;
    const re = compileRe2(pattern);
    if (!re) return undefined;
    return arr(allMatches(re, text).map((m) => matchValue(m, at)), at);
  },
  tostring: ([a], at) => {
    if (!a) return undefined;
    if (a.kind === 'null') return a;
    const s = primitiveString(a);
    if (s !== undefined) return a.kind === 'string' ? a : str(s, at);
    if (a.kind === 'concat' || a.kind === 'ref') return a;
    return undefined;
  },
  tonumber: ([a], at) => {
    if (!a) return undefined;
    if (a.kind === 'null') return a;
    const n = toNumber(a);
    return n === undefined ? undefined : num(n, at);
  },
  tobool: ([a], at) => {
    if (!a) return undefined;
    if (a.kind === 'null' || a.kind === 'bool') return a;
    if (a.kind === 'string' && (a.value === 'true' || a.value === 'false')) return bool(a.value === 'true', at);
    return undefined;
  },
  jsonencode: ([a], at) => (a && isKnown(a) ? str(JSON.stringify(toJs(a)), at) : undefined),
  jsondecode: ([a], at) => {
    const s = a && knownString(a);
    if (s === undefined) return undefined;
    try {
      return fromJs(JSON.parse(s), at);
    } catch {
      return fail('jsondecode: invalid JSON');
    }
  },
  base64encode: strFn((s) => Buffer.from(s, 'utf8').toString('base64')),
  base64decode: strFn((s) => Buffer.from(s, 'base64').toString('utf8')),
  md5: strFn((s) => createHash('md5').update(s).digest('hex')),
  sha1: strFn((s) => createHash('sha1').update(s).digest('hex')),
  sha256: strFn((s) => createHash('sha256').update(s).digest('hex')),
  sha512: strFn((s) => createHash('sha512').update(s).digest('hex')),
  // Numbers
  abs: numFn((n) => Math.abs(n)),
  ceil: numFn((n) => Math.ceil(n)),
  floor: numFn((n) => Math.floor(n)),
  max: (args, at) => {
    const ns = args.map(toNumber);
    return ns.some((n) => n === undefined) ? undefined : num(maxOf(ns as number[]), at);
  },
  min: (args, at) => {
    const ns = args.map(toNumber);
    return ns.some((n) => n === undefined) ? undefined : num(minOf(ns as number[]), at);
  },
  // Pass-through
  sensitive: ([a]) => a,
  nonsensitive: ([a]) => a,
};

function numFn(f: (n: number) => number): Impl {
  return ([a], at) => {
    const n = a && toNumber(a);
    return n === undefined ? undefined : num(f(n), at);
  };
}

/**
 * Calls a built-in function on evaluated arguments. Returns the computed value, or a `call` value
 * when it is not computed. Throws `EvalError` where Terraform would fail.
 */
export function callFunction(name: string, args: Value[], at: Location | undefined): Value {
  const fn = name.toLowerCase();
  if (!NEVER_EVALUATED.has(fn)) {
    const impl = IMPLS[fn];
    if (impl) {
      const r = impl(args, at);
      if (r) return r;
    }
  }
  return call(fn, args, at);
}


