import { describe, expect, it } from 'vitest';
import { lint } from '../../src/engine/lint.js';
import type { Finding } from '../../src/engine/types.js';
import { treeMaker } from '../helpers/tree.js';

const { tree } = treeMaker('grantlint-budgets-');

const rules = (findings: Finding[], id: string): Finding[] => findings.filter((f) => f.ruleId === id);

const TF_OWNER = (name: string, extra = ''): string => `resource "azurerm_role_assignment" "${name}" {
${extra}  scope                = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg"
  role_definition_name = "Owner"
  principal_id         = var.principal_id
}
`;

/** Lints a single-file Terraform root and returns the value of `output "x"` as the graph saw it, via a tag. */
async function tfValue(expr: string): Promise<unknown> {
  const dir = tree({
    'main.tf': `resource "azurerm_resource_group" "rg" {\n  name     = "rg"\n  location = "westeurope"\n  tags     = { v = jsonencode(${expr}) }\n}\n`,
  });
  const { analyze } = await import('../../src/engine/lint.js');
  const { program } = await analyze([dir], { cwd: dir });
  const rg = program.resources.find((r) => r.type === 'azurerm_resource_group')!;
  const tags = rg.body.kind === 'object' ? rg.body.entries.get('tags') : undefined;
  const v = tags?.kind === 'object' ? tags.entries.get('v') : undefined;
  return v?.kind === 'string' ? JSON.parse(v.value) : v?.kind;
}

describe('user regular expressions run on RE2, in linear time, with Terraform semantics', () => {
  it('regex("^(a+)+$", ...) over 20,000 characters finishes (a backtracking engine never would)', async () => {
    const dir = tree({ 'main.tf': `locals {\n  x = regex("^(a+)+$", "${'a'.repeat(20_000)}b")\n}\n${TF_OWNER('owner')}` });
    const { findings } = await lint([dir], { cwd: dir });
    expect(rules(findings, 'privileged-role')).toHaveLength(1);
  });

  it('named groups, groups, regexall and replace with $1 and ${name} mean what they mean to Terraform', async () => {
    expect(await tfValue('regex("(?P<env>[a-z]+)-(?P<n>\\\\d+)", "rg-prod-42")')).toEqual({ env: 'prod', n: '42' });
    expect(await tfValue('regex("([a-z]+)(x)?", "abc")')).toEqual(['abc', null]);
    expect(await tfValue('regex("(?i)PROD", "rg-prod")')).toBe('prod');
    expect(await tfValue('regexall("[0-9]+", "a1b22c333")')).toEqual(['1', '22', '333']);
    expect(await tfValue('replace("rg-prod-42", "/(?P<word>[a-z]+)-(\\\\d+)/", "$2-$${word}")')).toBe('rg-42-prod');
    // Not RE2 (a lookahead): Terraform fails the call; it is kept as written, not computed.
    expect(await tfValue('regex("a(?=b)", "ab")')).toBe('call');
  });

  it("a Bicep safe access m[?'${p}a${p}a${p}c'] over a long key finishes", async () => {
    const dir = tree({
      'main.bicep': `param p string
param principalId string
var m = { '${'a'.repeat(20_000)}': 1 }
var x = m[?'\${p}a\${p}a\${p}c']
resource owner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(resourceGroup().id, principalId, string(x))
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '8e3af657-a8ff-443c-a75c-2fe8c4bcb635')
    principalId: principalId
  }
}
`,
    });
    const { findings } = await lint([dir], { cwd: dir });
    expect(rules(findings, 'privileged-role')).toHaveLength(1);
  });
});

describe('instance and step budgets: a finding, and the declarations analysed abstractly', () => {
  it('Terraform count 1000 -> count 1000: the grant is still found, and the budget says so', async () => {
    const dir = tree({
      'main.tf': 'module "m" {\n  count  = 1000\n  source = "./m"\n}\n',
      'm/main.tf': `variable "principal_id" {}\n${TF_OWNER('owner', '  count                = 1000\n')}`,
    });
    const { findings } = await lint([dir], { cwd: dir });
    expect(rules(findings, 'privileged-role')).toHaveLength(1);
    expect(rules(findings, 'analysis-budget').map((f) => f.message)).toEqual([
      "This root module already has 20000 instances, and 'count' would go past the 20000 grantlint analyses per root; grantlint analyses the rest with unknown values.",
    ]);
  });

  it('Terraform modules 1000 x 1000 x 1000 finish without exhausting the heap', async () => {
    const dir = tree({
      'main.tf': 'module "a" {\n  count  = 1000\n  source = "./a"\n}\n',
      'a/main.tf': 'module "b" {\n  count  = 1000\n  source = "../b"\n}\n',
      'b/main.tf': `variable "principal_id" {}\n${TF_OWNER('owner', '  count                = 1000\n')}`,
    });
    const { findings } = await lint([dir], { cwd: dir });
    expect(rules(findings, 'privileged-role')).toHaveLength(1);
    expect(rules(findings, 'analysis-budget').length).toBeGreaterThan(0);
  });

  it('a loop past 1,000 elements is one abstract instance with a finding (Terraform, Bicep, ARM)', async () => {
    const dir = tree({
      'main.tf': TF_OWNER('owner', '  count                = 5000\n'),
      'main.bicep': `param principalId string
resource owner 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for i in range(0, 5000): {
  name: guid(resourceGroup().id, principalId, string(i))
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '8e3af657-a8ff-443c-a75c-2fe8c4bcb635')
    principalId: principalId
  }
}]
`,
    });
    const { findings } = await lint([dir], { cwd: dir });
    expect(rules(findings, 'privileged-role')).toHaveLength(2);
    expect(rules(findings, 'analysis-budget').map((f) => `${f.file.split('/').pop()}:${f.range.start.line} ${f.message}`)).toEqual([
      'main.bicep:2 This loop has 5000 elements, more than the 1000 grantlint expands; grantlint analyses the rest with unknown values.',
      "main.tf:2 'count' asks for 5000 instances, more than the 1000 grantlint expands; grantlint analyses the rest with unknown values.",
    ]);
  });

  it('a Terraform chain of 5,000 locals is a budget finding, not a stack overflow that loses the root', async () => {
    const locals = Array.from({ length: 5000 }, (_, i) => `  l${i} = ${i === 4999 ? '"end"' : `local.l${i + 1}`}`).join('\n');
    const dir = tree({ 'main.tf': `locals {\n${locals}\n}\n${TF_OWNER('a')}resource "azurerm_resource_group" "rg" {\n  name     = local.l0\n  location = "westeurope"\n}\n${TF_OWNER('b')}` });
    const { findings } = await lint([dir], { cwd: dir });
    expect(rules(findings, 'privileged-role')).toHaveLength(2);
    expect(rules(findings, 'internal-error')).toEqual([]);
    expect(rules(findings, 'analysis-budget').map((f) => f.message)[0]).toMatch(/^References here are nested deeper than 400 levels/);
  });
});
