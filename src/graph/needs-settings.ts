/**
 * Access needs that app settings configure, the same in every format (settings.ts reads them):
 * - a Key Vault reference, `@Microsoft.KeyVault(SecretUri=https://<vault>.vault.azure.net/secrets/<name>/)`
 *   or `@Microsoft.KeyVault(VaultName=<vault>;SecretName=<name>)`, resolved by App Service with
 *   `keyVaultReferenceIdentity` (azurerm `key_vault_reference_identity_id`) or else the
 *   system-assigned identity: getSecret on the vault;
 * - Functions host storage on an identity: `AzureWebJobsStorage__accountName` or
 *   `__blobServiceUri`, through the identity `__clientId` or `__managedIdentityResourceId` selects,
 *   else the system-assigned one: blob read and write on the account;
 * - identity-based binding connections: `<name>__fullyQualifiedNamespace` (Service Bus, Event Hubs;
 *   sending or receiving, the configuration does not say which) and `<name>__blobServiceUri` /
 *   `__queueServiceUri` (Storage bindings).
 * A connection whose plain setting (`AzureWebJobsStorage`, `<name>`) holds a connection string uses
 * that string's keys, not an identity (Microsoft Learn, "Connecting to host storage with an identity",
 * "Identity-based connections" in the Functions reference).
 */
import type { ResourceInstance } from '../model/template.js';
import { asString, type Value } from '../model/value.js';
import type { IdentitySelector, NeedFacts } from './needs.js';
import { BLOB_READ, BLOB_WRITE, EVENT_HUBS_OPS, QUEUE_ADD, QUEUE_READ, SECRET_GET, SERVICE_BUS_OPS } from './operations.js';
import { isSet } from './queries.js';
import type { Setting, WorkloadSettings } from './settings.js';
import { EVENT_HUBS, SERVICE_BUS, STORAGE, VAULT, type TargetQuery } from './targets.js';
import { templateOf, valueOf } from './template-text.js';
import { unwrap } from './values.js';

const REFERENCE = /^\s*@Microsoft\.KeyVault\((.*)\)\s*$/is;

/** What a Key Vault reference names: the secret URI, or the vault by name. Undefined when the value is no reference. */
export function keyVaultReference(value: Value | undefined): { target: Value; query: TargetQuery } | undefined {
  const t = templateOf(value);
  const m = t && REFERENCE.exec(t.text);
  if (!t || !m) return undefined;
  const fields = new Map<string, string>();
  for (const part of m[1].split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  }
  const uri = fields.get('secreturi');
  if (uri !== undefined) return { target: valueOf(t, uri), query: { types: [VAULT] } };
  const vault = fields.get('vaultname');
  if (vault !== undefined) return { target: valueOf(t, vault), query: { types: [VAULT], bareName: true } };
  return { target: { kind: 'unknown' }, query: { types: [VAULT] } };
}

/** The `<prefix>__<suffix>` settings by prefix (lower case), with the suffixes lower case too. */
function connections(settings: WorkloadSettings): Map<string, { prefix: string; parts: Map<string, Setting> }> {
  const out = new Map<string, { prefix: string; parts: Map<string, Setting> }>();
  for (const s of settings.entries) {
    const sep = s.name.indexOf('__');
    if (sep <= 0) continue;
    const prefix = s.name.slice(0, sep);
    const key = prefix.toLowerCase();
    let entry = out.get(key);
    if (!entry) out.set(key, (entry = { prefix, parts: new Map() }));
    entry.parts.set(s.name.slice(sep + 2).toLowerCase(), s);
  }
  return out;
}

/** `__clientId` or `__managedIdentityResourceId`; absent: the system-assigned identity, unless some settings cannot be seen. */
function connectionIdentity(parts: Map<string, Setting>, complete: boolean): IdentitySelector | undefined {
  const chosen = parts.get('clientid') ?? parts.get('managedidentityresourceid');
  if (chosen && isSet(chosen.value)) return { value: chosen.value };
  return complete ? undefined : { value: { kind: 'unknown' } };
}

/** A plain setting of the prefix's own name that holds a connection string: keys, not an identity. */
function usesConnectionString(settings: WorkloadSettings, prefix: string): boolean {
  const lower = prefix.toLowerCase();
  const plain = settings.entries.find((s) => s.name.toLowerCase() === lower);
  if (!plain) return false;
  const text = asString(unwrap(plain.value));
  return text === undefined ? isSet(plain.value) : text.trim() !== '';
}

/**
 * The needs in a workload's settings. `referenceIdentity` is the value of `keyVaultReferenceIdentity`
 * (or `key_vault_reference_identity_id`), when written.
 */
export function settingNeeds(workload: ResourceInstance, settings: WorkloadSettings | undefined, referenceIdentity: Value | undefined): NeedFacts[] {
  if (!settings) return [];
  const needs: NeedFacts[] = [];
  const base = (s: Setting) => ({ workload, resource: s.declaredIn ?? workload, at: s.at });
  const refSelector: IdentitySelector | undefined = isSet(referenceIdentity) ? { value: referenceIdentity! } : undefined;
  for (const s of settings.entries) {
    const ref = keyVaultReference(s.value);
    if (!ref) continue;
    needs.push({
      ...base(s),
      kind: 'keyVaultReference',
      ...(refSelector ? { identity: refSelector } : {}),
      target: ref.target,
      query: ref.query,
      operations: [SECRET_GET],
      use: `the Key Vault reference in app setting '${s.name}'`,
    });
  }
  for (const { prefix, parts } of connections(settings).values()) {
    if (usesConnectionString(settings, prefix)) continue;
    const identity = connectionIdentity(parts, settings.complete);
    const withIdentity = identity ? { identity } : {};
    if (prefix.toLowerCase() === 'azurewebjobsstorage') {
      const account = parts.get('accountname');
      const blob = parts.get('blobserviceuri');
      const used = account ?? blob;
      if (!used) continue;
      needs.push({
        ...base(used),
        kind: 'hostStorage',
        ...withIdentity,
        target: used.value,
        query: { types: [STORAGE], bareName: used === account },
        operations: [BLOB_READ, BLOB_WRITE],
        use: `the Functions host storage (app setting '${used.name}')`,
      });
      continue;
    }
    const namespace = parts.get('fullyqualifiednamespace');
    if (namespace) {
      needs.push({
        ...base(namespace),
        kind: 'messagingConnection',
        ...withIdentity,
        target: namespace.value,
        query: { types: [SERVICE_BUS, EVENT_HUBS] },
        operations: [...SERVICE_BUS_OPS, ...EVENT_HUBS_OPS],
        requires: 'any',
        use: `the identity-based connection '${prefix}' (app setting '${namespace.name}')`,
      });
    }
    for (const [suffix, ops] of [['blobserviceuri', [BLOB_READ, BLOB_WRITE]], ['queueserviceuri', [QUEUE_READ, QUEUE_ADD]]] as const) {
      const uri = parts.get(suffix);
      if (!uri) continue;
      needs.push({
        ...base(uri),
        kind: 'storageConnection',
        ...withIdentity,
        target: uri.value,
        query: { types: [STORAGE] },
        operations: [...ops],
        requires: 'any',
        use: `the identity-based connection '${prefix}' (app setting '${uri.name}')`,
      });
    }
  }
  return needs;
}
