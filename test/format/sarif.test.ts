import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Finding, LintResult } from '../../src/engine/types.js';
import { sarif } from '../../src/format/sarif.js';
import type { FormatContext } from '../../src/format/types.js';
import { loadFixture } from './fixture.js';
import { checkSarif } from './sarif-check.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
describe('sarif', () => {
  const { result, context } = loadFixture();
  const log = checkSarif(sarif(result, context));
  const run = log.runs[0];

  it('carries the rule table with help links to the rule pages at the version\'s tag', () => {
    const rule = run.tool.driver.rules.find((r: any) => r.id === 'privileged-role');
    expect(rule).toMatchObject({
      id: 'privileged-role',
      name: 'PrivilegedRole',
      shortDescription: { text: 'A privileged role (Owner, Contributor, access administrators) is granted to a workload identity.' },
      defaultConfiguration: { level: 'error' },
      helpUri: 'https://github.com/grantlint/grantlint/blob/v1.2.3/docs/rules/privileged-role.md',
    });
    expect(rule.help.text).toContain(rule.helpUri);
    expect(run.tool.driver.version).toBe('1.2.3');
  });

  it('maps severities to levels (info is note) and points ruleIndex at the rule', () => {
    expect(run.results.map((r: any) => `${r.ruleId}:${r.level}`)).toEqual([
      'parse-error:error',
      'non-idempotent-assignment-name:warning',
      'privileged-role:error',
      'missing-role-grant:warning',
      'team/no-owner:warning',
      'broad-scope:note',
    ]);
    // A rule the context did not describe still gets a table entry, without a help link.
    const custom = run.tool.driver.rules[run.results[4].ruleIndex];
    expect(custom.id).toBe('team/no-owner');
    expect(custom.helpUri).toBeUndefined();
  });

  it('uses relative URIs that resolve, against SRCROOT, to the files', () => {
    const base = run.originalUriBaseIds.SRCROOT.uri;
    expect(base).toBe('file:///project/');
    const files = run.results.map((r: any) => fileURLToPath(new URL(r.locations[0].physicalLocation.artifactLocation.uri, base)));
    expect(files).toEqual(result.findings.map((f) => f.file));
    expect(run.results[4].locations[0].physicalLocation.artifactLocation.uri).toBe('odd%20dir/a%26b%20%3Cx%3E.bicep');
  });

  it('keeps 1-based regions, related locations and the fingerprint', () => {
    const owner = run.results[2];
    expect(owner.locations[0].physicalLocation.region).toEqual({ startLine: 12, startColumn: 1, endLine: 18, endColumn: 2 });
    expect(owner.relatedLocations).toEqual([
      {
        id: 1,
        message: { text: 'The value is written here.' },
        physicalLocation: {
          artifactLocation: { uri: 'infra/params.bicepparam', uriBaseId: 'SRCROOT' },
          region: { startLine: 2, startColumn: 22, endLine: 2, endColumn: 29 },
        },
      },
    ]);
    expect(owner.partialFingerprints).toEqual({ primaryLocationLineHash: 'a3f1c09e5b7d2e4f60718293a4b5c6d7', 'grantlint/v1': 'a3f1c09e5b7d2e4f60718293a4b5c6d7' });
  });

  it('an empty run is valid and still lists the rules', () => {
    const empty = checkSarif(sarif({ files: [], findings: [] }, context));
    expect(empty.runs[0].results).toEqual([]);
    expect(empty.runs[0].tool.driver.rules).toHaveLength(context.rules.length);
  });

  it('hostile text stays data: valid SARIF, message kept verbatim', () => {
    const message = 'line\n::error::x "quoted" \u0000 </script> %0A \\ \uD83D\uDE00';
    const f: Finding = { ...result.findings[0], message, file: '/project/we ird/#?%.bicep' };
    const out = checkSarif(sarif({ files: [], findings: [f] }, context));
    expect(out.runs[0].results[0].message.text).toBe(message);
    const uri = out.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri;
    expect(fileURLToPath(new URL(uri, 'file:///project/'))).toBe('/project/we ird/#?%.bicep');
  });

  it('a cwd outside the files gives ../ references, still relative', () => {
    const ctx: FormatContext = { ...context, cwd: '/project/infra' };
    const out = checkSarif(sarif(result as LintResult, ctx));
    expect(out.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('../broken.json');
  });
});
