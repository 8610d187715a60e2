/**
 * Policy assignments' remediation identities.
 *
 * A DeployIfNotExists or Modify policy remediates with the managed identity of its assignment, and
 * its definition lists the roles that identity needs (`then.details.roleDefinitionIds`), which must
 * be held at the assignment's scope. Such grants are the platform's design, not an over-grant, as
 * long as they stay at (or inside) the assignment's scope and grant what the definition asks for.
 * The acceptance contract pins it down: at or inside the scope is outside `broad-scope`;
 * `privileged-role` there reports only a role a definition declared here does not list; a built-in
 * or unseen definition says nothing; a grant not shown to be at or inside the scope follows the
 * usual rules.
 */
import type { ResourceInstance } from '../model/template.js';
import { asString, getPath, getProp, sameValue, type ScopeValue, type Value } from '../model/value.js';
import { resolveScopeValue } from './build.js';
import type { Grant } from './types.js';
import { lowerPath, stringsIn, unwrap } from './values.js';

const ARM_ASSIGNMENT = 'microsoft.authorization/policyassignments';
const ARM_DEFINITION = 'microsoft.authorization/policydefinitions';
const ARM_SET = 'microsoft.authorization/policysetdefinitions';

/** azurerm's policy assignment resources and the argument that holds each one's scope. */
const AZURERM_ASSIGNMENT_SCOPE: Record<string, string> = {
  azurerm_resource_group_policy_assignment: 'resource_group_id',
  azurerm_subscription_policy_assignment: 'subscription_id',
  azurerm_management_group_policy_assignment: 'management_group_id',
  azurerm_resource_policy_assignment: 'resource_id',
  azurerm_policy_assignment: 'scope',
};

export interface RemediationGrant {
  /** The policy assignment whose identity holds the grant. */
  assignment: ResourceInstance;
  /** The grant is at the assignment's scope or inside it. */
  withinScope: boolean;
  /**
   * GUIDs of the roles the assignment's definition lists, when the definition (or every member of
   * the initiative) is declared in the analysed files and its list is readable; undefined otherwise.
   */
  listedRoles?: Set<string>;
}

/** Whether the grant is to a policy assignment's identity, and what its definition asks for. */
export function remediationGrant(grant: Grant): RemediationGrant | undefined {
  const identity = grant.principal.identity;
  if (!identity || identity.kind !== 'system' || !identity.resource || !isPolicyAssignment(identity.resource)) return undefined;
  const assignment = identity.resource;
  const result: RemediationGrant = { assignment, withinScope: withinAssignmentScope(grant, assignment) };
  const listed = listedRoles(definitionOf(assignment));
  if (listed) result.listedRoles = listed;
  return result;
}

/** Whether the definition lists the granted role (by GUID, whatever the ID's prefix). */
export function listsRole(remediation: RemediationGrant, grant: Grant): boolean {
  const guid = grant.role?.id ?? roleGuid(grant.roleValue);
  return !!guid && !!remediation.listedRoles?.has(guid);
}

/** A policy assignment (ARM/Bicep, azapi, azurerm's `*_policy_assignment`). */
export function isPolicyAssignment(r: ResourceInstance): boolean {
  if (r.format !== 'terraform') return r.type.toLowerCase() === ARM_ASSIGNMENT;
  return r.type in AZURERM_ASSIGNMENT_SCOPE || azapiType(r) === ARM_ASSIGNMENT;
}

function azapiType(r: ResourceInstance): string | undefined {
  if (r.type !== 'azapi_resource') return undefined;
  return asString(getProp(r.body, 'type'))?.split('@')[0].toLowerCase();
}

// ---------------------------------------------------------------------------------------------
// The definition and its roles

/** The declared definition (or initiative) the assignment assigns, when it is a reference to one. */
function definitionOf(assignment: ResourceInstance): ResourceInstance | undefined {
  const id =
    assignment.format === 'terraform' && assignment.type !== 'azapi_resource'
      ? getProp(assignment.body, 'policy_definition_id')
      : getPath(assignment.format === 'terraform' ? getProp(assignment.body, 'body') : assignment.body, ['properties', 'policyDefinitionId']);
  const v = unwrap(id);
  return v?.kind === 'ref' && isIdPath(v.path) ? v.resource : undefined;
}

function isIdPath(path: (string | number)[]): boolean {
  const p = lowerPath(path);
  return p === '' || p === 'id';
}

