import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lint } from '../../../src/engine/lint.js';
import { ConfigResolver } from '../../../src/engine/config.js';
import { treeMaker } from '../../helpers/tree.js';

const { tree } = treeMaker('grantlint-scripts-');

interface Got {
  rule: string;
  file: string;
  line: number;
  message: string;
}

async function findings(files: Record<string, string>, rules?: string[], withConfig = false): Promise<Got[]> {
  const dir = tree(files);
  const result = await lint([dir], { cwd: dir, ...(withConfig ? { config: new ConfigResolver({ cwd: dir }) } : {}) });
  return result.findings
    .filter((f) => !rules || rules.includes(f.ruleId))
    .map((f) => ({ rule: f.ruleId, file: relative(dir, f.file).split('\\').join('/'), line: f.range.start.line, message: f.message }));
}

const CORE = ['privileged-role', 'broad-scope', 'missing-principal-type', 'non-idempotent-assignment-name', 'missing-role-grant', 'parse-error'];

function brief(got: Got[]): string[] {
  return got.map((g) => `${g.rule}@${g.file}:${g.line}`).sort();
}

describe('shell scripts', () => {
  it('reads az role assignment create with quoting, continuations and comments', async () => {
    const got = await findings(
      {
        'deploy.sh': [
          '#!/bin/bash',
          'ROLE="Owner"  # the broad one',
          "SCOPE='/subscriptions/0000/resourceGroups/app-rg'",
          'az role assignment create \\',
          '  --assignee-object-id "$PID" \\',
          '  --assignee-principal-type ServicePrincipal \\',
          '  --role "$ROLE" --scope "$SCOPE"',
          '# az role assignment create --role Owner --assignee x  (a comment, not a command)',
          "echo 'az role assignment create --role Owner --assignee x'",
        ].join('\n'),
      },
      CORE,
    );
    expect(brief(got)).toEqual(['broad-scope@deploy.sh:4', 'privileged-role@deploy.sh:4']);
    expect(got.find((g) => g.rule === 'broad-scope')!.message).toContain("resource group 'app-rg'");
    expect(got.find((g) => g.rule === 'broad-scope')!.message).toContain('pass --scope <resource id>');
  });

  it('skips here-documents, and does not read commands inside them', async () => {
    const got = await findings(
      {
        'a.sh': ['cat <<EOF > notes.txt', 'az role assignment create --assignee x --role Owner', 'EOF', 'cat <<-"END"', '\taz role assignment create --assignee y --role Owner', '\tEND', 'echo done'].join('\n'),
      },
      CORE,
    );
    expect(got).toEqual([]);
  });

  it('links a principal ID captured from az identity create, and judges an identity attached but never granted', async () => {
    const got = await findings(
      {
        'setup.sh': [
          'RG=app-rg',
          'az identity create -n app-id -g $RG',
          'az identity create -n granted-id -g $RG',
          'PID=$(az identity show -n granted-id -g $RG --query principalId -o tsv)',
          'az webapp identity assign -n web -g $RG --identities app-id granted-id',
          'KV=$(az keyvault show -n app-kv -g $RG --query id -o tsv)',
          'az role assignment create --assignee-object-id "$PID" --assignee-principal-type ServicePrincipal --role "Key Vault Secrets User" --scope "$KV"',
          'az identity create -n unused-id -g $RG',
        ].join('\n'),
      },
      CORE,
    );
    expect(brief(got)).toEqual(['missing-role-grant@setup.sh:2']);
    expect(got[0].message).toContain("'app-id'");
  });

  it('reads identity assign --role --scope as a grant to the system-assigned identity', async () => {
    const got = await findings({ 'a.sh': 'az webapp identity assign -g rg -n web --role Contributor --scope /subscriptions/123/resourceGroups/rg\n' }, CORE);
    expect(brief(got)).toEqual(['broad-scope@a.sh:1', 'privileged-role@a.sh:1']);
    expect(got[0].message).toContain("system-assigned identity of 'web'");
  });

  it('defaults the scope to the subscription, and -g to the resource group', async () => {
    const got = await findings(
      {
        'a.sh': 'az role assignment create --assignee-object-id x --assignee-principal-type ServicePrincipal --role Reader\naz role assignment create --assignee-object-id x --assignee-principal-type ServicePrincipal --role Reader -g rg\n',
      },
      ['broad-scope'],
    );
    expect(got.map((g) => [g.line, /subscription|resource group 'rg'/.exec(g.message)?.[0]])).toEqual([
      [1, 'subscription'],
      [2, "resource group 'rg'"],
    ]);
  });

  it('does not read commands the CLI would refuse', async () => {
    const got = await findings(
      {
        'a.sh': [
          'az role assignment create --assignee a --assignee-object-id b --role Owner',
          'az role assignment create --role Owner',
          'az role assignment create --assignee a --assignee-principal-type User --role Owner',
          'az role assignment create --assignee-object-id b --role Owner --scope /subscriptions/1 -g rg',
        ].join('\n'),
      },
      CORE,
    );
    expect(got).toEqual([]);
  });

  it('treats a user principal name and --assignee-principal-type User as a user', async () => {
    const got = await findings({ 'a.sh': 'az role assignment create --assignee ann@contoso.com --role Owner\naz role assignment create --assignee-object-id x --assignee-principal-type Group --role Owner\n' }, CORE);
    expect(got).toEqual([]);
  });

  it('judges assignment names: generated or literal, not absent', async () => {
    const got = await findings(
      {
        'a.sh': [
          'az role assignment create --assignee-object-id x --assignee-principal-type ServicePrincipal --role Reader --scope /s/x/providers/Microsoft.KeyVault/vaults/v --name "$(uuidgen)"',
          'az role assignment create --assignee-object-id x --assignee-principal-type ServicePrincipal --role Reader --scope /s/x/providers/Microsoft.KeyVault/vaults/v -n 1b4f8c0e-0000-4000-8000-000000000000',
          'az role assignment create --assignee-object-id x --assignee-principal-type ServicePrincipal --role Reader --scope /s/x/providers/Microsoft.KeyVault/vaults/v',
        ].join('\n'),
      },
      ['non-idempotent-assignment-name'],
    );
    expect(got.map((g) => g.line)).toEqual([1, 2]);
    expect(got[0].message).toContain('--name "$(uuidgen)"');
    expect(got[0].message).toContain('Leave out --name');
  });

  it('skips a command over an unknown loop variable or eval, and reads literal loops', async () => {
    const got = await findings(
      {
        'a.sh': [
          'for r in $ROLES; do',
          '  az role assignment create --assignee-object-id x --role "$r" --scope /subscriptions/1',
          'done',
          'eval "az role assignment create --assignee x --role Owner"',
          'for r in Owner Reader; do',
          '  az role assignment create --assignee-object-id x --assignee-principal-type ServicePrincipal --role "$r" --scope /subscriptions/1/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/s',
          'done',
          'while read -r id; do az role assignment create --assignee-object-id "$id" --role Owner; done < ids.txt',
        ].join('\n'),
      },
      CORE,
    );
    expect(brief(got)).toEqual(['privileged-role@a.sh:6']);
  });

  it('keeps a variable assigned in one branch only as unknown after the branch', async () => {
    const got = await findings(
      {
        'a.sh': [
          'ROLE=Reader',
          'if [ "$PROD" = 1 ]; then ROLE=Owner; fi',
          'az role assignment create --assignee-object-id x --assignee-principal-type ServicePrincipal --role "$ROLE" --scope /subscriptions/1/resourceGroups/r/providers/Microsoft.Storage/storageAccounts/s',
          'if true; then',
          '  az role assignment create --assignee-object-id x --assignee-principal-type ServicePrincipal --role Owner --scope /subscriptions/1/resourceGroups/r/providers/Microsoft.Storage/storageAccounts/s',
          'fi',
        ].join('\n'),
      },
      ['privileged-role'],
    );
    expect(got.map((g) => g.line)).toEqual([5]);
  });

  it('runs functions with their arguments', async () => {
    const got = await findings(
      {
        'a.sh': [
          'grant() {',
          '  az role assignment create --assignee-object-id "$1" --assignee-principal-type ServicePrincipal --role "$2" --scope "$3"',
          '}',
          'grant abc Owner /subscriptions/1/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv',
          'grant abc Reader /subscriptions/1/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv',
        ].join('\n'),
      },
      ['privileged-role'],
    );
    expect(got.map((g) => g.line)).toEqual([2]);
  });

  it('does not conclude a flag is absent when an unquoted unknown expansion may hold it', async () => {
    const got = await findings({ 'a.sh': 'az role assignment create --assignee-object-id x --role Reader $EXTRA_ARGS\n' }, CORE);
    expect(got).toEqual([]);
  });

  it('honours # grantlint-disable-next-line above a command', async () => {
    const got = await findings(
      {
        'a.sh': '# grantlint-disable-next-line privileged-role, broad-scope -- break-glass account, reviewed\naz role assignment create --assignee-object-id x --assignee-principal-type ServicePrincipal --role Owner --scope /subscriptions/1\n',
      },
      CORE,
    );
    expect(got).toEqual([]);
  });

  it('reads a script that is not UTF-8', async () => {
    const dir = tree({});
    const latin1 = Buffer.from('# D\xe9ploiement \xe0 la cl\xe9\nROLE=Owner\naz role assignment create --assignee-object-id x --assignee-principal-type ServicePrincipal --role $ROLE --scope /subscriptions/1\n', 'latin1');
    writeFileSync(join(dir, 'latin1.sh'), latin1);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('New-AzRoleAssignment -ObjectId $id -ObjectType ServicePrincipal -RoleDefinitionName Owner -Scope "/subscriptions/1"\r\n', 'utf16le')]);
    writeFileSync(join(dir, 'utf16.ps1'), utf16);
    const result = await lint([dir], { cwd: dir });
    const got = result.findings.filter((f) => f.ruleId === 'privileged-role').map((f) => `${relative(dir, f.file)}:${f.range.start.line}`);
    expect(got.sort()).toEqual(['latin1.sh:3', 'utf16.ps1:1']);
  });

  it('is turned off by scripts: false in .grantlint.yaml', async () => {
    const files = { 'a.sh': 'az role assignment create --assignee x --role Owner\n' };
    expect((await findings(files, CORE, true)).length).toBeGreaterThan(0);
    expect(await findings({ ...files, '.grantlint.yaml': 'scripts: false\n' }, CORE, true)).toEqual([]);
  });
});

