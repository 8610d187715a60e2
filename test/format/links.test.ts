import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIAGNOSTIC_RULES } from '../../src/engine/diagnostic-rules.js';
import { FORMATTERS } from '../../src/format/index.js';
import type { GraphView } from '../../src/format/graph/view.js';
import { docsLookup, releaseTag, ruleDocsUrl } from '../../src/format/links.js';
import { jobSummary } from '../../src/integrations/summary.js';
import { builtinRules } from '../../rules/index.js';
import { repoRoot } from '../helpers/paths.js';
import { loadFixture } from './fixture.js';

const EMPTY_VIEW: GraphView = { nodes: [], edges: [] };
const PAGE = (id: string): string => `https://github.com/grantlint/grantlint/blob/v1.2.3/docs/rules/${id}.md`;

describe('every finding links its documentation', () => {
  const { result, context } = loadFixture();
  const ownRules = [...new Set(result.findings.map((f) => f.ruleId))].filter((id) => id !== 'team/no-owner');

  for (const name of Object.keys(FORMATTERS)) {
    it(`${name}: each reported grantlint rule's page at the version's tag, never a branch`, () => {
      const out = FORMATTERS[name](result, context);
      for (const id of ownRules) expect(out, id).toContain(PAGE(id));
      expect(out).not.toContain('/blob/main/');
    });
  }

  it('json: docsUrl on each finding, absent for a plugin rule without a page', () => {
    const out = JSON.parse(FORMATTERS.json(result, context));
    for (const f of out.findings) expect(f.docsUrl).toBe(f.ruleId === 'team/no-owner' ? undefined : PAGE(f.ruleId));
  });

  it('the job summary links each rule cell', () => {
    const text = jobSummary({ findings: result.findings, cwd: context.cwd, view: EMPTY_VIEW, totalFindings: result.findings.length, docsUrl: docsLookup(context) });
    expect(text).toContain(`<a href="${PAGE('privileged-role')}">privileged-role</a>`);
    expect(text).toContain('| team/no-owner |');
  });

  it('every built-in and engine rule has a page in the repository, under the URL given', () => {
    for (const meta of [...builtinRules.map((r) => r.meta), ...DIAGNOSTIC_RULES]) {
      const url = ruleDocsUrl(meta, '1.2.3')!;
      expect(url).toBe(PAGE(meta.id));
      expect(existsSync(join(repoRoot, url.slice(url.indexOf('/v1.2.3/') + '/v1.2.3/'.length)))).toBe(true);
    }
  });

  it('a plugin links only to an absolute URL of its own', () => {
    expect(ruleDocsUrl({ id: 'team-rule', docs: 'docs/team-rule.md' }, '1.0.0')).toBeUndefined();
    expect(ruleDocsUrl({ id: 'team-rule', docs: 'https://wiki.contoso.com/team-rule' }, '1.0.0')).toBe('https://wiki.contoso.com/team-rule');
    expect(releaseTag('0.1.0')).toBe('v0.1.0');
  });
});
