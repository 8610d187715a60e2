import type { RuleMeta } from './types.js';

/**
 * Findings the front ends raise rather than a graph rule: a file that does not parse. It has
 * metadata like any rule so that formatters (the SARIF rule table) and docs treat it the same.
 */
export const PARSE_ERROR_RULE: RuleMeta = {
  id: 'parse-error',
  description: 'A file cannot be parsed; it is reported and the other files are still linted.',
  severity: 'error',
  messages: {},
  docs: 'docs/rules/parse-error.md',
};
