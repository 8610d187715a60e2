import { dirname } from 'node:path';
import { parseResourceIdArgs, RESOURCE_ID_FUNCTIONS } from '../link/functions.js';
import type { ServiceAccountManifest } from '../model/kubernetes.js';
import type { ExportedValue, ExternalCall, ResourceInstance } from '../model/template.js';
import { asString, describeValue, type ScopeValue, type Value } from '../model/value.js';
import { armShape } from './arm-shape.js';
import { customRoleOf, isRoleDefinitionResource } from './custom-roles.js';
import { collectAccessNeeds } from './needs.js';
import { collectSettings, type WorkloadSettings } from './settings.js';
import { azurermShape } from './azurerm-shape.js';
import { findGuid, type RoleCatalog, type RoleDefinition } from './roles.js';
import type { GrantFacts, PrincipalFacts, PrincipalLookup, ScopeFacts, ShapeAdapter } from './shape.js';
import type { Grant, GrantScope, Identity, IdentityGraph, Principal, Workload } from './types.js';
import { stringsIn, unwrap, valueKey } from './values.js';
import { wireIdentities } from './wiring.js';

export const SHAPES: ShapeAdapter[] = [armShape, azurermShape];

/** Builds the identity graph from linked resource instances. */
/** What the graph reads besides resource instances. */
export interface GraphInputs {
  /** Module calls grantlint cannot read, with what they pass in. */
  externalCalls?: ExternalCall[];
  /** Outputs and module call arguments (front ends' `exports`). */
  exports?: ExportedValue[];
  /** Kubernetes service accounts asking for a workload identity. */
  serviceAccounts?: ServiceAccountManifest[];
}

export function buildGraph(resources: ResourceInstance[], roles: RoleCatalog, shapes: ShapeAdapter[] = SHAPES, inputs: GraphInputs = {}): IdentityGraph {
  return new GraphBuilder(resources, roles, shapes, inputs).build();
}

class GraphBuilder {
  private readonly identities = new Map<string, Identity>();
  private readonly workloads: Workload[] = [];
  private readonly grants: Grant[] = [];
  /** Custom roles declared here, by the declaring instance's key. */
  private readonly customRoles = new Map<string, RoleDefinition>();
  private settings = new Map<string, WorkloadSettings>();
  private identitiesByName?: Map<string, ResourceInstance[]>;
  private readonly lookup: PrincipalLookup = {
    userIdentitiesNamed: (name, near) => {
      if (!this.identitiesByName) {
        this.identitiesByName = new Map();
        for (const r of this.resources) {
          const n = asString(r.name);
          if (n === undefined || r.existing || !this.shapes.some((s) => s.isUserAssignedIdentity(r))) continue;
          const key = n.toLowerCase();
          this.identitiesByName.set(key, [...(this.identitiesByName.get(key) ?? []), r]);
        }
      }
      const root = (r: ResourceInstance): string => dirname((r.callChain[0] ?? r.decl).file);
      return (this.identitiesByName.get(name.toLowerCase()) ?? []).filter((r) => root(r) === root(near));
    },
  };

  constructor(
    private readonly resources: ResourceInstance[],
    private readonly roles: RoleCatalog,
    private readonly shapes: ShapeAdapter[],
    private readonly inputs: GraphInputs,
  ) {}

  build(): IdentityGraph {
    for (const r of this.resources) {
      const custom = customRoleOf(r);
      if (custom) this.customRoles.set(r.key, custom);
    }
    this.settings = collectSettings(this.resources);
    for (const r of this.resources) {
      if (this.shapes.some((s) => s.isUserAssignedIdentity(r))) this.userIdentity(r);
    }
    for (const r of this.resources) this.addWorkload(r);
    for (const r of this.resources) {
      for (const shape of this.shapes) {
        for (const facts of shape.grants(r)) this.grants.push(this.grant(r, facts));
      }
    }
    const graph: IdentityGraph = {
      workloads: this.workloads,
      identities: [...this.identities.values()],
      grants: this.grants,
      resources: this.resources,
      roleDefinitions: [...this.customRoles.values()],
      settings: this.settings,
      identityIndex: this.identities,
      needs: [],
      clusters: [],
      slots: [],
      federatedCredentials: [],
      serviceAccounts: [],
      exports: this.inputs.exports ?? [],
      externalCalls: this.inputs.externalCalls ?? [],
    };
    wireIdentities(graph, this.inputs.serviceAccounts ?? [], {
      attached: (v) => this.attachedUserIdentity(v),
      add: (identity) => {
        this.identities.set(identity.id, identity);
        graph.identities.push(identity);
      },
    });
    graph.needs = collectAccessNeeds(graph);
    return graph;
  }

  private first<T>(ask: (s: ShapeAdapter) => T | undefined): T | undefined {
    for (const s of this.shapes) {
      const answer = ask(s);
      if (answer !== undefined) return answer;
    }
    return undefined;
  }

