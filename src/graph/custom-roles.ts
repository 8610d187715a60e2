/**
 * Custom role definitions declared in the analysed files, as role definitions the permission model
 * can judge like built-in ones:
 * - ARM/Bicep (and azapi bodies) `Microsoft.Authorization/roleDefinitions`: the name is the
 *   definition's GUID, `properties.roleName`, `properties.permissions[]` with `actions`,
 *   `notActions`, `dataActions`, `notDataActions`;
 * - azurerm `azurerm_role_definition`: `name` (the role name), `role_definition_id` (the GUID, or
 *   generated), `permissions { actions, not_actions, data_actions, not_data_actions }`.
 * A data source or `existing` declaration only reads a definition (usually a built-in one, looked
 * up by name): it is not a custom role declared here.
 */
import type { ResourceInstance } from '../model/template.js';
import { asString, getProp, type Value } from '../model/value.js';
import { azapiArmType } from './azurerm-types.js';
import type { PermissionBlock } from './permissions.js';
import { findGuid, type RoleDefinition } from './roles.js';
import { unwrap } from './values.js';

const ROLE_DEFINITIONS = 'microsoft.authorization/roledefinitions';

/** Is the resource a role definition (declared or read), in any format? */
export function isRoleDefinitionResource(r: ResourceInstance): boolean {
  if (r.type === 'azurerm_role_definition') return true;
  if (r.type === 'azapi_resource') return azapiArmType(asString(getProp(r.body, 'type')))?.toLowerCase() === ROLE_DEFINITIONS;
  return r.format !== 'terraform' && r.type.toLowerCase() === ROLE_DEFINITIONS;
}

/** The custom role a declaration creates, or undefined when it creates none (or only reads one). */
export function customRoleOf(r: ResourceInstance): RoleDefinition | undefined {
  if (r.existing || !isRoleDefinitionResource(r)) return undefined;
  if (r.type === 'azurerm_role_definition') {
    const blocks = listOf(getProp(r.body, 'permissions')).map((b) => block(b, ['actions', 'not_actions', 'data_actions', 'not_data_actions']));
    return role(r, asString(getProp(r.body, 'role_definition_id')), asString(getProp(r.body, 'name')), blocks);
  }
  const body = r.type === 'azapi_resource' ? getProp(r.body, 'body') : r.body;
  const props = getProp(body, 'properties');
  const blocks = listOf(getProp(props, 'permissions')).map((b) => block(b, ['actions', 'notActions', 'dataActions', 'notDataActions']));
  return role(r, asString(r.name), asString(getProp(props, 'roleName')), blocks);
}

function role(r: ResourceInstance, guidText: string | undefined, name: string | undefined, blocks: (PermissionBlock | undefined)[]): RoleDefinition {
  const known = blocks.length > 0 && blocks.every((b): b is PermissionBlock => b !== undefined);
  const flat = (pick: (b: PermissionBlock) => string[]): string[] => (known ? (blocks as PermissionBlock[]).flatMap(pick) : []);
  const definition: RoleDefinition = {
    id: (guidText && findGuid(guidText)) ?? `custom:${r.declKey}`,
    roleName: name ?? r.symbol,
    category: null,
    actions: flat((b) => b.actions),
    notActions: flat((b) => b.notActions),
    dataActions: flat((b) => b.dataActions),
    notDataActions: flat((b) => b.notDataActions),
    custom: true,
    resource: r,
    permissionsKnown: known,
  };
  if (known && blocks.length > 1) definition.permissionBlocks = blocks as PermissionBlock[];
  return definition;
}

/** One permission block, or undefined when any of its lists is not statically known. */
function block(v: Value, [actions, notActions, dataActions, notDataActions]: string[]): PermissionBlock | undefined {
  const lists = [actions, notActions, dataActions, notDataActions].map((k) => stringList(getProp(v, k)));
  if (lists.some((l) => l === undefined)) return undefined;
  const [a, na, d, nd] = lists as string[][];
  return { actions: a, notActions: na, dataActions: d, notDataActions: nd };
}

/** A list of known strings; absent or null is empty; undefined when any part is not known. */
function stringList(v: Value | undefined): string[] | undefined {
  const u = unwrap(v);
  if (!u || u.kind === 'null') return [];
  if (u.kind !== 'array') return undefined;
  const out: string[] = [];
  for (const item of u.items) {
    const s = asString(unwrap(item));
    if (s === undefined) return undefined;
    out.push(s);
  }
  return out;
}

function listOf(v: Value | undefined): Value[] {
  const u = unwrap(v);
  if (!u || u.kind === 'null') return [];
  return u.kind === 'array' ? u.items : [u];
}
