import type { PermissionModel } from '../graph/permissions.js';
import type { RoleCatalog } from '../graph/roles.js';
import type { AccessNeed } from '../graph/needs.js';
import type { Grant, GraphEntry, Identity, IdentityGraph, Workload } from '../graph/types.js';
import type { Location, Range } from '../model/location.js';
import type { Value } from '../model/value.js';

export type Severity = 'error' | 'warning' | 'info';
export type SeveritySetting = Severity | 'off';

export interface RuleMeta {
  /** kebab-case, the same as the rule's file name and doc page. */
  id: string;
  description: string;
  severity: Severity;
  /** Message templates by message id; `{{name}}` is replaced from the report's data. */
  messages: Record<string, string>;
  /** Options as JSON Schema (an object schema), with defaults. */
  schema?: Record<string, unknown>;
  defaultOptions?: Record<string, unknown>;
  /** `docs/rules/<id>.md` */
  docs: string;
  /** The rule attaches fixes (`fix` in its reports): edits safe to apply without reading them. */
  fixable?: boolean;
  /** The rule attaches suggestions (`suggest` in its reports): edits a person chooses among. */
  hasSuggestions?: boolean;
}

export type GraphNode = Workload | Identity | Grant | AccessNeed | GraphEntry;

export interface RelatedLocation {
  message: string;
  at: Location;
}

export interface ReportDescriptor {
  node: GraphNode;
  messageId: string;
  data?: Record<string, string | number>;
  /**
   * The value that makes this a finding. Decides where the finding points: at the node's own
   * declaration when the value is written in its file, at the module call that passes it otherwise.
   */
  value?: Value;
  related?: RelatedLocation[];
  /**
   * A fix: edits that remove the finding and are safe to apply unread (`--fix`, an editor's "fix
   * all"). Built with the fixer, which knows each format's syntax; return undefined when the
   * source does not allow a safe edit. Only for rules whose meta says `fixable`.
   */
  fix?: FixFunction;
  /** A message id of the rule's meta saying what the fix does (editors' quick-fix title, SARIF), with `data`. */
  fixMessageId?: string;
  /** Suggestions: edits a person chooses among (shown as quick fixes). Only with meta `hasSuggestions`. */
  suggest?: SuggestionDescriptor[];
  /**
   * A lower severity for this finding than the rule's (`unknown-role`: info for a GUID that may be a
   * custom role defined elsewhere). It caps the configured severity: a rule set to `warning` reports
   * this finding at `info` still, never above what is configured.
   */
  severity?: Severity;
  /**
   * The finding says a user-assigned identity is used nowhere: lint() drops it when another batch
   * of module closures may use an identity of this name (lower case; absent when it cannot be
   * known), as a graph of the whole run would have shown.
   */
  unlessUsedElsewhere?: { name?: string };
}

export type FixFunction = (fixer: Fixer) => TextEdit | TextEdit[] | undefined;

export interface SuggestionDescriptor {
  /** A message id of the rule's meta: what the suggestion does, in the imperative. */
  messageId: string;
  /** Message data; a function receives the suggestion's edits, so the message can quote what it writes. */
  data?: Record<string, string | number> | ((edits: TextEdit[]) => Record<string, string | number>);
  fix: FixFunction;
}

/**
 * One edit: the text in `range` (1-based, end exclusive, in the file as it was analysed: an editor's
 * unsaved buffer, a BOM counted as one column) is replaced by `text`. An insertion has start = end.
 */
export interface TextEdit {
  /** Absolute path; formatters make it relative. */
  file: string;
  range: Range;
  text: string;
}

export interface FindingFix {
  /** What the fix does, in the imperative (editors' quick-fix title). */
  message?: string;
  edits: TextEdit[];
}

export interface FindingSuggestion {
  message: string;
  edits: TextEdit[];
}

/**
 * What rules build edits with. It reads the files as analysed and speaks each format's syntax, so
 * edits keep the file's own indentation, quotes, separators, line endings and BOM. Declarations are
 * found through values' origins (`value.at`); a value written elsewhere than `within` (a parameter
 * default, a module caller's argument, a shared variable) is never edited through it.
 */
