import { describe, expect, it } from 'vitest';
import type { Expression, ObjectExpression, ResourceStatement, Statement, StringLiteral } from '../../../src/syntax/bicep/ast.js';
import { tokenize } from '../../../src/syntax/bicep/lexer.js';
import { parseBicep } from '../../../src/syntax/bicep/parser.js';

function parseOk(text: string, fileKind: 'bicep' | 'bicepparam' = 'bicep') {
  const file = parseBicep(text, { fileKind });
  expect(file.errors).toEqual([]);
  return file;
}

function valueOf(statement: Statement): Expression {
  if (!('value' in statement) || !statement.value || statement.value.kind === 'TypeExpression') throw new Error(`no value on ${statement.kind}`);
  return statement.value as Expression;
}

/** The first statement's value. */
function expr(source: string): Expression {
  return valueOf(parseOk(`var x = ${source}\n`).statements[0]);
}

describe('strings', () => {
  it('cooks escapes', () => {
    const s = expr(String.raw`'a\'b\\c\nd\re\tf\$g\u{1F600}h'`) as StringLiteral;
    expect(s.parts).toEqual(["a'b\\c\nd\re\tf$g\u{1F600}h"]);
    expect(s.expressions).toEqual([]);
  });

  it('splits interpolations, nested ones too', () => {
    const s = expr("'a${b}c${'d${e}f'}g'") as StringLiteral;
    expect(s.parts).toEqual(['a', 'c', 'g']);
    expect(s.expressions.map((e) => e.kind)).toEqual(['Identifier', 'String']);
    const inner = s.expressions[1] as StringLiteral;
    expect(inner.parts).toEqual(['d', 'f']);
    expect(inner.expressions[0]).toMatchObject({ kind: 'Identifier', name: 'e' });
  });

  it('keeps multi-line strings verbatim, without the first line break', () => {
    const s = expr("'''\nline 1\n  ${not} \\n interpolated\n'''") as StringLiteral;
    expect(s).toMatchObject({ multiline: true, parts: ['line 1\n  ${not} \\n interpolated\n'], expressions: [] });
    expect((expr("''''abc''''") as StringLiteral).parts).toEqual(["'abc'"]);
    expect((expr("''''''") as StringLiteral).parts).toEqual(['']);
  });

  it('interpolates $-prefixed multi-line strings', () => {
    const s = expr("$$'''a${x}b$${y}c'''") as StringLiteral;
    expect(s.multiline).toBe(true);
    expect(s.parts).toEqual(['a${x}b', 'c']);
    expect(s.expressions[0]).toMatchObject({ kind: 'Identifier', name: 'y' });
  });
});

describe('positions', () => {
  it('counts a byte-order mark and CRLF line breaks in offsets', () => {
    const text = "\uFEFFparam p string\r\nvar v = 'x'\r\n";
    const file = parseOk(text);
    expect(file.statements[0]).toMatchObject({ kind: 'Param', start: 1, name: { name: 'p', start: 7, end: 8 } });
    const v = file.statements[1];
    expect(v.start).toBe(text.indexOf('var'));
    expect(valueOf(v)).toMatchObject({ start: text.indexOf("'x'"), end: text.indexOf("'x'") + 3 });
    expect(tokenize(text)[0]).toMatchObject({ kind: 'Identifier', start: 1, end: 6, text: 'param' });
  });

  it('keeps comments and directives aside', () => {
    const file = parseOk('// one\n/* two */ var a = 1\n#disable-next-line BCP081 no-unused-vars\nvar b = 2\n');
    expect(file.comments.map((c) => [c.text, c.block])).toEqual([['// one', false], ['/* two */', true]]);
    expect(file.directives.map((d) => d.text)).toEqual(['#disable-next-line BCP081 no-unused-vars']);
    expect(file.statements.map((s) => s.kind)).toEqual(['Var', 'Var']);
  });
});

