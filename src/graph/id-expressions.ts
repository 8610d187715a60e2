/**
 * How a user-assigned identity's IDs are written in each format, for messages that say what to
 * write: Bicep `uami.properties.clientId`, Terraform `azurerm_user_assigned_identity.x.client_id`
 * (azapi `azapi_resource.x.output.properties.clientId`), ARM JSON
 * `[reference(resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', 'name'), '2023-01-31').clientId]`.
 */
import type { ResourceInstance } from '../model/template.js';
import { asString } from '../model/value.js';
import type { IdentityProperty } from './identity-ids.js';
import { unwrap } from './values.js';
import { writtenText } from './written.js';

const TF: Partial<Record<IdentityProperty, string>> = { principalId: 'principal_id', clientId: 'client_id', resourceId: 'id' };
const ARM: Partial<Record<IdentityProperty, string>> = { principalId: 'properties.principalId', clientId: 'properties.clientId', resourceId: 'id' };

/** The expression reading `property` of the user-assigned identity declared by `uami`. */
export function userIdentityExpression(uami: ResourceInstance, property: 'principalId' | 'clientId' | 'resourceId'): string {
  if (uami.format === 'terraform') {
    if (uami.type === 'azapi_resource') return property === 'resourceId' ? `${uami.symbol}.id` : `${uami.symbol}.output.${ARM[property]}`;
    return `${uami.symbol}.${TF[property]}`;
  }
  if (uami.format === 'bicep') return `${uami.symbol}.${ARM[property]}`;
  return armExpression('Microsoft.ManagedIdentity/userAssignedIdentities', uami, property === 'resourceId' ? undefined : property, '2023-01-31');
}

/** `[resourceId('<type>', '<name>')]`, or `[reference(resourceId(...), '<api>').<read>]`. */
export function armExpression(type: string, r: ResourceInstance, read: string | undefined, apiVersion: string): string {
  const name = asString(unwrap(r.name));
  const id = `resourceId('${type}', ${name !== undefined ? `'${name}'` : writtenText(r.name)})`;
  return read === undefined ? `[${id}]` : `[reference(${id}, '${r.apiVersion ?? apiVersion}').${read}]`;
}
