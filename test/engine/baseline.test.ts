import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Baseline, baselineDocument, writeBaseline } from '../../src/engine/baseline.js';
import { ConfigError } from '../../src/engine/config-file.js';
import { lint } from '../../src/engine/lint.js';
import type { Finding } from '../../src/engine/types.js';

const temp = mkdtempSync(join(tmpdir(), 'grantlint-baseline-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));
let counter = 0;

const OWNER = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';
const grant = (symbol: string, role = OWNER): string =>
  [
    `resource ${symbol} 'Microsoft.Authorization/roleAssignments@2022-04-01' = {`,
    `  name: guid(resourceGroup().id, uami.id, '${role}', '${symbol}')`,
    '  properties: {',
    `    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${role}')`,
    '    principalId: uami.properties.principalId',
    "    principalType: 'ServicePrincipal'",
    '  }',
    '}',
    '',
  ].join('\n');
// The identity is an output (handed on, not orphaned), so that only the grant rules report.
const IDENTITY = "resource uami 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {\n  name: 'uami'\n  location: 'westeurope'\n}\noutput uamiId string = uami.id\n";

function finding(file: string, ruleId: string, fingerprint: string, line = 1): Finding {
  return { ruleId, severity: 'error', message: `${ruleId} at ${line}`, file, range: { start: { line, column: 1 }, end: { line, column: 2 } }, related: [], fingerprint };
}

describe('baseline file', () => {
  it('is sorted JSON with a version, paths relative to its folder, no line numbers', () => {
    const doc = baselineDocument(
      [finding('/repo/infra/b.bicep', 'privileged-role', 'f2', 40), finding('/repo/infra/a.bicep', 'broad-scope', 'f1', 3), { ...finding('/repo/other/a.bicep', 'broad-scope', 'f0'), symbol: 'grant' }],
      '/repo/infra/.grantlint-baseline.json',
    );
    expect(doc).toEqual({
      version: 1,
      findings: [
        { file: '../other/a.bicep', ruleId: 'broad-scope', symbol: 'grant', fingerprint: 'f0', message: 'broad-scope at 1' },
        { file: 'a.bicep', ruleId: 'broad-scope', fingerprint: 'f1', message: 'broad-scope at 3' },
        { file: 'b.bicep', ruleId: 'privileged-role', fingerprint: 'f2', message: 'privileged-role at 40' },
      ],
    });
  });

  it('matches by file, rule and fingerprint, counting duplicates', () => {
    const baseline = Baseline.fromDocument('/repo/baseline.json', {
      version: 1,
      findings: [
        { file: 'a.bicep', ruleId: 'broad-scope', fingerprint: 'f1', message: '' },
        { file: 'gone.bicep', ruleId: 'broad-scope', fingerprint: 'f9', message: '' },
      ],
    });
    const outcome = baseline.apply([
      finding('/repo/a.bicep', 'broad-scope', 'f1', 10),
      finding('/repo/a.bicep', 'broad-scope', 'f1', 20),
      finding('/repo/sub/a.bicep', 'broad-scope', 'f1'),
      finding('/repo/a.bicep', 'privileged-role', 'f1'),
    ]);
    expect(outcome.matched.map((f) => f.range.start.line)).toEqual([10]);
    expect(outcome.kept.map((f) => `${f.file}:${f.ruleId}:${f.range.start.line}`)).toEqual([
      '/repo/a.bicep:broad-scope:20',
      '/repo/sub/a.bicep:broad-scope:1',
      '/repo/a.bicep:privileged-role:1',
    ]);
    expect(outcome.stale.map((e) => e.file)).toEqual(['gone.bicep']);
  });

  it('a missing or malformed baseline is a configuration error', () => {
    const dir = join(temp, `b${counter++}`);
    mkdirSync(dir);
    expect(() => Baseline.read('missing.json', dir)).toThrow(ConfigError);
    expect(() => Baseline.read('missing.json', dir)).toThrow('missing.json: cannot read the baseline (ENOENT); write one with --write-baseline missing.json');
    writeFileSync(join(dir, 'v2.json'), JSON.stringify({ version: 2, findings: [] }));
    expect(() => Baseline.read('v2.json', dir)).toThrow('v2.json: not a grantlint baseline: version must be 1 (found 2)');
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ version: 1, findings: [{ file: 'a' }] }));
    expect(() => Baseline.read('bad.json', dir)).toThrow('bad.json: not a grantlint baseline: findings[0].ruleId must be a string');
  });
});

