import { describe, expect, it } from 'vitest';
import { lint } from '../../src/engine/lint.js';
import type { Finding } from '../../src/engine/types.js';
import { MAX_NESTING } from '../../src/syntax/nesting.js';
import { treeMaker } from '../helpers/tree.js';

const { tree } = treeMaker('grantlint-nesting-');

const OWNER = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';
const DEEP = 20_000;
const deep = '['.repeat(DEEP) + ']'.repeat(DEEP);

const FILES: Record<string, string> = {
  'tf/main.tf': `locals {\n  x = ${deep}\n}\nresource "azurerm_role_assignment" "o" {\n  scope                = "/subscriptions/x"\n  role_definition_name = "Owner"\n  principal_id         = var.p\n}\n`,
  'tfjson/main.tf.json': JSON.stringify({ locals: { x: 'PLACEHOLDER' }, resource: { azurerm_role_assignment: { o: { scope: '/subscriptions/x', role_definition_name: 'Owner', principal_id: '${var.p}' } } } }).replace('"PLACEHOLDER"', deep),
  'bicep/main.bicep': `var x = ${deep}\nparam p string\nresource o 'Microsoft.Authorization/roleAssignments@2022-04-01' = {\n  name: guid(resourceGroup().id, p, '${OWNER}')\n  properties: {\n    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${OWNER}')\n    principalId: p\n  }\n}\n`,
  'arm/azuredeploy.json': JSON.stringify({
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    parameters: { p: { type: 'string' } },
    variables: { x: 'PLACEHOLDER' },
    resources: [{ type: 'Microsoft.Authorization/roleAssignments', apiVersion: '2022-04-01', name: "[guid(parameters('p'))]", properties: { roleDefinitionId: `[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${OWNER}')]`, principalId: "[parameters('p')]" } }],
  }, null, 2).replace('"PLACEHOLDER"', deep),
};

const rules = (findings: Finding[], id: string): Finding[] => findings.filter((f) => f.ruleId === id);

describe('nesting past the parsers’ limit', () => {
  it('is a parse-error where the too-deep brackets start, and the rest of the file is still linted (all three formats)', async () => {
    const dir = tree(FILES);
    const { findings } = await lint([dir], { cwd: dir });
    const errors = rules(findings, 'parse-error').map((f) => `${f.file.slice(dir.length + 1)}:${f.range.start.line}:${f.range.start.column}`);
    expect(errors).toEqual([`arm/azuredeploy.json:10:${8 + MAX_NESTING}`, `bicep/main.bicep:1:${9 + MAX_NESTING}`, `tf/main.tf:2:${7 + MAX_NESTING}`, `tfjson/main.tf.json:1:${14 + MAX_NESTING}`]);
    for (const f of rules(findings, 'parse-error')) expect(f.message).toMatch(/^Brackets nested deeper than 128 levels start here/);
    // The Owner grant after the deep value is found in every file.
    expect(rules(findings, 'privileged-role').map((f) => f.file.slice(dir.length + 1).split('/')[0]).sort()).toEqual(['arm', 'bicep', 'tf', 'tfjson']);
    expect(rules(findings, 'internal-error')).toEqual([]);
  });
});

describe('a CR-only Terraform file that starts with a comment', () => {
  it('is a finding: HCL reads the whole file as that comment', async () => {
    const dir = tree({ 'main.tf': '# grants\rresource "azurerm_role_assignment" "o" {\r  scope = "/subscriptions/x"\r  role_definition_name = "Owner"\r  principal_id = var.p\r}\r' });
    const { findings } = await lint([dir], { cwd: dir });
    expect(findings.map((f) => [f.ruleId, f.range.start.line, f.range.start.column])).toEqual([['parse-error', 1, 9]]);
    expect(findings[0].message).toMatch(/^This comment runs to the end of the file: its line breaks are CR only/);
  });
});
