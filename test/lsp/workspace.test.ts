import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigResolver } from '../../src/engine/config.js';
import { lint } from '../../src/engine/lint.js';
import type { Finding } from '../../src/engine/types.js';
import { Workspace } from '../../src/lsp/workspace.js';
import { GRANT_BICEP, MAIN_BICEP } from '../../bench/lsp-fixtures.js';
import { sharedRoot } from '../helpers/paths.js';
import { treeMaker } from '../helpers/tree.js';

const casesDir = join(sharedRoot, 'acceptance');
if (!existsSync(casesDir)) throw new Error(`the acceptance cases are missing: ${casesDir} (set GRANTLINT_SHARED)`);
const key = (f: Finding) => `${f.ruleId}|${f.file}|${f.range.start.line}:${f.range.start.column}|${f.message}`;
const { tree } = treeMaker('grantlint-workspace-');

describe('the language server workspace gives what lint() gives', () => {
  const cases = readdirSync(casesDir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  it('on every acceptance case, in exact and in quick mode', async () => {
    expect(cases.length).toBeGreaterThan(40);
    for (const name of cases) {
      const dir = join(casesDir, name);
      const expected = (await lint([dir], { cwd: dir, config: new ConfigResolver({ cwd: dir }) })).findings.map(key);
      const ws = new Workspace(dir, { config: new ConfigResolver({ cwd: dir }) });
      expect((await ws.analyze('exact')).findings.map(key), name).toEqual(expected);
      expect((await ws.analyze('quick')).findings.map(key).sort(), name).toEqual([...expected].sort());
    }
  });
});

describe('incremental analysis', () => {
  it('re-analyses only the candidates that read the edited file, and lints the buffer', async () => {
    const dir = tree({ 'main.bicep': MAIN_BICEP, 'grant.bicep': GRANT_BICEP, 'other/app.bicep': "resource uami 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {\n  name: 'x'\n  location: 'westeurope'\n}\n" });
    const ws = new Workspace(dir);
    const first = await ws.analyze('quick');
    expect(ws.lastStats).toMatchObject({ candidates: 3, roots: 2, analysed: 3 });
    expect(first.findings.filter((f) => f.ruleId === 'missing-principal-type').map((f) => f.file)).toEqual([join(dir, 'grant.bicep')]);
    // The module changes: its caller (the only root that reads it) is analysed again; other/app.bicep is not.
    ws.setBuffer(join(dir, 'grant.bicep'), GRANT_BICEP.replace('    principalId: principalId\n', "    principalId: principalId\n    principalType: 'ServicePrincipal'\n"));
    const second = await ws.analyze('quick');
    expect(ws.lastStats?.analysed).toBe(1);
    expect(second.findings.filter((f) => f.ruleId === 'missing-principal-type')).toEqual([]);
    // Nothing changed: nothing is analysed.
    await ws.analyze('quick');
    expect(ws.lastStats?.analysed).toBe(0);
    // The caller stops calling the module: the module becomes a root of its own.
    ws.setBuffer(join(dir, 'main.bicep'), MAIN_BICEP.slice(0, MAIN_BICEP.indexOf('module grant')));
    const third = await ws.analyze('quick');
    expect(ws.lastStats).toMatchObject({ roots: 3 });
    expect(third.findings.map((f) => f.ruleId)).toContain('missing-role-grant');
  });
});
