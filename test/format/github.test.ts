import * as core from '@actions/core';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/engine/types.js';
import { escapeData, escapeProperty, github } from '../../src/format/github.js';
import { loadFixture } from './fixture.js';

interface Command {
  name: string;
  props: Record<string, string>;
  message: string;
}

/**
 * Parses a line the way the Actions runner does (ActionCommand.TryParseV2): a command only at the
 * start of a line, `::name props::data`, properties split on `,` and the first `=`, then unescaped.
 */
function parseCommandLine(line: string): Command | undefined {
  const trimmed = line.trim();
  if (!trimmed.startsWith('::')) return undefined;
  const end = trimmed.indexOf('::', 2);
  if (end < 0) return undefined;
  const head = trimmed.slice(2, end);
  const space = head.indexOf(' ');
  const name = space < 0 ? head : head.slice(0, space);
  const props: Record<string, string> = {};
  if (space >= 0) {
    for (const pair of head.slice(space + 1).split(',')) {
      const eq = pair.indexOf('=');
      if (eq > 0) props[pair.slice(0, eq)] = unescapeProperty(pair.slice(eq + 1));
    }
  }
  return { name, props, message: unescapeData(trimmed.slice(end + 2)) };
}

const unescapeData = (s: string): string => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
const unescapeProperty = (s: string): string =>
  s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');

const HOSTILE_FILES = [
  '/project/evil,title=pwned.bicep',
  '/project/a:b::c.bicep',
  '/project/x\n::add-mask::secret.bicep',
  '/project/p%0Aq%2C%3A.bicep',
  '/project/cr\r::set-output name=a::b.tf',
];
const HOSTILE_MESSAGES = [
  'ok\n::set-output name=leak::1',
  '\r\n::add-mask::hunter2',
  'literal %0A::error::injected and %25 and %',
  'colons: and, commas:: everywhere',
  '::stop-commands::deadbeef',
];
const HOSTILE_RULES = ['rule\n::warning::x', 'a,b:c', 'plain'];

function hostileFindings(template: Finding): Finding[] {
  const out: Finding[] = [];
  let i = 0;
  for (const file of HOSTILE_FILES) {
    for (const message of HOSTILE_MESSAGES) {
      const ruleId = HOSTILE_RULES[i % HOSTILE_RULES.length];
      const severity = (['error', 'warning', 'info'] as const)[i % 3];
      const related = i % 4 === 0 ? [{ message: 'see\n::add-mask::x', file: HOSTILE_FILES[(i + 1) % HOSTILE_FILES.length], range: template.range }] : [];
      out.push({ ...template, ruleId, severity, message, file, related });
      i++;
    }
  }
  return out;
}

describe('github annotations', () => {
  const { result, context } = loadFixture();

  it('one workflow command per finding: error, warning, notice for info', () => {
    const lines = github(result, context).trimEnd().split('\n');
    expect(lines).toHaveLength(result.findings.length);
    expect(lines[0]).toBe("::error file=broken.json,line=4,endLine=4,col=3,endColumn=4,title=grantlint parse-error::Expected ',' or '}' after a property value.%0AReference: https://github.com/grantlint/grantlint/blob/v1.2.3/docs/rules/parse-error.md");
    expect(lines[5]).toMatch(/^::notice file=terraform\/main\.tf,line=20,endLine=25,title=grantlint broad-scope::Grants 'Reader'/);
  });

  it('omits columns on a multi-line annotation (GitHub accepts them on one line only)', () => {
    const line = github(result, context).split('\n')[2];
    expect(line).toMatch(/^::error file=infra\/main\.bicep,line=12,endLine=18,title=grantlint privileged-role::/);
    expect(line).toContain('%0A↳ The value is written here. (infra/params.bicepparam:2:22)');
  });

  it('hostile file names, messages and rule ids cannot inject a second command', () => {
    const findings = hostileFindings(result.findings[0]);
    const out = github({ files: [], findings }, context);
    expect(out.endsWith('\n')).toBe(true);
    expect(out).not.toContain('\r');
    const lines = out.slice(0, -1).split('\n');
    // Exactly one line, hence at most one command, per finding.
    expect(lines).toHaveLength(findings.length);
    lines.forEach((line, i) => {
      expect(line).toMatch(/^::(error|warning|notice) /);
      const cmd = parseCommandLine(line)!;
      const f = findings[i];
      expect(cmd.name).toBe({ error: 'error', warning: 'warning', info: 'notice' }[f.severity]);
      // Every property survives the runner's parsing intact: nothing leaked into another property.
      expect(Object.keys(cmd.props)).toEqual(['file', 'line', 'endLine', 'col', 'endColumn', 'title']);
      expect(cmd.props.file).toBe(f.file.slice('/project/'.length));
      expect(cmd.props.title).toBe(`grantlint ${f.ruleId}`);
      expect(cmd.props.line).toBe('4');
      expect(cmd.message.startsWith(f.message)).toBe(true);
    });
  });

  it('escapes exactly like @actions/core does', () => {
    for (const f of hostileFindings(result.findings[0]).slice(0, 12)) {
      let captured = '';
      const write = process.stdout.write;
      process.stdout.write = ((chunk: string) => {
        captured += chunk;
        return true;
      }) as typeof process.stdout.write;
      try {
        core.error(f.message, {
          title: `grantlint ${f.ruleId}`,
          file: f.file.slice('/project/'.length),
          startLine: f.range.start.line,
          endLine: f.range.end.line,
          startColumn: f.range.start.column,
          endColumn: f.range.end.column,
        });
      } finally {
        process.stdout.write = write;
      }
      const theirs = parseCommandLine(captured.trimEnd())!;
      const ours = parseCommandLine(github({ files: [], findings: [{ ...f, severity: 'error', related: [] }] }, context).trimEnd())!;
      expect(ours).toEqual(theirs);
      expect(escapeData(f.message)).toBe(captured.trimEnd().split('::').slice(2).join('::'));
    }
  });

  it('escapeProperty and escapeData', () => {
    expect(escapeData('100%\r\n:,')).toBe('100%25%0D%0A:,');
    expect(escapeProperty('100%\r\n:,')).toBe('100%25%0D%0A%3A%2C');
  });
});
