import type { LintResult, RuleMeta } from '../engine/types.js';

export interface FormatContext {
  cwd: string;
  /** Metadata of every rule that may appear in the results (for rule tables and help links). */
  rules: RuleMeta[];
  version: string;
  /** Colour output (stylish only). */
  color?: boolean;
}

/** A pure function from results to text. */
export type Formatter = (result: LintResult, context: FormatContext) => string;
