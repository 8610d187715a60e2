/**
 * Customer-managed keys through an identity, in ARM-shaped resources: the service wraps and unwraps
 * its data encryption key with a key in a vault, calling Key Vault with one of its own identities.
 * Where each service writes the key and the identity, from its REST API reference on Microsoft
 * Learn. Services that call Key Vault with a first-party application rather than the resource's
 * managed identity (Azure Databricks, Cosmos DB's default `FirstPartyIdentity`) are left out.
 */
import type { ResourceInstance } from '../model/template.js';
import { asString, getPath, getProp, type Value } from '../model/value.js';
import type { IdentitySelector, NeedFacts } from './needs.js';
import { KEY_UNWRAP, KEY_WRAP } from './operations.js';
import { isSet, isTrue } from './queries.js';
import { VAULT } from './targets.js';
import { listOf, pathOrUnknown, unwrap } from './values.js';

interface KeyUse {
  /** The object that configures the key (the finding points there). */
  block: Value;
  /** The key's URI, the vault's URI or the vault's resource ID. */
  key: Value | undefined;
  /** Absent: the system-assigned identity; `false`: the identity cannot be told. */
  identity?: IdentitySelector | false;
}

const text = (v: Value | undefined): string | undefined => asString(unwrap(v))?.toLowerCase();
const selectorOf = (v: Value | undefined): IdentitySelector | undefined => (isSet(v) ? { value: v! } : undefined);

/** `keySource` (when written) names Key Vault, and `status` (when written) is not disabled. */
function enabled(block: Value | undefined): boolean {
  const source = text(getProp(block, 'keySource'));
  const status = text(getProp(block, 'status'));
  return (source === undefined || source.includes('keyvault')) && status !== 'disabled';
}

/** `encryption: { keySource, identity: { userAssignedIdentity }, keyvaultproperties: { keyvaulturi } }` and the like. */
function encryptionWith(keyPath: string[], identityPath: string[]): (props: Value | undefined) => KeyUse[] {
  return (props) => {
    const enc = getProp(props, 'encryption');
    if (!enc || enc.kind !== 'object' || !enabled(enc)) return [];
    const key = getPath(enc, keyPath);
    if (!isSet(key)) return [];
    const identity = selectorOf(pathOrUnknown(enc, identityPath));
    return [{ block: enc, key, ...(identity ? { identity } : {}) }];
  };
}

/** `kekIdentity: { useSystemAssignedIdentity | identityType, userAssignedIdentity | identityId }`. */
function kekIdentity(kek: Value | undefined): IdentitySelector | undefined | false {
  if (!kek || kek.kind === 'null') return undefined;
  if (kek.kind !== 'object') return false;
  const type = text(getProp(kek, 'identityType'));
  if (isTrue(getProp(kek, 'useSystemAssignedIdentity')) || type === 'systemassigned') return undefined;
  return selectorOf(getProp(kek, 'userAssignedIdentity') ?? getProp(kek, 'identityId')) ?? false;
}

