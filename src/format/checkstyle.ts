import { findingsByFile } from './paths.js';
import type { Formatter } from './types.js';
import { XML_DECLARATION, xmlEscape as x } from './xml.js';

/**
 * Checkstyle XML, the lingua franca of review bots (reviewdog `-f=checkstyle`, Jenkins Warnings NG,
 * Danger): `<file name>` per analysed file, `<error line column severity message source>` per finding.
 * `source` is `grantlint.<rule>`, which reviewdog shows as the rule.
 */
export const checkstyle: Formatter = (result, { cwd }) => {
  const out = [XML_DECLARATION, '<checkstyle version="4.3">'];
  for (const { rel, findings } of findingsByFile(result, cwd, true)) {
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
