/**
 * Renders our syntax tree in the JSON shape that `@cdktn/hcl2json` (HashiCorp's HCL compiled to
 * WebAssembly) produces, so the two parsers can be compared file by file: blocks nest by type and
 * labels into arrays of bodies; constant values are JSON values; any other expression is
 * `"${source}"`; templates keep interpolations and directives as source and re-escape literal
 * `${` and `%{`.
 */

import type { Body, Expression, TemplatePart } from '../../../src/syntax/hcl/ast.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export function bodyShape(text: string, body: Body): { [k: string]: Json } {
  const out: { [k: string]: Json } = {};
  for (const item of body.items) {
    if (item.kind === 'Attribute') {
      out[item.name] = valueShape(text, item.value);
      continue;
    }
    let level = out;
    const keys = [item.type, ...item.labels.map((l) => l.value)];
    for (let i = 0; i < keys.length - 1; i++) {
      const next = level[keys[i]];
      if (next === undefined || typeof next !== 'object' || next === null || Array.isArray(next)) {
        level[keys[i]] = {};
      }
      level = level[keys[i]] as { [k: string]: Json };
    }
    const last = keys[keys.length - 1];
    const list = Array.isArray(level[last]) ? (level[last] as Json[]) : (level[last] = []);
    list.push(bodyShape(text, item.body));
  }
  return out;
}

function valueShape(text: string, e: Expression): Json {
  const c = constant(text, e);
  if (c !== undefined) return c;
  return '${' + text.slice(e.start, e.end) + '}';
}

function constant(text: string, e: Expression): Json | undefined {
  switch (e.kind) {
    case 'Literal':
      return e.value;
    case 'Template':
      return templateShape(text, e.parts);
    case 'Tuple':
      return e.items.map((i) => valueShape(text, i));
    case 'Object': {
      const o: { [k: string]: Json } = {};
      for (const item of e.items) {
        const k = item.key;
        let key: string;
        if (isTraversal(k)) key = src(text, k);
        else {
          const kc = constant(text, k);
          key = typeof kc === 'string' ? kc : '${' + text.slice(k.start, k.end) + '}';
        }
        o[key] = valueShape(text, item.value);
      }
      return o;
    }
    case 'Unary': {
      const v = constant(text, e.operand);
      if (e.operator === '-' && typeof v === 'number') return -v;
      if (e.operator === '!' && typeof v === 'boolean') return !v;
      return undefined;
    }
    default:
      return undefined;
  }
}

function templateShape(text: string, parts: TemplatePart[]): string {
  let s = '';
  for (const p of parts) {
    switch (p.kind) {
      case 'Text':
        s += p.value.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
        break;
      case 'Interpolation': {
        const e = p.expression;
        if (e.kind === 'Template') s += templateShape(text, e.parts);
        else if (isIfWithoutElse(e)) {
          // hcl2json rewrites `${c ? x : ""}` as the directive `%{if c}${x}%{endif}`.
          s += `%{if ${src(text, e.condition)}}\${${src(text, e.trueResult)}}%{endif}`;
        } else s += '${' + src(text, e) + '}';
        break;
      }
      case 'If':
        s += `%{if ${src(text, p.condition)}}` + templateShape(text, p.then);
        if (p.else) s += '%{else}' + templateShape(text, p.else);
        s += '%{endif}';
        break;
      case 'For':
        s += `%{for ${p.keyVar !== undefined ? p.keyVar + ', ' : ''}${p.valueVar} in ${src(text, p.collection)}}`;
        s += templateShape(text, p.body) + '%{endfor}';
        break;
    }
  }
  return s;
}

function isTraversal(e: Expression): boolean {
  return e.kind === 'Variable' || (e.kind === 'GetAttr' && isTraversal(e.object));
}

function isIfWithoutElse(e: Expression): e is Expression & { kind: 'Conditional' } {
  if (e.kind !== 'Conditional') return false;
  const f = e.falseResult;
  return f.kind === 'Template' && f.parts.length === 0;
}

function src(text: string, e: Expression): string {
  return text.slice(e.start, e.end);
}