describe('PowerShell scripts', () => {
  it('reads New-AzRoleAssignment with backtick continuations and $var literals', async () => {
    const got = await findings(
      {
        'grant.ps1': [
          '$role = "Contributor"',
          "$rg = 'app-rg'",
          '$id = (Get-AzUserAssignedIdentity -Name app-id -ResourceGroupName $rg).PrincipalId',
          'New-AzRoleAssignment -ObjectId $id `',
          '  -RoleDefinitionName $role `',
          '  -ResourceGroupName $rg',
        ].join('\n'),
      },
      CORE,
    );
    expect(brief(got)).toEqual(['broad-scope@grant.ps1:4', 'missing-principal-type@grant.ps1:4', 'privileged-role@grant.ps1:4']);
    const mpt = got.find((g) => g.rule === 'missing-principal-type')!;
    expect(mpt.message).toContain('-ObjectType ServicePrincipal');
    expect(mpt.message).toContain("user-assigned identity 'app-id'");
    expect(got.find((g) => g.rule === 'broad-scope')!.message).toContain('-Scope <resource id>');
  });

  it('reads splatting, -ObjectType and parameter prefixes', async () => {
    const got = await findings(
      {
        'a.ps1': [
          '$params = @{',
          '  ObjectId = $principalId',
          "  ObjectType = 'ServicePrincipal'",
          "  RoleDefinitionName = 'Storage Blob Data Reader'",
          "  Scope = '/subscriptions/1/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st'",
          '}',
          'New-AzRoleAssignment @params',
          "New-AzRoleAssignment -ObjectId $p -ObjectT ServicePrincipal -RoleDefinitionN Owner -Scope '/subscriptions/1/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st'",
          'New-AzRoleAssignment -SignInName ann@contoso.com -RoleDefinitionName Owner',
        ].join('\n'),
      },
      CORE,
    );
    expect(brief(got)).toEqual(['privileged-role@a.ps1:8']);
  });

  it('reads az commands in PowerShell, with $x = az ... captures and param() defaults', async () => {
    const got = await findings(
      {
        'a.ps1': [
          'param(',
          '  [string] $ResourceGroup = "orders-rg",',
          '  [string] $Role',
          ')',
          '$principalId = az containerapp identity assign --name app --resource-group $ResourceGroup --system-assigned --query principalId -o tsv',
          'az role assignment create --assignee-object-id $principalId --assignee-principal-type ServicePrincipal `',
          '  --role "AcrPull" --resource-group $ResourceGroup',
          'foreach ($r in $Roles) { New-AzRoleAssignment -ObjectId $principalId -RoleDefinitionName $r }',
          "# New-AzRoleAssignment -ObjectId x -RoleDefinitionName Owner",
          '<# New-AzRoleAssignment -ObjectId x -RoleDefinitionName Owner #>',
        ].join('\n'),
      },
      CORE,
    );
    expect(brief(got)).toEqual(['broad-scope@a.ps1:6']);
    expect(got[0].message).toContain("system-assigned identity of 'app'");
    expect(got[0].message).toContain("resource group 'orders-rg'");
  });
});

