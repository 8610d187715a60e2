/**
 * The places where one particular ID of an identity belongs, as written in each format:
 * - its principal (object) ID, where roles and access policies are granted: every grant's
 *   `principalId` / `principal_id` / `objectId` / `object_id`, and an AKS cluster's kubelet
 *   identity `objectId` (azurerm `kubelet_identity { object_id }`);
 * - its client ID, where code or a setting selects an identity: `AZURE_CLIENT_ID` and
 *   `<connection>__clientId` settings and environment variables, App Service
 *   `acrUserManagedIdentityID`, azurerm `*_managed_identity_client_id`, `identityClientId` and a
 *   registry's `encryption.keyVaultProperties.identity` (customer-managed keys), the kubelet identity
 *   `clientId` / `client_id`, the `azure.workload.identity/client-id` service-account annotation
 *   (a literal or placeholder there names no identity of the graph);
 * - its resource ID, where it is attached or referenced by the platform: `userAssignedIdentities`
 *   keys and `identity_ids` entries, `keyVaultReferenceIdentity` / `key_vault_reference_identity_id`,
 *   Container Apps `registries[].identity` and `secrets[].identity` (azurerm `registry`/`secret`
 *   blocks) and scale rules' `identity`, container groups' `imageRegistryCredentials[].identity` and
 *   `encryptionProperties.identity`, customer-managed keys' `identity.userAssignedIdentity` and
 *   `*UserAssignedIdentityId`, `userAssignedIdentityResourceId`, azurerm `user_assigned_identity_id` (anywhere),
 *   `<connection>__managedIdentityResourceId` settings, and a federated credential's `parent_id`.
 */
import { within } from '../model/location.js';
import type { ResourceInstance } from '../model/template.js';
import type { Value } from '../model/value.js';
import { isAksCluster, kubeletIdentityValue } from './aks.js';
import { armView } from './arm-view.js';
import { SHAPES } from './build.js';
import type { IdentityProperty } from './identity-ids.js';
import type { Grant, GraphEntry, IdentityGraph } from './types.js';
import { unwrap } from './values.js';

export interface IdPlace {
  /** What to report: the grant, or the declaration entry holding the value. */
  node: Grant | GraphEntry;
  /** How the place is written, for messages: `principal_id`, `AZURE_CLIENT_ID`, `userAssignedIdentities`. */
  place: string;
  expects: IdentityProperty;
  value: Value;
}

/** ARM-shaped property paths (lower case, array indices dropped) and what they take. */
const ARM_PATHS: [RegExp, IdentityProperty][] = [
  [/(^|\.)acrusermanagedidentityid$/, 'clientId'],
  [/(^|\.)keyvaultreferenceidentity$/, 'resourceId'],
  [/(^|\.)userassignedidentityresourceid$/, 'resourceId'],
  [/(^|\.)identity\.userassignedidentity$/, 'resourceId'],
  [/(^|\.)[a-z]*userassignedidentityid$/, 'resourceId'],
  [/(^|\.)encryptionproperties\.identity$/, 'resourceId'],
  [/(^|\.)encryption\.keyvaultproperties\.identity$/, 'clientId'],
  [/(^|\.)identityclientid$/, 'clientId'],
  [/(^|\.)scale\.rules\.identity$/, 'resourceId'],
  [/^properties\.configuration\.(registries|secrets)\.identity$/, 'resourceId'],
  [/^properties\.imageregistrycredentials\.identity$/, 'resourceId'],
  [/^properties\.identityprofile\.kubeletidentity\.clientid$/, 'clientId'],
  [/^properties\.identityprofile\.kubeletidentity\.objectid$/, 'principalId'],
  [/^properties\.identityprofile\.kubeletidentity\.resourceid$/, 'resourceId'],
];

/** azurerm argument paths (lower case, block indices dropped) and what they take. */
const AZURERM_PATHS: [RegExp, IdentityProperty][] = [
  [/(^|\.)user_assigned_identity_id$/, 'resourceId'],
  [/(^|\.)key_vault_reference_identity_id$/, 'resourceId'],
  [/(^|\.)[a-z0-9_]*managed_identity_client_id$/, 'clientId'],
  [/^kubelet_identity\.client_id$/, 'clientId'],
  [/^kubelet_identity\.object_id$/, 'principalId'],
  [/^(registry|secret)\.identity$/, 'resourceId'],
];

const AZURERM_CONTAINER_APPS = new Set(['azurerm_container_app', 'azurerm_container_app_job']);