  private userIdentity(r: ResourceInstance): Identity {
    return this.identity(`user:${azureResourceKey(r)}`, r, 'user');
  }

  private systemIdentity(r: ResourceInstance): Identity {
    return this.identity(`system:${azureResourceKey(r)}`, r, 'system');
  }

  /** One node per Azure resource: instances that deploy the same resource share its identity. */
  private identity(id: string, r: ResourceInstance, kind: 'user' | 'system'): Identity {
    let node = this.identities.get(id);
    if (!node) {
      node = { id, kind, resource: r, createdHere: !r.existing, label: r.symbol, workloads: [], platformManaged: false };
      this.identities.set(id, node);
    } else if (!r.existing && !node.createdHere) {
      node.createdHere = true;
      node.resource = r;
    }
    return node;
  }

  private externalIdentity(text: string): Identity {
    const id = `external:${text}`;
    let node = this.identities.get(id);
    if (!node) {
      node = { id, kind: 'external', createdHere: false, label: text, workloads: [], platformManaged: false };
      this.identities.set(id, node);
    }
    return node;
  }

  private addWorkload(r: ResourceInstance): void {
    const facts = this.first((s) => s.workloadIdentities(r));
    if (!facts) return;
    const workload: Workload = { id: r.key, resource: r, identities: [] };
    const settings = this.settings.get(r.key);
    if (settings) workload.settings = settings;
    const attach = (identity: Identity): void => {
      if (workload.identities.includes(identity)) return;
      workload.identities.push(identity);
      const firstAttachment = identity.workloads.length === 0;
      identity.workloads.push(workload);
      // An identity the platform manages everywhere it is attached is the platform's business.
      identity.platformManaged = facts.platformManaged && (firstAttachment || identity.platformManaged);
    };
    if (facts.systemAssigned) attach(this.systemIdentity(r));
    for (const ref of facts.userAssigned) attach(this.attachedUserIdentity(ref));
    this.workloads.push(workload);
  }

  /** The identity a workload's `userAssignedIdentities` key or `identity_ids` entry names. */
  private attachedUserIdentity(value: Value): Identity {
    const v = unwrap(value);
    if (v?.kind === 'ref' && this.shapes.some((s) => s.isUserAssignedIdentity(v.resource))) return this.userIdentity(v.resource);
    return this.externalIdentity(describeValue(v));
  }

  private grant(r: ResourceInstance, facts: GrantFacts): Grant {
    const grant: Grant = {
      id: `${r.key}@${facts.at.range.start.line}:${facts.at.range.start.column}`,
      kind: facts.kind,
      resource: r,
      at: facts.at,
      principal: this.principal(facts.principal, facts.principalType),
      roleValue: facts.role,
      role: this.role(facts.role),
      scope: this.scope(r, facts),
    };
    if (facts.principalType) grant.principalType = facts.principalType;
    if (facts.skipPrincipalCheck) grant.skipPrincipalCheck = facts.skipPrincipalCheck;
    if (facts.name) grant.name = facts.name;
    if (facts.condition) grant.condition = facts.condition;
    if (facts.permissions) grant.permissions = facts.permissions;
    return grant;
  }

  private principal(value: Value, principalType: Value | undefined): Principal {
    const facts: PrincipalFacts | undefined = this.first((s) => s.resolvePrincipal(value, this.lookup));
    let identity: Identity | undefined;
    if (facts?.resource) {
      identity = facts.system ? this.systemIdentity(facts.resource) : this.userIdentity(facts.resource);
    }
    let kind = facts?.kind ?? 'unknown';
    const declared = asString(principalType)?.toLowerCase();
    if (!identity && (declared === 'user' || declared === 'group')) kind = declared;
    if (!identity && declared === 'serviceprincipal' && kind === 'unknown') kind = 'servicePrincipal';
    const principal: Principal = { kind, value };
    if (identity) principal.identity = identity;
    return principal;
  }

  /**
   * The role a value names: a GUID or role name string, a role definition resource ID (by string,
   * concat or resourceId call), or a reference to a declared role definition — a custom role
   * declared here resolves to that definition, whose permissions the rules judge. Values that
   * merely contain a GUID somewhere (a conditional, a lookup) are not guessed at.
   */
  private role(value: Value | undefined): RoleDefinition | undefined {
    const v = unwrap(value);
    if (!v) return undefined;
    if (v.kind === 'string') return this.byGuid(v.value) ?? this.byName(v.value);
    if (v.kind === 'ref' && isRoleDefinitionResource(v.resource)) {
      return this.customRoles.get(v.resource.key) ?? (v.resource.format === 'terraform' ? undefined : this.role(v.resource.name));
    }
    if (v.kind === 'concat' || (v.kind === 'call' && RESOURCE_ID_FUNCTIONS.has(v.fn))) {
      const strings = stringsIn(v);
      const last = strings[strings.length - 1];
      const guid = last === undefined ? undefined : findGuid(last);
      if (guid) return this.byGuid(guid);
      return v.kind === 'call' ? this.customByName(v.args[v.args.length - 1]) : undefined;
    }
    return undefined;
  }

