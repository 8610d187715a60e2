/**
 * The resource an access need reaches: a resource declared in the analysed files (`existing` and
 * data sources included), or one known only by the name, URI or login server the configuration
 * writes (`https://shop-kv.vault.azure.net/...`, `ordersacr.azurecr.io`), or unknown. Host names
 * are those of Azure's public and sovereign clouds (Microsoft Learn, "Azure services DNS suffixes").
 */
import { dirname } from 'node:path';
import { parseResourceIdArgs, RESOURCE_ID_FUNCTIONS } from '../link/functions.js';
import type { ResourceInstance } from '../model/template.js';
import { asString, getProp, type Value } from '../model/value.js';
import { armTypeOf, azapiArmType } from './azurerm-types.js';
import { parseResourceIdShape } from './resource-id.js';
import { unwrap } from './values.js';

export const VAULT = 'Microsoft.KeyVault/vaults';
export const REGISTRY = 'Microsoft.ContainerRegistry/registries';
export const STORAGE = 'Microsoft.Storage/storageAccounts';
export const SERVICE_BUS = 'Microsoft.ServiceBus/namespaces';
export const EVENT_HUBS = 'Microsoft.EventHub/namespaces';

export type TargetKind = 'declared' | 'named' | 'unknown';

export interface NeedTarget {
  kind: TargetKind;
  /** The target's ARM type, when known (a `*.servicebus.windows.net` host may be either messaging service). */
  resourceType?: string;
  /** The name the configuration gives it (the vault's or account's name, the registry's), when known. */
  name?: string;
  /** Its declarations in the analysed files (`existing` and data sources included), when found. */
  resources: ResourceInstance[];
  /** How the configuration writes it (`ordersacr.azurecr.io`, a vault URI), for messages. */
  written?: string;
}

/** The ARM type an instance deploys: ARM/Bicep types as written, azapi's `type`, azurerm's mapping. */
export function armTypeOfResource(r: ResourceInstance): string | undefined {
  if (r.format !== 'terraform') return r.type;
  if (r.type === 'azapi_resource') return azapiArmType(asString(getProp(r.body, 'type')));
  return armTypeOf(r.type);
}

function rootOf(r: ResourceInstance): string {
  const file = (r.callChain[0] ?? r.decl).file;
  return r.format === 'terraform' ? dirname(file) : file;
}

function nameOf(r: ResourceInstance): string | undefined {
  return asString(unwrap(r.name)) ?? asString(unwrap(getProp(r.body, 'name')));
}

/**
 * Declared resources by ARM type and name within one root deployment: a name written in a setting
 * names the resource of that name deployed with it, not one in another project that happens to be
 * analysed in the same run.
 */
export class ResourceIndex {
  private readonly byKey = new Map<string, ResourceInstance[]>();

  /** Indexes the resources of the given ARM types (default: the types access needs reach). */
  constructor(resources: ResourceInstance[], types: string[] = INDEXED_TYPES) {
    const wanted = new Set(types.map((t) => t.toLowerCase()));
    for (const r of resources) {
      const type = armTypeOfResource(r);
      if (!type || !wanted.has(type.toLowerCase())) continue;
      const name = nameOf(r);
      if (!name) continue;
      const key = `${rootOf(r)}|${type.toLowerCase()}|${name.toLowerCase()}`;
      const list = this.byKey.get(key);
      if (list) list.push(r);
      else this.byKey.set(key, [r]);
    }
  }

  named(type: string, name: string, near: ResourceInstance): ResourceInstance[] {
    return this.byKey.get(`${rootOf(near)}|${type.toLowerCase()}|${name.toLowerCase()}`) ?? [];
  }
}

/** The types a need's target or identity can be looked up as by name. */
const INDEXED_TYPES = [VAULT, REGISTRY, STORAGE, SERVICE_BUS, EVENT_HUBS, 'Microsoft.ManagedIdentity/userAssignedIdentities'];