/** The union of the roles the definition (or each member of an initiative) lists; undefined when any is unseen. */
function listedRoles(definition: ResourceInstance | undefined, depth = 0): Set<string> | undefined {
  if (!definition || depth > 2) return undefined;
  const members = setMembers(definition);
  if (members === null) return undefined;
  if (members) {
    const all = new Set<string>();
    for (const m of members) {
      const roles = listedRoles(m, depth + 1);
      if (!roles) return undefined;
      roles.forEach((r) => all.add(r));
    }
    return all;
  }
  const rule = policyRule(definition);
  if (!rule) return undefined;
  const ids = getPath(rule, ['then', 'details', 'roleDefinitionIds']);
  if (!ids) return new Set();
  if (ids.kind !== 'array') return undefined;
  const guids = new Set<string>();
  for (const item of ids.items) {
    const guid = roleGuid(item);
    // An entry grantlint cannot read might be any role: the list is not known.
    if (!guid) return undefined;
    guids.add(guid);
  }
  return guids;
}

/** The policy rule as an object: ARM `properties.policyRule`, azurerm `policy_rule` (JSON text or jsonencode). */
function policyRule(definition: ResourceInstance): Value | undefined {
  if (definition.format !== 'terraform') {
    return definition.type.toLowerCase() === ARM_DEFINITION ? getPath(definition.body, ['properties', 'policyRule']) : undefined;
  }
  if (definition.type === 'azapi_resource') return azapiType(definition) === ARM_DEFINITION ? getPath(definition.body, ['body', 'properties', 'policyRule']) : undefined;
  if (definition.type !== 'azurerm_policy_definition') return undefined;
  return jsonValue(getProp(definition.body, 'policy_rule'));
}

/**
 * An initiative's member definitions; null when one of them is not declared here (its roles are
 * not known, so neither are the initiative's); undefined when the definition is not an initiative.
 */
function setMembers(definition: ResourceInstance): ResourceInstance[] | null | undefined {
  let refs: Value | undefined;
  let idOf: (entry: Value) => Value | undefined;
  if (definition.format !== 'terraform' && definition.type.toLowerCase() === ARM_SET) {
    refs = getPath(definition.body, ['properties', 'policyDefinitions']);
    idOf = (e) => getProp(e, 'policyDefinitionId');
  } else if (definition.type === 'azurerm_policy_set_definition') {
    refs = getProp(definition.body, 'policy_definition_reference');
    idOf = (e) => getProp(e, 'policy_definition_id');
  } else return undefined;
  if (!refs || refs.kind !== 'array') return [];
  const members: ResourceInstance[] = [];
  for (const entry of refs.items) {
    const v = unwrap(idOf(entry));
    if (v?.kind !== 'ref' || !isIdPath(v.path)) return null;
    members.push(v.resource);
  }
  return members;
}

/** A JSON document written as text (a heredoc) or through `jsonencode`, as a value. */
function jsonValue(v: Value | undefined): Value | undefined {
  const u = unwrap(v);
  if (!u) return undefined;
  if (u.kind === 'object') return u;
  if (u.kind === 'call' && u.fn === 'jsonencode' && u.args.length === 1) return u.args[0];
  if (u.kind !== 'string') return undefined;
  try {
    return fromPlain(JSON.parse(u.value));
  } catch {
    return undefined;
  }
}

function fromPlain(x: unknown): Value {
  if (x === null) return { kind: 'null' };
  if (Array.isArray(x)) return { kind: 'array', items: x.map(fromPlain) };
  if (typeof x === 'object') return { kind: 'object', entries: new Map(Object.entries(x as Record<string, unknown>).map(([k, y]) => [k, fromPlain(y)])) };
  if (typeof x === 'number') return { kind: 'number', value: x };
  if (typeof x === 'boolean') return { kind: 'bool', value: x };
  return { kind: 'string', value: String(x) };
}

