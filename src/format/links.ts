import { builtinRules } from '../../rules/index.js';
import { DIAGNOSTIC_RULES } from '../engine/diagnostic-rules.js';
import type { RuleMeta } from '../engine/types.js';

/**
 * Where grantlint's sources and docs live: package.json's `repository`, `homepage` and `bugs` say
 * the same (a test holds them together). A constant rather than a read of package.json, so that
 * formatters stay pure and a bundle needs no file beside it for this.
 */
export const REPOSITORY_URL = 'https://github.com/grantlint/grantlint';

/** The git tag of a released version, as the release workflow and the docs name it. */
export function releaseTag(version: string): string {
  return `v${version}`;
}

const OWN_RULES = new Set([...builtinRules.map((r) => r.meta.id), ...DIAGNOSTIC_RULES.map((m) => m.id)]);

/**
 * The documentation page of a rule, for the version that reports it: a grantlint rule's page
 * (`docs/rules/<id>.md`) at that version's tag, so the link explains the rule as that version
 * applies it. A plugin rule links only when its `meta.docs` is an absolute URL: a relative path of
 * a plugin is not a page in grantlint's repository.
 */
export function ruleDocsUrl(rule: Pick<RuleMeta, 'id' | 'docs'>, version: string): string | undefined {
  if (/^https?:\/\//i.test(rule.docs)) return rule.docs;
  if (!OWN_RULES.has(rule.id)) return undefined;
  const docs = rule.docs || `docs/rules/${rule.id}.md`;
  return `${REPOSITORY_URL}/blob/${releaseTag(version)}/${docs.replace(/^\.?\//, '')}`;
}

/** Finding rule id -> docs URL, from the rule table a formatter is given (build once per report). */
export function docsLookup(context: { rules: RuleMeta[]; version: string }): (ruleId: string) => string | undefined {
  const byId = new Map(context.rules.map((r) => [r.id, ruleDocsUrl(r, context.version)]));
  return (ruleId) => byId.get(ruleId);
}
