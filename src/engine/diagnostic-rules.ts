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

/**
 * A `grantlint-disable-next-line` comment (or ARM `metadata.grantlint.disable` entry) that cannot
 * take effect: no reason given, no rule named, or a rule id grantlint does not know.
 */
export const INVALID_SUPPRESSION_RULE: RuleMeta = {
  id: 'invalid-suppression',
  description: 'An inline suppression has no reason or names an unknown rule, so it suppresses nothing.',
  severity: 'warning',
  messages: {
    noReason: "The suppression of {{rules}} has no reason; write it after ' -- ' (it suppresses nothing until then).",
    noRule: "The suppression names no rule; write 'grantlint-disable-next-line <rule> -- <reason>'.",
    unknownRule: "The suppression names the unknown rule '{{rule}}'{{hint}}.",
    unknownDirective: "Unknown directive '{{directive}}'; write 'grantlint-disable-next-line <rule> -- <reason>'.",
    malformed: 'The suppression entry is not understood: {{detail}}.',
  },
  docs: 'docs/rules/invalid-suppression.md',
};

/** A suppression that suppressed nothing (reported with `--report-unused-suppressions`). */
export const UNUSED_SUPPRESSION_RULE: RuleMeta = {
  id: 'unused-suppression',
  description: 'An inline suppression suppresses no finding; remove it (reported with --report-unused-suppressions).',
  severity: 'warning',
  messages: {
    unused: "The suppression of '{{rule}}' suppresses nothing here; remove it.",
  },
  docs: 'docs/rules/unused-suppression.md',
};

/**
 * A file the analysis needs cannot be read: a file given or found, a module, a linked template
 * (missing, a folder, not a regular file, too large, outside the repository root, unreadable).
 */
export const UNREADABLE_FILE_RULE: RuleMeta = {
  id: 'unreadable-file',
  description: 'A file, module or linked template cannot be read, so what it declares is not analysed.',
  severity: 'error',
  messages: {},
  docs: 'docs/rules/unreadable-file.md',
};

/** Modules that call each other in a cycle: Azure and Terraform reject them; grantlint stops at the repeat. */
export const MODULE_CYCLE_RULE: RuleMeta = {
  id: 'module-cycle',
  description: 'Modules or linked templates call each other in a cycle; the repeated call is not analysed.',
  severity: 'error',
  messages: {},
  docs: 'docs/rules/module-cycle.md',
};

/**
 * An evaluation budget ran out (loop elements, instances, evaluation steps, nesting): what it covers
 * is analysed with unknown values instead of being dropped, and this says so.
 */
export const ANALYSIS_BUDGET_RULE: RuleMeta = {
  id: 'analysis-budget',
  description: 'A template asks for more evaluation than grantlint does; the rest is analysed with unknown values.',
  severity: 'warning',
  messages: {},
  docs: 'docs/rules/analysis-budget.md',
};

/** grantlint failed on part of a root: a defect, reported where it happened so that nothing is lost silently. */
export const INTERNAL_ERROR_RULE: RuleMeta = {
  id: 'internal-error',
  description: 'grantlint failed while analysing this part of the templates; the rest was still linted. Please report it.',
  severity: 'error',
  messages: {},
  docs: 'docs/rules/internal-error.md',
};

/** Every rule that the engine, not a graph rule, reports. */
export const DIAGNOSTIC_RULES: RuleMeta[] = [
  PARSE_ERROR_RULE,
  INVALID_SUPPRESSION_RULE,
  UNUSED_SUPPRESSION_RULE,
  UNREADABLE_FILE_RULE,
  MODULE_CYCLE_RULE,
  ANALYSIS_BUDGET_RULE,
  INTERNAL_ERROR_RULE,
];
