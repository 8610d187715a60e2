/**
 * Access needs of azurerm resources, checked against the provider's documentation
 * (website/docs/r/*.html.markdown of hashicorp/terraform-provider-azurerm):
 * - apps and slots: `app_settings` (needs-settings.ts) and `connection_string` blocks holding Key
 *   Vault references (through `key_vault_reference_identity_id`, else the system-assigned
 *   identity); Functions host storage with `storage_uses_managed_identity` and
 *   `storage_account_name`; `azurerm_function_app_flex_consumption` deployment storage
 *   (`storage_container_endpoint` with an identity `storage_authentication_type`); image pulls with
 *   `site_config { container_registry_use_managed_identity }` (through
 *   `container_registry_managed_identity_client_id`) from a registry named in `application_stack`;
 * - `azurerm_container_app(_job)`: `registry { server, identity }` and
 *   `secret { key_vault_secret_id, identity }`; `azurerm_container_group`:
 *   `image_registry_credential { server, user_assigned_identity_id }`;
 * - API Management named values and certificates from Key Vault, and `hostname_configuration`
 *   certificates; Application Gateway `ssl_certificate`/`trusted_root_certificate` from Key Vault;
 * - customer-managed keys: the `customer_managed_key`/`encryption` blocks and the separate
 *   `*_customer_managed_key` resources.
 */
import type { ResourceInstance } from '../model/template.js';
import { asString, getProp, type Value } from '../model/value.js';
import type { IdentitySelector, NeedFacts } from './needs.js';
import { keyVaultReference, settingNeeds } from './needs-settings.js';
import { ACR_PULL, BLOB_READ, BLOB_WRITE, KEY_UNWRAP, KEY_WRAP, SECRET_GET } from './operations.js';
import { isSet, isTrue } from './queries.js';
import { findSetting } from './settings.js';
import { REGISTRY, STORAGE, VAULT } from './targets.js';
import { afterPrefix } from './template-text.js';
import type { IdentityGraph } from './types.js';
import { listOf, unwrap } from './values.js';

const APPS = /^azurerm_(?:(?:linux|windows)_(?:web|function)_app(?:_slot)?|function_app(?:_slot)?|app_service(?:_slot)?|logic_app_standard|function_app_flex_consumption)$/;

const selectorOf = (v: Value | undefined): IdentitySelector | undefined => (isSet(v) ? { value: v! } : undefined);
const withSelector = (s: IdentitySelector | undefined): { identity?: IdentitySelector } => (s ? { identity: s } : {});
const first = (v: Value | undefined): Value | undefined => listOf(v)[0];

/** The needs an azurerm resource configures. */
export function azurermNeeds(r: ResourceInstance, graph: IdentityGraph): NeedFacts[] {
  if (r.format !== 'terraform' || r.existing) return [];
  if (APPS.test(r.type)) return appNeeds(r, graph);
  switch (r.type) {
    case 'azurerm_container_app':
    case 'azurerm_container_app_job':
      return containerAppNeeds(r);
    case 'azurerm_container_group':
      return listOf(getProp(r.body, 'image_registry_credential')).flatMap((c) =>
        isSet(getProp(c, 'user_assigned_identity_id')) ? [pull(r, c, getProp(c, 'server'), { value: getProp(c, 'user_assigned_identity_id')! })] : [],
      );
    case 'azurerm_api_management':
      return apimHostnameNeeds(r);
    case 'azurerm_api_management_named_value':
      return apimChildNeed(r, graph, first(getProp(r.body, 'value_from_key_vault')), 'secret_id', 'identity_client_id', 'named value');
    case 'azurerm_api_management_certificate':
      return apimChildNeed(r, graph, r.body, 'key_vault_secret_id', 'key_vault_identity_client_id', 'certificate');
    case 'azurerm_application_gateway':
      return ['ssl_certificate', 'trusted_root_certificate'].flatMap((block) =>
        listOf(getProp(r.body, block)).flatMap((c) => (isSet(getProp(c, 'key_vault_secret_id')) ? [secret(r, r, c, getProp(c, 'key_vault_secret_id'), { sole: true }, certificateUse(c))] : [])),
      );
    default:
      return cmkNeeds(r);
  }
}

function certificateUse(block: Value): string {
  const name = asString(unwrap(getProp(block, 'name')));
  return name ? `certificate '${name}' from Key Vault` : 'a certificate from Key Vault';
}

