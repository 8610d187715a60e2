import { describe, expect, it } from 'vitest';
import type { Attribute, Block, Expression, HclFile, TemplatePart } from '../../../src/syntax/hcl/ast.js';
import { parseHcl } from '../../../src/syntax/hcl/parser.js';
import { LineMap } from '../../../src/model/location.js';

function clean(text: string): HclFile {
  const f = parseHcl(text);
  expect(f.errors).toEqual([]);
  return f;
}

function attr(text: string, name = 'a'): Expression {
  const f = clean(text);
  const a = f.body.items.find((i): i is Attribute => i.kind === 'Attribute' && i.name === name);
  if (!a) throw new Error(`no attribute ${name}`);
  return a.value;
}

/** The tree without spans, for compact expectations. */
function shape(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(shape);
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (k !== 'start' && k !== 'end' && k !== 'nameSpan' && k !== 'typeSpan') o[k] = shape(x);
    }
    return o;
  }
  return v;
}

const v = (name: string) => ({ kind: 'Variable', name });
const lit = (value: string | number | boolean | null) => ({ kind: 'Literal', value });
const text = (value: string) => ({ kind: 'Text', value });

function templateText(parts: TemplatePart[]): string {
  return parts.map((p) => (p.kind === 'Text' ? p.value : `<${p.kind}>`)).join('');
}

describe('parseHcl: bodies', () => {
  it('reads blocks with quoted and bare labels, one-line blocks, and attributes', () => {
    const f = clean('resource "azurerm_x" main {\n  a = 1\n  b { c = 2 }\n  d {}\n}\n');
    const r = f.body.items[0] as Block;
    expect(r.type).toBe('resource');
    expect(r.labels.map((l) => l.value)).toEqual(['azurerm_x', 'main']);
    expect(r.body.items.map((i) => (i.kind === 'Block' ? `block ${i.type}` : `attr ${i.name}`))).toEqual([
      'attr a',
      'block b',
      'block d',
    ]);
    expect(shape((r.body.items[1] as Block).body.items)).toEqual([{ kind: 'Attribute', name: 'c', value: lit(2) }]);
  });

  it('rejects a one-line block with two attributes or an attribute followed by "}"', () => {
    expect(parseHcl('b { c = 1, d = 2 }\n').errors).not.toEqual([]);
    expect(parseHcl('b {\n c = 1 }\n').errors).not.toEqual([]);
    expect(parseHcl('a = 1 b = 2\n').errors).not.toEqual([]);
  });

  it('keeps comments everywhere and records them', () => {
    const src = '# one\nresource "a" "b" { # two\n  // three\n  x = /* four */ 1 # five\n  /* six\n  */\n}\n';
    const f = clean(src);
    expect(f.comments.map((c) => c.text)).toEqual(['# one', '# two', '// three', '/* four */', '# five', '/* six\n  */']);
    expect(shape((f.body.items[0] as Block).body.items)).toEqual([{ kind: 'Attribute', name: 'x', value: lit(1) }]);
  });

  it('accepts CRLF line ends and a byte order mark', () => {
    const f = clean('\ufeffa = "x"\r\nb {\r\n  c = <<EOT\r\n  hi\r\n  EOT\r\n}\r\n');
    expect(f.body.items.map((i) => (i.kind === 'Attribute' ? i.name : i.type))).toEqual(['a', 'b']);
    const c = ((f.body.items[1] as Block).body.items[0] as Attribute).value;
    expect(c.kind === 'Template' && templateText(c.parts)).toBe('  hi\r\n');
  });

  it('recovers after an error and keeps the later attributes and blocks', () => {
    const f = parseHcl('a = [1, 2,, 3]\nresource "x" "y" {\n  b = (1 +\n  c = 2\n}\nz = 3\nlocals {\n  q = 1\n}\n');
    expect(f.errors.length).toBeGreaterThan(0);
    const names = f.body.items.map((i) => (i.kind === 'Attribute' ? i.name : i.type));
    expect(names).toContain('resource');
    expect(names).toContain('locals');
    const locals = f.body.items.find((i): i is Block => i.kind === 'Block' && i.type === 'locals')!;
    expect(shape(locals.body.items)).toEqual([{ kind: 'Attribute', name: 'q', value: lit(1) }]);
  });

  it('reports an unclosed block and an unterminated string', () => {
    expect(parseHcl('a {\n b = 1\n').errors[0].message).toMatch(/Unclosed 'a' block/);
    expect(parseHcl('a = "x\nb = 1\n').errors[0].message).toMatch(/Unterminated string/);
  });
});

