import { describe, expect, it } from 'vitest';
import { filterFindings } from '../../src/engine/filter.js';
import { compareFindings } from '../../src/engine/run-rules.js';
import { applySuppressions, collectSuppressions, commentBody, parseDirective, parseRulesAndReason } from '../../src/engine/suppressions.js';
import type { Finding } from '../../src/engine/types.js';
import type { Location } from '../../src/model/location.js';
import type { LoweredProgram, ResourceInstance, SourceComment } from '../../src/model/template.js';
import { arr, obj, str, type Value } from '../../src/model/value.js';

const KNOWN = new Set(['privileged-role', 'broad-scope', 'missing-role-grant', 'parse-error', 'invalid-suppression', 'unused-suppression']);

function at(file: string, line: number, column: number, endLine = line, endColumn = column + 10): Location {
  return { file, range: { start: { line, column }, end: { line: endLine, column: endColumn } } };
}

/** The comments in a text the way a front end reports them: every `//`, `#` and block comment. */
function commentsOf(file: string, text: string, hash = false): SourceComment[] {
  const out: SourceComment[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    const m = (hash ? /(\/\/|#|\/\*).*$/ : /(\/\/|\/\*).*$/).exec(line);
    if (m) out.push({ file, text: m[0], at: at(file, i + 1, m.index + 1, i + 1, line.length + 1) });
  });
  return out;
}

function finding(ruleId: string, file: string, line: number, column = 1): Finding {
  return { ruleId, severity: 'error', message: `${ruleId} here`, file, range: at(file, line, column, line + 3, 2).range, related: [], fingerprint: `${ruleId}-${line}` };
}

function program(comments: SourceComment[], resources: ResourceInstance[] = []): LoweredProgram {
  return { resources, diagnostics: [], comments, files: [] };
}

function run(texts: Record<string, string>, comments: SourceComment[], findings: Finding[], extra: { resources?: ResourceInstance[]; unused?: boolean } = {}) {
  const r = filterFindings(findings, program(comments, extra.resources ?? []), {
    knownRuleIds: KNOWN,
    reportUnusedSuppressions: extra.unused,
    readFile: (f) => texts[f],
  });
  r.findings.sort(compareFindings);
  return r;
}

describe('reading directives', () => {
  it('strips comment markers', () => {
    expect(commentBody('// grantlint-disable-next-line x -- y')).toBe('grantlint-disable-next-line x -- y');
    expect(commentBody('#grantlint-disable-next-line x')).toBe('grantlint-disable-next-line x');
    expect(commentBody('/* grantlint-disable-next-line x -- y */')).toBe('grantlint-disable-next-line x -- y');
  });

  it('reads rules, separated by commas or spaces, and the reason after --', () => {
    expect(parseDirective('// grantlint-disable-next-line privileged-role, broad-scope -- pipeline owns the group')).toEqual({
      directive: 'disable-next-line',
      rules: ['privileged-role', 'broad-scope'],
      reason: 'pipeline owns the group',
    });
    expect(parseDirective('# grantlint-disable-next-line privileged-role broad-scope --why')).toEqual({
      directive: 'disable-next-line',
      rules: ['privileged-role', 'broad-scope', '--why'],
      reason: '',
    });
    expect(parseDirective('// grantlint-disable-next-line privileged-role')).toEqual({ directive: 'disable-next-line', rules: ['privileged-role'], reason: '' });
    expect(parseDirective('// grantlint-disable-line privileged-role -- x')?.directive).toBe('disable-line');
    expect(parseDirective('// nothing to see')).toBeUndefined();
    expect(parseDirective('// see grantlint-disable-next-line docs')).toBeUndefined();
  });

  it('a reason may contain dashes and "--" itself', () => {
    expect(parseRulesAndReason('broad-scope -- the hub-and-spoke -- network team decision')).toEqual({
      rules: ['broad-scope'],
      reason: 'the hub-and-spoke -- network team decision',
    });
  });
});

describe('comment suppressions', () => {
  const bicep = '/repo/main.bicep';
  const bicepText = [
    "param x string", // 1
    '// grantlint-disable-next-line privileged-role -- the release pipeline owns this group', // 2
    "resource owner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {", // 3
    '}', // 4
    '', // 5
    '// grantlint-disable-next-line broad-scope -- shared hub', // 6
    '// a second comment line between', // 7
    "@description('decorators do not break the link')", // 8
    "resource hub 'Microsoft.Authorization/roleAssignments@2022-04-01' = {", // 9
    '}', // 10
    '// grantlint-disable-next-line broad-scope -- separated by a blank line', // 11
    '', // 12
    "resource far 'Microsoft.Authorization/roleAssignments@2022-04-01' = {", // 13
    '}', // 14
  ].join('\n');

  it('suppresses the finding that starts on the next line, only for the named rule', () => {
    const r = run({ [bicep]: bicepText }, commentsOf(bicep, bicepText), [
      finding('privileged-role', bicep, 3),
      finding('broad-scope', bicep, 3),
    ]);
    expect(r.findings.map((f) => `${f.ruleId}@${f.range.start.line}`)).toEqual(['broad-scope@3']);
    expect(r.stats.suppressed).toBe(1);
  });

  it('skips comment and Bicep decorator lines; a blank line ends it', () => {
    const r = run({ [bicep]: bicepText }, commentsOf(bicep, bicepText), [finding('broad-scope', bicep, 9), finding('broad-scope', bicep, 13)], { unused: true });
    // Line 2's suppression has nothing under it in this run: reported too.
    expect(r.findings.map((f) => `${f.ruleId}@${f.range.start.line}`)).toEqual(['unused-suppression@2', 'unused-suppression@11', 'broad-scope@13']);
  });

  it('suppresses every finding of the rule starting there (two findings on one declaration)', () => {
    const r = run({ [bicep]: bicepText }, commentsOf(bicep, bicepText), [finding('privileged-role', bicep, 3), finding('privileged-role', bicep, 3, 1)]);
    expect(r.findings).toEqual([]);
    expect(r.stats.suppressed).toBe(2);
  });

  it('Terraform: # and // comments', () => {
    const tf = '/repo/main.tf';
    const text = [
      '# grantlint-disable-next-line privileged-role -- deployer identity, see ADR-7',
      'resource "azurerm_role_assignment" "a" {',
      '}',
      '// grantlint-disable-next-line broad-scope -- subscription-wide reader for the inventory job',
      'resource "azurerm_role_assignment" "b" {',
      '}',
    ].join('\n');
    const r = run({ [tf]: text }, commentsOf(tf, text, true), [finding('privileged-role', tf, 2), finding('broad-scope', tf, 5), finding('privileged-role', tf, 5)]);
    expect(r.findings.map((f) => `${f.ruleId}@${f.range.start.line}`)).toEqual(['privileged-role@5']);
  });

  it('ARM JSONC: // comments above the resource object', () => {
    const json = '/repo/azuredeploy.jsonc';
    const text = [
      '{',
      '  "resources": [',
      '    // grantlint-disable-next-line privileged-role -- break-glass automation account',
      '    {',
      '      "type": "Microsoft.Authorization/roleAssignments"',
      '    }',
      '  ]',
      '}',
    ].join('\n');
    const r = run({ [json]: text }, commentsOf(json, text), [finding('privileged-role', json, 4, 5)]);
    expect(r.findings).toEqual([]);
  });

  it('a suppression without a reason suppresses nothing and is reported', () => {
    const text = '// grantlint-disable-next-line privileged-role\nresource owner \'x@1\' = {\n}\n';
    const r = run({ [bicep]: text }, commentsOf(bicep, text), [finding('privileged-role', bicep, 2)]);
    expect(r.findings.map((f) => [f.ruleId, f.severity, f.range.start.line, f.message])).toEqual([
      ['invalid-suppression', 'warning', 1, "The suppression of 'privileged-role' has no reason; write it after ' -- ' (it suppresses nothing until then)."],
      ['privileged-role', 'error', 2, 'privileged-role here'],
    ]);
  });

  it('unknown rule ids, missing rule ids and unknown directives are reported', () => {
    const text = [
      '// grantlint-disable-next-line privileged-roles -- typo',
      'resource a \'x@1\' = {}',
      '// grantlint-disable-next-line -- forgot the rule',
      'resource b \'x@1\' = {}',
      '// grantlint-disable-line broad-scope -- wrong directive',
      'resource c \'x@1\' = {}',
    ].join('\n');
    const r = run({ [bicep]: text }, commentsOf(bicep, text), [finding('privileged-role', bicep, 2)]);
    expect(r.findings.filter((f) => f.ruleId === 'invalid-suppression').map((f) => `${f.range.start.line}: ${f.message}`)).toEqual([
      "1: The suppression names the unknown rule 'privileged-roles' (did you mean 'privileged-role'?).",
      "3: The suppression names no rule; write 'grantlint-disable-next-line <rule> -- <reason>'.",
      "5: Unknown directive 'grantlint-disable-line'; write 'grantlint-disable-next-line <rule> -- <reason>'.",
    ]);
    expect(r.findings.some((f) => f.ruleId === 'privileged-role')).toBe(true);
  });

  it('comments handed in twice (a module reached through two calls) count once', () => {
    const text = '// grantlint-disable-next-line privileged-role\nresource a \'x@1\' = {\n}\n';
    const comments = commentsOf(bicep, text);
    const r = run({ [bicep]: text }, [...comments, ...comments], []);
    expect(r.findings.map((f) => f.ruleId)).toEqual(['invalid-suppression']);
  });

  it('unused suppressions are reported only on request, once per unused rule', () => {
    const text = '// grantlint-disable-next-line privileged-role, broad-scope -- legacy\nresource a \'x@1\' = {\n}\n';
    const findings = [finding('privileged-role', bicep, 2)];
    expect(run({ [bicep]: text }, commentsOf(bicep, text), findings).findings).toEqual([]);
    const r = run({ [bicep]: text }, commentsOf(bicep, text), findings, { unused: true });
    expect(r.findings.map((f) => [f.ruleId, f.range.start.line, f.message])).toEqual([
      ['unused-suppression', 1, "The suppression of 'broad-scope' suppresses nothing here; remove it."],
    ]);
    expect(r.findings[0].fingerprint).toMatch(/^[0-9a-f]{32}$/);
  });

  it('comments in a string-free trailing position still target the next line', () => {
    const text = "var a = 1 // grantlint-disable-next-line broad-scope -- shared\nresource b 'x@1' = {\n}\n";
    const r = run({ [bicep]: text }, commentsOf(bicep, text), [finding('broad-scope', bicep, 2)]);
    expect(r.findings).toEqual([]);
  });
});

describe('ARM metadata suppressions', () => {
  const file = '/repo/azuredeploy.json';
  const text = Array.from({ length: 40 }, () => '').join('\n');

  function armResource(symbol: string, decl: Location, disable?: Value): ResourceInstance {
    const entries: [string, Value][] = [['name', str(symbol)]];
    if (disable) entries.push(['metadata', obj([['grantlint', obj([['disable', disable]])]])]);
    return {
      key: symbol,
      declKey: `${file}#${symbol}`,
      format: 'arm',
      type: 'Microsoft.Authorization/roleAssignments',
      symbol,
      existing: false,
      decl,
      body: obj(entries),
      deploymentScope: { kind: 'scope', level: 'resourceGroup', current: true, path: [] },
      callChain: [],
    };
  }

  it('strings and objects, with reasons; findings inside the innermost resource', () => {
    const outer = armResource('deploy', at(file, 2, 5, 30, 6), arr([str('broad-scope -- nested deployment for the hub', at(file, 4, 10))]));
    const inner = armResource('grant', at(file, 10, 9, 20, 10), arr([obj([['rule', str('privileged-role')], ['reason', str('automation account')]], at(file, 12, 12))]));
    const sibling = armResource('other', at(file, 22, 9, 28, 10));
    const findings = [finding('privileged-role', file, 10, 9), finding('broad-scope', file, 10, 9), finding('broad-scope', file, 22, 9), finding('privileged-role', file, 22, 9)];
    const r = run({ [file]: text }, [], findings, { resources: [outer, inner, sibling], unused: true });
    // A resource's metadata covers that resource only, not the resources nested inside it: the
    // outer deployment's entry suppresses nothing (and is reported as unused).
    expect(r.findings.map((f) => `${f.ruleId}@${f.range.start.line}`)).toEqual(['unused-suppression@4', 'broad-scope@10', 'broad-scope@22', 'privileged-role@22']);
    const deployFinding = finding('broad-scope', file, 2, 5);
    expect(run({ [file]: text }, [], [deployFinding], { resources: [outer, inner, sibling] }).findings).toEqual([]);
  });

  it('an entry without a reason is reported at the entry and suppresses nothing', () => {
    const grant = armResource('grant', at(file, 10, 9, 20, 10), arr([obj([['rule', str('privileged-role')]], at(file, 12, 12)), str('broad-scope', at(file, 13, 12)), arr([], at(file, 14, 12))]));
    const r = run({ [file]: text }, [], [finding('privileged-role', file, 10, 9)], { resources: [grant] });
    expect(r.findings.map((f) => `${f.ruleId}@${f.range.start.line}`)).toEqual([
      'privileged-role@10',
      'invalid-suppression@12',
      'invalid-suppression@13',
      'invalid-suppression@14',
    ]);
    expect(r.findings[3].message).toContain('not understood');
  });

  it('loop instances of one declaration give one suppression', () => {
    const decl = at(file, 10, 9, 20, 10);
    const disable = arr([str('privileged-role -- loop of pipeline identities', at(file, 12, 12))]);
    const collected = collectSuppressions(program([], [armResource('a', decl, disable), armResource('a', decl, disable)]), {
      readFile: () => text,
      knownRules: () => KNOWN,
    });
    expect(collected.suppressions).toHaveLength(1);
    const outcome = applySuppressions([finding('privileged-role', file, 10, 9)], collected.suppressions, [armResource('a', decl, disable)]);
    expect(outcome.kept).toEqual([]);
  });
});
