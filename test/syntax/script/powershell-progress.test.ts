import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../helpers/paths.js';

/**
 * Found by `npm run fuzz` (ARM, seed 1, case 5518): a deployment script whose `param(` block lost
 * its closing brackets looped forever in the PowerShell reader. Run in a child process with a time
 * limit: a loop in synchronous code would block the test's own thread past any vitest timeout.
 */
const SCRIPT = "\n        param(\n          [string] $vaultName,\n          [stringame'] = $key.Name;\n        $DeploymentScriptOutputs['keyVersion'] = $key.Version;\n        ";

describe('the PowerShell reader always makes progress', () => {
  it.each([
    ['the fuzz case', SCRIPT],
    ['a stray ] in param()', 'param(] $a)\nNew-AzRoleAssignment -ObjectId x'],
    ['a stray = in param()', 'param(= $a'],
    ['an unclosed param(', 'param([string'],
  ])('%s', (_name, text) => {
    const parser = pathToFileURL(join(repoRoot, 'dist', 'src', 'syntax', 'powershell', 'parser.js')).href;
    const code = `const { parsePowerShell } = await import(${JSON.stringify(parser)}); parsePowerShell(${JSON.stringify(text)}); console.log('done');`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8', timeout: 20_000 });
    expect(r.signal, 'the reader did not finish within 20 s').toBeNull();
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('done');
  });
});
