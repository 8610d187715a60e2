/**
 * Terraform's JSON syntax (`.tf.json`) read into the same tree as the native syntax. Which
 * properties are blocks, and how many object levels are their labels, comes from Terraform's
 * configuration schema; strings are templates (or, for a few arguments, expressions) parsed by
 * the native parser with spans mapped back into the JSON text.
 *
 * Without a provider schema, a property of a resource body whose value is an object (or an array
 * of objects) may be a map attribute (`tags`) or nested blocks (`identity`): it is kept as an
 * attribute, and `jsonAttributeAsBlocks` reinterprets it once the caller knows it is a block.
 */

import { parse as parseJson } from '@humanwhocodes/momoa';
import type {
  ArrayNode,
  DocumentNode,
  MemberNode,
  ObjectNode,
  StringNode,
  ValueNode,
} from '@humanwhocodes/momoa';
import type {
  Attribute,
  Block,
  BlockLabel,
  Body,
  Expression,
  HclFile,
  HclSyntaxError,
  ObjectItem,
  Span,
} from './ast.js';
import { parseHclExpression, parseHclTemplate } from './parser.js';
import { limitJsonDepth } from '../json/depth.js';
import { tooDeepMessage } from '../nesting.js';

/** A block type's label count and its nested blocks. */
interface BlockSchema {
  labels: number;
  blocks?: Record<string, BlockSchema>;
  /** Arguments whose strings are expressions rather than templates. */
  expressions?: Record<string, 'expression' | 'expressions' | 'literal' | 'map-of-expressions'>;
}

const lifecycle: BlockSchema = {
  labels: 0,
  blocks: { precondition: { labels: 0 }, postcondition: { labels: 0 } },
  expressions: { ignore_changes: 'expressions', replace_triggered_by: 'expressions' },
};
const connection: BlockSchema = { labels: 0 };
const provisioner: BlockSchema = { labels: 1, blocks: { connection } };
const resourceLike: BlockSchema = {
  labels: 2,
  blocks: {
    lifecycle,
    connection,
    provisioner,
    dynamic: { labels: 1, blocks: { content: { labels: 0 } } },
  },
  expressions: { provider: 'expression', depends_on: 'expressions' },
};

const ROOT: BlockSchema = {
  labels: 0,
  blocks: {
    resource: resourceLike,
    data: resourceLike,
    ephemeral: resourceLike,
    module: {
      labels: 1,
      expressions: { depends_on: 'expressions', providers: 'map-of-expressions' },
    },
    variable: {
      labels: 1,
      blocks: { validation: { labels: 0 } },
      expressions: { type: 'expression', default: 'literal' },
    },
    output: {
      labels: 1,
      blocks: { precondition: { labels: 0 } },
      expressions: { depends_on: 'expressions' },
    },
    provider: { labels: 1 },
    locals: { labels: 0 },
    terraform: {
      labels: 0,
      blocks: {
        required_providers: { labels: 0 },
        backend: { labels: 1 },
        cloud: { labels: 0, blocks: { workspaces: { labels: 0 } } },
        provider_meta: { labels: 1 },
      },
    },
    moved: { labels: 0, expressions: { from: 'expression', to: 'expression' } },
    import: { labels: 0, expressions: { to: 'expression', provider: 'expression' } },
    removed: {
      labels: 0,
      blocks: { lifecycle, connection, provisioner },
      expressions: { from: 'expression' },
    },
    check: {
      labels: 1,
      blocks: { data: resourceLike, assert: { labels: 0 } },
    },
  },
};

export function parseTerraformJson(text: string): HclFile {
  const errors: HclSyntaxError[] = [];
  const len = text.length;
  let doc: DocumentNode;
  const limited = limitJsonDepth(text);
  if (limited.deepAt !== undefined) errors.push({ start: limited.deepAt, end: limited.deepAt + 1, message: tooDeepMessage(), limit: true });
  try {
    doc = parseJson(limited.text, { mode: 'jsonc', ranges: true, allowTrailingCommas: true });
  } catch (e) {
    const offset = typeof (e as { offset?: unknown }).offset === 'number' ? (e as { offset: number }).offset : 0;
    const message = e instanceof Error ? e.message : String(e);
    return {
      kind: 'File',
      start: 0,
      end: len,
      body: { kind: 'Body', start: 0, end: len, items: [] },
      errors: [{ start: offset, end: Math.min(len, offset + 1), message: `Invalid JSON: ${message}` }],
      comments: [],
      syntax: 'json',
    };
  }
  const reader = new JsonReader(text, errors);
  let body: Body;
  if (doc.body.type === 'Object') body = reader.body(doc.body, ROOT);
  else {
    reader.error(doc.body, 'The root of a Terraform JSON file must be an object.');
    body = { kind: 'Body', start: 0, end: len, items: [] };
  }
  body.start = 0;
  body.end = len;
  return { kind: 'File', start: 0, end: len, body, errors, comments: [], syntax: 'json' };
}