describe('workflows and pipelines', () => {
  it('maps run: block scalars (| and >) to the workflow lines, with shell: and env:', async () => {
    const got = await findings(
      {
        '.github/workflows/ci.yml': [
          'on: push',
          'env:',
          '  ROLE: Owner',
          'jobs:',
          '  a:',
          '    runs-on: ubuntu-latest',
          '    steps:',
          '      - run: |',
          '          echo start',
          '          az role assignment create --assignee-object-id x \\',
          '            --assignee-principal-type ServicePrincipal --role "$ROLE" --scope /subscriptions/${{ secrets.SUB }}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv',
          '      - shell: pwsh',
          '        run: >',
          '          New-AzRoleAssignment -ObjectId $id -ObjectType ServicePrincipal',
          '          -RoleDefinitionName Owner -Scope /subscriptions/1',
          '      - shell: python',
          '        run: print("az role assignment create --role Owner --assignee x")',
        ].join('\n'),
      },
      CORE,
    );
    expect(brief(got)).toEqual(['broad-scope@.github/workflows/ci.yml:14', 'privileged-role@.github/workflows/ci.yml:10', 'privileged-role@.github/workflows/ci.yml:14']);
  });

  it('reads Azure Pipelines steps, AzureCLI@2 inline scripts and scriptPath files, with variables', async () => {
    const got = await findings(
      {
        'azure-pipelines.yml': [
          'trigger: [main]',
          'variables:',
          '  role: Contributor',
          'pool:',
          '  vmImage: ubuntu-latest',
          'steps:',
          '  - task: AzureCLI@2',
          '    inputs:',
          '      azureSubscription: conn',
          '      scriptType: bash',
          '      scriptLocation: inlineScript',
          '      inlineScript: |',
          '        az role assignment create --assignee-object-id x --assignee-principal-type ServicePrincipal \\',
          '          --role "$(role)" --scope /subscriptions/1/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st',
          '  - task: AzureCLI@2',
          '    inputs:',
          '      scriptType: bash',
          '      scriptLocation: scriptPath',
          '      scriptPath: $(System.DefaultWorkingDirectory)/ops/grant.azcli',
          '  - pwsh: New-AzRoleAssignment -ObjectId $id -RoleDefinitionName Reader -Scope /subscriptions/1',
        ].join('\n'),
        'ops/grant.azcli': 'az role assignment create --assignee $APP_ID --role Reader --scope /subscriptions/1/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st\n',
      },
      CORE,
    );
    expect(brief(got)).toEqual([
      'broad-scope@azure-pipelines.yml:20',
      'missing-principal-type@azure-pipelines.yml:20',
      'missing-principal-type@ops/grant.azcli:1',
      'privileged-role@azure-pipelines.yml:13',
    ]);
  });

  it('honours # grantlint-disable-next-line inside a run: block and above a step', async () => {
    const got = await findings(
      {
        '.github/workflows/ci.yml': [
          'on: push',
          'jobs:',
          '  a:',
          '    runs-on: ubuntu-latest',
          '    steps:',
          '      - run: |',
          '          # grantlint-disable-next-line privileged-role -- the bootstrap identity, reviewed',
          '          az role assignment create --assignee-object-id x --assignee-principal-type ServicePrincipal --role Owner --scope /subscriptions/1/resourceGroups/r/providers/Microsoft.KeyVault/vaults/v',
          '      # grantlint-disable-next-line privileged-role -- also reviewed',
          '      - run: az role assignment create --assignee-object-id x --assignee-principal-type ServicePrincipal --role Owner --scope /subscriptions/1/resourceGroups/r/providers/Microsoft.KeyVault/vaults/v',
        ].join('\n'),
      },
      CORE,
    );
    expect(got).toEqual([]);
  });

  it('reports a workflow that is not YAML, and ignores YAML that is no pipeline', async () => {
    const got = await findings(
      {
        '.github/workflows/bad.yml': 'jobs:\n  a: [\n',
        'k8s/deploy.yaml': 'apiVersion: v1\nkind: ConfigMap\nsteps:\n  - script: az role assignment create --assignee x --role Owner\n',
      },
      CORE,
    );
    expect(brief(got)).toEqual(['parse-error@.github/workflows/bad.yml:3']);
  });
});