describe('parseHcl: expressions', () => {
  it('applies operator precedence and associativity', () => {
    expect(shape(attr('a = !x || y && 1 + 2 * -3 >= 4 == true ? b : c ? d : e\n'))).toEqual({
      kind: 'Conditional',
      condition: {
        kind: 'Binary',
        operator: '||',
        left: { kind: 'Unary', operator: '!', operand: v('x') },
        right: {
          kind: 'Binary',
          operator: '&&',
          left: v('y'),
          right: {
            kind: 'Binary',
            operator: '==',
            left: {
              kind: 'Binary',
              operator: '>=',
              left: {
                kind: 'Binary',
                operator: '+',
                left: lit(1),
                right: { kind: 'Binary', operator: '*', left: lit(2), right: { kind: 'Unary', operator: '-', operand: lit(3) } },
              },
              right: lit(4),
            },
            right: lit(true),
          },
        },
      },
      trueResult: v('b'),
      falseResult: { kind: 'Conditional', condition: v('c'), trueResult: v('d'), falseResult: v('e') },
    });
    expect(shape(attr('a = 1 - 2 - 3\n'))).toEqual({
      kind: 'Binary',
      operator: '-',
      left: { kind: 'Binary', operator: '-', left: lit(1), right: lit(2) },
      right: lit(3),
    });
  });

  it('reads numbers with fractions and exponents', () => {
    expect(shape(attr('a = [1, 2.5, 1e3, 1.5E-2, 0]\n'))).toEqual({
      kind: 'Tuple',
      items: [lit(1), lit(2.5), lit(1000), lit(0.015), lit(0)],
    });
  });

  it('reads attribute access, index, the legacy index and splats', () => {
    expect(shape(attr('a = x.y[0].z.1\n'))).toEqual({
      kind: 'Index',
      object: {
        kind: 'GetAttr',
        object: { kind: 'Index', object: { kind: 'GetAttr', object: v('x'), name: 'y' }, key: lit(0) },
        name: 'z',
      },
      key: lit(1),
    });
    expect(shape(attr('a = x[*].y[0]\n'))).toEqual({
      kind: 'Splat',
      object: v('x'),
      full: true,
      each: { kind: 'Index', object: { kind: 'GetAttr', object: v('*'), name: 'y' }, key: lit(0) },
    });
    // The attribute-only splat stops at an index, which applies to the whole result.
    expect(shape(attr('a = x.*.y[0]\n'))).toEqual({
      kind: 'Index',
      object: { kind: 'Splat', object: v('x'), full: false, each: { kind: 'GetAttr', object: v('*'), name: 'y' } },
      key: lit(0),
    });
    expect(parseHcl('a = x.0.1\n').errors[0].message).toMatch(/Legacy index/);
  });

  it('reads function calls, provider functions and expanded arguments', () => {
    expect(shape(attr('a = provider::azurerm::normalise_resource_id(x)\n'))).toEqual({
      kind: 'FunctionCall',
      name: 'provider::azurerm::normalise_resource_id',
      args: [v('x')],
      expandFinal: false,
    });
    expect(shape(attr('a = merge(\n  x,\n  y...\n)\n'))).toEqual({
      kind: 'FunctionCall',
      name: 'merge',
      args: [v('x'), v('y')],
      expandFinal: true,
    });
    expect(parseHcl('a = f(x..., y)\n').errors).not.toEqual([]);
  });

  it('reads nested for expressions with conditions and grouping', () => {
    expect(shape(attr('a = { for k, v in m : k => [for x in v : x.id if x != null]... if k != "" }\n'))).toEqual({
      kind: 'For',
      object: true,
      keyVar: 'k',
      valueVar: 'v',
      collection: v('m'),
      key: v('k'),
      value: {
        kind: 'For',
        object: false,
        valueVar: 'x',
        collection: v('v'),
        value: { kind: 'GetAttr', object: v('x'), name: 'id' },
        condition: { kind: 'Binary', operator: '!=', left: v('x'), right: lit(null) },
        grouping: false,
      },
      condition: { kind: 'Binary', operator: '!=', left: v('k'), right: { kind: 'Template', parts: [] } },
      grouping: true,
    });
  });

  it('reads object constructors with newline or comma separators and every key form', () => {
    expect(shape(attr('a = {\n  x = 1, "y" : 2\n  (z) = 3\n  for = 4\n}\n'))).toEqual({
      kind: 'Object',
      items: [
        { key: v('x'), value: lit(1) },
        { key: { kind: 'Template', parts: [text('y')] }, value: lit(2) },
        { key: { kind: 'Paren', expression: v('z') }, value: lit(3) },
        { key: v('for'), value: lit(4) },
      ],
    });
  });

  it('ignores newlines inside brackets but not in bodies or object constructors', () => {
    clean('a = (1 +\n  2)\nb = [\n  1,\n  2,\n]\nc = x[\n0\n]\n');
    expect(parseHcl('a = 1 +\n2\n').errors).not.toEqual([]);
    expect(parseHcl('a = { x = 1 +\n 2 }\n').errors).not.toEqual([]);
  });
});

