import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyEdits } from '../../src/engine/fix/apply.js';
import { lint } from '../../src/engine/lint.js';
import type { Finding, TextEdit } from '../../src/engine/types.js';
import { FORMATTERS } from '../../src/format/index.js';
import { treeMaker } from '../helpers/tree.js';

const { tree } = treeMaker('grantlint-fixes-');

const BICEP_UAMI = `resource uami 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'app-id'
  location: 'westeurope'
}
resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: 'kv'
}
`;
const SECRETS_USER = '4633458b-17de-408a-b874-0445c86b69e6';
const OWNER = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';
const BLOB_READER = '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1';

const bicepAssignment = (name: string, role: string, extra = '') => `${BICEP_UAMI}resource ra 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: ${name}
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${role}')
    principalId: uami.properties.principalId${extra}
  }
}
`;

const armTemplate = (name: string, role: string, extra = '', scope = '') => `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "resources": [
    {
      "type": "Microsoft.ManagedIdentity/userAssignedIdentities",
      "apiVersion": "2023-01-31",
      "name": "app-id",
      "location": "westeurope"
    },
    {
      "type": "Microsoft.Authorization/roleAssignments",
      "apiVersion": "2022-04-01",
      "name": ${JSON.stringify(name)},${scope}
      "properties": {
        "roleDefinitionId": "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${role}')]",
        "principalId": "[reference(resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', 'app-id'), '2023-01-31').principalId]"${extra}
      },
      "dependsOn": ["[resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', 'app-id')]"]
    }
  ]
}
`;

const TF_UAMI = `resource "azurerm_user_assigned_identity" "app" {
  name                = "app"
  resource_group_name = "rg"
  location            = "westeurope"
}
`;
const VAULT_ID = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv';
const tfAssignment = (name: string, role: string, extra = '') => `${TF_UAMI}
resource "azurerm_role_assignment" "app" {
${name}  scope                = "${VAULT_ID}"
  role_definition_name = "${role}"
  principal_id         = azurerm_user_assigned_identity.app.principal_id${extra}
}
`;
const azapiAssignment = `${TF_UAMI}
resource "azapi_resource" "ra" {
  type      = "Microsoft.Authorization/roleAssignments@2022-04-01"
  name      = "c4b0b2d6-8f8e-4c5e-9f3a-2b1d3c4e5f60"
  parent_id = "${VAULT_ID}"
  body = {
    properties = {
      principalId      = azurerm_user_assigned_identity.app.principal_id
      roleDefinitionId = "/providers/Microsoft.Authorization/roleDefinitions/${SECRETS_USER}"
    }
  }
}
`;

interface FixCase {
  name: string;
  file: string;
  text: string;
  rule: string;
  kind: 'fix' | 'suggestion';
  /** A line the fixed text must contain (the edit in the file's own layout). */
  expect: string | RegExp;
}

