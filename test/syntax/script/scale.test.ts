import { describe, expect, it } from 'vitest';
import { parsePowerShell } from '../../../src/syntax/powershell/parser.js';
import { parseShell, type ParseStats } from '../../../src/syntax/shell/parser.js';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../../helpers/paths.js';
import { runAsync } from '../../helpers/run-async.js';

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
  it('shell: twice the text is at most twice the work (and a 10 MB script is read whole)', async () => {
    const a = steps(parseShell, SHELL_CHUNK.repeat(500));
    await new Promise((resolve) => setImmediate(resolve));
    const b = steps(parseShell, SHELL_CHUNK.repeat(1000));
    expect(b / a).toBeLessThan(2.05);
    // A 10 MB script, read in a child process: long synchronous work here would starve vitest's worker.
    const chunks = Math.ceil(10_000_000 / SHELL_CHUNK.length);
    const dir = mkdtempSync(join(tmpdir(), 'grantlint-scale-'));
    try {
      writeFileSync(join(dir, 'huge.sh'), SHELL_CHUNK.repeat(chunks));
      expect(statSync(join(dir, 'huge.sh')).size).toBeGreaterThanOrEqual(10_000_000);
      const module = pathToFileURL(join(repoRoot, 'dist', 'src', 'lower', 'scripts', 'script.js')).href;
      const model = pathToFileURL(join(repoRoot, 'dist', 'src', 'model', 'template.js')).href;
      const source = pathToFileURL(join(repoRoot, 'dist', 'src', 'syntax', 'script', 'source.js')).href;
      const program = [
        `import { lowerScript } from ${JSON.stringify(module)};`,
        `import { emptyProgram } from ${JSON.stringify(model)};`,
        `import { fileSource } from ${JSON.stringify(source)};`,
        `import { readFileSync } from 'node:fs';`,
        `const out = emptyProgram();`,
        `lowerScript({ source: fileSource('huge.sh', readFileSync(${JSON.stringify(join(dir, 'huge.sh'))}, 'utf8')), language: 'shell' }, out);`,
        `console.log(out.resources.filter((r) => r.type === 'Microsoft.Authorization/roleAssignments').length);`,
      ].join('\n');
      const run = await runAsync(process.execPath, ['--input-type=module', '-e', program]);
      expect(run.stderr).toBe('');
      // Two grants per chunk (the literal loop), none from the here-document.
      expect(Number(run.stdout.trim())).toBe(chunks * 2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('PowerShell: twice the text is at most twice the work', () => {
    const a = steps(parsePowerShell, PS_CHUNK.repeat(500));
    const b = steps(parsePowerShell, PS_CHUNK.repeat(1000));
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
