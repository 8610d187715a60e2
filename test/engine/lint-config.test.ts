import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigResolver } from '../../src/engine/config.js';
import { INVALID_SUPPRESSION_RULE, UNUSED_SUPPRESSION_RULE } from '../../src/engine/diagnostic-rules.js';
import { lint, type LintProgress } from '../../src/engine/lint.js';
import { docExamples, renderDocHeader } from '../../src/engine/rule-docs.js';
import type { LintResult } from '../../src/engine/types.js';
import { repoRoot } from '../helpers/paths.js';
import { treeMaker } from '../helpers/tree.js';

const { tree } = treeMaker('grantlint-lint-config-');

async function lintWithConfig(dir: string, extra: { reportUnusedSuppressions?: boolean } = {}): Promise<LintResult> {
  return lint([dir], { cwd: dir, config: new ConfigResolver({ cwd: dir }), ...extra });
}

function summary(result: LintResult, dir: string): string[] {
  return result.findings.map((f) => `${relative(dir, f.file)}:${f.range.start.line} ${f.severity} ${f.ruleId}`);
}

const OWNER = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';
const IDENTITY = "resource uami 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {\n  name: 'uami'\n  location: 'westeurope'\n}\n";
const ownerGrant = (symbol: string, comment = ''): string =>
  `${comment}resource ${symbol} 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(resourceGroup().id, uami.id, '${OWNER}', '${symbol}')
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${OWNER}')
    principalId: uami.properties.principalId
    principalType: 'ServicePrincipal'
  }
}
`;
const SITE = "resource site 'Microsoft.Web/sites@2023-01-01' = {\n  name: 'x'\n  location: 'westeurope'\n  identity: {\n    type: 'SystemAssigned'\n  }\n}\n";

describe('configuration in the pipeline', () => {
  it('severities from rules and overrides; off drops findings; ignored files are not linted', async () => {
    const dir = tree({
      '.grantlint.yaml': 'root: true\nrules:\n  broad-scope: off\n  privileged-role: warning\nignore:\n  - vendor/\noverrides:\n  - files: ["prod/**"]\n    rules:\n      privileged-role: error\n      missing-role-grant: info\n',
      'dev/main.bicep': IDENTITY + ownerGrant('g'),
      'prod/main.bicep': IDENTITY + ownerGrant('g'),
      'prod/site.bicep': SITE,
      'vendor/main.bicep': IDENTITY + ownerGrant('g'),
    });
    const result = await lintWithConfig(dir);
    expect(summary(result, dir)).toEqual([
      'dev/main.bicep:5 warning privileged-role',
      'prod/main.bicep:5 error privileged-role',
      'prod/site.bicep:1 info missing-role-grant',
    ]);
    expect(result.files.some((f) => f.includes('vendor'))).toBe(false);
  });

  it('plugin rules run with the options configured for each file', async () => {
    const plugin = JSON.stringify(join(repoRoot, 'fixtures', 'config', 'plugins', 'every-workload.mjs'));
    const dir = tree({
      '.grantlint.yaml': `root: true\nplugins: [${plugin}]\nrules:\n  missing-role-grant: off\n  fixture-every-workload: [warning, { prefix: "a/" }]\noverrides:\n  - files: ["b/**"]\n    rules:\n      fixture-every-workload: [error, { prefix: "b/" }]\n  - files: ["c/**"]\n    rules:\n      fixture-every-workload: off\n`,
      'a/site.bicep': SITE,
      'b/site.bicep': SITE,
      'c/site.bicep': SITE,
    });
    const result = await lintWithConfig(dir);
    expect(result.findings.map((f) => `${relative(dir, f.file)} ${f.severity} ${f.message}`)).toEqual([
      "a/site.bicep warning Workload 'a/site' found.",
      "b/site.bicep error Workload 'b/site' found.",
    ]);
  });

  it('reports progress: files discovered, then each batch of module closures read', async () => {
    const dir = tree({ 'a.bicep': SITE, 'b.tf': '', 'c/.grantlint.yaml': 'root: true\n' });
    const events: LintProgress[] = [];
    await lint([dir], { cwd: dir, onProgress: (e) => events.push(e) });
    expect(events).toEqual([
      { stage: 'discovered', files: 2 },
      { stage: 'front-end', files: 2, done: 1, total: 1 },
      { stage: 'rules' },
    ]);
  });
});