  private byGuid(text: string): RoleDefinition | undefined {
    const builtIn = this.roles.byGuid(text);
    if (builtIn) return builtIn;
    const guid = findGuid(text);
    return guid ? [...this.customRoles.values()].find((r) => r.id === guid) : undefined;
  }

  private byName(text: string): RoleDefinition | undefined {
    const name = text.trim().toLowerCase();
    return this.roles.byRoleName(text) ?? [...this.customRoles.values()].find((r) => r.roleName.trim().toLowerCase() === name);
  }

  /** `resourceId('Microsoft.Authorization/roleDefinitions', guid(...))` naming a definition declared with that name. */
  private customByName(nameValue: Value | undefined): RoleDefinition | undefined {
    const key = valueKey(unwrap(nameValue));
    if (key === undefined) return undefined;
    return [...this.customRoles.values()].find((r) => r.resource && valueKey(unwrap(r.resource.name)) === key);
  }

  private scope(r: ResourceInstance, facts: GrantFacts): GrantScope {
    if (facts.impliedScope) return { ...facts.impliedScope };
    if (!facts.scope) return { ...scopeOfDeployment(r.deploymentScope) };
    const resolved = resolveScopeValue(facts.scope, this.shapes);
    return { ...resolved, value: facts.scope };
  }
}

/**
 * What identifies the Azure resource an instance deploys: within one root deployment, its type,
 * name and deployment scope when those are known (two module calls or nested deployments that
 * deploy the same VM deploy one VM), else the instance itself. Separate roots are separate
 * deployments (to environments grantlint cannot tell apart) and never share a resource.
 */
export function azureResourceKey(r: ResourceInstance): string {
  const name = valueKey(r.name);
  const scope = valueKey(r.deploymentScope);
  if (name === undefined || scope === undefined) return r.key;
  const rootFile = (r.callChain[0] ?? r.decl).file;
  const root = r.format === 'terraform' ? dirname(rootFile) : rootFile;
  return `${root}|${r.type.toLowerCase()}|${name}|${scope}`;
}

function scopeOfDeployment(scope: ScopeValue): ScopeFacts {
  const label = asString(scope.name);
  return label ? { kind: scope.level, label } : { kind: scope.level };
}

/** What a scope value names: a deployment scope, a resource ID (by call or by string), a reference. */
export function resolveScopeValue(value: Value, shapes: ShapeAdapter[] = SHAPES): ScopeFacts {
  const v = unwrap(value);
  if (!v) return { kind: 'unknown' };
  if (v.kind === 'scope') {
    if (v.path.length > 1 || (v.path.length === 1 && v.path[0].toLowerCase() !== 'id')) return { kind: 'unknown' };
    return scopeOfDeployment(v);
  }
  if (v.kind === 'call' && RESOURCE_ID_FUNCTIONS.has(v.fn)) return resourceIdCallScope(v.fn, v.args);
  if (v.kind === 'string' && !v.value.startsWith('/')) {
    const relative = relativeResourceId(v.value);
    if (relative) return relative;
  }
  for (const s of shapes) {
    const answer = s.resolveScope(v);
    if (answer) return answer;
  }
  return { kind: 'unknown' };
}

/** `resourceId([sub], [rg], 'Microsoft.X/y', name...)` and friends, by the shared argument reader. */
function resourceIdCallScope(fn: string, args: Value[]): ScopeFacts {
  const q = parseResourceIdArgs(fn, args);
  if (!q) return { kind: 'unknown' };
  const label = q.names.map((n) => asString(n) ?? describeValue(n)).join('/');
  if (q.type.toLowerCase() === 'microsoft.resources/resourcegroups') return { kind: 'resourceGroup', label };
  if (q.type.toLowerCase() === 'microsoft.management/managementgroups') return { kind: 'managementGroup', label };
  return { kind: 'resource', resourceType: q.type, label };
}

/** `Microsoft.KeyVault/vaults/myapp-kv`: the relative form Bicep emits for `scope:` in ARM JSON. */
function relativeResourceId(text: string): ScopeFacts | undefined {
  const segments = text.split('/');
  if (segments.length < 3 || segments.length % 2 === 0 || !/^[A-Za-z]+\.[\w.]+$/.test(segments[0])) return undefined;
  const types = [segments[0]];
  const names: string[] = [];
  for (let i = 1; i < segments.length; i += 2) {
    types.push(segments[i]);
    names.push(segments[i + 1]);
  }
  return { kind: 'resource', resourceType: types.join('/'), label: names.join('/') };
}