/**
 * Reinterprets a `.tf.json` attribute whose value is an object or a tuple of objects as nested
 * blocks without labels (as a provider schema would, for `identity` and the like).
 */
export function jsonAttributeAsBlocks(attr: Attribute): Block[] | undefined {
  const v = attr.value;
  const objects = v.kind === 'Object' ? [v] : v.kind === 'Tuple' ? v.items : undefined;
  if (!objects || objects.some((o) => o.kind !== 'Object')) return undefined;
  return objects.map((o) => {
    const obj = o as Expression & { kind: 'Object' };
    const items: Attribute[] = [];
    for (const item of obj.items) {
      const name = staticKey(item.key);
      if (name === undefined) return undefined;
      items.push({
        kind: 'Attribute',
        start: item.start,
        end: item.end,
        name,
        nameSpan: { start: item.key.start, end: item.key.end },
        value: item.value,
      });
    }
    const block: Block = {
      kind: 'Block',
      start: attr.start,
      end: obj.end,
      type: attr.name,
      typeSpan: attr.nameSpan,
      labels: [],
      body: { kind: 'Body', start: obj.start, end: obj.end, items },
    };
    return block;
  }).filter((b): b is Block => b !== undefined);
}

function staticKey(key: Expression): string | undefined {
  if (key.kind === 'Variable') return key.name;
  if (key.kind === 'Template' && key.parts.every((p) => p.kind === 'Text')) {
    return key.parts.map((p) => (p.kind === 'Text' ? p.value : '')).join('');
  }
  return undefined;
}

function span(n: { range?: [number, number] }): Span {
  const r = n.range ?? [0, 0];
  return { start: r[0], end: r[1] };
}

class JsonReader {
  constructor(
    private readonly text: string,
    private readonly errors: HclSyntaxError[],
  ) {}

  error(n: { range?: [number, number] }, message: string): void {
    this.errors.push({ ...span(n), message });
  }

  body(obj: ObjectNode, schema: BlockSchema): Body {
    const items: (Attribute | Block)[] = [];
    for (const m of obj.members) {
      const name = memberName(m);
      if (name === '//') continue;
      const nested = schema.blocks?.[name];
      if (nested) this.blocks(m, name, nested, [], m.value, items);
      else items.push(this.attribute(m, name, schema.expressions?.[name]));
    }
    return { kind: 'Body', ...span(obj), items };
  }

  /** Descends through label levels; arrays at any level hold several objects. */
  private blocks(
    m: MemberNode,
    type: string,
    schema: BlockSchema,
    labels: BlockLabel[],
    value: ValueNode,
    out: (Attribute | Block)[],
  ): void {
    if (value.type === 'Array') {
      for (const el of (value as ArrayNode).elements) this.blocks(m, type, schema, labels, el.value, out);
      return;
    }
    if (value.type !== 'Object') {
      this.error(value, `Expected an object for the '${type}' block${labels.length < schema.labels ? "'s labels" : ''}.`);
      return;
    }
    if (labels.length < schema.labels) {
      for (const lm of value.members) {
        const label: BlockLabel = { ...span(lm.name), value: memberName(lm) };
        if (label.value === '//') continue;
        this.blocks(m, type, schema, [...labels, label], lm.value, out);
      }
      return;
    }
    const body = this.body(value, schema);
    out.push({
      kind: 'Block',
      start: m.range ? m.range[0] : 0,
      end: value.range ? value.range[1] : 0,
      type,
      typeSpan: span(m.name),
      labels,
      body,
    });
  }

  private attribute(m: MemberNode, name: string, mode: string | undefined): Attribute {
    let value: Expression;
    if (mode === 'literal') value = this.literal(m.value);
    else if (mode === 'expression') value = this.value(m.value, 'expression');
    else if (mode === 'expressions' && m.value.type === 'Array') {
      value = {
        kind: 'Tuple',
        ...span(m.value),
        items: m.value.elements.map((e) => this.value(e.value, 'expression')),
      };
    } else if (mode === 'map-of-expressions' && m.value.type === 'Object') {
      value = this.object(m.value, 'expression');
    } else value = this.value(m.value, 'template');
    return {
      kind: 'Attribute',
      start: m.range ? m.range[0] : 0,
      end: m.value.range ? m.value.range[1] : 0,
      name,
      nameSpan: span(m.name),
      value,
    };
  }

