import { describe, expect, it } from 'vitest';
import type { Attribute, Block } from '../../../src/syntax/hcl/ast.js';
import { jsonAttributeAsBlocks, parseTerraformJson } from '../../../src/syntax/hcl/json.js';

const doc = `{
  "//": "a comment",
  "resource": {
    "azurerm_role_assignment": {
      "ra": {
        "scope": "\${azurerm_resource_group.rg.id}",
        "role_definition_name": "Reader \\"x\\" \${lookup(var.m, \\"k\\")}",
        "depends_on": ["azurerm_resource_group.rg"],
        "identity": [{ "type": "SystemAssigned" }],
        "lifecycle": { "ignore_changes": ["tags"] }
      },
      "rb": [{ "scope": "/" }, { "scope": "/x" }]
    }
  },
  "variable": { "v": { "type": "list(string)", "default": ["\${x}"] } },
  "locals": [{ "a": 1 }, { "b": true, "c": null }],
  "terraform": { "required_providers": { "azurerm": { "source": "hashicorp/azurerm" } } }
}`;

describe('parseTerraformJson', () => {
  const f = parseTerraformJson(doc);
  const blocks = f.body.items as Block[];
  const src = (s: { start: number; end: number }): string => doc.slice(s.start, s.end);

  it('nests block labels by object levels and reads arrays as repeated blocks', () => {
    expect(f.errors).toEqual([]);
    expect(f.syntax).toBe('json');
    expect(blocks.map((b) => [b.type, ...b.labels.map((l) => l.value)].join(' '))).toEqual([
      'resource azurerm_role_assignment ra',
      'resource azurerm_role_assignment rb',
      'resource azurerm_role_assignment rb',
      'variable v',
      'locals',
      'locals',
      'terraform',
    ]);
    expect(src(blocks[0].labels[1])).toBe('"ra"');
    const ra = blocks[0].body.items;
    expect(ra.map((i) => `${i.kind} ${i.kind === 'Block' ? i.type : i.name}`)).toEqual([
      'Attribute scope',
      'Attribute role_definition_name',
      'Attribute depends_on',
      'Attribute identity',
      'Block lifecycle',
    ]);
    expect(blocks[6].body.items[0]).toMatchObject({ kind: 'Block', type: 'required_providers' });
  });

  it('parses strings as templates with spans in the JSON text', () => {
    const [scope, role] = blocks[0].body.items as Attribute[];
    expect(scope.value.kind).toBe('Template');
    if (scope.value.kind !== 'Template' || role.value.kind !== 'Template') throw new Error('template');
    const i = scope.value.parts[0];
    if (i.kind !== 'Interpolation') throw new Error('interpolation');
    expect(i.expression.kind).toBe('GetAttr');
    expect(src(i.expression)).toBe('azurerm_resource_group.rg.id');
    expect(role.value.parts[0]).toMatchObject({ kind: 'Text', value: 'Reader "x" ' });
    const call = role.value.parts[1];
    if (call.kind !== 'Interpolation' || call.expression.kind !== 'FunctionCall') throw new Error('call');
    expect(src(call.expression)).toBe('lookup(var.m, \\"k\\")');
    expect(src(call.expression.args[1])).toBe('\\"k\\"');
  });

  it('parses expression-valued arguments as expressions and variable defaults literally', () => {
    const dependsOn = (blocks[0].body.items[2] as Attribute).value;
    expect(dependsOn).toMatchObject({ kind: 'Tuple', items: [{ kind: 'GetAttr', name: 'rg' }] });
    const v = blocks[3].body.items as Attribute[];
    expect(v[0].value).toMatchObject({ kind: 'FunctionCall', name: 'list' });
    expect(src(v[0].value)).toBe('list(string)');
    expect(v[1].value).toMatchObject({ kind: 'Tuple', items: [{ kind: 'Template', parts: [{ kind: 'Text', value: '${x}' }] }] });
    expect((blocks[5].body.items as Attribute[]).map((a) => a.value)).toMatchObject([
      { kind: 'Literal', value: true },
      { kind: 'Literal', value: null },
    ]);
  });

  it('turns an object attribute into nested blocks on request', () => {
    const identity = blocks[0].body.items[3] as Attribute;
    const nested = jsonAttributeAsBlocks(identity);
    expect(nested).toHaveLength(1);
    expect(nested![0]).toMatchObject({ kind: 'Block', type: 'identity', labels: [] });
    expect(nested![0].body.items[0]).toMatchObject({ kind: 'Attribute', name: 'type' });
  });

  it('reports invalid JSON and template errors without throwing', () => {
    const bad = parseTerraformJson('{"resource": ');
    expect(bad.errors).toHaveLength(1);
    expect(bad.errors[0].message).toMatch(/Invalid JSON/);
    const tpl = parseTerraformJson('{"locals": {"a": "${x +}"}}');
    expect(tpl.errors).toHaveLength(1);
    expect(tpl.errors[0].start).toBeGreaterThan(20);
    expect(tpl.body.items).toHaveLength(1);
  });
});
