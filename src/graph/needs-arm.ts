/**
 * Access needs of ARM-shaped resources (Bicep, ARM JSON, azapi bodies), checked against the
 * resource providers' REST API references on Microsoft Learn:
 * - App Service and Functions apps and slots: app settings (needs-settings.ts), connection strings
 *   holding Key Vault references, image pulls with `siteConfig.acrUseManagedIdentityCreds` (through
 *   `acrUserManagedIdentityID`, a client ID, else the system-assigned identity) of an image on a
 *   registry named in `linuxFxVersion`/`windowsFxVersion` (`DOCKER|<server>/<image>`; also in a
 *   `sites/config` named `web`), Flex Consumption deployment storage
 *   (`functionAppConfig.deployment.storage` with an identity `authentication`);
 * - Container Apps and jobs: `configuration.registries[]` and `configuration.secrets[]` with
 *   `keyVaultUrl`, each through its `identity` (`system` or a resource ID); Container Apps
 *   environments' certificates from Key Vault (`certificateKeyVaultProperties`);
 * - container groups: `imageRegistryCredentials[]` with an `identity`;
 * - API Management: named values and certificates from Key Vault (`keyVault.secretIdentifier`,
 *   through `identityClientId` or the service's system-assigned identity) and custom-domain
 *   certificates (`hostnameConfigurations[].keyVaultId`);
 * - Application Gateway certificates from Key Vault (`keyVaultSecretId`), through the gateway's one
 *   user-assigned identity;
 * - customer-managed keys through an identity (needs-cmk.ts).
 */
import type { ResourceInstance } from '../model/template.js';
import { asString, getPath, getProp, type Value } from '../model/value.js';
import { cmkNeeds, hasCmkReader } from './needs-cmk.js';
import type { IdentitySelector, NeedFacts } from './needs.js';
import { settingNeeds, keyVaultReference } from './needs-settings.js';
import { ACR_PULL, BLOB_READ, BLOB_WRITE, SECRET_GET } from './operations.js';
import { isSet, isTrue } from './queries.js';
import { armView, configKind } from './settings.js';
import { REGISTRY, STORAGE, VAULT } from './targets.js';
import { afterPrefix } from './template-text.js';
import type { IdentityGraph } from './types.js';
import { listOf, pathOrUnknown, unwrap } from './values.js';

const SITES = new Set(['microsoft.web/sites', 'microsoft.web/sites/slots']);
const CONTAINER_APPS = new Set(['microsoft.app/containerapps', 'microsoft.app/jobs']);

const READ_TYPES = new Set([
  ...SITES,
  ...CONTAINER_APPS,
  'microsoft.web/sites/config',
  'microsoft.web/sites/slots/config',
  'microsoft.containerinstance/containergroups',
  'microsoft.app/managedenvironments',
  'microsoft.app/managedenvironments/certificates',
  'microsoft.apimanagement/service',
  'microsoft.apimanagement/service/namedvalues',
  'microsoft.apimanagement/service/certificates',
  'microsoft.network/applicationgateways',
]);

function valueSelector(v: Value | undefined): IdentitySelector | undefined {
  return isSet(v) ? { value: v! } : undefined;
}

function withSelector(selector: IdentitySelector | undefined): { identity?: IdentitySelector } {
  return selector ? { identity: selector } : {};
}

/** The needs an ARM-shaped resource configures. */
export function armNeeds(r: ResourceInstance, graph: IdentityGraph): NeedFacts[] {
  // Most resources configure no use: leave them before reading their bodies.
  if (r.format !== 'terraform' && !READ_TYPES.has(r.type.toLowerCase()) && !hasCmkReader(r.type.toLowerCase())) return [];
  const view = armView(r);
  if (!view) return [];
  const props = getProp(view.body, 'properties');
  if (SITES.has(view.type)) return siteNeeds(r, props, graph);
  if (CONTAINER_APPS.has(view.type)) return containerAppNeeds(r, props);
  switch (view.type) {
    case 'microsoft.web/sites/config':
    case 'microsoft.web/sites/slots/config':
      return configNeeds(r, props);
    case 'microsoft.containerinstance/containergroups':
      return containerGroupNeeds(r, props);
    case 'microsoft.app/managedenvironments':
      return certificateNeed(r, r, getPath(props, ['customDomainConfiguration', 'certificateKeyVaultProperties']));
    case 'microsoft.app/managedenvironments/certificates':
      return r.parent ? certificateNeed(r, r.parent, getProp(props, 'certificateKeyVaultProperties')) : [];
    case 'microsoft.apimanagement/service':
      return apimHostnameNeeds(r, props);
    case 'microsoft.apimanagement/service/namedvalues':
    case 'microsoft.apimanagement/service/certificates':
      return r.parent ? apimKeyVaultNeed(r, r.parent, getProp(props, 'keyVault'), view.type.endsWith('namedvalues') ? 'named value' : 'certificate') : [];
    case 'microsoft.network/applicationgateways':
      return gatewayNeeds(r, props);
    default:
      return cmkNeeds(r, view.type, props);
  }
}

