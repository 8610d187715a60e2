import type { Finding } from '../engine/types.js';
import { displayPath } from './paths.js';
import type { Formatter } from './types.js';
import { XML_DECLARATION, xmlEscape as x } from './xml.js';

/**
 * Checkstyle XML, the lingua franca of review bots (reviewdog `-f=checkstyle`, Jenkins Warnings NG,
 * Danger): `<file name>` per analysed file, `<error line column severity message source>` per finding.
 * `source` is `grantlint.<rule>`, which reviewdog shows as the rule.
 */
export const checkstyle: Formatter = (result, { cwd }) => {
  const byFile = new Map<string, Finding[]>();
  for (const file of result.files) byFile.set(file, []);
  for (const f of result.findings) {
    const list = byFile.get(f.file) ?? [];
    list.push(f);
    byFile.set(f.file, list);
  }
  const files = [...byFile.keys()].map((file) => ({ file, rel: displayPath(file, cwd) })).sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  const out = [XML_DECLARATION, '<checkstyle version="4.3">'];
  for (const { file, rel } of files) {
    const findings = byFile.get(file)!;
    if (findings.length === 0) {
      out.push(`  <file name="${x(rel)}"/>`);
      continue;
    }
    out.push(`  <file name="${x(rel)}">`);
    for (const f of findings) {
      out.push(
        `    <error line="${f.range.start.line}" column="${f.range.start.column}" severity="${f.severity}" message="${x(f.message)}" source="${x(`grantlint.${f.ruleId}`)}"/>`,
      );
    }
    out.push('  </file>');
  }
  out.push('</checkstyle>');
  return out.join('\n') + '\n';
};
