import type { Finding } from '../engine/types.js';
import { displayPath } from './paths.js';
import type { Formatter } from './types.js';
import { XML_DECLARATION, xmlEscape as x } from './xml.js';

/**
 * JUnit XML for CI test reporters (Jenkins, GitLab, Azure Pipelines): one testsuite per analysed
 * file, one failing testcase per finding, and one passing testcase for a clean file so that it shows
 * as checked. Per file rather than per rule because reporters list suites and the file is what a
 * reader opens next (ESLint's junit formatter made the same choice).
 */
export const junit: Formatter = (result, { cwd }) => {
  const byFile = new Map<string, Finding[]>();
  for (const file of result.files) byFile.set(file, []);
  for (const f of result.findings) {
    const list = byFile.get(f.file) ?? [];
    list.push(f);
    byFile.set(f.file, list);
  }
  const files = [...byFile.keys()].sort((a, b) => compare(displayPath(a, cwd), displayPath(b, cwd)));
  const suites: string[] = [];
  for (const file of files) {
    const rel = displayPath(file, cwd);
    const findings = byFile.get(file)!;
    const cases = findings.map((f) => {
      const where = `${rel}:${f.range.start.line}:${f.range.start.column}`;
      const details = [`${where}: ${f.severity}: ${f.message} [${f.ruleId}]`, ...f.related.map((r) => `  ${r.message} ${displayPath(r.file, cwd)}:${r.range.start.line}:${r.range.start.column}`)];
      return (
        `    <testcase classname="${x(rel)}" name="${x(`${f.ruleId} at ${f.range.start.line}:${f.range.start.column}`)}" time="0">\n` +
        `      <failure type="${f.severity}" message="${x(f.message)}">${x(details.join('\n'))}</failure>\n` +
        `    </testcase>`
      );
    });
    if (cases.length === 0) cases.push(`    <testcase classname="${x(rel)}" name="grantlint" time="0"/>`);
    suites.push(
      `  <testsuite name="${x(rel)}" tests="${Math.max(1, findings.length)}" failures="${findings.length}" errors="0" skipped="0" time="0">\n${cases.join('\n')}\n  </testsuite>`,
    );
  }
  const failures = result.findings.length;
  const tests = files.reduce((n, f) => n + Math.max(1, byFile.get(f)!.length), 0);
  return `${XML_DECLARATION}\n<testsuites name="grantlint" tests="${tests}" failures="${failures}" errors="0" time="0">\n${suites.map((s) => s + '\n').join('')}</testsuites>\n`;
};

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
