/**
 * A key vault's access model: Azure RBAC or access policies. `enableRbacAuthorization` (azurerm
 * `rbac_authorization_enabled`, formerly `enable_rbac_authorization`) decides when written. When
 * unwritten in a declaration that creates the vault: access policies for azurerm (the provider's
 * default is false) and for ARM/Bicep/azapi API versions before 2026-02-01, RBAC from 2026-02-01 on
 * (the service's default changed with that API version). Unknown when the value is not known, and
 * for a vault that is only read (`existing`, a data source): its model is set where it is created.
 */
import type { ResourceInstance } from '../model/template.js';
import { asString, getProp, type Value } from '../model/value.js';
import { azapiArmType } from './azurerm-types.js';
import { unwrap } from './values.js';

export type VaultAccessModel = 'rbac' | 'accessPolicy';

export interface VaultModel {
  model: VaultAccessModel;
  /** The value that decides it, when written. */
  value?: Value;
  /** Unwritten: the default of the API version (ARM-shaped) or of the provider (azurerm). */
  byDefault?: 'apiVersion' | 'provider';
  apiVersion?: string;
}

const VAULT = 'microsoft.keyvault/vaults';
/** The first API version whose default is RBAC. */
export const RBAC_DEFAULT_FROM = '2026-02-01';

function fromValue(v: Value): VaultAccessModel | undefined {
  const u = unwrap(v);
  if (u?.kind === 'bool') return u.value ? 'rbac' : 'accessPolicy';
  const text = asString(u)?.trim().toLowerCase();
  return text === 'true' ? 'rbac' : text === 'false' ? 'accessPolicy' : undefined;
}

/** ARM-shaped: the body's `properties.enableRbacAuthorization`, else the API version's default. */
function armModel(body: Value | undefined, apiVersion: string | undefined): VaultModel | undefined {
  const props = getProp(body, 'properties');
  if (!props || props.kind !== 'object') return undefined;
  const written = getProp(props, 'enableRbacAuthorization');
  if (written && written.kind !== 'null') {
    const model = fromValue(written);
    return model ? { model, value: written } : undefined;
  }
  if (!apiVersion || !/^\d{4}-\d{2}-\d{2}/.test(apiVersion)) return undefined;
  return { model: apiVersion.slice(0, 10) >= RBAC_DEFAULT_FROM ? 'rbac' : 'accessPolicy', byDefault: 'apiVersion', apiVersion };
}

/** The access model of a vault declaration that creates the vault; undefined when not known (or not a vault). */
export function vaultAccessModel(r: ResourceInstance): VaultModel | undefined {
  if (r.existing) return undefined;
  if (r.format !== 'terraform') return r.type.toLowerCase() === VAULT ? armModel(r.body, r.apiVersion) : undefined;
  if (r.type === 'azapi_resource') {
    const type = asString(getProp(r.body, 'type'));
    if (azapiArmType(type)?.toLowerCase() !== VAULT) return undefined;
    return armModel(getProp(r.body, 'body'), type!.split('@')[1]);
  }
  if (r.type !== 'azurerm_key_vault') return undefined;
  for (const name of ['rbac_authorization_enabled', 'enable_rbac_authorization']) {
    const written = getProp(r.body, name);
    if (written && written.kind !== 'null') {
      const model = fromValue(written);
      return model ? { model, value: written } : undefined;
    }
  }
  return { model: 'accessPolicy', byDefault: 'provider' };
}

/** Is the resource a key vault (declared or read), in any format? */
export function isVault(r: ResourceInstance): boolean {
  if (r.format !== 'terraform') return r.type.toLowerCase() === VAULT;
  if (r.type === 'azapi_resource') return azapiArmType(asString(getProp(r.body, 'type')))?.toLowerCase() === VAULT;
  return r.type === 'azurerm_key_vault';
}

/** The one model a set of declarations of the same vault agree on, if they do and it is known. */
export function modelOfDeclarations(resources: ResourceInstance[]): VaultModel | undefined {
  const created = resources.filter((r) => isVault(r) && !r.existing);
  const models = created.map(vaultAccessModel);
  if (models.length === 0 || models.some((m) => m === undefined)) return undefined;
  return models.every((m) => m!.model === models[0]!.model) ? models[0] : undefined;
}