const PT_BICEP = "\n    principalType: 'ServicePrincipal'";
const PT_ARM = ',\n        "principalType": "ServicePrincipal"';
const CASES: FixCase[] = [
  { name: 'principalType, Bicep', file: 'main.bicep', text: bicepAssignment(`guid(vault.id, uami.id, '${SECRETS_USER}')`, SECRETS_USER), rule: 'missing-principal-type', kind: 'fix', expect: "    principalType: 'ServicePrincipal'" },
  { name: 'principalType, ARM', file: 'azuredeploy.json', text: armTemplate(`[guid(resourceGroup().id, 'app-id', '${SECRETS_USER}')]`, SECRETS_USER), rule: 'missing-principal-type', kind: 'fix', expect: '        "principalType": "ServicePrincipal"' },
  { name: 'principal_type, azurerm', file: 'main.tf', text: tfAssignment('', 'Key Vault Secrets User'), rule: 'missing-principal-type', kind: 'fix', expect: '  principal_type       = "ServicePrincipal"' },
  { name: 'principalType, azapi', file: 'main.tf', text: azapiAssignment, rule: 'missing-principal-type', kind: 'fix', expect: '      principalType    = "ServicePrincipal"' },
  {
    name: 'principalType of a principal passed in, Bicep (suggestion)',
    file: 'main.bicep',
    text: `param principalId string\n${BICEP_UAMI}resource ra 'Microsoft.Authorization/roleAssignments@2022-04-01' = {\n  name: guid(vault.id, principalId, '${SECRETS_USER}')\n  scope: vault\n  properties: {\n    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${SECRETS_USER}')\n    principalId: principalId\n  }\n}\n`,
    rule: 'missing-principal-type',
    kind: 'suggestion',
    expect: "    principalType: 'ServicePrincipal'",
  },
  { name: 'stable name for newGuid(), Bicep', file: 'main.bicep', text: bicepAssignment('newGuid()', SECRETS_USER, PT_BICEP), rule: 'non-idempotent-assignment-name', kind: 'suggestion', expect: `  name: guid(vault.id, uami.properties.principalId, subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${SECRETS_USER}'))` },
  { name: 'stable name for a partial guid(), Bicep', file: 'main.bicep', text: bicepAssignment('guid(uami.id)', SECRETS_USER, PT_BICEP), rule: 'non-idempotent-assignment-name', kind: 'suggestion', expect: /name: guid\(vault\.id, uami\.properties\.principalId, / },
  { name: 'stable name for a literal, ARM', file: 'azuredeploy.json', text: armTemplate('c4b0b2d6-8f8e-4c5e-9f3a-2b1d3c4e5f60', SECRETS_USER, PT_ARM), rule: 'non-idempotent-assignment-name', kind: 'suggestion', expect: `      "name": "[guid(resourceGroup().id, reference(resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', 'app-id'), '2023-01-31').principalId, subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${SECRETS_USER}'))]",` },
  { name: 'no name for uuid(), azurerm', file: 'main.tf', text: tfAssignment('  name                 = uuid()\n', 'Key Vault Secrets User', '\n  principal_type       = "ServicePrincipal"'), rule: 'non-idempotent-assignment-name', kind: 'suggestion', expect: /^resource "azurerm_role_assignment" "app" \{\r?\n {2}scope/m },
  {
    name: 'stable name scoped to a nested resource (parent::child), Bicep',
    file: 'main.bicep',
    text: bicepAssignment('newGuid()', SECRETS_USER, PT_BICEP)
      .replace("existing = {\n  name: 'kv'\n}", "existing = {\n  name: 'kv'\n  resource secret 'secrets' existing = {\n    name: 'db'\n  }\n}")
      .replace('scope: vault\n', 'scope: vault::secret\n'),
    rule: 'non-idempotent-assignment-name',
    kind: 'suggestion',
    expect: `  name: guid(vault::secret.id, uami.properties.principalId, subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${SECRETS_USER}'))`,
  },
  { name: 'narrower role, Bicep', file: 'main.bicep', text: bicepAssignment(`guid(vault.id, uami.id, '${OWNER}')`, OWNER, PT_BICEP), rule: 'privileged-role', kind: 'suggestion', expect: `  name: guid(vault.id, uami.id, '${SECRETS_USER}')` },
  { name: 'narrower role, ARM', file: 'azuredeploy.json', text: armTemplate(`[guid('Microsoft.KeyVault/vaults/kv', 'app-id', '${OWNER}')]`, OWNER, PT_ARM, `\n      "scope": "Microsoft.KeyVault/vaults/kv",`), rule: 'privileged-role', kind: 'suggestion', expect: `        "roleDefinitionId": "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${SECRETS_USER}')]",` },
  { name: 'narrower role, azurerm', file: 'main.tf', text: tfAssignment('', 'Owner', '\n  principal_type       = "ServicePrincipal"'), rule: 'privileged-role', kind: 'suggestion', expect: '  role_definition_name = "Key Vault Secrets User"' },
  { name: 'a role for the target, Bicep', file: 'main.bicep', text: bicepAssignment(`guid(vault.id, uami.id, '${BLOB_READER}')`, BLOB_READER, PT_BICEP), rule: 'role-target-mismatch', kind: 'suggestion', expect: new RegExp(`roleDefinitionId: subscriptionResourceId\\('Microsoft.Authorization/roleDefinitions', '(?!${BLOB_READER})[0-9a-f-]{36}'\\)`) },
  { name: 'a role for the target, azurerm', file: 'main.tf', text: tfAssignment('', 'AcrPull', '\n  principal_type       = "ServicePrincipal"'), rule: 'role-target-mismatch', kind: 'suggestion', expect: /role_definition_name = "(?!AcrPull")[^"]+"/ },
];

type Variant = 'LF' | 'CRLF' | 'BOM' | 'BOM+CRLF';
const VARIANTS: Variant[] = ['LF', 'CRLF', 'BOM', 'BOM+CRLF'];
const variant = (text: string, v: Variant): string => (v.startsWith('BOM') ? '\ufeff' : '') + (v.endsWith('CRLF') ? text.replace(/\n/g, '\r\n') : text);

function editsOf(f: Finding, kind: 'fix' | 'suggestion'): TextEdit[] | undefined {
  return kind === 'fix' ? f.fix?.edits : f.suggestions?.[0]?.edits;
}

describe('every fix and suggestion: the fixed file parses and re-lints clean of that finding', () => {
  for (const c of CASES) {
    for (const v of VARIANTS) {
      it(`${c.name} (${v})`, async () => {
        const text = variant(c.text, v);
        const dir = tree({ [c.file]: text });
        const path = join(dir, c.file);
        const before = await lint([dir], { cwd: dir });
        const target = before.findings.filter((f) => f.ruleId === c.rule);
        expect(target).toHaveLength(1);
        const edits = editsOf(target[0], c.kind);
        expect(edits, `${c.rule} offers a ${c.kind}`).toBeDefined();
        if (c.kind === 'fix') expect(target[0].suggestions).toBeUndefined();
        const fixed = applyEdits(readFileSync(path, 'utf8'), path, edits!);
        // The file's own conventions survive: its BOM, its line endings, and nothing else changes around the edit.
        expect(fixed.startsWith('\ufeff')).toBe(v.startsWith('BOM'));
        if (v.endsWith('CRLF')) expect(fixed.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
        else expect(fixed).not.toContain('\r');
        if (typeof c.expect === 'string') expect(fixed.split(/\r?\n/)).toContain(c.expect);
        else expect(fixed).toMatch(c.expect);
        const after = await lint([dir], { cwd: dir, overrides: new Map([[path, fixed]]) });
        expect(after.findings.filter((f) => f.ruleId === 'parse-error')).toEqual([]);
        expect(after.findings.filter((f) => f.ruleId === c.rule)).toEqual([]);
      });
    }
  }
});

describe('fixes in every output format', () => {
  it('json and sarif carry the edits; the other formats still render', async () => {
    const dir = tree({ 'main.bicep': bicepAssignment(`guid(vault.id, uami.id, '${SECRETS_USER}')`, SECRETS_USER) });
    const result = await lint([dir], { cwd: dir });
    const context = { cwd: dir, rules: [], version: '0.0.0' };
    const json = JSON.parse(FORMATTERS.json(result, context));
    // Other rules report on this file too (orphaned-identity): the fix is on missing-principal-type's finding.
    expect(json.findings.find((f: { ruleId: string }) => f.ruleId === 'missing-principal-type').fix).toEqual({
      message: "Add principalType: 'ServicePrincipal'",
      edits: [{ file: 'main.bicep', range: { start: { line: 13, column: 45 }, end: { line: 13, column: 45 } }, text: "\n    principalType: 'ServicePrincipal'" }],
    });
    const sarif = JSON.parse(FORMATTERS.sarif(result, context));
    expect(sarif.runs[0].results.find((r: { ruleId: string }) => r.ruleId === 'missing-principal-type').fixes).toEqual([
      {
        description: { text: "Add principalType: 'ServicePrincipal'" },
        artifactChanges: [
          {
            artifactLocation: { uri: 'main.bicep', uriBaseId: 'SRCROOT' },
            replacements: [{ deletedRegion: { startLine: 13, startColumn: 45, endLine: 13, endColumn: 45 }, insertedContent: { text: "\n    principalType: 'ServicePrincipal'" } }],
          },
        ],
      },
    ]);
    for (const name of Object.keys(FORMATTERS)) expect(FORMATTERS[name](result, context)).toContain(name === 'stylish' || name === 'compact' || name === 'github' ? 'principalType' : '');
  });
});

describe('the fixer keeps layouts it cannot edit cleanly untouched', () => {
  it('offers no fix when properties come from a variable', async () => {
    const dir = tree({
      'main.bicep': `${BICEP_UAMI}var props = {\n  roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${SECRETS_USER}')\n  principalId: uami.properties.principalId\n}\nresource ra 'Microsoft.Authorization/roleAssignments@2022-04-01' = {\n  name: guid(vault.id, uami.id, '${SECRETS_USER}')\n  scope: vault\n  properties: props\n}\n`,
    });
    const result = await lint([dir], { cwd: dir });
    const f = result.findings.find((x) => x.ruleId === 'missing-principal-type');
    expect(f).toBeDefined();
    expect(f!.fix).toBeUndefined();
  });

  it('inserts into a single-line object with a comma, and aligns nothing it should not', async () => {
    const dir = tree({
      'main.bicep': `${BICEP_UAMI}resource ra 'Microsoft.Authorization/roleAssignments@2022-04-01' = {\n  name: guid(vault.id, uami.id, '${SECRETS_USER}')\n  scope: vault\n  properties: { roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${SECRETS_USER}'), principalId: uami.properties.principalId }\n}\n`,
    });
    const result = await lint([dir], { cwd: dir });
    const f = result.findings.find((x) => x.ruleId === 'missing-principal-type')!;
    const path = join(dir, 'main.bicep');
    expect(applyEdits(readFileSync(path, 'utf8'), path, f.fix!.edits)).toContain("principalId: uami.properties.principalId, principalType: 'ServicePrincipal' }");
  });

  it('keeps tabs', async () => {
    const text = bicepAssignment(`guid(vault.id, uami.id, '${SECRETS_USER}')`, SECRETS_USER).replace(/^( +)/gm, (m) => '\t'.repeat(m.length / 2));
    const dir = tree({ 'main.bicep': text });
    const result = await lint([dir], { cwd: dir });
    const f = result.findings.find((x) => x.ruleId === 'missing-principal-type')!;
    const path = join(dir, 'main.bicep');
    expect(applyEdits(text, path, f.fix!.edits)).toContain("\n\t\tprincipalType: 'ServicePrincipal'\n\t}");
  });
});

describe('a module shared by its callers is not fixed for one of them', () => {
  const MODULE = `param principalId string\nresource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {\n  name: 'kv'\n}\nresource ra 'Microsoft.Authorization/roleAssignments@2022-04-01' = {\n  name: guid(vault.id, principalId, '${SECRETS_USER}')\n  scope: vault\n  properties: {\n    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${SECRETS_USER}')\n    principalId: principalId\n  }\n}\n`;

  it('suggests the principal type in a module whose principal the caller passes in; fixes it where the identity is declared with it', async () => {
    const dir = tree({
      'grant.bicep': MODULE,
      'main.bicep': `${BICEP_UAMI}module g 'grant.bicep' = {\n  name: 'g'\n  params: {\n    principalId: uami.properties.principalId\n  }\n}\n`,
      'local.bicep': `${BICEP_UAMI}resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {\n  name: 'kv'\n}\nresource ra 'Microsoft.Authorization/roleAssignments@2022-04-01' = {\n  name: guid(vault.id, uami.id, '${SECRETS_USER}')\n  scope: vault\n  properties: {\n    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${SECRETS_USER}')\n    principalId: uami.properties.principalId\n  }\n}\n`,
    });
    const result = await lint([dir], { cwd: dir });
    const found = result.findings.filter((x) => x.ruleId === 'missing-principal-type');
    const inModule = found.find((f) => f.file.endsWith('grant.bicep'));
    const local = found.find((f) => f.file.endsWith('local.bicep'));
    expect(inModule).toBeDefined();
    expect(inModule!.fix).toBeUndefined();
    expect(inModule!.suggestions?.length).toBe(1);
    expect(local?.fix).toBeDefined();
  });
});

describe('no stable-name suggestion that would change a module interface', () => {
  it('keeps `override.?name ?? guid(...)` when the caller passes a fixed name in', async () => {
    const dir = tree({
      'mod.bicep': `param roleAssignment object\n${BICEP_UAMI}resource ra 'Microsoft.Authorization/roleAssignments@2022-04-01' = {\n  name: roleAssignment.?name ?? guid(vault.id, uami.properties.principalId, subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${SECRETS_USER}'))\n  scope: vault\n  properties: {\n    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${SECRETS_USER}')\n    principalId: uami.properties.principalId\n    principalType: 'ServicePrincipal'\n  }\n}\n`,
      'main.bicep': `module m 'mod.bicep' = {\n  name: 'm'\n  params: {\n    roleAssignment: {\n      name: 'a66da6bc-b3ee-484e-9bdb-9294938bb327'\n    }\n  }\n}\n`,
    });
    const result = await lint([dir], { cwd: dir });
    const f = result.findings.filter((x) => x.ruleId === 'non-idempotent-assignment-name');
    expect(f).toHaveLength(1);
    expect(f[0].fix).toBeUndefined();
    expect(f[0].suggestions ?? []).toEqual([]);
  });
});
