/**
 * How access needs are told to the user: the target in words, the narrowest built-in role that
 * covers the need, and the role assignment to write in the language of the file where the use is
 * written. (A fix or suggestion built on `assignmentParts` belongs to the fix API.)
 */
import type { ResourceInstance, SourceFormat } from '../model/template.js';
import { asString } from '../model/value.js';
import { neededOperations } from './access.js';
import type { AccessNeed } from './needs.js';
import type { PermissionModel } from './permissions.js';
import type { RoleDefinition } from './roles.js';
import { armTypeOfResource, type NeedTarget } from './targets.js';
import type { Identity } from './types.js';
import { unwrap } from './values.js';
import { writtenText } from './written.js';

const TYPE_WORDS: Record<string, string> = {
  'microsoft.keyvault/vaults': 'key vault',
  'microsoft.containerregistry/registries': 'container registry',
  'microsoft.storage/storageaccounts': 'storage account',
  'microsoft.servicebus/namespaces': 'Service Bus namespace',
  'microsoft.eventhub/namespaces': 'Event Hubs namespace',
};

export function targetWords(target: NeedTarget): string {
  return target.resourceType ? (TYPE_WORDS[target.resourceType.toLowerCase()] ?? target.resourceType) : 'messaging namespace';
}

/** `key vault 'shop-kv'`, `container registry 'ordersacr.azurecr.io'`, `a key vault grantlint cannot name`. */
export function describeTarget(target: NeedTarget): string {
  const words = targetWords(target);
  const name = target.name ?? target.resources[0]?.symbol;
  if (!name) return target.written ? `${words} '${target.written}'` : `a ${words} whose name is not known statically`;
  return target.written && target.written.toLowerCase() !== name.toLowerCase() ? `${words} '${name}' (${target.written})` : `${words} '${name}'`;
}

/** The narrowest built-in roles that cover the need: one, or one per alternative for an either-or need. */
export function suggestedRoles(need: AccessNeed, permissions: PermissionModel): RoleDefinition[] {
  const out: RoleDefinition[] = [];
  for (const ops of neededOperations(need)) {
    const role = permissions.narrowest(ops);
    if (role && !out.includes(role)) out.push(role);
  }
  return out;
}

export function describeOperations(need: AccessNeed): string {
  return need.operations.map((op) => op.name).join(need.requires === 'all' ? ' and ' : ' or ');
}

/** The declaration of the target written in the given file's format, preferring the same file. */
function targetDeclaration(target: NeedTarget, near: ResourceInstance): ResourceInstance | undefined {
  const same = target.resources.filter((r) => r.format === near.format);
  return same.find((r) => r.decl.file === near.decl.file) ?? same[0];
}

function quoted(format: SourceFormat, text: string): string {
  return format === 'terraform' ? `"${text}"` : `'${text}'`;
}

function nameText(r: ResourceInstance): string {
  return asString(unwrap(r.name)) ?? writtenText(r.name);
}

function principalExpression(identity: Identity, format: SourceFormat): string | undefined {
  const r = identity.resource;
  if (!r || identity.kind === 'external') return undefined;
  if (format === 'bicep' && r.format === 'bicep') return identity.kind === 'system' ? `${r.symbol}.identity.principalId` : `${r.symbol}.properties.principalId`;
  if (format === 'terraform' && r.format === 'terraform') {
    if (r.type === 'azapi_resource') return identity.kind === 'system' ? `${r.symbol}.identity[0].principal_id` : `${r.symbol}.output.properties.principalId`;
    return identity.kind === 'system' ? `${r.symbol}.identity[0].principal_id` : `${r.symbol}.principal_id`;
  }
  if (format === 'arm' && r.format === 'arm') {
    const id = `resourceId('${r.type}', '${nameText(r)}')`;
    const api = r.apiVersion ?? (identity.kind === 'system' ? '<api-version>' : '2023-01-31');
    return identity.kind === 'system' ? `[reference(${id}, '${api}', 'full').identity.principalId]` : `[reference(${id}, '${api}').principalId]`;
  }
  return undefined;
}

function scopeExpression(target: NeedTarget, near: ResourceInstance): string | undefined {
  const format = near.format;
  const declared = targetDeclaration(target, near);
  if (format === 'bicep') return declared ? declared.symbol : undefined;
  if (format === 'terraform') return declared ? `${declared.symbol}.id` : undefined;
  const type = target.resourceType ?? (declared ? armTypeOfResource(declared) : undefined);
  const name = target.name ?? (declared ? nameText(declared) : undefined);
  return type && name ? `[resourceId('${type}', '${name}')]` : undefined;
}

/**
 * The role assignment to add, as the lines of the file's own language:
 * Bicep `scope: vault`, `roleDefinitionId: subscriptionResourceId(...)`, `principalId: ...`;
 * Terraform `scope = ...`, `role_definition_name = "..."`, `principal_id = ...`; ARM JSON the same
 * properties as template expressions.
 */
export function assignmentParts(need: AccessNeed, identity: Identity, role: RoleDefinition): string[] {
  const format = need.resource.format;
  const scope = scopeExpression(need.target, need.resource);
  const principal = principalExpression(identity, format);
  const roleId = `subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${role.id}')`;
  const parts: string[] = [];
  if (format === 'terraform') {
    parts.push(`scope = ${scope ?? `<the ID of ${describeTarget(need.target).replace(/'/g, '"')}>`}`);
    parts.push(`role_definition_name = ${quoted(format, role.roleName)}`);
    if (principal) parts.push(`principal_id = ${principal}`);
    parts.push('principal_type = "ServicePrincipal"');
  } else if (format === 'bicep') {
    parts.push(`scope: ${scope ?? `<an existing declaration of ${describeTarget(need.target)}>`}`);
    parts.push(`roleDefinitionId: ${roleId}`);
    if (principal) parts.push(`principalId: ${principal}`);
    parts.push("principalType: 'ServicePrincipal'");
  } else {
    if (scope) parts.push(`"scope": "${scope}"`);
    parts.push(`"roleDefinitionId": "[${roleId}]"`);
    if (principal) parts.push(`"principalId": "${principal}"`);
    parts.push('"principalType": "ServicePrincipal"');
  }
  return parts;
}

/** `add a role assignment with scope: vault, roleDefinitionId: ..., principalId: ..., principalType: 'ServicePrincipal'`. */
export function assignmentHint(need: AccessNeed, identity: Identity, role: RoleDefinition): string {
  const what = need.resource.format === 'terraform' ? 'an azurerm_role_assignment' : need.resource.format === 'arm' ? 'a Microsoft.Authorization/roleAssignments resource' : 'a role assignment';
  return `add ${what} with ${assignmentParts(need, identity, role).join(', ')}`;
}

/** `'Key Vault Secrets User'`, or `'Azure Service Bus Data Receiver' (or 'Azure Service Bus Data Sender')`. */
export function describeRoles(roles: RoleDefinition[]): string {
  const [first, ...rest] = roles;
  if (!first) return 'a role that allows it';
  return rest.length === 0 ? `'${first.roleName}'` : `'${first.roleName}' (or ${rest.map((r) => `'${r.roleName}'`).join(', or ')})`;
}