describe('parseHcl: templates', () => {
  it('decodes escapes and literal sequences', () => {
    const t = attr('a = "q\\"\\\\ \\n\\t \\u00e9 \\U0001F600 $${x} %%{y} $$ %"\n');
    expect(t.kind === 'Template' && templateText(t.parts)).toBe('q"\\ \n\t é 😀 ${x} %{y} $$ %');
    expect(parseHcl('a = "\\q"\n').errors[0].message).toMatch(/escape/);
  });

  it('nests if/else and for directives and applies strip markers', () => {
    expect(shape(attr('a = "x %{~ if c ~} y %{ else } z %{ endif } %{for k, v in m}${k}=${v}%{~ endfor}"\n'))).toEqual({
      kind: 'Template',
      parts: [
        text('x'),
        { kind: 'If', condition: v('c'), then: [text('y ')], else: [text(' z ')] },
        text(' '),
        {
          kind: 'For',
          keyVar: 'k',
          valueVar: 'v',
          collection: v('m'),
          body: [
            { kind: 'Interpolation', expression: v('k') },
            text('='),
            { kind: 'Interpolation', expression: v('v') },
          ],
        },
      ],
    });
    expect(parseHcl('a = "%{ if x }"\n').errors[0].message).toMatch(/Unclosed/);
    expect(parseHcl('a = "%{ endfor }"\n').errors[0].message).toMatch(/without a matching/);
  });

  it('reads heredocs, and strips the common indentation of <<- heredocs', () => {
    const plain = attr('a = <<EOT\n  x \\n ${y}\n  EOT\n');
    expect(plain.kind === 'Template' && plain.heredoc).toEqual({ marker: 'EOT', indent: false });
    expect(plain.kind === 'Template' && templateText(plain.parts)).toBe('  x \\n <Interpolation>\n');
    const flush = attr('a = <<-EOT\n    x\n\n      y ${z}\n    EOT\nb = 1\n');
    expect(flush.kind === 'Template' && templateText(flush.parts)).toBe('x\n\n  y <Interpolation>\n');
    expect(attr('a = <<EOT\nEOT\n')).toMatchObject({ kind: 'Template', parts: [] });
    expect(parseHcl('a = <<EOT\nnever closed\n').errors[0].message).toMatch(/Unterminated heredoc/);
  });

  it('strips whitespace only up to the neighbouring heredoc line', () => {
    const t = attr('a = <<EOT\n  %{~ for x in y ~}\n  ${x}\n  %{~ endfor ~}\nEOT\n');
    expect(t.kind === 'Template' && t.parts[0].kind === 'For' && templateText(t.parts[0].body)).toBe('  <Interpolation>\n');
  });

  it('reads nested templates inside interpolations', () => {
    expect(shape(attr('a = "${f("${x}")}"\n'))).toEqual({
      kind: 'Template',
      parts: [
        {
          kind: 'Interpolation',
          expression: {
            kind: 'FunctionCall',
            name: 'f',
            args: [{ kind: 'Template', parts: [{ kind: 'Interpolation', expression: v('x') }] }],
            expandFinal: false,
          },
        },
      ],
    });
  });
});

