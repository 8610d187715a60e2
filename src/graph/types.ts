import type { ServiceAccountManifest } from '../model/kubernetes.js';
import type { Location } from '../model/location.js';
import type { ExportedValue, ExternalCall, ResourceInstance } from '../model/template.js';
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

/**
 * `kubelet`: the identity AKS creates for a cluster's nodes when the cluster names none of its own
 * (`identityProfile.kubeletidentity`, azurerm `kubelet_identity`); one per cluster, owned by the platform.
 */
export type IdentityKind = 'system' | 'user' | 'external' | 'kubelet';

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
  /** Identity nodes by id (`user:<resource>`, `system:<resource>`, `external:<text>`, `kubelet:<cluster>`): see identity-ids.ts `identityIdOf`. */
  identityIndex: Map<string, Identity>;
  /** Module calls grantlint cannot read, with what they pass in: what happens there is not known. */
  externalCalls?: ExternalCall[];
  /** What workloads reach through their identities (Key Vault references, image pulls, ...): see needs.ts. */
  needs: AccessNeed[];
  /** AKS clusters and their two kinds of identity (aks.ts). */
  clusters: AksCluster[];
  /** Deployment slots and their production apps (slots.ts). */
  slots: DeploymentSlot[];
  /** Federated identity credentials: identity → issuer, subject, audiences (federation.ts). */
  federatedCredentials: FederatedCredential[];
  /** Kubernetes service accounts that ask for a workload identity (kubernetes.ts). */
  serviceAccounts: ServiceAccount[];
  /** Values handed beyond the resources: template and module outputs, module call arguments. */
  exports: ExportedValue[];
}

/** A declaration (or an entry inside one) that a rule reports on: where it is written, and by whom. */
export interface GraphEntry {
  id: string;
  /** The declaring resource instance; absent for what is not a template resource (a Kubernetes manifest). */
  resource?: ResourceInstance;
  at: Location;
}

/**
 * An AKS cluster's identities. The control plane (its `identity` block: system-assigned, or the
 * user-assigned identity named there) manages the cluster's Azure resources; the kubelet identity
 * is what the nodes use, to pull images among other things: the user-assigned identity named by
 * `identityProfile.kubeletidentity.resourceId` (azurerm `kubelet_identity.user_assigned_identity_id`),
 * or else the one AKS creates in the node resource group. One user-assigned identity can be both.
 */
export interface AksCluster {
  resource: ResourceInstance;
  workload?: Workload;
  controlPlane: Identity[];
  kubelet: Identity;
  /** How the kubelet identity's principal ID is written in the cluster's format, for messages. */
  kubeletPrincipal: string;
}

/** A deployment slot of an app declared here (`Microsoft.Web/sites/slots`, azurerm `*_app_slot`). */
export interface DeploymentSlot extends GraphEntry {
  resource: ResourceInstance;
  /** The production app. */
  app: ResourceInstance;
  /** The slot as a workload, when it holds identities. */
  workload?: Workload;
  /** The production app as a workload, when it holds identities. */
  appWorkload?: Workload;
}

/**
 * A federated identity credential: tokens from `issuer` whose subject is `subject` and audience
 * one of `audiences` are exchanged for tokens of `identity` (the *trusts* edge).
 */
export interface FederatedCredential extends GraphEntry {
  resource: ResourceInstance;
  /** The user-assigned identity (or, for azuread, the application) that trusts the issuer. */
  identity?: Identity;
  /** The value naming the identity or application (`parent`, `parent_id`, `application_id`). */
  parent?: Value;
  issuer?: Value;
  subject?: Value;
  audiences?: Value;
  /** The AKS cluster declared here whose OIDC issuer URL the issuer is. */
  issuerCluster?: ResourceInstance;
}

/**
 * A Kubernetes ServiceAccount asking for a workload identity (see `ServiceAccountManifest`), with
 * the federated credentials declared here whose subject `system:serviceaccount:<namespace>:<name>`
 * names it.
 */
export interface ServiceAccount extends GraphEntry, ServiceAccountManifest {
  trustedBy: FederatedCredential[];
}
