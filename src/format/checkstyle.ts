import { docsLookup } from './links.js';
import { findingsByFile } from './paths.js';
import type { Formatter } from './types.js';
import { XML_DECLARATION, xmlEscape as x } from './xml.js';

/**
 * Checkstyle XML, the lingua franca of review bots (reviewdog `-f=checkstyle`, Jenkins Warnings NG,
 * Danger): `<file name>` per analysed file, `<error line column severity message source>` per finding.
 * `source` is `grantlint.<rule>`, which reviewdog shows as the rule. The format has no field for a
 * link, so the rule's page ends the message (what reviewdog and Warnings NG show).
 */
export const checkstyle: Formatter = (result, context) => {
  const { cwd } = context;
  const docsUrl = docsLookup(context);
  const out = [XML_DECLARATION, '<checkstyle version="4.3">'];
  for (const { rel, findings } of findingsByFile(result, cwd, true)) {
    if (findings.length === 0) {
      out.push(`  <file name="${x(rel)}"/>`);
      continue;
    }
    out.push(`  <file name="${x(rel)}">`);
    for (const f of findings) {
      const url = docsUrl(f.ruleId);
      const message = url ? `${f.message} Reference: ${url}` : f.message;
      out.push(
        `    <error line="${f.range.start.line}" column="${f.range.start.column}" severity="${f.severity}" message="${x(message)}" source="${x(`grantlint.${f.ruleId}`)}"/>`,
      );
    }
    out.push('  </file>');
  }
  out.push('</checkstyle>');
  return out.join('\n') + '\n';
};