describe('parseHcl: positions', () => {
  it('gives spans that convert to exact 1-based positions', () => {
    const src = '\ufeff# c\r\nresource "a" "b" {\r\n  name = "x-${var.y}"\r\n  tags = { k = v.w[0] }\r\n}\r\n';
    const f = clean(src);
    const map = new LineMap(src);
    const r = f.body.items[0] as Block;
    expect(map.range(r.typeSpan.start, r.typeSpan.end)).toEqual({ start: { line: 2, column: 1 }, end: { line: 2, column: 9 } });
    expect(map.position(r.labels[1].start)).toEqual({ line: 2, column: 14 });
    expect(src.slice(r.labels[1].start, r.labels[1].end)).toBe('"b"');
    expect(map.position(r.end)).toEqual({ line: 5, column: 2 });
    const name = r.body.items[0] as Attribute;
    expect(map.range(name.nameSpan.start, name.nameSpan.end)).toEqual({ start: { line: 3, column: 3 }, end: { line: 3, column: 7 } });
    const t = name.value;
    if (t.kind !== 'Template') throw new Error('template');
    expect(map.range(t.start, t.end)).toEqual({ start: { line: 3, column: 10 }, end: { line: 3, column: 22 } });
    const interp = t.parts[1];
    expect(interp.kind).toBe('Interpolation');
    expect(src.slice(interp.start, interp.end)).toBe('${var.y}');
    if (interp.kind !== 'Interpolation') throw new Error('interpolation');
    expect(src.slice(interp.expression.start, interp.expression.end)).toBe('var.y');
    const tags = (r.body.items[1] as Attribute).value;
    if (tags.kind !== 'Object') throw new Error('object');
    const w = tags.items[0].value;
    expect(src.slice(w.start, w.end)).toBe('v.w[0]');
    expect(map.position(w.start)).toEqual({ line: 4, column: 16 });
    expect(f.comments[0]).toMatchObject({ start: 1, end: 4, text: '# c' });
  });

  it('spans the whole heredoc up to its closing marker', () => {
    const src = 'a = <<-EOT\n  x\n  EOT\nb = 2\n';
    const t = attr(src);
    expect(src.slice(t.start, t.end)).toBe('<<-EOT\n  x\n  EOT');
    expect(t.kind === 'Template' && src.slice(t.parts[0].start, t.parts[0].end)).toBe('  x\n');
  });

  it('places errors where the problem is', () => {
    const src = 'a {\n  b = [1 2]\n}\nc = 1\n';
    const f = parseHcl(src);
    expect(f.errors).toHaveLength(1);
    expect(new LineMap(src).position(f.errors[0].start)).toEqual({ line: 2, column: 10 });
    expect(f.body.items.map((i) => (i.kind === 'Attribute' ? i.name : i.type))).toEqual(['a', 'c']);
  });
});