function pull(r: ResourceInstance, at: Value, server: Value | undefined, identity: IdentitySelector | undefined): NeedFacts {
  const text = asString(unwrap(server));
  return {
    kind: 'imagePull',
    workload: r,
    resource: r,
    at: at.at ?? r.decl,
    ...withSelector(identity),
    target: server,
    query: { types: [REGISTRY] },
    operations: [ACR_PULL],
    use: text ? `the image pull from registry '${text}'` : 'the image pull',
  };
}

function secret(workload: ResourceInstance, r: ResourceInstance, at: Value, target: Value | undefined, identity: IdentitySelector | undefined, use: string, kind: 'keyVaultSecret' | 'keyVaultCertificate' = 'keyVaultCertificate'): NeedFacts {
  return {
    kind,
    workload,
    resource: r,
    at: at.at ?? r.decl,
    ...withSelector(identity),
    target,
    query: { types: [VAULT] },
    operations: [SECRET_GET],
    use,
  };
}

function appNeeds(r: ResourceInstance, graph: IdentityGraph): NeedFacts[] {
  const settings = graph.settings.get(r.key);
  const referenceIdentity = getProp(r.body, 'key_vault_reference_identity_id');
  const needs = settingNeeds(r, settings, referenceIdentity);
  for (const cs of listOf(getProp(r.body, 'connection_string'))) {
    const ref = keyVaultReference(getProp(cs, 'value'));
    if (!ref) continue;
    const name = asString(unwrap(getProp(cs, 'name')));
    needs.push({
      kind: 'keyVaultReference',
      workload: r,
      resource: r,
      at: cs.at ?? r.decl,
      ...withSelector(selectorOf(referenceIdentity)),
      target: ref.target,
      query: ref.query,
      operations: [SECRET_GET],
      use: name ? `the Key Vault reference in connection string '${name}'` : 'a Key Vault reference in a connection string',
    });
  }
  const flag = getProp(r.body, 'storage_uses_managed_identity');
  if (isTrue(flag) && !needs.some((n) => n.kind === 'hostStorage')) {
    const chosen = findSetting(settings, 'AzureWebJobsStorage__clientId') ?? findSetting(settings, 'AzureWebJobsStorage__managedIdentityResourceId');
    needs.push({
      kind: 'hostStorage',
      workload: r,
      resource: r,
      at: flag!.at ?? r.decl,
      ...withSelector(selectorOf(chosen?.value)),
      target: getProp(r.body, 'storage_account_name'),
      query: { types: [STORAGE], bareName: true },
      operations: [BLOB_READ, BLOB_WRITE],
      use: 'the Functions host storage (storage_uses_managed_identity)',
    });
  }
  const auth = asString(unwrap(getProp(r.body, 'storage_authentication_type')))?.toLowerCase();
  const endpoint = getProp(r.body, 'storage_container_endpoint');
  if (isSet(endpoint) && (auth === 'systemassignedidentity' || auth === 'userassignedidentity')) {
    const selector = auth === 'userassignedidentity' ? selectorOf(getProp(r.body, 'storage_user_assigned_identity_id')) : undefined;
    if (auth === 'systemassignedidentity' || selector) {
      needs.push({
        kind: 'deploymentStorage',
        workload: r,
        resource: r,
        at: getProp(r.body, 'storage_authentication_type')?.at ?? r.decl,
        ...withSelector(selector),
        target: endpoint,
        query: { types: [STORAGE] },
        operations: [BLOB_READ, BLOB_WRITE],
        use: 'the Flex Consumption deployment storage',
      });
    }
  }
  needs.push(...appImagePull(r));
  return needs;
}

/** `site_config { container_registry_use_managed_identity }` with an image on a registry. */
function appImagePull(r: ResourceInstance): NeedFacts[] {
  const config = first(getProp(r.body, 'site_config'));
  const flag = getProp(config, 'container_registry_use_managed_identity') ?? getProp(config, 'acr_use_managed_identity_credentials');
  if (!isTrue(flag)) return [];
  const clientId = getProp(config, 'container_registry_managed_identity_client_id') ?? getProp(config, 'acr_user_managed_identity_client_id');
  const stack = first(getProp(config, 'application_stack'));
  const docker = first(getProp(stack, 'docker'));
  const registry =
    [getProp(stack, 'docker_registry_url'), getProp(docker, 'registry_url'), getProp(stack, 'docker_image'), getProp(stack, 'docker_image_name')].find(isSet) ??
    afterPrefix(getProp(config, 'linux_fx_version'), 'DOCKER|') ??
    afterPrefix(getProp(config, 'windows_fx_version'), 'DOCKER|');
  if (!registry) return [];
  return [{ ...pull(r, flag!, registry, selectorOf(clientId)), use: 'the image pull' }];
}