describe('expressions', () => {
  it('follows Bicep operator precedence', () => {
    const e = expr('a ?? b || c && d == e < f + g * -h');
    expect(e).toMatchObject({
      kind: 'Binary', operator: '??',
      right: { kind: 'Binary', operator: '||', right: { kind: 'Binary', operator: '&&', right: { kind: 'Binary', operator: '==', right: { kind: 'Binary', operator: '<', right: { kind: 'Binary', operator: '+', right: { kind: 'Binary', operator: '*', right: { kind: 'Unary', operator: '-' } } } } } } },
    });
    expect(expr('a - b - c')).toMatchObject({ operator: '-', left: { operator: '-' } });
    expect(expr('a ? b : c ? d : e')).toMatchObject({ kind: 'Ternary', alternate: { kind: 'Ternary' } });
  });

  it('reads ternaries split over lines', () => {
    expect(expr('cond\n  ? a\n  : b')).toMatchObject({ kind: 'Ternary', consequent: { name: 'a' }, alternate: { name: 'b' } });
  });

  it('reads safe access, non-null assertions, index from end and resource access', () => {
    expect(expr('a.?b')).toMatchObject({ kind: 'Member', safe: true, property: { name: 'b' } });
    expect(expr('a[?0]')).toMatchObject({ kind: 'Index', safe: true, fromEnd: false });
    expect(expr('a[^1]')).toMatchObject({ kind: 'Index', safe: false, fromEnd: true, index: { kind: 'Integer', value: 1 } });
    expect(expr('a!.b')).toMatchObject({ kind: 'Member', object: { kind: 'NonNull', expression: { name: 'a' } } });
    expect(expr('!a')).toMatchObject({ kind: 'Unary', operator: '!' });
    expect(expr('vnet::subnet.id')).toMatchObject({ kind: 'Member', object: { kind: 'ResourceAccess', property: { name: 'subnet' } } });
  });

  it('reads namespaced and member calls', () => {
    expect(expr('az.resourceGroup().id')).toMatchObject({ kind: 'Member', object: { kind: 'Call', callee: { kind: 'Member', object: { name: 'az' }, property: { name: 'resourceGroup' } } } });
    expect(expr("sys.concat('a',\n  'b'\n)")).toMatchObject({ kind: 'Call', args: [{ kind: 'String' }, { kind: 'String' }] });
  });

  it('reads lambdas', () => {
    expect(expr('map(xs, x => x.name)')).toMatchObject({ kind: 'Call', args: [{ name: 'xs' }, { kind: 'Lambda', params: [{ name: 'x' }], body: { kind: 'Member' } }] });
    expect(expr('reduce(xs, 0, (acc, x) => acc + x)')).toMatchObject({ args: [{}, {}, { kind: 'Lambda', params: [{ name: 'acc' }, { name: 'x' }] }] });
    expect(expr('() => 1')).toMatchObject({ kind: 'Lambda', params: [] });
  });

  it('reads spreads and single- and multi-line literals', () => {
    expect(expr('{ a: 1, ...b, c: 2 }')).toMatchObject({ kind: 'Object', properties: [{ key: { name: 'a' } }, { kind: 'Spread', expression: { name: 'b' } }, { key: { name: 'c' } }] });
    expect(expr('[\n  1\n  ...xs\n  3\n]')).toMatchObject({ kind: 'Array', items: [{ value: 1 }, { kind: 'Spread' }, { value: 3 }] });
    expect(expr("{\n  'quoted key': 1\n  '${k}': 2\n  plain: [1, 2]\n}")).toMatchObject({ properties: [{ key: { parts: ['quoted key'] } }, { key: { expressions: [{ name: 'k' }] } }, { value: { kind: 'Array' } }] });
  });

  it('reads loops with index and a condition', () => {
    expect(expr('[for (item, i) in items: if (i > 0) {\n  name: item\n}]')).toMatchObject({
      kind: 'For', item: { name: 'item' }, index: { name: 'i' }, iterable: { name: 'items' },
      body: { kind: 'If', condition: { kind: 'Paren' }, body: { kind: 'Object' } },
    });
    expect(expr('[\n  for x in range(0, 3): x\n]')).toMatchObject({ kind: 'For', item: { name: 'x' }, body: { name: 'x' } });
  });
});

