import { describe, expect, it } from 'vitest';
import { parsePowerShell } from '../../../src/syntax/powershell/parser.js';
import { parseShell, type ParseStats } from '../../../src/syntax/shell/parser.js';
import { fileSource } from '../../../src/syntax/script/source.js';
import { lowerScript } from '../../../src/lower/scripts/script.js';
import { emptyProgram } from '../../../src/model/template.js';

/** A chunk of shell with every construct the parser treats specially. */
const SHELL_CHUNK = [
  '# a comment with "quotes" and $(not a command)',
  'RG="app-rg"; KV=$(az keyvault show -n kv -g "$RG" --query id -o tsv)',
  'ID=`az identity show -n id -g $RG --query principalId -o tsv`',
  "cat <<'EOF'",
  'az role assignment create --role Owner --assignee x',
  'EOF',
  'if [ -n "${X:-}" ]; then echo "${X%%/*}"; fi',
  'for r in Reader "Key Vault Secrets User"; do az role assignment create --assignee-object-id "$ID" \\',
  '  --assignee-principal-type ServicePrincipal --role "$r" --scope "$KV"; done',
  'f() { echo "$1" | tr -d \'\\r\'; }',
  '',
].join('\n');

const PS_CHUNK = [
  '# comment',
  '$rg = "app-rg"; $id = (Get-AzUserAssignedIdentity -Name id -ResourceGroupName $rg).PrincipalId',
  'New-AzRoleAssignment -ObjectId $id `',
  "  -ObjectType ServicePrincipal -RoleDefinitionName 'Reader' -Scope \"/subscriptions/$sub/resourceGroups/$rg\"",
  'if ($x) { Write-Host "a $($y.Name) b" } else { $h = @{ A = 1; B = "two" } }',
  '<# block #>',
  '',
].join('\n');

function steps(parse: (text: string, stats: ParseStats) => unknown, text: string): number {
  const stats = { steps: 0 };
  parse(text, stats);
  return stats.steps;
}

describe('script parsers scale linearly', () => {
  it('shell: twice the text is at most twice the work (and a 10 MB script is read whole)', () => {
    const small = SHELL_CHUNK.repeat(2000);
    const large = SHELL_CHUNK.repeat(4000);
    const a = steps(parseShell, small);
    const b = steps(parseShell, large);
    expect(b / a).toBeLessThan(2.05);
    const huge = SHELL_CHUNK.repeat(Math.ceil(10_000_000 / SHELL_CHUNK.length));
    expect(huge.length).toBeGreaterThanOrEqual(10_000_000);
    const perChar = steps(parseShell, huge) / huge.length;
    expect(perChar).toBeLessThan((b / large.length) * 1.05);
    const out = emptyProgram();
    lowerScript({ source: fileSource('/x/huge.sh', huge), language: 'shell' }, out);
    const chunks = Math.ceil(10_000_000 / SHELL_CHUNK.length);
    // Two grants per chunk (the literal loop), none from the here-document.
    expect(out.resources.filter((r) => r.type === 'Microsoft.Authorization/roleAssignments')).toHaveLength(chunks * 2);
  }, 120_000);

  it('PowerShell: twice the text is at most twice the work', () => {
    const a = steps(parsePowerShell, PS_CHUNK.repeat(2000));
    const b = steps(parsePowerShell, PS_CHUNK.repeat(4000));
    expect(b / a).toBeLessThan(2.05);
  });

  it('pathological nesting and unterminated constructs neither crash nor go quadratic', () => {
    for (const [unit, parse] of [
      ['$(', parseShell],
      ['`', parseShell],
      ['"', parseShell],
      ["'", parseShell],
      ['${', parseShell],
      ['<<E\n', parseShell],
      ['(', parsePowerShell],
      ['@{', parsePowerShell],
      ['"$(', parsePowerShell],
      ['{', parsePowerShell],
    ] as const) {
      const a = steps(parse, unit.repeat(5000));
      const b = steps(parse, unit.repeat(10000));
      expect(b / a, JSON.stringify(unit)).toBeLessThan(2.2);
    }
  });
});