  /** A JSON value as an expression; strings are templates or (in `mode` expression) expressions. */
  private value(v: ValueNode, mode: 'template' | 'expression'): Expression {
    switch (v.type) {
      case 'String':
        return mode === 'expression' ? this.expressionString(v) : this.templateString(v);
      case 'Number':
      case 'Boolean':
        return { kind: 'Literal', ...span(v), value: v.value };
      case 'Null':
        return { kind: 'Literal', ...span(v), value: null };
      case 'Array':
        return { kind: 'Tuple', ...span(v), items: v.elements.map((e) => this.value(e.value, 'template')) };
      case 'Object':
        return this.object(v, 'template');
      default:
        this.error(v, 'Unsupported JSON value.');
        return { kind: 'ErrorExpression', ...span(v) };
    }
  }

  private object(v: ObjectNode, valueMode: 'template' | 'expression'): Expression {
    const items: ObjectItem[] = [];
    for (const m of v.members) {
      const key = this.templateString(m.name as StringNode);
      const value = this.value(m.value, valueMode);
      items.push({ start: key.start, end: value.end, key, value });
    }
    return { kind: 'Object', ...span(v), items };
  }

  /** A JSON value taken literally (a variable's default): strings are not templates. */
  private literal(v: ValueNode): Expression {
    switch (v.type) {
      case 'String': {
        const s = span(v);
        return {
          kind: 'Template',
          ...s,
          parts: [{ kind: 'Text', value: v.value, start: s.start + 1, end: s.end - 1 }],
        };
      }
      case 'Array':
        return { kind: 'Tuple', ...span(v), items: v.elements.map((e) => this.literal(e.value)) };
      case 'Object':
        return {
          kind: 'Object',
          ...span(v),
          items: v.members.map((m) => {
            const key = this.literal(m.name as StringNode);
            const value = this.literal(m.value);
            return { start: key.start, end: value.end, key, value };
          }),
        };
      default:
        return this.value(v, 'template');
    }
  }

  private templateString(v: StringNode): Expression {
    const { decoded, map } = this.decode(v);
    const r = parseHclTemplate(decoded);
    const t = remap(r.template, map);
    for (const e of r.errors) this.errors.push(remap(e, map));
    t.start = span(v).start;
    t.end = span(v).end;
    return t;
  }

  private expressionString(v: StringNode): Expression {
    const { decoded, map } = this.decode(v);
    const r = parseHclExpression(decoded);
    for (const e of r.errors) this.errors.push(remap(e, map));
    return remap(r.expression, map);
  }

  /**
   * The string's value and, for each of its UTF-16 units (and its end), the offset in the JSON
   * text where that unit's source begins.
   */
  private decode(v: StringNode): { decoded: string; map: number[] | number } {
    const [s, e] = v.range ?? [0, 0];
    const rawStart = s + 1;
    const rawLen = e - 1 - rawStart;
    const decoded = v.value;
    if (decoded.length === rawLen) return { decoded, map: rawStart };
    const text = this.text;
    const map: number[] = [];
    let i = rawStart;
    while (i < e - 1) {
      if (text.charCodeAt(i) !== 92) {
        map.push(i);
        i++;
        continue;
      }
      const c = text.charCodeAt(i + 1);
      if (c === 117) {
        map.push(i);
        i += 6;
      } else {
        map.push(i);
        i += 2;
      }
    }
    map.push(e - 1);
    return { decoded, map };
  }
}

function memberName(m: MemberNode): string {
  const n = m.name;
  return n.type === 'String' ? n.value : n.name;
}

/** Moves every span in `node` from offsets in the decoded string to offsets in the JSON text. */
function remap<N extends object>(node: N, map: number[] | number): N {
  const at = (o: number): number =>
    typeof map === 'number' ? map + o : (map[o] ?? map[map.length - 1] ?? 0);
  const seen = new Set<object>();
  const visit = (n: unknown): void => {
    if (typeof n !== 'object' || n === null || seen.has(n)) return;
    seen.add(n);
    if (Array.isArray(n)) {
      for (const x of n) visit(x);
      return;
    }
    const r = n as Record<string, unknown>;
    if (typeof r.start === 'number' && typeof r.end === 'number') {
      r.start = at(r.start);
      r.end = at(r.end);
    }
    for (const k in r) {
      const x = r[k];
      if (typeof x === 'object' && x !== null) visit(x);
    }
  };
  visit(node);
  return node;
}
