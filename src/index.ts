/**
 * grantlint's public API: the rule API for plugin authors (rules are ES modules exporting a `Rule`
 * or an array of them, loaded from the `plugins` of `.grantlint.yaml`), and the lint pipeline for
 * tools that embed grantlint.
 */
export type { Finding, GraphNode, LintResult, RelatedFinding, RelatedLocation, ReportDescriptor, Rule, RuleContext, RuleMeta, Severity, SeveritySetting } from './engine/types.js';
export type {
  AksCluster,
  DeploymentSlot,
  FederatedCredential,
  Grant,
  GrantKind,
  GrantScope,
  GraphEntry,
  Identity,
  IdentityGraph,
  IdentityKind,
  Principal,
  PrincipalKind,
  ScopeKind,
  ServiceAccount,
  Workload,
} from './graph/types.js';
export type { RoleCatalog, RoleDefinition } from './graph/roles.js';
export type { Location, Position, Range } from './model/location.js';
export type { ResourceInstance, SourceFormat } from './model/template.js';
export type {
  ArrayValue,
  BoolValue,
  CallValue,
  ConcatValue,
  InputInfo,
  NullValue,
  NumberValue,
  ObjectValue,
  RefValue,
  ScopeLevel,
  ScopeValue,
  StringValue,
  UnknownValue,
  Value,
} from './model/value.js';
export { asString, describeValue, getPath, getProp, isKnown, sameValue, walkValue } from './model/value.js';
export { describeIdentity, describePrincipal, describeScope, isBroad, isWorkloadPrincipal, roleName } from './graph/queries.js';

export { analyze, lint, type LintOptions, type LintProgress } from './engine/lint.js';
export { ConfigError, ConfigResolver, type ConfigResolverOptions, type EffectiveConfig, type RuleSetting } from './engine/config.js';
export { Baseline, baselineDocument, writeBaseline, type BaselineDocument, type BaselineEntry } from './engine/baseline.js';
export { builtinRules } from '../rules/index.js';