const READERS: Record<string, (props: Value | undefined) => KeyUse[]> = {
  'microsoft.storage/storageaccounts': encryptionWith(['keyvaultproperties', 'keyvaulturi'], ['identity', 'userAssignedIdentity']),
  'microsoft.automation/automationaccounts': encryptionWith(['keyVaultProperties', 'keyvaultUri'], ['identity', 'userAssignedIdentity']),
  'microsoft.netapp/netappaccounts': (props) => {
    const uses = encryptionWith(['keyVaultProperties', 'keyVaultUri'], ['identity', 'userAssignedIdentity'])(props);
    return uses.length > 0 ? uses : encryptionWith(['keyVaultProperties', 'keyVaultResourceId'], ['identity', 'userAssignedIdentity'])(props);
  },
  'microsoft.cognitiveservices/accounts': encryptionWith(['keyVaultProperties', 'keyVaultUri'], ['keyVaultProperties', 'identityClientId']),
  'microsoft.appconfiguration/configurationstores': encryptionWith(['keyVaultProperties', 'keyIdentifier'], ['keyVaultProperties', 'identityClientId']),
  'microsoft.datafactory/factories': encryptionWith(['vaultBaseUrl'], ['identity', 'userAssignedIdentity']),
  'microsoft.machinelearningservices/workspaces': (props) => {
    const enc = getProp(props, 'encryption');
    if (!enc || !enabled(enc)) return [];
    const key = getPath(enc, ['keyVaultProperties', 'keyIdentifier']) ?? getPath(enc, ['keyVaultProperties', 'keyVaultArmId']);
    if (!isSet(key)) return [];
    // Without an identity in the block, the Azure Machine Learning service's own application reads the key.
    return [{ block: enc, key, identity: selectorOf(pathOrUnknown(enc, ['identity', 'userAssignedIdentity'])) ?? false }];
  },
  // A registry encrypts with a user-assigned identity given by client ID; without one it cannot be told.
  'microsoft.containerregistry/registries': (props) => {
    const enc = getProp(props, 'encryption');
    if (!enc || text(getProp(enc, 'status')) !== 'enabled') return [];
    const key = getPath(enc, ['keyVaultProperties', 'keyIdentifier']);
    if (!isSet(key)) return [];
    return [{ block: enc, key, identity: selectorOf(pathOrUnknown(enc, ['keyVaultProperties', 'identity'])) ?? false }];
  },
  // Batch, Log Analytics clusters and disk encryption sets use the resource's identity, whichever it is.
  'microsoft.batch/batchaccounts': (props) => {
    const enc = getProp(props, 'encryption');
    const key = getPath(enc, ['keyVaultProperties', 'keyIdentifier']);
    return enc && enabled(enc) && isSet(key) ? [{ block: enc, key, identity: { sole: true } }] : [];
  },
  'microsoft.operationalinsights/clusters': (props) => {
    const kv = getProp(props, 'keyVaultProperties');
    const key = getProp(kv, 'keyVaultUri');
    return kv && isSet(key) ? [{ block: kv, key, identity: { sole: true } }] : [];
  },
  'microsoft.compute/diskencryptionsets': (props) => {
    const active = getProp(props, 'activeKey');
    const key = getProp(active, 'keyUrl') ?? getPath(active, ['sourceVault', 'id']);
    return active && isSet(key) ? [{ block: active, key, identity: { sole: true } }] : [];
  },
  'microsoft.kusto/clusters': (props) => {
    const kv = getProp(props, 'keyVaultProperties');
    const key = getProp(kv, 'keyVaultUri');
    if (!kv || !isSet(key)) return [];
    const identity = selectorOf(pathOrUnknown(kv, ['userIdentity']));
    return [{ block: kv, key, ...(identity ? { identity } : {}) }];
  },
  'microsoft.recoveryservices/vaults': (props) => {
    const enc = getProp(props, 'encryption');
    const key = getPath(enc, ['keyVaultProperties', 'keyUri']);
    return enc && isSet(key) ? [{ block: enc, key, identity: kekIdentity(getProp(enc, 'kekIdentity')) }] : [];
  },
  'microsoft.dataprotection/backupvaults': (props) => {
    const enc = getPath(props, ['securitySettings', 'encryptionSettings']);
    const key = getPath(enc, ['keyVaultProperties', 'keyUri']);
    return enc && text(getProp(enc, 'state')) !== 'disabled' && isSet(key) ? [{ block: enc, key, identity: kekIdentity(getProp(enc, 'kekIdentity')) }] : [];
  },
  'microsoft.synapse/workspaces': (props) => {
    const cmk = getPath(props, ['encryption', 'cmk']);
    const key = getPath(cmk, ['key', 'keyVaultUrl']);
    return cmk && isSet(key) ? [{ block: cmk, key, identity: kekIdentity(getProp(cmk, 'kekIdentity')) }] : [];
  },
  'microsoft.elasticsan/elasticsans/volumegroups': (props) => {
    if (text(getProp(props, 'encryption')) !== 'encryptionatrestwithcustomermanagedkey') return [];
    const ep = getProp(props, 'encryptionProperties');
    const key = getPath(ep, ['keyVaultProperties', 'keyVaultUri']);
    if (!ep || !isSet(key)) return [];
    const identity = selectorOf(pathOrUnknown(ep, ['identity', 'userAssignedIdentity']));
    return [{ block: ep, key, ...(identity ? { identity } : {}) }];
  },
  'microsoft.dbforpostgresql/flexibleservers': flexibleServer,
  'microsoft.dbformysql/flexibleservers': flexibleServer,
  'microsoft.documentdb/databaseaccounts': (props) => {
    const key = getProp(props, 'keyVaultKeyUri');
    const identity = asString(unwrap(getProp(props, 'defaultIdentity')));
    if (!isSet(key) || !identity) return [];
    if (identity.toLowerCase() === 'systemassignedidentity') return [{ block: key!, key }];
    const user = /^UserAssignedIdentity=(.+)$/i.exec(identity);
    return user ? [{ block: key!, key, identity: { value: { kind: 'string', value: user[1] } } }] : [];
  },
  'microsoft.cache/redisenterprise': (props) => {
    const enc = getPath(props, ['encryption', 'customerManagedKeyEncryption']);
    const key = getProp(enc, 'keyEncryptionKeyUrl');
    if (!enc || !isSet(key)) return [];
    const kek = getProp(enc, 'keyEncryptionKeyIdentity');
    const type = text(getProp(kek, 'identityType'));
    if (type === 'systemassignedidentity') return [{ block: enc, key }];
    return [{ block: enc, key, identity: selectorOf(getProp(kek, 'userAssignedIdentityResourceId')) ?? false }];
  },
};

