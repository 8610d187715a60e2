/**
 * The object literals of a file as the fixer sees them: every `{ ... }` of a Bicep file, a JSON
 * document (ARM, `.tf.json`) or a Terraform file (object expressions and block bodies), with each
 * member's key and value spans. Found by re-parsing the file with the project's own parsers: the
 * engine may read syntax, rules never do.
 */
import { parseBicep } from '../../syntax/bicep/parser.js';
import type { ObjectExpression as BicepObject } from '../../syntax/bicep/ast.js';
import type { Body, ObjectExpression as HclObject } from '../../syntax/hcl/ast.js';
import { parseHcl } from '../../syntax/hcl/parser.js';
import { parseJson, type JsonNode, type JsonObject } from '../../syntax/json/index.js';
import type { ParseKind } from '../../lower/types.js';

export type Syntax = 'bicep' | 'json' | 'hcl';

export interface SyntaxMember {
  name: string;
  /** The whole member: key, separator and value (a nested block: type, labels and body). */
  start: number;
  end: number;
  keyStart: number;
  keyEnd: number;
  valueStart: number;
  valueEnd: number;
  /** A nested block (HCL) rather than an attribute: `=` alignment does not carry across it. */
  block?: boolean;
  /** The object literal that is the value (or the nested block's body). */
  child?: SyntaxObject;
}

export interface SyntaxObject {
  /** The span as the lowering records it (the key the fixer looks it up by). */
  start: number;
  end: number;
  /** Offsets of the braces; an HCL body starts after `{` and ends before `}`. */
  open: number;
  close: number;
  /** A Terraform block body: attributes separated by line breaks, never commas. */
  body: boolean;
  members: SyntaxMember[];
}

export interface SyntaxIndex {
  syntax: Syntax;
  /** Parse errors: no edits are offered in a file that does not parse cleanly. */
  broken: boolean;
  objects: Map<string, SyntaxObject>;
}

export function syntaxOf(file: string): Syntax | undefined {
  const f = file.toLowerCase();
  if (f.endsWith('.bicep') || f.endsWith('.bicepparam')) return 'bicep';
  if (f.endsWith('.tf') || f.endsWith('.tfvars')) return 'hcl';
  if (f.endsWith('.json') || f.endsWith('.jsonc')) return 'json';
  return undefined;
}

const spanKey = (start: number, end: number): string => `${start}:${end}`;

/** How a file is parsed for its index: `parse(text)`, or the tree a front end parsed already the same way. */
export type ParseOnce = <T>(file: string, kind: ParseKind, text: string, parse: (text: string) => T) => T;

const parseAgain: ParseOnce = (_file, _kind, text, parse) => parse(text);

export function indexSyntax(file: string, text: string, parse: ParseOnce = parseAgain): SyntaxIndex | undefined {
  const syntax = syntaxOf(file);
  if (!syntax) return undefined;
  const objects = new Map<string, SyntaxObject>();
  const add = (o: SyntaxObject): SyntaxObject => {
    objects.set(spanKey(o.start, o.end), o);
    return o;
  };
  if (syntax === 'json') {
    const doc = parse(file, 'json', text, parseJson);
    if (doc.root) visitJson(doc.root, add);
    return { syntax, broken: !!doc.error || !doc.root, objects };
  }
  if (syntax === 'bicep') {
    const ast = parse(file, 'bicep', text, (t) => parseBicep(t, { fileKind: file.toLowerCase().endsWith('.bicepparam') ? 'bicepparam' : 'bicep' }));
    const memo = new Map<BicepObject, SyntaxObject>();
    walk(ast, (n) => {
      if (n.kind === 'Object') bicepObject(n as unknown as BicepObject, memo, add);
    });
    return { syntax, broken: ast.errors.length > 0, objects };
  }
  const ast = parseHcl(text);
  const bodies = new Map<Body, SyntaxObject>();
  const hclObjects = new Map<HclObject, SyntaxObject>();
  walk(ast.body, (n) => {
    if (n.kind === 'Body') hclBody(n as unknown as Body, text, bodies, hclObjects, add);
    else if (n.kind === 'Object') hclObject(n as unknown as HclObject, text, bodies, hclObjects, add);
  });
  return { syntax, broken: ast.errors.length > 0, objects };
}

export function findObject(index: SyntaxIndex, start: number, end: number): SyntaxObject | undefined {
  return index.objects.get(spanKey(start, end));
}

type AnyNode = { kind?: string; start: number; end: number };

/** Visits every syntax node (an object with a `kind` and a span) under `root`. */
function walk(root: unknown, visit: (n: AnyNode) => void): void {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const x = stack.pop();
    if (!x || typeof x !== 'object') continue;
    if (Array.isArray(x)) {
      for (const item of x) stack.push(item);
      continue;
    }
    const n = x as AnyNode;
    if (typeof n.kind === 'string' && typeof n.start === 'number') visit(n);
    // for..in over a plain node, not Object.values: no array of its values per node.
    for (const k in n) {
      const v = (n as unknown as Record<string, unknown>)[k];
      if (v && typeof v === 'object') stack.push(v);
    }
  }
}

