import type { RuleMeta } from '../engine/types.js';

/**
 * Where grantlint's sources and docs live. package.json has no `repository` field yet; when it gets
 * one, read it here instead.
 */
export const REPOSITORY_URL = 'https://github.com/grantlint/grantlint';

/** The rule's documentation page (`docs/rules/<id>.md`) on the default branch. */
export function ruleHelpUri(rule: Pick<RuleMeta, 'id' | 'docs'>): string {
  const docs = rule.docs || `docs/rules/${rule.id}.md`;
  return `${REPOSITORY_URL}/blob/main/${docs.replace(/^\.?\//, '')}`;
}
