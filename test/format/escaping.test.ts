import { describe, expect, it } from 'vitest';
import type { Finding, LintResult } from '../../src/engine/types.js';
import { FORMATTERS } from '../../src/format/index.js';
import { printable } from '../../src/format/escape.js';
import { loadFixture } from './fixture.js';
import { parseXml } from './xml-parse.js';

/**
 * Whether the GitHub runner would read this line as a workflow command: `::` first after leading
 * blanks (ActionCommand.TryParseV2), or `##[` anywhere in it (the older syntax, ActionCommand.TryParse).
 */
function isWorkflowCommand(line: string): boolean {
  return line.trimStart().startsWith('::') || line.includes('##[');
}

/** Characters a terminal acts on: C0 (but LF between lines), DEL, C1, bidirectional overrides. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const TERMINAL_CONTROL = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;

const { context } = loadFixture();
const cwd = context.cwd;

/** A finding written by a hostile template: a resource group name and a file name that try to start commands. */
function hostile(): LintResult {
  const finding: Finding = {
    ruleId: 'broad-scope',
    severity: 'error',
    message: "Grants 'Owner' on resource group 'rg\n::stop-commands::x' \r\n##[error]forged \u001b]8;;http://evil\u0007link\u001b]8;;\u0007 \u009b31m \u202Eevil\u202C \uD800",
    file: `${cwd}/::stop-commands::x.tf`,
    range: { start: { line: 3, column: 1 }, end: { line: 9, column: 2 } },
    related: [{ message: 'The value is written here:\n::error::forged', file: `${cwd}/dir\n::warning::x/vars.tf`, range: { start: { line: 1, column: 1 }, end: { line: 1, column: 5 } } }],
    fingerprint: 'f'.repeat(32),
  };
  return { files: [finding.file], findings: [finding] };
}

describe('every format escapes what a template can carry', () => {
  const result = hostile();
  for (const name of Object.keys(FORMATTERS)) {
    it(`${name}: no line can start a workflow command; no raw terminal control character`, () => {
      const text = FORMATTERS[name](result, { ...context, color: false });
      const lines = text.split('\n');
      if (name === 'github') {
        // Exactly one command per finding, and it is the annotation itself.
        expect(lines.filter(isWorkflowCommand)).toHaveLength(1);
        expect(lines[0].startsWith('::error ')).toBe(true);
        expect(lines.filter((l) => l !== '')).toHaveLength(1);
      } else {
        expect(lines.filter(isWorkflowCommand)).toEqual([]);
      }
      expect(text).not.toMatch(TERMINAL_CONTROL);
    });
  }

  it('stylish and compact show control characters as escapes, one finding per line', () => {
    const compact = FORMATTERS.compact(result, context);
    expect(compact.trimEnd().split('\n')).toHaveLength(1);
    expect(compact).toContain('./::stop-commands::x.tf:3:1: error: ');
    expect(compact).toContain('#\\x23[error]forged \\x1B]8;;http://evil\\x07link');
    expect(compact).toContain('\\x9B31m \\u202Eevil\\u202C \\uD800');
    const stylish = FORMATTERS.stylish(result, context);
    expect(stylish.split('\n')[0]).toBe('./::stop-commands::x.tf');
    expect(stylish).toContain("resource group 'rg\\n::stop-commands::x' \\r\\n#\\x23[error]");
    expect(stylish).toContain('dir\\n::warning::x/vars.tf:1:1');
  });

  it('json and sarif keep the exact text for machines', () => {
    const f = result.findings[0];
    const json = JSON.parse(FORMATTERS.json(result, context)) as { findings: { message: string; file: string }[] };
    expect(json.findings[0].message).toBe(f.message);
    expect(json.findings[0].file).toBe('::stop-commands::x.tf');
    const sarif = JSON.parse(FORMATTERS.sarif(result, context)) as { runs: { results: { message: { text: string } }[] }[] };
    expect(sarif.runs[0].results[0].message.text).toBe(f.message);
  });

  it('junit and checkstyle stay well-formed and say what was there', () => {
    for (const name of ['junit', 'checkstyle']) {
      const xml = FORMATTERS[name](result, context);
      const root = parseXml(xml);
      expect(JSON.stringify(root)).toContain('##[error]forged \\\\x1B]8;;http://evil\\\\x07link');
    }
  });

  it('sarif: a file name holding a lone surrogate is a URI, not a crash', () => {
    const f = { ...result.findings[0], file: `${cwd}/mod\uDC00ule/main.tf` };
    const sarif = JSON.parse(FORMATTERS.sarif({ files: [], findings: [f] }, context)) as {
      runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
    };
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('mod%EF%BF%BDule/main.tf');
  });

  it('printable keeps ordinary text, pairs of surrogates and tabs shown as \\t', () => {
    expect(printable('café 😀 a\tb')).toBe('café 😀 a\\tb');
  });
});