const HOSTS: Record<string, RegExp> = {
  [VAULT.toLowerCase()]: /^(?:https?:\/\/)?([a-z0-9-]+)\.vault\.(?:azure\.net|azure\.cn|usgovcloudapi\.net|microsoftazure\.de)(?:[:/]|$)/i,
  [REGISTRY.toLowerCase()]: /^(?:https?:\/\/)?([a-z0-9]+)\.azurecr\.(?:io|cn|us)(?:[:/]|$)/i,
  [STORAGE.toLowerCase()]: /^(?:https?:\/\/)?([a-z0-9]+)\.(?:blob|queue|table|dfs|file)\.core\.(?:windows\.net|chinacloudapi\.cn|usgovcloudapi\.net)(?:[:/]|$)/i,
  [SERVICE_BUS.toLowerCase()]: /^(?:sb:\/\/|https?:\/\/)?([a-z0-9-]+)\.servicebus\.(?:windows\.net|chinacloudapi\.cn|usgovcloudapi\.net)(?:[:/]|$)/i,
};
HOSTS[EVENT_HUBS.toLowerCase()] = HOSTS[SERVICE_BUS.toLowerCase()];

/** A key in a Managed HSM (`https://<hsm>.managedhsm.azure.net/keys/...`): authorized by the HSM's local RBAC, not by Azure role assignments. */
export function isManagedHsmKey(value: Value | undefined): boolean {
  const v = unwrap(value);
  if (v?.kind === 'string') return /\.managedhsm\./i.test(v.value) || /\/managedHSMs\//i.test(v.value);
  if (v?.kind === 'concat') return v.parts.some((p) => p.kind === 'string' && /\.managedhsm\.|\/managedHSMs\//i.test(p.value));
  if (v?.kind === 'ref') return /managedhsm/i.test(armTypeOfResource(v.resource) ?? '') || /managed_hardware_security_module/.test(v.resource.type);
  return false;
}

const PLAIN_NAME = /^[A-Za-z0-9][A-Za-z0-9-]*$/;

/** The parent attributes azurerm child resources name their parent by (`azurerm_key_vault_secret.key_vault_id`). */
const AZURERM_PARENT: Record<string, string[]> = {
  [VAULT.toLowerCase()]: ['key_vault_id'],
  [STORAGE.toLowerCase()]: ['storage_account_id', 'storage_account_name'],
  [REGISTRY.toLowerCase()]: ['container_registry_id', 'registry_name'],
};

export interface TargetQuery {
  /** The ARM type the use reaches (`Microsoft.KeyVault/vaults`), or several when the host does not tell. */
  types: string[];
  /** The value may be a bare name (`VaultName=`, `AzureWebJobsStorage__accountName`, `storage_account_name`). */
  bareName?: boolean;
}

/** What a value (a URI, a login server, a name, a resource ID, a reference) names as a target. */
export function targetOf(value: Value | undefined, query: TargetQuery, index: ResourceIndex, near: ResourceInstance, depth = 0): NeedTarget {
  const unknownTarget: NeedTarget = query.types.length === 1 ? { kind: 'unknown', resourceType: query.types[0], resources: [] } : { kind: 'unknown', resources: [] };
  const v = unwrap(value);
  if (!v || depth > 4) return unknownTarget;
  if (v.kind === 'ref') return refTarget(v.resource, query, index, near, depth) ?? unknownTarget;
  if (v.kind === 'call' && RESOURCE_ID_FUNCTIONS.has(v.fn)) {
    const q = parseResourceIdArgs(v.fn, v.args);
    const type = q && query.types.find((t) => sameOrChild(q.type, t));
    const name = q && asString(unwrap(q.names[0]));
    return type && name ? named(type, name, index, near, name) : unknownTarget;
  }
  if (v.kind === 'string') return textTarget(v.value, query, index, near) ?? unknownTarget;
  if (v.kind === 'concat') {
    const first = v.parts.find((p) => !(p.kind === 'string' && p.value === ''));
    if (first && first.kind !== 'string') return targetOf(first, query, index, near, depth + 1);
    // The known text before the first unknown part: enough when it holds the host.
    let prefix = '';
    for (const p of v.parts) {
      if (p.kind !== 'string') break;
      prefix += p.value;
    }
    const known = textTarget(prefix, { types: query.types }, index, near, true);
    if (known) return known;
  }
  return unknownTarget;
}

function named(type: string, name: string, index: ResourceIndex, near: ResourceInstance, written: string): NeedTarget {
  const resources = index.named(type, name, near);
  return { kind: resources.length > 0 ? 'declared' : 'named', resourceType: type, name, resources, written };
}

function textTarget(text: string, query: TargetQuery, index: ResourceIndex, near: ResourceInstance, partial = false): NeedTarget | undefined {
  const trimmed = text.trim();
  for (const type of query.types) {
    const host = HOSTS[type.toLowerCase()]?.exec(trimmed);
    if (host) {
      const written = /^[a-z]+:\/\//i.test(trimmed) ? trimmed.replace(/^([a-z]+:\/\/[^/]+).*$/i, '$1') : trimmed.split('/')[0];
      // A messaging host names a Service Bus or an Event Hubs namespace: whichever is declared.
      const candidates = query.types.filter((t) => HOSTS[t.toLowerCase()] === HOSTS[type.toLowerCase()]);
      for (const t of candidates) {
        const found = named(t, host[1], index, near, written);
        if (found.kind === 'declared') return found;
      }
      const target = named(type, host[1], index, near, written);
      if (candidates.length > 1) delete target.resourceType;
      return target;
    }
  }
  if (partial) return undefined;
  if (trimmed.startsWith('/')) {
    const shape = parseResourceIdShape({ kind: 'string', value: trimmed });
    const type = shape?.resourceType && query.types.find((t) => sameOrChild(shape.resourceType!, t));
    const name = shape?.label?.split('/')[0];
    return type && name ? named(type, name, index, near, name) : undefined;
  }
  if (query.bareName && query.types.length === 1 && PLAIN_NAME.test(trimmed)) return named(query.types[0], trimmed, index, near, trimmed);
  return undefined;
}

function refTarget(r: ResourceInstance, query: TargetQuery, index: ResourceIndex, near: ResourceInstance, depth: number): NeedTarget | undefined {
  const type = armTypeOfResource(r);
  for (const wanted of query.types) {
    if (type && type.toLowerCase() === wanted.toLowerCase()) {
      const name = nameOf(r);
      const target: NeedTarget = { kind: 'declared', resourceType: wanted, resources: [r] };
      if (name) target.name = name;
      return target;
    }
    if (type && sameOrChild(type, wanted)) {
      // A child (a secret, a key, a container): its parent is the target.
      if (r.parent) return refTarget(r.parent, query, index, near, depth + 1);
      const parentName = nameOf(r)?.split('/')[0];
      if (r.format !== 'terraform' && parentName) return named(wanted, parentName, index, r, parentName);
    }
    if (r.format === 'terraform' && (!type || sameOrChild(type, wanted))) {
      // azurerm children without an ARM mapping (`azurerm_key_vault_secret`, `azurerm_storage_container`).
      for (const attr of AZURERM_PARENT[wanted.toLowerCase()] ?? []) {
        const parent = getProp(r.body, attr);
        if (parent && parent.kind !== 'null') {
          return targetOf(parent, { types: [wanted], bareName: attr.endsWith('_name') }, index, r, depth + 1);
        }
      }
    }
  }
  return undefined;
}

/** `Microsoft.KeyVault/vaults/secrets` is a child of `Microsoft.KeyVault/vaults`; a type is its own "child" too. */
export function sameOrChild(type: string, parent: string): boolean {
  const t = type.toLowerCase();
  const p = parent.toLowerCase();
  return t === p || t.startsWith(`${p}/`);
}
