/**
 * Federated identity credentials: an identity trusts tokens from an issuer, for a subject and
 * audience (the graph's *trusts* edge). Read from:
 * - `Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials` (Bicep `parent:`,
 *   ARM `identity/credential` names or nested resources, azapi `parent_id`): `properties.issuer`,
 *   `.subject`, `.audiences`;
 * - `azurerm_federated_identity_credential`: `parent_id` (the identity's resource ID), `issuer`,
 *   `subject`, `audience`;
 * - `azuread_application_federated_identity_credential` (`application_id`, formerly
 *   `application_object_id`): `issuer`, `subject`, `audiences`; and the Microsoft Graph Bicep
 *   extension's `Microsoft.Graph/applications/federatedIdentityCredentials`: `issuer`, `subject`,
 *   `audiences` at the top of the body. These trust an application, not a managed identity.
 *
 * The issuer is linked to an AKS cluster declared here when it reads the cluster's issuer URL:
 * `aks.properties.oidcIssuerProfile.issuerURL` (ARM `reference(...).oidcIssuerProfile.issuerURL`,
 * azapi `output.properties.oidcIssuerProfile.issuerURL`), azurerm `oidc_issuer_url`.
 */
import { within } from '../model/location.js';
import type { ResourceInstance } from '../model/template.js';
import { getPath, getProp, type Value } from '../model/value.js';
import { isAksCluster } from './aks.js';
import { armAttributePath, armView } from './arm-view.js';
import { azureResourceKey } from './build.js';
import { identityIdOf } from './identity-ids.js';
import type { FederatedCredential, IdentityGraph, ServiceAccount } from './types.js';
import { lowerPath, unwrap } from './values.js';

const UAMI_FIC = 'microsoft.managedidentity/userassignedidentities/federatedidentitycredentials';
const UAMI = 'microsoft.managedidentity/userassignedidentities';
const GRAPH_FIC = 'microsoft.graph/applications/federatedidentitycredentials';

function present(v: Value | undefined): Value | undefined {
  const u = unwrap(v);
  return u && u.kind !== 'null' ? v : undefined;
}

function withFields(c: FederatedCredential, fields: { parent?: Value; issuer?: Value; subject?: Value; audiences?: Value }): FederatedCredential {
  for (const [k, v] of Object.entries(fields) as [keyof typeof fields, Value | undefined][]) {
    const value = present(v);
    if (value) c[k] = value;
  }
  return c;
}

function credentialOf(r: ResourceInstance, graph: IdentityGraph): FederatedCredential | undefined {
  const base: FederatedCredential = { id: `credential:${r.key}`, resource: r, at: r.decl };
  if (r.type === 'azurerm_federated_identity_credential') {
    const c = withFields(base, { parent: getProp(r.body, 'parent_id'), issuer: getProp(r.body, 'issuer'), subject: getProp(r.body, 'subject'), audiences: getProp(r.body, 'audience') });
    const id = identityIdOf(graph, c.parent);
    if (id?.identity && id.identity.kind === 'user') c.identity = id.identity;
    return c;
  }
  if (r.type === 'azuread_application_federated_identity_credential') {
    return withFields(base, {
      parent: getProp(r.body, 'application_id') ?? getProp(r.body, 'application_object_id'),
      issuer: getProp(r.body, 'issuer'),
      subject: getProp(r.body, 'subject'),
      audiences: getProp(r.body, 'audiences'),
    });
  }
  const view = armView(r);
  if (view?.type === GRAPH_FIC) {
    return withFields(base, { issuer: getProp(view.body, 'issuer'), subject: getProp(view.body, 'subject'), audiences: getProp(view.body, 'audiences') });
  }
  if (view?.type !== UAMI_FIC) return undefined;
  const props = getProp(view.body, 'properties');
  const c = withFields(base, { issuer: getProp(props, 'issuer'), subject: getProp(props, 'subject'), audiences: getProp(props, 'audiences') });
  if (r.parent && armView(r.parent)?.type === UAMI) {
    c.identity = graph.identityIndex.get(`user:${azureResourceKey(r.parent)}`);
    if (!c.identity) delete c.identity;
  } else if (r.type === 'azapi_resource') {
    const parent = present(getProp(r.body, 'parent_id'));
    if (parent) c.parent = parent;
    const id = identityIdOf(graph, parent);
    if (id?.identity && id.identity.kind === 'user') c.identity = id.identity;
  }
  return c;
}