describe('deployment scripts', () => {
  it('reads scriptContent in Bicep (mapped to its lines) with environmentVariables linking the identity', async () => {
    const got = await findings(
      {
        'main.bicep': [
          "resource uami 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {",
          "  name: 'script-id'",
          "  location: 'westeurope'",
          '}',
          "resource ds 'Microsoft.Resources/deploymentScripts@2023-08-01' = {",
          "  name: 'grant'",
          "  location: 'westeurope'",
          "  kind: 'AzureCLI'",
          "  identity: { type: 'UserAssigned', userAssignedIdentities: { '${uami.id}': {} } }",
          '  properties: {',
          "    azCliVersion: '2.52.0'",
          "    retentionInterval: 'PT1H'",
          '    environmentVariables: [',
          "      { name: 'PID', value: uami.properties.principalId }",
          '    ]',
          "    scriptContent: '''",
          'set -e',
          'az role assignment create --assignee-object-id "$PID" --role Owner \\',
          '  --scope "/subscriptions/$SUB"',
          "'''",
          '  }',
          '}',
        ].join('\n'),
      },
      CORE,
    );
    expect(brief(got)).toEqual(['broad-scope@main.bicep:18', 'missing-principal-type@main.bicep:18', 'privileged-role@main.bicep:18']);
    expect(got.find((g) => g.rule === 'privileged-role')!.message).toContain("user-assigned identity 'uami'");
  });

  it('reads loadTextContent() of a local file and ARM scriptContent strings', async () => {
    const got = await findings(
      {
        'main.bicep': [
          "resource ds 'Microsoft.Resources/deploymentScripts@2023-08-01' = {",
          "  name: 'grant'",
          "  location: 'westeurope'",
          "  kind: 'AzurePowerShell'",
          "  properties: { azPowerShellVersion: '11.0', retentionInterval: 'PT1H', scriptContent: loadTextContent('scripts/grant.ps1') }",
          '}',
        ].join('\n'),
        'scripts/grant.ps1': "New-AzRoleAssignment -ObjectId $id -ObjectType ServicePrincipal -RoleDefinitionName Owner -Scope '/subscriptions/1/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv'\n",
        'arm.json': JSON.stringify(
          {
            $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
            contentVersion: '1.0.0.0',
            resources: [
              {
                type: 'Microsoft.Resources/deploymentScripts',
                apiVersion: '2023-08-01',
                name: 'grant',
                location: 'westeurope',
                kind: 'AzureCLI',
                properties: { azCliVersion: '2.52.0', retentionInterval: 'PT1H', scriptContent: 'echo hi\naz role assignment create --assignee-object-id x --assignee-principal-type ServicePrincipal --role Reader -g rg' },
              },
            ],
          },
          null,
          2,
        ),
      },
      CORE,
    );
    expect(brief(got)).toEqual(['broad-scope@arm.json:14', 'privileged-role@scripts/grant.ps1:1']);
  });
});