describe('baseline through the pipeline', () => {
  function project(text: string): string {
    const dir = join(temp, `p${counter++}`);
    mkdirSync(join(dir, 'infra'), { recursive: true });
    writeFileSync(join(dir, 'infra', 'main.bicep'), text);
    return dir;
  }

  it('findings stay silent when lines move, and reappear when the code they point at changes', async () => {
    const dir = project(IDENTITY + grant('owner'));
    const before = await lint([dir], { cwd: dir });
    expect(before.findings.map((f) => f.ruleId)).toEqual(['broad-scope', 'privileged-role']);
    const baselinePath = join(dir, 'grantlint-baseline.json');
    expect(writeBaseline(baselinePath, before.findings)).toBe(2);
    const written = JSON.parse(readFileSync(baselinePath, 'utf8'));
    expect(written.findings.map((e: { file: string; symbol: string }) => `${e.file}#${e.symbol}`)).toEqual(['infra/main.bicep#owner', 'infra/main.bicep#owner']);

    // Lines move: ten lines inserted above, the grant unchanged.
    writeFileSync(join(dir, 'infra', 'main.bicep'), '// moved\n'.repeat(10) + IDENTITY + '\n\n' + grant('owner'));
    const moved = await lint([dir], { cwd: dir, baseline: Baseline.read(baselinePath, dir) });
    expect(moved.findings).toEqual([]);
    expect(moved.stats).toEqual({ suppressed: 0, baselined: 2, staleBaseline: 0 });

    // A new grant of the same kind is not covered by the baseline.
    writeFileSync(join(dir, 'infra', 'main.bicep'), IDENTITY + grant('owner') + '\n' + grant('second'));
    const added = await lint([dir], { cwd: dir, baseline: Baseline.read(baselinePath, dir) });
    expect(added.findings.map((f) => `${f.ruleId}@${f.symbol}`)).toEqual(['broad-scope@second', 'privileged-role@second']);

    // The baselined grant itself changes (Contributor instead of Owner): it is reported again.
    const contributor = 'b24988ac-6180-42a0-ab88-20f7382dd24c';
    writeFileSync(join(dir, 'infra', 'main.bicep'), IDENTITY + grant('owner', contributor));
    const changed = await lint([dir], { cwd: dir, baseline: Baseline.read(baselinePath, dir) });
    expect(changed.findings.map((f) => `${f.ruleId}@${f.symbol}`)).toEqual(['broad-scope@owner', 'privileged-role@owner']);
    expect(changed.findings[1].message).toContain("'Contributor'");
    expect(changed.stats?.staleBaseline).toBe(2);
  });

  it('the same declaration copied into another folder is not covered', async () => {
    const dir = project(IDENTITY + grant('owner'));
    mkdirSync(join(dir, 'copy'));
    const baselinePath = join(dir, 'baseline.json');
    writeBaseline(baselinePath, (await lint([join(dir, 'infra')], { cwd: dir })).findings);
    writeFileSync(join(dir, 'copy', 'main.bicep'), IDENTITY + grant('owner'));
    const r = await lint([dir], { cwd: dir, baseline: Baseline.read(baselinePath, dir) });
    expect(r.findings.map((f) => f.file)).toEqual([join(dir, 'copy', 'main.bicep'), join(dir, 'copy', 'main.bicep')]);
  });
});