function siteNeeds(r: ResourceInstance, props: Value | undefined, graph: IdentityGraph): NeedFacts[] {
  const referenceIdentity = pathOrUnknown(props, ['keyVaultReferenceIdentity']);
  const needs = settingNeeds(r, graph.settings.get(r.key), referenceIdentity);
  const siteConfig = getProp(props, 'siteConfig');
  needs.push(...connectionStringNeeds(r, r, getProp(siteConfig, 'connectionStrings'), referenceIdentity));
  needs.push(...imagePullNeeds(r, r, siteConfig));
  const storage = getPath(props, ['functionAppConfig', 'deployment', 'storage']);
  const auth = getProp(storage, 'authentication');
  const authType = asString(unwrap(getProp(auth, 'type')))?.toLowerCase();
  const selector: IdentitySelector | undefined | false =
    authType === 'systemassignedidentity' ? undefined : authType === 'userassignedidentity' ? valueSelector(getProp(auth, 'userAssignedIdentityResourceId')) ?? false : false;
  if (storage && selector !== false) {
    needs.push({
      kind: 'deploymentStorage',
      workload: r,
      resource: r,
      at: storage.at ?? r.decl,
      ...withSelector(selector),
      target: getProp(storage, 'value'),
      query: { types: [STORAGE] },
      operations: [BLOB_READ, BLOB_WRITE],
      use: 'the Flex Consumption deployment storage',
    });
  }
  return needs;
}

/** `connectionStrings: [{ name, connectionString }]` holding Key Vault references. */
function connectionStringNeeds(workload: ResourceInstance, resource: ResourceInstance, list: Value | undefined, referenceIdentity: Value | undefined): NeedFacts[] {
  const needs: NeedFacts[] = [];
  for (const entry of listOf(list)) {
    const ref = keyVaultReference(getProp(entry, 'connectionString'));
    if (!ref) continue;
    const name = asString(unwrap(getProp(entry, 'name')));
    needs.push({
      kind: 'keyVaultReference',
      workload,
      resource,
      at: entry.at ?? resource.decl,
      ...withSelector(valueSelector(referenceIdentity)),
      target: ref.target,
      query: ref.query,
      operations: [SECRET_GET],
      use: name ? `the Key Vault reference in connection string '${name}'` : 'a Key Vault reference in a connection string',
    });
  }
  return needs;
}

/** `acrUseManagedIdentityCreds` with a `DOCKER|<registry>/<image>` image. */
function imagePullNeeds(workload: ResourceInstance, resource: ResourceInstance, siteConfig: Value | undefined): NeedFacts[] {
  const flag = getProp(siteConfig, 'acrUseManagedIdentityCreds');
  if (!isTrue(flag)) return [];
  const needs: NeedFacts[] = [];
  for (const key of ['linuxFxVersion', 'windowsFxVersion']) {
    const image = afterPrefix(getProp(siteConfig, key), 'DOCKER|');
    if (!image) continue;
    needs.push({
      kind: 'imagePull',
      workload,
      resource,
      at: flag!.at ?? resource.decl,
      ...withSelector(valueSelector(pathOrUnknown(siteConfig, ['acrUserManagedIdentityID']))),
      target: image,
      query: { types: [REGISTRY] },
      operations: [ACR_PULL],
      use: 'the image pull',
    });
  }
  return needs;
}

/** A `sites/config` child named `web` (the site's siteConfig) or `connectionstrings`. */
function configNeeds(r: ResourceInstance, props: Value | undefined): NeedFacts[] {
  const owner = r.parent;
  if (!owner) return [];
  if (configKind(r) === 'web') return [...imagePullNeeds(owner, r, props), ...connectionStringNeeds(owner, r, getProp(props, 'connectionStrings'), pathOrUnknown(owner.body, ['properties', 'keyVaultReferenceIdentity']))];
  const name = asString(unwrap(r.name))?.split('/').pop()?.toLowerCase();
  if (name !== 'connectionstrings' || !props || props.kind !== 'object') return [];
  const referenceIdentity = pathOrUnknown(owner.body, ['properties', 'keyVaultReferenceIdentity']);
  const entries = [...props.entries].map(([k, v]) => ({ kind: 'object' as const, entries: new Map([['name', { kind: 'string' as const, value: k }], ['connectionString', getProp(v, 'value') ?? { kind: 'unknown' as const }]]), ...(v.at ? { at: v.at } : {}) }));
  return connectionStringNeeds(owner, r, { kind: 'array', items: entries }, referenceIdentity);
}

