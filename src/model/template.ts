import type { Location } from './location.js';
import type { ServiceAccountManifest } from './kubernetes.js';
import type { ObjectValue, ScopeValue, Value } from './value.js';

export type SourceFormat = 'bicep' | 'arm' | 'terraform' | 'script';

/**
 * One instance of a declared resource after linking: loops expanded, module parameters bound,
 * references resolved. Every format lowers to this; the identity graph is built from it.
 */
export interface ResourceInstance {
  /** Unique in the run: file, module path, symbol and loop key. */
  key: string;
  /** The same for every instance of one declaration (file + symbol); findings are per declaration. */
  declKey: string;
  format: SourceFormat;
  /** ARM type (`Microsoft.Web/sites`, full for child resources) or Terraform type (`azurerm_linux_web_app`). */
  type: string;
  apiVersion?: string;
  /** Bicep symbolic name, Terraform address (`azurerm_role_assignment.x`, `data.x.y`), ARM type/name. */
  symbol: string;
  /** `existing` (Bicep, ARM 2.0) or a Terraform data source: owned elsewhere. */
  existing: boolean;
  /** The whole declaration. */
  decl: Location;
  /** The resource's name, evaluated (ARM/Bicep `name`; Terraform: the `name` argument, if any). */
  name?: Value;
  /** Bicep/ARM: the resource body (name, location, identity, properties, scope, ...). Terraform: arguments and blocks. */
  body: ObjectValue;
  /** Explicit `scope` (Bicep/ARM extension resources); Terraform keeps `scope` in the body. */
  scope?: Value;
  /** The target scope of the deployment this instance belongs to. */
  deploymentScope: ScopeValue;
  /** Module calls / nested deployments that led here, outermost first. Empty for a root's own resources. */
  callChain: Location[];
  /** Terraform: the location of each argument and block by name, for related locations. */
  parent?: ResourceInstance;
  /** Scripts: the command this instance comes from, so messages advise in the script's own language. */
  command?: ScriptCommand;
}

/**
 * A grant, identity or workload that a script command creates (format `script`): which command
 * language it is written in, the command, and its arguments as written by their flag.
 */
export interface ScriptCommand {
  dialect: 'azcli' | 'powershell';
  /** `az role assignment create`, `New-AzRoleAssignment`. */
  name: string;
  /** Argument text as written, by the flag or parameter name as written (`--name`, `-Scope`). */
  args: Record<string, string>;
}

export interface Diagnostic {
  /** `parse-error` for syntax errors; front ends may add more codes. */
  code: string;
  message: string;
  at: Location;
}

/** A comment-based directive a front end found (suppressions are read from these). */
export interface SourceComment {
  file: string;
  text: string;
  at: Location;
}

/**
 * A module call grantlint cannot read (a registry module, a template spec, a remote, missing or
 * broken file): what the module does with its arguments is not known, so a principal passed to it
 * may well be granted there.
 */
export interface ExternalCall {
  format: SourceFormat;
  /** The module's source as written (`br/public:avm/res/key-vault/vault:0.13.3`, `Azure/aks/azurerm`). */
  source: string;
  /** The module call. */
  at: Location;
  /** What the call passes in (Bicep `params`, Terraform arguments, ARM `parameters`), evaluated. */
  args: Value;
  /** Module calls that led to this one, outermost first. */
  callChain: Location[];
}

/**
 * A value a template hands beyond its own resources: an output (of a root or a module), or an
 * argument of a module call grantlint reads (a call it cannot read is an `ExternalCall`). An
 * identity whose ID is handed on this way is used by whoever receives it.
 */
export interface ExportedValue {
  kind: 'output' | 'moduleArgument';
  /** The output's or parameter's name. */
  name: string;
  value: Value;
  /** The output declaration, or the module call. */
  at: Location;
}

/** What one front end produces for the files it was given. */
export interface LoweredProgram {
  resources: ResourceInstance[];
  /** Outputs and module call arguments (front ends that do not record them leave this out). */
  exports?: ExportedValue[];
  diagnostics: Diagnostic[];
  comments: SourceComment[];
  /** Files analysed (absolute paths), including modules reached from them. */
  files: string[];
  /** Module calls that could not be read. */
  externalCalls?: ExternalCall[];
  /** Kubernetes service accounts asking for a workload identity (read from YAML files). */
  serviceAccounts?: ServiceAccountManifest[];
}

export function emptyProgram(): LoweredProgram {
  return { resources: [], diagnostics: [], comments: [], files: [], externalCalls: [] };
}