/** The AKS cluster declared here whose OIDC issuer URL the value reads. */
export function issuerClusterOf(issuer: Value | undefined): ResourceInstance | undefined {
  const v = unwrap(issuer);
  if (v?.kind !== 'ref' || !isAksCluster(v.resource)) return undefined;
  const path = armAttributePath(v.resource, lowerPath(v.path));
  if (v.resource.type === 'azurerm_kubernetes_cluster') return path === 'oidc_issuer_url' ? v.resource : undefined;
  return path === 'properties.oidcissuerprofile.issuerurl' || path === 'oidcissuerprofile.issuerurl' ? v.resource : undefined;
}

export function findCredentials(graph: IdentityGraph): FederatedCredential[] {
  const out: FederatedCredential[] = [];
  for (const r of graph.resources) {
    if (r.existing) continue;
    const c = credentialOf(r, graph);
    if (!c) continue;
    const cluster = issuerClusterOf(c.issuer);
    if (cluster) c.issuerCluster = cluster;
    out.push(c);
  }
  return out;
}

/** `system:serviceaccount:<namespace>:<name>`, when the subject is that and fully known. */
export function serviceAccountSubject(subject: Value | undefined): { namespace: string; name: string } | undefined {
  const v = unwrap(subject);
  if (v?.kind !== 'string') return undefined;
  const m = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(v.value);
  return m ? { namespace: m[1], name: m[2] } : undefined;
}

/** Links each service account to the credentials declared here whose subject names it. */
export function linkServiceAccounts(accounts: ServiceAccount[], credentials: FederatedCredential[]): void {
  for (const account of accounts) {
    if (account.name === undefined) continue;
    account.trustedBy = credentials.filter((c) => {
      const s = serviceAccountSubject(c.subject);
      return s !== undefined && s.name === account.name && (account.namespace === undefined || s.namespace === account.namespace);
    });
  }
}

/** The credentials that trust an identity. */
export function credentialsOf(graph: IdentityGraph, identity: { id: string }): FederatedCredential[] {
  return graph.federatedCredentials.filter((c) => c.identity?.id === identity.id);
}

/** The cluster's OIDC issuer and workload identity switches: true, false, or undefined when not known. */
export function clusterFederation(cluster: ResourceInstance): { oidcIssuer?: boolean; workloadIdentity?: boolean } {
  if (cluster.existing) return {};
  if (cluster.type === 'azurerm_kubernetes_cluster') {
    return {
      oidcIssuer: oidcSwitch(getProp(cluster.body, 'oidc_issuer_enabled'), getProp(cluster.body, 'kubernetes_version'), cluster),
      workloadIdentity: offUnlessWritten(getProp(cluster.body, 'workload_identity_enabled'), cluster),
    };
  }
  const body = armView(cluster)?.body;
  return {
    oidcIssuer: oidcSwitch(getPath(body, ['properties', 'oidcIssuerProfile', 'enabled']), getPath(body, ['properties', 'kubernetesVersion']), cluster),
    workloadIdentity: offUnlessWritten(getPath(body, ['properties', 'securityProfile', 'workloadIdentity', 'enabled']), cluster),
  };
}

/**
 * A known boolean written in the cluster's declaration, 'absent' when unwritten, undefined when
 * not known: a parameter, or a value written elsewhere (a root's parameter default is a
 * possibility, not a fact; a module's caller may pass another value).
 */
function written(v: Value | undefined, cluster: ResourceInstance): boolean | 'absent' | undefined {
  const u = unwrap(v);
  if (!u || u.kind === 'null') return 'absent';
  if (u.at && !within(cluster.decl, u.at)) return undefined;
  if (u.kind === 'bool') return u.value;
  if (u.kind === 'string' && /^(true|false)$/i.test(u.value)) return u.value.toLowerCase() === 'true';
  return undefined;
}

/** Workload identity is off unless turned on. */
function offUnlessWritten(v: Value | undefined, cluster: ResourceInstance): boolean | undefined {
  const w = written(v, cluster);
  return w === 'absent' ? false : w;
}

/**
 * The OIDC issuer is on by default only for clusters created with Kubernetes 1.34 or later: unwritten,
 * it is off when the written version is older, on when newer, and not known without a version.
 */
function oidcSwitch(v: Value | undefined, version: Value | undefined, cluster: ResourceInstance): boolean | undefined {
  const w = written(v, cluster);
  if (w !== 'absent') return w;
  const ver = unwrap(version);
  if (ver?.at && !within(cluster.decl, ver.at)) return undefined;
  const m = ver?.kind === 'string' ? /^(\d+)\.(\d+)/.exec(ver.value) : null;
  if (!m) return undefined;
  return Number(m[1]) > 1 || Number(m[2]) >= 34;
}