function containerAppNeeds(r: ResourceInstance, props: Value | undefined): NeedFacts[] {
  const config = getProp(props, 'configuration');
  const needs: NeedFacts[] = [];
  for (const entry of listOf(getProp(config, 'registries'))) {
    const need = imagePullNeed(r, entry);
    if (need) needs.push(need);
  }
  for (const entry of listOf(getProp(config, 'secrets'))) {
    const url = getProp(entry, 'keyVaultUrl');
    const identity = getProp(entry, 'identity');
    if (!isSet(url) || !isSet(identity)) continue;
    const name = asString(unwrap(getProp(entry, 'name')));
    needs.push({
      kind: 'keyVaultSecret',
      workload: r,
      resource: r,
      at: entry.at ?? r.decl,
      identity: { value: identity! },
      target: url,
      query: { types: [VAULT] },
      operations: [SECRET_GET],
      use: name ? `secret '${name}' from Key Vault` : 'a secret from Key Vault',
    });
  }
  return needs;
}

/** A registry entry that pulls by identity (`identity` and `server`, as Container Apps and container groups write it). */
function imagePullNeed(r: ResourceInstance, entry: Value): NeedFacts | undefined {
  const identity = getProp(entry, 'identity');
  if (!isSet(identity)) return undefined;
  const server = getProp(entry, 'server');
  return {
    kind: 'imagePull',
    workload: r,
    resource: r,
    at: entry.at ?? r.decl,
    identity: { value: identity! },
    target: server,
    query: { types: [REGISTRY] },
    operations: [ACR_PULL],
    use: `the image pull from registry ${describeServer(server)}`,
  };
}

function describeServer(server: Value | undefined): string {
  const text = asString(unwrap(server));
  return text ? `'${text}'` : 'of the registry entry';
}

function containerGroupNeeds(r: ResourceInstance, props: Value | undefined): NeedFacts[] {
  const needs: NeedFacts[] = [];
  for (const entry of listOf(getProp(props, 'imageRegistryCredentials'))) {
    const need = imagePullNeed(r, entry);
    if (need) needs.push(need);
  }
  return needs;
}

/** `certificateKeyVaultProperties: { identity, keyVaultUrl }` of a Container Apps environment. */
function certificateNeed(r: ResourceInstance, environment: ResourceInstance, kv: Value | undefined): NeedFacts[] {
  const url = getProp(kv, 'keyVaultUrl');
  const identity = getProp(kv, 'identity');
  if (!isSet(url) || !isSet(identity)) return [];
  return [
    {
      kind: 'keyVaultCertificate',
      workload: environment,
      resource: r,
      at: kv!.at ?? r.decl,
      identity: { value: identity! },
      target: url,
      query: { types: [VAULT] },
      operations: [SECRET_GET],
      use: 'the certificate from Key Vault',
    },
  ];
}

/** `keyVault: { secretIdentifier, identityClientId }` of an API Management named value or certificate. */
function apimKeyVaultNeed(r: ResourceInstance, service: ResourceInstance, kv: Value | undefined, what: string): NeedFacts[] {
  const secret = getProp(kv, 'secretIdentifier');
  if (!isSet(secret)) return [];
  const name = asString(unwrap(r.name))?.split('/').pop();
  return [
    {
      kind: 'keyVaultSecret',
      workload: service,
      resource: r,
      at: kv!.at ?? r.decl,
      ...withSelector(valueSelector(getProp(kv, 'identityClientId'))),
      target: secret,
      query: { types: [VAULT] },
      operations: [SECRET_GET],
      use: name ? `${what} '${name}' from Key Vault` : `a ${what} from Key Vault`,
    },
  ];
}

function apimHostnameNeeds(r: ResourceInstance, props: Value | undefined): NeedFacts[] {
  const needs: NeedFacts[] = [];
  for (const entry of listOf(getProp(props, 'hostnameConfigurations'))) {
    const secret = getProp(entry, 'keyVaultId');
    if (!isSet(secret)) continue;
    const host = asString(unwrap(getProp(entry, 'hostName')));
    needs.push({
      kind: 'keyVaultCertificate',
      workload: r,
      resource: r,
      at: entry.at ?? r.decl,
      ...withSelector(valueSelector(getProp(entry, 'identityClientId'))),
      target: secret,
      query: { types: [VAULT] },
      operations: [SECRET_GET],
      use: host ? `the certificate of host name '${host}' from Key Vault` : 'a custom-domain certificate from Key Vault',
    });
  }
  return needs;
}

/** Application Gateway reads certificates with its (only) user-assigned identity. */
function gatewayNeeds(r: ResourceInstance, props: Value | undefined): NeedFacts[] {
  const needs: NeedFacts[] = [];
  for (const list of ['sslCertificates', 'trustedRootCertificates']) {
    for (const entry of listOf(getProp(props, list))) {
      const secret = getPath(entry, ['properties', 'keyVaultSecretId']);
      if (!isSet(secret)) continue;
      const name = asString(unwrap(getProp(entry, 'name')));
      needs.push({
        kind: 'keyVaultCertificate',
        workload: r,
        resource: r,
        at: entry.at ?? r.decl,
        identity: { sole: true },
        target: secret,
        query: { types: [VAULT] },
        operations: [SECRET_GET],
        use: name ? `certificate '${name}' from Key Vault` : 'a certificate from Key Vault',
      });
    }
  }
  return needs;
}