function visitJson(node: JsonNode, add: (o: SyntaxObject) => SyntaxObject): SyntaxObject | undefined {
  if (node.type === 'array') {
    for (const item of node.items) visitJson(item, add);
    return undefined;
  }
  if (node.type !== 'object') return undefined;
  return add(jsonObject(node, add));
}

function jsonObject(node: JsonObject, add: (o: SyntaxObject) => SyntaxObject): SyntaxObject {
  const members: SyntaxMember[] = node.members.map((m) => {
    const member: SyntaxMember = {
      name: m.key,
      start: m.keySpan.start,
      end: m.value.end,
      keyStart: m.keySpan.start,
      keyEnd: m.keySpan.end,
      valueStart: m.value.start,
      valueEnd: m.value.end,
    };
    const child = visitJson(m.value, add);
    if (child) member.child = child;
    return member;
  });
  return { start: node.start, end: node.end, open: node.start, close: node.end - 1, body: false, members };
}

function bicepObject(node: BicepObject, memo: Map<BicepObject, SyntaxObject>, add: (o: SyntaxObject) => SyntaxObject): SyntaxObject {
  const known = memo.get(node);
  if (known) return known;
  const members: SyntaxMember[] = [];
  for (const p of node.properties) {
    if (p.kind !== 'Property') continue;
    const name = p.key.kind === 'Identifier' ? p.key.name : p.key.expressions.length === 0 ? p.key.parts[0] : undefined;
    if (name === undefined) continue;
    const member: SyntaxMember = {
      name,
      start: p.start,
      end: p.end,
      keyStart: p.key.start,
      keyEnd: p.key.end,
      valueStart: p.value.start,
      valueEnd: p.value.end,
    };
    if (p.value.kind === 'Object') member.child = bicepObject(p.value, memo, add);
    members.push(member);
  }
  const o: SyntaxObject = { start: node.start, end: node.end, open: node.start, close: node.end - 1, body: false, members };
  memo.set(node, o);
  return add(o);
}

function hclBody(
  body: Body,
  text: string,
  bodies: Map<Body, SyntaxObject>,
  objects: Map<HclObject, SyntaxObject>,
  add: (o: SyntaxObject) => SyntaxObject,
): SyntaxObject {
  const known = bodies.get(body);
  if (known) return known;
  const members: SyntaxMember[] = body.items.map((item) => {
    if (item.kind === 'Attribute') {
      const member: SyntaxMember = {
        name: item.name,
        start: item.start,
        end: item.end,
        keyStart: item.nameSpan.start,
        keyEnd: item.nameSpan.end,
        valueStart: item.value.start,
        valueEnd: item.value.end,
      };
      if (item.value.kind === 'Object') member.child = hclObject(item.value, text, bodies, objects, add);
      return member;
    }
    return {
      name: item.type,
      start: item.start,
      end: item.body.end + 1,
      keyStart: item.typeSpan.start,
      keyEnd: item.typeSpan.end,
      valueStart: item.body.start,
      valueEnd: item.body.end,
      block: true,
      child: hclBody(item.body, text, bodies, objects, add),
    };
  });
  // The body lies between the braces: `{` is the last non-blank character before it.
  let open = body.start - 1;
  while (open > 0 && text[open] !== '{') open--;
  const o: SyntaxObject = { start: body.start, end: body.end, open, close: body.end, body: true, members };
  bodies.set(body, o);
  return add(o);
}

function hclObject(
  node: HclObject,
  text: string,
  bodies: Map<Body, SyntaxObject>,
  objects: Map<HclObject, SyntaxObject>,
  add: (o: SyntaxObject) => SyntaxObject,
): SyntaxObject {
  const known = objects.get(node);
  if (known) return known;
  const members: SyntaxMember[] = [];
  for (const item of node.items) {
    const k = item.key;
    let name: string | undefined;
    if (k.kind === 'Variable') name = k.name;
    else if (k.kind === 'Template' && k.parts.every((p) => p.kind === 'Text')) name = k.parts.map((p) => (p as { value: string }).value).join('');
    if (name === undefined) continue;
    const member: SyntaxMember = {
      name,
      start: item.start,
      end: item.end,
      keyStart: k.start,
      keyEnd: k.end,
      valueStart: item.value.start,
      valueEnd: item.value.end,
    };
    if (item.value.kind === 'Object') member.child = hclObject(item.value, text, bodies, objects, add);
    members.push(member);
  }
  const o: SyntaxObject = { start: node.start, end: node.end, open: node.start, close: node.end - 1, body: false, members };
  objects.set(node, o);
  return add(o);
}
