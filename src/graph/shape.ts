import type { Location } from '../model/location.js';
import type { ResourceInstance } from '../model/template.js';
import type { Value } from '../model/value.js';
import type { PrincipalKind, ScopeKind } from './types.js';

/**
 * How the graph builder reads one family of resource shapes: ARM-shaped resources (Bicep, ARM JSON,
 * azapi bodies) in `arm-shape.ts`, azurerm/azuread resources in `azurerm-shape.ts`. The builder
 * asks every adapter and uses the first answer.
 */
export interface ShapeAdapter {
  /** If the resource can hold identities and its identity settings say it does, which ones. */
  workloadIdentities(resource: ResourceInstance): WorkloadIdentityFacts | undefined;
  /** A user-assigned identity resource (Microsoft.ManagedIdentity/userAssignedIdentities, azurerm_user_assigned_identity). */
  isUserAssignedIdentity(resource: ResourceInstance): boolean;
  /** Role assignments, access policy entries and other grants the resource declares. */
  grants(resource: ResourceInstance): GrantFacts[];
  /** What a principal ID value points at, if this adapter knows the reference. */
  resolvePrincipal(value: Value, lookup?: PrincipalLookup): PrincipalFacts | undefined;
  /** What a scope value (a resource ID, a resource reference, ...) names, if this adapter knows it. */
  resolveScope(value: Value): ScopeFacts | undefined;
}

export interface WorkloadIdentityFacts {
  systemAssigned: boolean;
  /** The values naming attached user-assigned identities (resource IDs, references). */
  userAssigned: Value[];
  /** Identities the platform manages for this workload (AKS kubelet/control plane): never need a grant here. */
  platformManaged: boolean;
}

export interface GrantFacts {
  kind: 'rbac' | 'accessPolicy' | 'dataPlane';
  at: Location;
  principal: Value;
  role?: Value;
  /** Absent: the grant lands on the deployment's scope (or, for access policies, on the vault). */
  scope?: Value;
  /** For grants whose scope is implied by where they are written (access policies, legacy nested types). */
  impliedScope?: ScopeFacts;
  principalType?: Value;
  skipPrincipalCheck?: Value;
  /** The assignment name; absent when not written. */
  name?: Value;
  condition?: Value;
  /** Key Vault access policies: the permissions as an object of lists (`{ keys, secrets, certificates }`). */
  permissions?: Value;
}

export interface PrincipalFacts {
  kind: PrincipalKind;
  /** The resource whose identity this is: a workload (system identity) or a user-assigned identity. */
  resource?: ResourceInstance;
  system?: boolean;
}

export interface ScopeFacts {
  kind: ScopeKind;
  resourceType?: string;
  label?: string;
  resource?: ResourceInstance;
}

/** What the graph builder lets adapters look up while they resolve principals. */
export interface PrincipalLookup {
  /** User-assigned identities created in the same root as `near` whose name is `name` (case-insensitive). */
  userIdentitiesNamed(name: string, near: ResourceInstance): ResourceInstance[];
}