function containerAppNeeds(r: ResourceInstance): NeedFacts[] {
  const needs: NeedFacts[] = [];
  for (const reg of listOf(getProp(r.body, 'registry'))) {
    const identity = getProp(reg, 'identity');
    if (isSet(identity)) needs.push(pull(r, reg, getProp(reg, 'server'), { value: identity! }));
  }
  for (const s of listOf(getProp(r.body, 'secret'))) {
    const id = getProp(s, 'key_vault_secret_id');
    const identity = getProp(s, 'identity');
    if (!isSet(id) || !isSet(identity)) continue;
    const name = asString(unwrap(getProp(s, 'name')));
    needs.push(secret(r, r, s, id, { value: identity! }, name ? `secret '${name}' from Key Vault` : 'a secret from Key Vault', 'keyVaultSecret'));
  }
  return needs;
}

function apimHostnameNeeds(r: ResourceInstance): NeedFacts[] {
  const needs: NeedFacts[] = [];
  for (const config of listOf(getProp(r.body, 'hostname_configuration'))) {
    for (const kind of ['management', 'portal', 'developer_portal', 'proxy', 'scm']) {
      for (const h of listOf(getProp(config, kind))) {
        const id = [getProp(h, 'key_vault_certificate_id'), getProp(h, 'key_vault_id')].find(isSet);
        if (!id) continue;
        const host = asString(unwrap(getProp(h, 'host_name')));
        needs.push(secret(r, r, h, id, selectorOf(getProp(h, 'ssl_keyvault_identity_client_id')), host ? `the certificate of host name '${host}' from Key Vault` : 'a custom-domain certificate from Key Vault'));
      }
    }
  }
  return needs;
}

/** An `azurerm_api_management_*` child: its service is the `azurerm_api_management` of `api_management_name` (or `api_management_id`). */
function apimChildNeed(r: ResourceInstance, graph: IdentityGraph, block: Value | undefined, secretKey: string, clientKey: string, what: string): NeedFacts[] {
  const id = getProp(block, secretKey);
  if (!block || !isSet(id)) return [];
  const service = owner(r, graph, getProp(r.body, 'api_management_id'), getProp(r.body, 'api_management_name'), 'azurerm_api_management');
  if (!service) return [];
  const name = asString(unwrap(r.name));
  return [secret(service, r, block, id, selectorOf(getProp(block, clientKey)), name ? `${what} '${name}' from Key Vault` : `a ${what} from Key Vault`, what === 'named value' ? 'keyVaultSecret' : 'keyVaultCertificate')];
}

/** The declared resource a separate resource configures: by reference, else by name in the same folder. */
function owner(r: ResourceInstance, graph: IdentityGraph, idValue: Value | undefined, nameValue: Value | undefined, type: string): ResourceInstance | undefined {
  const ref = unwrap(idValue);
  if (ref?.kind === 'ref' && ref.resource.type === type) return ref.resource;
  const name = asString(unwrap(nameValue))?.toLowerCase();
  if (!name) return undefined;
  const dir = (r.callChain[0] ?? r.decl).file.replace(/[\\/][^\\/]*$/, '');
  return graph.resources.find(
    (x) => x.type === type && !x.existing && asString(unwrap(x.name))?.toLowerCase() === name && (x.callChain[0] ?? x.decl).file.replace(/[\\/][^\\/]*$/, '') === dir,
  );
}

interface CmkShape {
  /** The block that configures the key, or the resource itself (`.`). */
  block: string;
  keys: string[];
  /** Absent: the system-assigned identity; `sole`: the resource's one identity. */
  identity?: string | 'sole';
  /** The attribute of a separate `*_customer_managed_key` resource that names the resource it configures. */
  owner?: string;
  /** The identity attribute is optional: unwritten, the system-assigned identity is used (else the block requires it). */
  identityOptional?: boolean;
}