describe('suppressions through the front ends', () => {
  it('Bicep: a reasoned comment suppresses, one without a reason does not and is reported', async () => {
    const dir = tree({
      '.grantlint.yaml': 'root: true\nrules:\n  broad-scope: off\n',
      'main.bicep':
        IDENTITY +
        ownerGrant('a', '// grantlint-disable-next-line privileged-role -- the release pipeline owns this group\n') +
        ownerGrant('b', '// grantlint-disable-next-line privileged-role\n') +
        // Handed on (not orphaned), so that only the rules under test report.
        'output uamiId string = uami.id\n',
    });
    expect(summary(await lintWithConfig(dir), dir)).toEqual(['main.bicep:14 warning invalid-suppression', 'main.bicep:15 error privileged-role']);
  });

  it('Terraform: # and // comments; unused ones on request', async () => {
    const grant = (name: string, role: string, comment: string): string => `${comment}
resource "azurerm_role_assignment" "${name}" {
  scope                = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ops-rg/providers/Microsoft.ContainerRegistry/registries/opsacr"
  role_definition_name = "${role}"
  principal_id         = azurerm_user_assigned_identity.deployer.principal_id
  principal_type       = "ServicePrincipal"
}
`;
    const dir = tree({
      '.grantlint.yaml': 'root: true\n',
      'main.tf':
        'resource "azurerm_user_assigned_identity" "deployer" {\n  name                = "deployer"\n  resource_group_name = "ops-rg"\n  location            = "westeurope"\n}\n' +
        grant('a', 'Owner', '# grantlint-disable-next-line privileged-role -- the deployer creates the registry') +
        grant('b', 'Owner', '// grantlint-disable-next-line privileged-role -- same pipeline') +
        grant('c', 'AcrPull', '# grantlint-disable-next-line privileged-role -- stale') +
        // Handed on (not orphaned), so that only the rules under test report.
        'output "deployer" {\n  value = azurerm_user_assigned_identity.deployer.id\n}\n',
    });
    expect(summary(await lintWithConfig(dir), dir)).toEqual([]);
    expect(summary(await lintWithConfig(dir, { reportUnusedSuppressions: true }), dir)).toEqual(['main.tf:20 warning unused-suppression']);
  });

  it('ARM: metadata.grantlint.disable and // comments in a template', async () => {
    const assignment = (extra: string): string => `{
      "type": "Microsoft.Authorization/roleAssignments",
      "apiVersion": "2022-04-01",
      "name": "[guid(resourceGroup().id, parameters('principalId'), '${OWNER}')]",${extra}
      "properties": {
        "roleDefinitionId": "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${OWNER}')]",
        "principalId": "[parameters('principalId')]",
        "principalType": "ServicePrincipal"
      }
    }`;
    const template = (resources: string): string => `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": { "principalId": { "type": "string" } },
  "resources": [
    ${resources}
  ]
}
`;
    const dir = tree({
      '.grantlint.yaml': 'root: true\n',
      'metadata.json': template(
        assignment(`
      "metadata": { "grantlint": { "disable": [ "privileged-role -- break-glass automation", { "rule": "broad-scope", "reason": "the account manages the group" } ] } },`),
      ),
      'comments.jsonc': template(`// grantlint-disable-next-line privileged-role, broad-scope -- break-glass automation\n    ${assignment('')}`),
      'unsuppressed.json': template(assignment('')),
    });
    expect(summary(await lintWithConfig(dir), dir)).toEqual(['unsuppressed.json:6 warning broad-scope', 'unsuppressed.json:6 error privileged-role']);
  });
});

describe('the doc pages of the suppression rules', () => {
  for (const meta of [INVALID_SUPPRESSION_RULE, UNUSED_SUPPRESSION_RULE]) {
    const page = readFileSync(join(repoRoot, meta.docs), 'utf8');
    it(`${meta.id}: generated header and the fixed sections`, () => {
      expect(page).toContain(renderDocHeader(meta));
      for (const section of ['## What it finds', '## Why it matters', '## Examples', '## Options', '## How to suppress']) expect(page).toContain(section);
    });
    const file: Record<string, string> = { bicep: 'main.bicep', hcl: 'main.tf', json: 'azuredeploy.json' };
    docExamples(page).forEach((example, i) => {
      it(`${meta.id}: ${example.kind} ${example.language} example at line ${example.line}`, async () => {
        const dir = tree({ [file[example.language]]: example.code });
        const result = await lint([dir], { cwd: dir, reportUnusedSuppressions: true });
        const mine = result.findings.filter((f) => f.ruleId === meta.id);
        if (example.kind === 'bad') expect(mine.length, `example ${i}`).toBeGreaterThan(0);
        else expect(mine.map((f) => f.message)).toEqual([]);
      });
    });
  }
});
