import { describe, expect, it } from 'vitest';
import { FORMATTERS } from '../../src/format/index.js';
import type { LintResult } from '../../src/engine/types.js';
import { expectGolden, loadFixture } from './fixture.js';
import { parseXml } from './xml-parse.js';

const EXTENSIONS: Record<string, string> = {
  stylish: 'txt',
  json: 'json',
  sarif: 'sarif',
  github: 'txt',
  compact: 'txt',
  junit: 'xml',
  checkstyle: 'xml',
};

describe('every registered format', () => {
  const { result, context } = loadFixture();

  it('is one of the known formats (a new one needs a golden file here)', () => {
    expect(Object.keys(FORMATTERS).sort()).toEqual(Object.keys(EXTENSIONS).sort());
  });

  for (const name of Object.keys(EXTENSIONS)) {
    it(`${name}: matches its golden output on the shared fixture`, () => {
      expectGolden(FORMATTERS[name](result, context), `${name}.${EXTENSIONS[name]}`);
    });

    it(`${name}: is pure — same text twice, input untouched`, () => {
      const before = JSON.stringify(result);
      const a = FORMATTERS[name](result, context);
      const b = FORMATTERS[name](structuredClone(result), { ...context });
      expect(a).toBe(b);
      expect(JSON.stringify(result)).toBe(before);
    });
  }
});

describe('compact', () => {
  const { result, context } = loadFixture();
  const out = FORMATTERS.compact(result, context);

  it('prints file:line:col: severity: message [rule] docs, one line per finding', () => {
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(result.findings.length);
    expect(lines[0]).toBe("broken.json:4:3: error: Expected ',' or '}' after a property value. [parse-error] https://github.com/grantlint/grantlint/blob/v1.2.3/docs/rules/parse-error.md");
    expect(lines).toContain("terraform/main.tf:20:1: info: Grants 'Reader' on the subscription; grant it on the resource the workload reads. [broad-scope] https://github.com/grantlint/grantlint/blob/v1.2.3/docs/rules/broad-scope.md");
    // A plugin rule without a docs URL ends at its id.
    expect(lines).toContain(`odd dir/a&b <x>.bicep:1:1: warning: Name <x> & "y" 'z' holds 100% of the grants. [team/no-owner]`);
  });

  it('keeps a multi-line message on one line', () => {
    const f = { ...result.findings[0], message: 'first\r\n  second\nthird' };
    expect(FORMATTERS.compact({ files: [], findings: [f] }, context)).toBe('broken.json:4:3: error: first second third [parse-error] https://github.com/grantlint/grantlint/blob/v1.2.3/docs/rules/parse-error.md\n');
  });

  it('prints nothing for a clean run', () => {
    expect(FORMATTERS.compact({ files: ['/project/a.bicep'], findings: [] }, context)).toBe('');
  });
});

describe('junit', () => {
  const { result, context } = loadFixture();

  it('is well-formed XML: a suite per file, a failing case per finding, a passing case per clean file', () => {
    const root = parseXml(FORMATTERS.junit(result, context));
    expect(root.tag).toBe('testsuites');
    expect(root.attrs.failures).toBe(String(result.findings.length));
    const suites = Object.fromEntries(root.children.map((s) => [s.attrs.name, s]));
    expect(Object.keys(suites)).toEqual(['broken.json', 'infra/clean.bicep', 'infra/main.bicep', 'infra/modules/app.bicep', 'odd dir/a&b <x>.bicep', 'terraform/main.tf']);
    expect(suites['infra/clean.bicep'].children).toHaveLength(1);
    expect(suites['infra/clean.bicep'].children[0].children).toEqual([]);
    const main = suites['infra/main.bicep'];
    expect(main.attrs).toMatchObject({ tests: '2', failures: '2' });
    const failure = main.children[1].children[0];
    expect(failure.tag).toBe('failure');
    expect(failure.attrs.type).toBe('error');
    expect(failure.attrs.message).toBe(result.findings[2].message);
    expect(failure.text).toContain('infra/params.bicepparam:2:22');
    const odd = suites['odd dir/a&b <x>.bicep'].children[0].children[0];
    expect(odd.attrs.message).toBe(`Name <x> & "y" 'z' holds 100% of the grants.`);
  });

  it('shows characters XML 1.0 cannot carry as escapes and keeps newlines in attributes', () => {
    const f = { ...result.findings[0], message: 'nul\u0000 bell\u0007 line\nbreak \uD800 ]]> <!--' };
    const root = parseXml(FORMATTERS.junit({ files: [], findings: [f] }, context));
    const failure = root.children[0].children[0].children[0];
    expect(failure.attrs.message).toBe('nul\\x00 bell\\x07 line\nbreak \\uD800 ]]> <!--');
  });

  it('a clean run is still a report with passing cases', () => {
    const root = parseXml(FORMATTERS.junit({ files: ['/project/a.bicep'], findings: [] }, context));
    expect(root.attrs).toMatchObject({ tests: '1', failures: '0' });
  });
});

describe('checkstyle', () => {
  const { result, context } = loadFixture();

  it('is the XML reviewdog reads: file/error with line, column, severity, message, source', () => {
    const root = parseXml(FORMATTERS.checkstyle(result, context));
    expect(root.tag).toBe('checkstyle');
    const files = root.children.map((f) => f.attrs.name);
    expect(files).toEqual(['broken.json', 'infra/clean.bicep', 'infra/main.bicep', 'infra/modules/app.bicep', 'odd dir/a&b <x>.bicep', 'terraform/main.tf']);
    const errors = root.children.flatMap((file) => file.children.map((e) => ({ file: file.attrs.name, ...e.attrs })));
    expect(errors).toHaveLength(result.findings.length);
    expect(errors).toContainEqual({
      file: 'infra/main.bicep',
      line: '12',
      column: '1',
      severity: 'error',
      message: `${result.findings[2].message} Reference: https://github.com/grantlint/grantlint/blob/v1.2.3/docs/rules/privileged-role.md`,
      source: 'grantlint.privileged-role',
    });
    expect(errors.find((e) => e.file === 'odd dir/a&b <x>.bicep')?.message).toBe(`Name <x> & "y" 'z' holds 100% of the grants.`);
    expect(errors.find((e) => e.file === 'terraform/main.tf')?.severity).toBe('info');
  });

  it('an empty result is an empty, well-formed report', () => {
    const root = parseXml(FORMATTERS.checkstyle({ files: [], findings: [] } as LintResult, context));
    expect(root).toEqual({ tag: 'checkstyle', attrs: { version: '4.3' }, text: '\n', children: [] });
  });
});