export interface Fixer {
  /** The file's text as analysed, or undefined when it cannot be read. */
  text(file: string): string | undefined;
  /** The source text at a location. */
  textAt(at: Location): string | undefined;
  /** The object literal `value` was evaluated from, when it is written inside `within`. */
  object(value: Value | undefined, within: Location): ObjectEditor | undefined;
  replace(at: Location, text: string): TextEdit;
  insertBefore(at: Location, text: string): TextEdit;
  insertAfter(at: Location, text: string): TextEdit;
  remove(at: Location): TextEdit;
  /** Replaces every occurrence of `search` (ignoring case) inside `within`: a GUID written twice in one declaration. */
  replaceAll(within: Location, search: string, text: string): TextEdit[];
}

/** A literal written in the user's syntax: Bicep `'x'`, JSON `"x"`, HCL `"x"`; or raw expression text. */
export type LiteralValue = string | number | boolean | { expression: string };

/** An object literal as written: Bicep `{ ... }`, a JSON object, a Terraform block body or object. */
export interface ObjectEditor {
  readonly file: string;
  readonly syntax: 'bicep' | 'json' | 'hcl';
  readonly at: Location;
  /** A property's (attribute's) key and value as written; names compare case-insensitively. */
  property(name: string): PropertySyntax | undefined;
  /** A nested object literal written as the value of a property (or a nested block in HCL). */
  object(name: string): ObjectEditor | undefined;
  /**
   * Adds the property after the last one (Terraform: after the last attribute, aligned with it), or
   * replaces its value when present; undefined when the literal's layout allows no clean edit.
   */
  set(name: string, value: LiteralValue): TextEdit[] | undefined;
  /** Removes the property with its separator and, when it stands on its own lines, those lines. */
  remove(name: string): TextEdit[] | undefined;
}

export interface PropertySyntax {
  name: string;
  key: Location;
  value: Location;
  /** The value's source text (JSON: the string's content is still quoted). */
  valueText: string;
}

export interface RuleContext {
  options: Record<string, unknown>;
  roles: RoleCatalog;
  /** Does a role allow an operation; which built-in roles of least privilege allow it. */
  permissions: PermissionModel;
  report(descriptor: ReportDescriptor): void;
}

export interface Rule {
  meta: RuleMeta;
  check(graph: IdentityGraph, context: RuleContext): void;
}

export interface RelatedFinding {
  message: string;
  file: string;
  range: Range;
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  /** Absolute path; formatters make it relative to the working directory. */
  file: string;
  range: Range;
  related: RelatedFinding[];
  /** Stable across line moves: rule, file, declaration and the text of the declaration. */
  fingerprint: string;
  /** The declaration's symbolic name or address, for people and baselines. */
  symbol?: string;
  /** Edits that remove this finding, safe to apply (`--fix`). */
  fix?: FindingFix;
  /** Edits a person may choose (never applied by `--fix` alone). */
  suggestions?: FindingSuggestion[];
  /** The severity the rule asked for this finding, which the configured severity cannot exceed. */
  severityCap?: Severity;
  /**
   * Engine-internal, never printed: the finding stands only if no other batch of the run may use
   * the user-assigned identity of this name (see `ReportDescriptor.unlessUsedElsewhere`).
   */
  unlessUsedElsewhere?: { name?: string };
}

export interface LintResult {
  /** The identity graph the findings were computed on (absent for results read back from elsewhere). */
  graph?: IdentityGraph;
  findings: Finding[];
  /** Files analysed (absolute paths), including modules reached from them. */
  files: string[];
  /** What the filter stage removed: inline suppressions and the baseline. */
  stats?: { suppressed: number; baselined: number; staleBaseline: number };
  /** After `--fix`/`--fix-dry-run`: the files the fixes changed, with their new text. */
  fixed?: FixedFile[];
}

export interface FixedFile {
  file: string;
  output: string;
  /** Fixes applied to this file. */
  fixes: number;
}