/** Service Bus and Event Hubs list one entry per key, each with its identity. */
function namespaceKeys(props: Value | undefined): KeyUse[] {
  const enc = getProp(props, 'encryption');
  if (!enc || !enabled(enc)) return [];
  return listOf(getProp(enc, 'keyVaultProperties')).flatMap((kv) => {
    const key = getProp(kv, 'keyVaultUri');
    if (!isSet(key)) return [];
    const identity = selectorOf(pathOrUnknown(kv, ['identity', 'userAssignedIdentity']));
    return [{ block: kv, key, ...(identity ? { identity } : {}) }];
  });
}
READERS['microsoft.servicebus/namespaces'] = namespaceKeys;
READERS['microsoft.eventhub/namespaces'] = namespaceKeys;

function flexibleServer(props: Value | undefined): KeyUse[] {
  const de = getProp(props, 'dataEncryption');
  if (!de || text(getProp(de, 'type')) !== 'azurekeyvault') return [];
  const key = getProp(de, 'primaryKeyURI');
  return isSet(key) ? [{ block: de, key, identity: selectorOf(getProp(de, 'primaryUserAssignedIdentityId')) ?? false }] : [];
}

export function hasCmkReader(type: string): boolean {
  return type in READERS;
}

/** The customer-managed-key needs of an ARM-shaped resource of the given (lower-case) type. */
export function cmkNeeds(r: ResourceInstance, type: string, props: Value | undefined): NeedFacts[] {
  const read = READERS[type];
  if (!read) return [];
  return read(props).flatMap((use) => {
    if (use.identity === false) return [];
    return [
      {
        kind: 'customerManagedKey' as const,
        workload: r,
        resource: r,
        at: use.block.at ?? r.decl,
        ...(use.identity ? { identity: use.identity } : {}),
        target: use.key,
        query: { types: [VAULT] },
        operations: [KEY_WRAP, KEY_UNWRAP],
        use: 'the customer-managed key',
      },
    ];
  });
}