describe('declarations', () => {
  it('reads decorators, parameters, nullable and union types', () => {
    const file = parseOk("@description('d')\n@sys.minLength(1)\nparam a string?\nparam b 'x' | 'y' = 'x'\nparam c string[]\ntype t = {\n  @discriminator('k')\n  u: a | b\n  sku:\n    | 'S'\n    | 'P'\n  *: string\n}\n");
    expect(file.statements[0]).toMatchObject({ kind: 'Param', decorators: [{ expression: { kind: 'Call', callee: { name: 'description' } } }, { expression: { kind: 'Call', callee: { kind: 'Member' } } }], type: { text: 'string?' } });
    expect(file.statements[1]).toMatchObject({ type: { text: "'x' | 'y'" }, defaultValue: { kind: 'String' } });
    expect(file.statements[2]).toMatchObject({ type: { text: 'string[]' } });
    expect(file.statements[3]).toMatchObject({ kind: 'Type', name: { name: 't' } });
  });

  it('reads resource-derived types and typed variables', () => {
    const file = parseOk("param p resourceInput<'Microsoft.Storage/storageAccounts@2023-01-01'>.properties\nvar v string = 'a'\noutput o resource 'Microsoft.Web/sites@2022-09-01' = site\n");
    expect(file.statements[0]).toMatchObject({ type: { resourceType: { parts: ['Microsoft.Storage/storageAccounts@2023-01-01'] } } });
    expect(file.statements[1]).toMatchObject({ kind: 'Var', type: { text: 'string' } });
    expect(file.statements[2]).toMatchObject({ kind: 'Output', resourceType: { parts: ['Microsoft.Web/sites@2022-09-01'] }, value: { name: 'site' } });
  });

  it('reads nested, existing, conditional and looped resources', () => {
    const file = parseOk([
      "resource sa 'Microsoft.Storage/storageAccounts@2023-01-01' existing = {",
      '  name: n',
      "  resource blob 'blobServices' = {",
      "    name: 'default'",
      '  }',
      '}',
      "resource c 'A/b@1' = if (deploy) {",
      '  parent: sa',
      '}',
      "resource l 'A/b@1' = [for x in xs: {",
      '  scope: resourceGroup()',
      '}]',
      '',
    ].join('\n'));
    const [sa, c, l] = file.statements as ResourceStatement[];
    expect(sa).toMatchObject({ existing: true, typeString: { parts: ['Microsoft.Storage/storageAccounts@2023-01-01'] } });
    const body = sa.value as ObjectExpression;
    expect(body.properties[1]).toMatchObject({ kind: 'Resource', name: { name: 'blob' }, typeString: { parts: ['blobServices'] } });
    expect(c.value).toMatchObject({ kind: 'If', body: { kind: 'Object' } });
    expect(l.value).toMatchObject({ kind: 'For', body: { kind: 'Object' } });
  });

  it('reads modules, imports, extensions, functions and assertions', () => {
    const file = parseOk([
      "targetScope = 'subscription'",
      "metadata owner = 'me'",
      "import * as types from 'types.bicep'",
      'import {',
      '  a',
      '  b as c',
      "} from 'br/public:avm/utl/types:0.1.0'",
      "import 'az@1.0.0'",
      'extension az',
      "extension 'br:mcr.microsoft.com/ext:1.0' with { k: 1 } as ext",
      "module m 'br/public:avm/res/x:0.1.0' = {",
      "  name: 'm'",
      '}',
      "module t 'ts:00000000-0000-0000-0000-000000000000/rg/spec:1.0' = { name: 't' }",
      'func add(a int, b int) int => a + b',
      'assert positive = x > 0',
      '',
    ].join('\n'));
    expect(file.statements.map((s) => s.kind)).toEqual(['TargetScope', 'Metadata', 'Import', 'Import', 'Import', 'Extension', 'Extension', 'Module', 'Module', 'Func', 'Assert']);
    expect(file.statements[2]).toMatchObject({ wildcardAlias: { name: 'types' }, from: { parts: ['types.bicep'] } });
    expect(file.statements[3]).toMatchObject({ items: [{ name: { name: 'a' } }, { name: { name: 'b' }, alias: { name: 'c' } }] });
    expect(file.statements[6]).toMatchObject({ specification: { kind: 'String' }, config: { kind: 'Object' }, alias: { name: 'ext' } });
    expect(file.statements[9]).toMatchObject({ lambda: { params: [{ name: { name: 'a' }, type: { text: 'int' } }, {}], returnType: { text: 'int' }, body: { kind: 'Binary' } } });
  });

  it('reads .bicepparam files', () => {
    const file = parseOk("using './main.bicep'\nextends 'shared.bicepparam'\nparam p = 'v'\nvar v = 1\nparam q = readEnvironmentVariable('X', 'd')\n", 'bicepparam');
    expect(file.statements.map((s) => s.kind)).toEqual(['Using', 'Extends', 'ParamAssignment', 'Var', 'ParamAssignment']);
    expect(parseOk('using none\n', 'bicepparam').statements[0]).toMatchObject({ kind: 'Using', value: { name: 'none' } });
  });
});

describe('errors', () => {
  it('reports with codes and positions, and recovers to later statements', () => {
    const text = "var a = \nwrong thing\nparam p string\nresource r 'A/b@1' = {\n  name: 'x'\n  bad bad\n  ok: true\n}\nvar z = (1, 2)\noutput o int = 1\n";
    const file = parseBicep(text, { fileKind: 'bicep' });
    expect(file.errors.map((e) => [e.code, text.slice(0, e.start).split('\n').length])).toEqual([
      ['BCP009', 1],
      ['BCP007', 2],
      ['BCP018', 6],
      ['BCP243', 9],
    ]);
    expect(file.statements.map((s) => s.kind)).toEqual(['Var', 'ErrorStatement', 'Param', 'Resource', 'Var', 'Output']);
    const body = (file.statements[3] as ResourceStatement).value as ObjectExpression;
    expect(body.properties.map((p) => (p.kind === 'Property' && p.key.kind === 'Identifier' ? p.key.name : p.kind))).toEqual(['name', 'bad', 'ok']);
  });

  it('reports unterminated strings and objects', () => {
    expect(parseBicep("var s = 'abc\nvar t = 1\n").errors[0]).toMatchObject({ code: 'BCP004' });
    expect(parseBicep('var o = {\n  a: 1\n').errors[0]).toMatchObject({ code: 'BCP018' });
    expect(parseBicep("var s = '''abc").errors[0]).toMatchObject({ code: 'BCP140' });
  });

  it('never throws, whatever the input', () => {
    for (const text of ['', '\uFEFF', '@', '}}}', "'${", "$'''${", 'resource', 'param x = ', '[for', '((((', 'var x = {{{{', 'func f(']) {
      const file = parseBicep(text);
      expect(file.end).toBe(text.length);
    }
  });
});