const CMK: Record<string, CmkShape> = {
  azurerm_storage_account: { block: 'customer_managed_key', keys: ['key_vault_key_id', 'managed_hsm_key_id'], identity: 'user_assigned_identity_id' },
  azurerm_storage_account_customer_managed_key: { block: '.', keys: ['key_vault_key_id', 'key_vault_id', 'key_vault_uri'], identity: 'user_assigned_identity_id', owner: 'storage_account_id' },
  azurerm_servicebus_namespace: { block: 'customer_managed_key', keys: ['key_vault_key_id'], identity: 'identity_id' },
  azurerm_servicebus_namespace_customer_managed_key: { block: '.', keys: ['key_vault_key_id'], owner: 'namespace_id' },
  azurerm_eventhub_namespace_customer_managed_key: { block: '.', keys: ['key_vault_key_ids'], identity: 'user_assigned_identity_id', owner: 'eventhub_namespace_id' },
  azurerm_cognitive_account: { block: 'customer_managed_key', keys: ['key_vault_key_id'], identity: 'identity_client_id', identityOptional: true },
  azurerm_ai_services: { block: 'customer_managed_key', keys: ['key_vault_key_id', 'managed_hsm_key_id'], identity: 'identity_client_id', identityOptional: true },
  azurerm_cognitive_account_customer_managed_key: { block: '.', keys: ['key_vault_key_id'], identity: 'identity_client_id', owner: 'cognitive_account_id' },
  azurerm_container_registry: { block: 'encryption', keys: ['key_vault_key_id'], identity: 'identity_client_id' },
  azurerm_app_configuration: { block: 'encryption', keys: ['key_vault_key_identifier'], identity: 'identity_client_id', identityOptional: true },
  azurerm_kusto_cluster_customer_managed_key: { block: '.', keys: ['key_vault_id'], identity: 'user_identity', owner: 'cluster_id' },
  azurerm_log_analytics_cluster_customer_managed_key: { block: '.', keys: ['key_vault_key_id'], identity: 'sole', owner: 'log_analytics_cluster_id' },
  azurerm_data_factory_customer_managed_key: { block: '.', keys: ['customer_managed_key_id'], identity: 'user_assigned_identity_id', owner: 'data_factory_id' },
  azurerm_disk_encryption_set: { block: '.', keys: ['key_vault_key_id'], identity: 'sole' },
  azurerm_postgresql_flexible_server: { block: 'customer_managed_key', keys: ['key_vault_key_id'], identity: 'primary_user_assigned_identity_id' },
  azurerm_mysql_flexible_server: { block: 'customer_managed_key', keys: ['key_vault_key_id'], identity: 'primary_user_assigned_identity_id' },
  azurerm_data_protection_backup_vault_customer_managed_key: { block: '.', keys: ['key_vault_key_id'], owner: 'data_protection_backup_vault_id' },
  azurerm_machine_learning_workspace: { block: 'encryption', keys: ['key_id', 'key_vault_id'], identity: 'user_assigned_identity_id', identityOptional: true },
  azurerm_automation_account: { block: 'encryption', keys: ['key_vault_key_id'], identity: 'user_assigned_identity_id', identityOptional: true },
  azurerm_synapse_workspace: { block: 'customer_managed_key', keys: ['key_versionless_id'], identity: 'user_assigned_identity_id', identityOptional: true },
  azurerm_managed_redis: { block: 'customer_managed_key', keys: ['key_vault_key_id'], identity: 'user_assigned_identity_id' },
};

function cmkNeeds(r: ResourceInstance): NeedFacts[] {
  const shape = CMK[r.type];
  if (!shape) return [];
  let workload = r;
  if (shape.owner) {
    const ref = unwrap(getProp(r.body, shape.owner));
    if (ref?.kind !== 'ref' || ref.resource.existing) return [];
    workload = ref.resource;
  }
  const blocks = shape.block === '.' ? [r.body] : listOf(getProp(r.body, shape.block));
  return blocks.flatMap((block): NeedFacts[] => {
    const key = shape.keys.map((k) => getProp(block, k)).find(isSet);
    if (!key) return [];
    let identity: IdentitySelector | undefined;
    if (shape.identity === 'sole') identity = { sole: true };
    else if (shape.identity) identity = selectorOf(getProp(block, shape.identity));
    // An unwritten identity attribute means the system-assigned identity only where it is optional.
    if (shape.identity && shape.identity !== 'sole' && !identity && !shape.owner && !shape.identityOptional) return [];
    const target = unwrap(key)?.kind === 'array' ? listOf(key)[0] : key;
    return [
      {
        kind: 'customerManagedKey',
        workload,
        resource: r,
        at: (shape.block === '.' ? r.decl : block.at) ?? r.decl,
        ...withSelector(identity),
        target,
        query: { types: [VAULT] },
        operations: [KEY_WRAP, KEY_UNWRAP],
        use: 'the customer-managed key',
      },
    ];
  });
}