/** The role's GUID: the last GUID in the ID (`/subscriptions/<sub>/providers/.../roleDefinitions/<guid>`). */
function roleGuid(v: Value | undefined): string | undefined {
  const strings = stringsIn(unwrap(v));
  for (let i = strings.length - 1; i >= 0; i--) {
    const all = strings[i].match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi);
    if (all) return all[all.length - 1].toLowerCase();
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Scopes

/** Where the assignment is: its explicit scope value, or the scope of its deployment. */
interface Placement {
  value?: Value;
  deployment: ScopeValue;
}

function assignmentPlacement(a: ResourceInstance): Placement {
  if (a.format !== 'terraform') return a.scope ? { value: a.scope, deployment: a.deploymentScope } : { deployment: a.deploymentScope };
  const arg = a.type === 'azapi_resource' ? 'parent_id' : AZURERM_ASSIGNMENT_SCOPE[a.type];
  const value = getProp(a.body, arg);
  return value && value.kind !== 'null' ? { value, deployment: a.deploymentScope } : { deployment: a.deploymentScope };
}

function withinAssignmentScope(grant: Grant, assignment: ResourceInstance): boolean {
  const at = assignmentPlacement(assignment);
  const granted: Placement = grant.scope.value ? { value: grant.scope.value, deployment: grant.resource.deploymentScope } : { deployment: grant.resource.deploymentScope };
  if (sameResourceRoot(grant.resource, assignment) === false) return false;
  return samePlace(granted, at) || inside(granted, at);
}

/** Two instances of one root deployment can be compared; separate roots are separate deployments. */
function sameResourceRoot(a: ResourceInstance, b: ResourceInstance): boolean {
  const root = (r: ResourceInstance): string => (r.callChain[0] ?? r.decl).file;
  if (a.format === 'terraform' && b.format === 'terraform') return dir(root(a)) === dir(root(b));
  return root(a) === root(b);
}

function dir(file: string): string {
  return file.replace(/[\\/][^\\/]*$/, '');
}

/** A scope value as a deployment scope, when it is one (`subscription()`, `resourceGroup().id`). */
function asDeploymentScope(v: Value): ScopeValue | undefined {
  const u = unwrap(v);
  if (u?.kind !== 'scope') return undefined;
  if (u.path.length > 1 || (u.path.length === 1 && u.path[0].toLowerCase() !== 'id')) return undefined;
  return { ...u, path: [] };
}

function sameDeploymentScope(a: ScopeValue, b: ScopeValue): boolean {
  return a === b || sameValue({ ...a, path: [] }, { ...b, path: [] });
}

function samePlace(g: Placement, a: Placement): boolean {
  const gs = g.value ? asDeploymentScope(g.value) : g.deployment;
  const as = a.value ? asDeploymentScope(a.value) : a.deployment;
  if (gs && as) return sameDeploymentScope(gs, as);
  if (!g.value || !a.value) return false;
  const gv = unwrap(g.value);
  const av = unwrap(a.value);
  if (!gv || !av) return false;
  if (gv.kind === 'ref' && av.kind === 'ref') return gv.resource.key === av.resource.key && isIdPath(gv.path) && isIdPath(av.path);
  if (gv.kind === 'string' && av.kind === 'string') return trimSlash(gv.value) === trimSlash(av.value);
  const gf = resolveScopeValue(gv);
  const af = resolveScopeValue(av);
  if (gf.kind === 'unknown' || gf.kind !== af.kind) return false;
  if (gf.resource && af.resource) return gf.resource.key === af.resource.key;
  return false;
}

function trimSlash(s: string): string {
  return s.toLowerCase().replace(/\/+$/, '');
}

/**
 * Whether the grant's scope is shown to lie inside the assignment's: a resource ID that extends the
 * assignment's scope ID; a resource or resource group of the same deployment when the assignment is
 * on that deployment's scope (or on the subscription holding it); in Terraform, a resource in the
 * assignment's resource group, or a resource group of this configuration when the assignment is on
 * the current subscription.
 */
function inside(g: Placement, a: Placement): boolean {
  if (!g.value) return false;
  const gv = unwrap(g.value);
  if (!gv) return false;
  const av = a.value ? unwrap(a.value) : undefined;
  if (gv.kind === 'string' && av?.kind === 'string') return gv.value.toLowerCase().startsWith(`${trimSlash(av.value)}/`);
  const as = av ? asDeploymentScope(av) : a.deployment;
  if (as) {
    // The assignment is on a deployment scope: what this deployment declares is inside it.
    if (gv.kind === 'ref' && isIdPath(gv.path) && gv.resource.format !== 'terraform') {
      return sameDeploymentScope(gv.resource.deploymentScope, as) || (as.level === 'subscription' && as.current && gv.resource.deploymentScope.level === 'resourceGroup');
    }
    const gs = asDeploymentScope(gv);
    if (gs && as.level === 'subscription' && as.current && gs.level === 'resourceGroup' && !gs.subscriptionId) return true;
    return false;
  }
  if (!av || gv.kind !== 'ref' || !isIdPath(gv.path) || av.kind !== 'ref' || !isIdPath(av.path)) return false;
  const container = av.resource;
  if (container.type === 'azurerm_resource_group') {
    const rg = unwrap(getProp(gv.resource.body, 'resource_group_name'));
    return rg?.kind === 'ref' && rg.resource.key === container.key && lowerPath(rg.path) === 'name';
  }
  if (container.type === 'azurerm_subscription' && container.existing && !getProp(container.body, 'subscription_id')) {
    // The current subscription: the configuration's resource groups and resources are in it.
    return gv.resource.format === 'terraform' && !gv.resource.existing && gv.resource.type.startsWith('azurerm_') && gv.resource.type !== 'azurerm_subscription';
  }
  return false;
}
