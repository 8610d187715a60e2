import { docsLookup } from './links.js';
import { displayPath, findingsByFile } from './paths.js';
import type { Formatter } from './types.js';
import { XML_DECLARATION, xmlEscape as x } from './xml.js';

/**
 * JUnit XML for CI test reporters (Jenkins, GitLab, Azure Pipelines): one testsuite per analysed
 * file, one failing testcase per finding, and one passing testcase for a clean file so that it shows
 * as checked. Per file rather than per rule because reporters list suites and the file is what a
 * reader opens next (ESLint's junit formatter made the same choice).
 */
export const junit: Formatter = (result, context) => {
  const { cwd } = context;
  const docsUrl = docsLookup(context);
  const files = findingsByFile(result, cwd, true);
  const suites: string[] = [];
  for (const { rel, findings } of files) {
    const cases = findings.map((f) => {
      const where = `${rel}:${f.range.start.line}:${f.range.start.column}`;
      const url = docsUrl(f.ruleId);
      const details = [
        `${where}: ${f.severity}: ${f.message} [${f.ruleId}]`,
        ...f.related.map((r) => `  ${r.message} ${displayPath(r.file, cwd)}:${r.range.start.line}:${r.range.start.column}`),
        ...(url ? [`Reference: ${url}`] : []),
      ];
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
  const tests = files.reduce((n, f) => n + Math.max(1, f.findings.length), 0);
  return `${XML_DECLARATION}\n<testsuites name="grantlint" tests="${tests}" failures="${failures}" errors="0" time="0">\n${suites.map((s) => s + '\n').join('')}</testsuites>\n`;
};

