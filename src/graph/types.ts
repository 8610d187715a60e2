import type { Location } from '../model/location.js';
import type { ExternalCall, ResourceInstance } from '../model/template.js';
import type { Value } from '../model/value.js';
import type { AccessNeed } from './needs.js';
import type { RoleDefinition } from './roles.js';
import type { WorkloadSettings } from './settings.js';

/** A resource that holds managed identities (web app, VM, container app, AKS cluster, ...). */
export interface Workload {
  id: string;
  resource: ResourceInstance;
  identities: Identity[];
  /** App settings or environment variables, for the types that have them (settings.ts). */
  settings?: WorkloadSettings;
}

export type IdentityKind = 'system' | 'user' | 'external';

export interface Identity {
  id: string;
  kind: IdentityKind;
  /**
   * For a system identity: its workload. For a user-assigned identity declared here: the identity
   * resource. Absent for an external principal.
   */
  resource?: ResourceInstance;
  /** Created in the analysed files (false for `existing`, Terraform data sources, IDs passed in). */
  createdHere: boolean;
  /** Workloads it is attached to. */
  workloads: Workload[];
  /** Special attachments the platform manages (AKS control-plane and kubelet identities). */
  platformManaged: boolean;
  /** How the identity is referred to in messages: `site`, `azurerm_user_assigned_identity.app`. */
  label: string;
}

export type PrincipalKind = 'managedIdentity' | 'servicePrincipal' | 'user' | 'group' | 'unknown';

export interface Principal {
  /** The identity node, when the principal is one the graph knows. */
  identity?: Identity;
  kind: PrincipalKind;
  value: Value;
}

export type ScopeKind = 'resource' | 'resourceGroup' | 'subscription' | 'managementGroup' | 'tenant' | 'unknown';

export interface GrantScope {
  kind: ScopeKind;
  /** For a resource scope: its ARM type when known (`Microsoft.KeyVault/vaults`). */
  resourceType?: string;
  /** A display name for messages (`'myapp-kv'`, `resource group 'app-rg'`). */
  label?: string;
  /** The resource, when the scope is a resource declared in the analysed files. */
  resource?: ResourceInstance;
  /** The value that set the scope; absent when the grant lands on the deployment's scope. */
  value?: Value;
}

export type GrantKind = 'rbac' | 'accessPolicy' | 'dataPlane';

export interface Grant {
  id: string;
  kind: GrantKind;
  /** The role assignment / access policy declaration. */
  resource: ResourceInstance;
  /** Where the grant is written (an inline access policy entry is inside its vault). */
  at: Location;
  principal: Principal;
  /** RBAC: the role definition, resolved against the built-in catalog when possible. */
  role?: RoleDefinition;
  roleValue?: Value;
  scope: GrantScope;
  /** RBAC: `principalType` (Terraform `principal_type`), or absent. */
  principalType?: Value;
  /** Terraform: `skip_service_principal_aad_check`. */
  skipPrincipalCheck?: Value;
  /** RBAC: the assignment's name expression, or absent when not written. */
  name?: Value;
  condition?: Value;
  /**
   * A Key Vault access policy's permissions as written: `{ keys, secrets, certificates, storage }`
   * lists (ARM `permissions`; azurerm `key_permissions`, `secret_permissions`, ...).
   */
  permissions?: Value;
}

export interface IdentityGraph {
  workloads: Workload[];
  identities: Identity[];
  grants: Grant[];
  /** Every resource instance, for rules that look beyond identities. */
  resources: ResourceInstance[];
  /** Custom role definitions declared in the analysed files (built-in roles are in the catalog). */
  roleDefinitions: RoleDefinition[];
  /** Settings and environment variables by resource key, for every resource type that has them (workloads or not). */
  settings: Map<string, WorkloadSettings>;
  /** Identity nodes by id (`user:<resource>`, `system:<resource>`, `external:<text>`): see identity-ids.ts `identityIdOf`. */
  identityIndex: Map<string, Identity>;
  /** Module calls grantlint cannot read, with what they pass in: what happens there is not known. */
  externalCalls?: ExternalCall[];
  /** What workloads reach through their identities (Key Vault references, image pulls, ...): see needs.ts. */
  needs: AccessNeed[];
}