/** The place a setting's name makes it, if any. */
function settingExpects(name: string): IdentityProperty | undefined {
  const lower = name.toLowerCase();
  if (lower === 'azure_client_id' || lower.endsWith('__clientid')) return 'clientId';
  if (lower.endsWith('__managedidentityresourceid')) return 'resourceId';
  return undefined;
}

function entryAt(r: ResourceInstance, v: Value): GraphEntry {
  const at = v.at && within(r.decl, v.at) ? v.at : r.decl;
  return { id: `${r.key}@${at.range.start.line}:${at.range.start.column}`, resource: r, at };
}

/** Last keys that can name a place (one test before the paths are built and matched). */
const PLACE_KEY = /(identity|identityid|clientid|objectid|resourceid|client_id|object_id|identity_id)$/;

/** Calls `visit` with the property path (lower case, indices dropped) and value of every key that may be a place. */
function walkProps(v: Value, path: string[], visit: (path: string, key: string, value: Value) => void): void {
  if (v.kind === 'object') {
    for (const [k, x] of v.entries) {
      path.push(k);
      // Every place key ends in `y` or `d` (PLACE_KEY): other keys are not lower-cased or matched.
      const last = k.charCodeAt(k.length - 1) | 0x20;
      if ((last === 0x79 || last === 0x64) && PLACE_KEY.test(k.toLowerCase())) visit(path.join('.').toLowerCase(), k, x);
      walkProps(x, path, visit);
      path.pop();
    }
  } else if (v.kind === 'array') {
    for (const x of v.items) walkProps(x, path, visit);
  }
}

function propertyPlaces(r: ResourceInstance, out: IdPlace[]): void {
  const view = armView(r);
  const table = view ? ARM_PATHS : r.format === 'terraform' ? AZURERM_PATHS : [];
  const body = view?.body ?? r.body;
  walkProps(body, [], (path, key, value) => {
    if (!view && /^(registry|secret)\./.test(path) && !AZURERM_CONTAINER_APPS.has(r.type)) return;
    const hit = table.find(([re]) => re.test(path));
    if (!hit) return;
    for (const v of listOf(value)) out.push({ node: entryAt(r, v), place: key, expects: hit[1], value: v });
  });
  if (r.type === 'azurerm_federated_identity_credential') {
    const parent = r.body.entries.get('parent_id');
    if (parent) out.push({ node: entryAt(r, parent), place: 'parent_id', expects: 'resourceId', value: parent });
  }
}

function listOf(v: Value): Value[] {
  const u = unwrap(v);
  return u?.kind === 'array' ? u.items : [v];
}

const cache = new WeakMap<IdentityGraph, IdPlace[]>();

/** Every place in the graph where a particular identity ID belongs, with the value written there (computed once per graph). */
export function identityIdPlaces(graph: IdentityGraph): IdPlace[] {
  let places = cache.get(graph);
  if (!places) {
    places = collectPlaces(graph);
    cache.set(graph, places);
  }
  return places;
}

function collectPlaces(graph: IdentityGraph): IdPlace[] {
  const out: IdPlace[] = [];
  for (const grant of graph.grants) {
    const place = grant.resource.format === 'terraform' ? (grant.kind === 'accessPolicy' ? 'object_id' : 'principal_id') : grant.kind === 'accessPolicy' ? 'objectId' : 'principalId';
    out.push({ node: grant, place, expects: 'principalId', value: grant.principal.value });
  }
  for (const workload of graph.workloads) {
    const r = workload.resource;
    const facts = SHAPES.map((s) => s.workloadIdentities(r)).find((f) => f !== undefined);
    const place = r.format === 'terraform' && r.type !== 'azapi_resource' ? 'identity_ids' : 'userAssignedIdentities';
    // An AKS kubelet identity's resource ID is read as a property below.
    const kubelet = isAksCluster(r) ? kubeletIdentityValue(r) : undefined;
    for (const v of facts?.userAssigned ?? []) if (v !== kubelet) out.push({ node: entryAt(r, v), place, expects: 'resourceId', value: v });
  }
  const byKey = new Map(graph.resources.map((r) => [r.key, r]));
  for (const [key, settings] of graph.settings) {
    const r = byKey.get(key);
    if (!r) continue;
    for (const s of settings.entries) {
      const expects = settingExpects(s.name);
      if (!expects || s.secret) continue;
      out.push({ node: { id: `${r.key}@${s.at.range.start.line}:${s.at.range.start.column}`, resource: r, at: s.at }, place: s.name, expects, value: s.value });
    }
  }
  for (const r of graph.resources) propertyPlaces(r, out);
  return out;
}
