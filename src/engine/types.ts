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
   * A lower severity for this finding than the rule's (`unknown-role`: info for a GUID that may be a
   * custom role defined elsewhere). It caps the configured severity: a rule set to `warning` reports
   * this finding at `info` still, never above what is configured.
   */
  severity?: Severity;
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
  /** The severity the rule asked for this finding, which the configured severity cannot exceed. */
  severityCap?: Severity;
}

export interface LintResult {
  /** The identity graph the findings were computed on (absent for results read back from elsewhere). */
  graph?: IdentityGraph;
  findings: Finding[];
  /** Files analysed (absolute paths), including modules reached from them. */
  files: string[];
  /** What the filter stage removed: inline suppressions and the baseline. */
  stats?: { suppressed: number; baselined: number; staleBaseline: number };
}
