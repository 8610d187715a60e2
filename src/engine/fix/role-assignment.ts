/**
 * Edits of role assignments shared by the grant rules: the canonical name, and where a role is
 * written. Each is built from the expressions the user wrote in the assignment's own declaration,
 * and only when the graph confirms that they mean what the edit needs.
 */
import { missingSeeds } from '../../graph/queries.js';
import { findGuid, type RoleDefinition } from '../../graph/roles.js';
import type { Grant } from '../../graph/types.js';
import { unwrap } from '../../graph/values.js';
import type { ScopeValue, Value } from '../../model/value.js';
import type { Fixer, ObjectEditor, TextEdit } from '../types.js';
import { inside } from './fixer.js';

const ROLE_ASSIGNMENT = 'microsoft.authorization/roleassignments';

/** `resourceGroup().id`, `subscription().id`, `managementGroup().id`: the deployment's own scope in an expression. */
const SCOPE_ID: Record<string, string> = {
  resourceGroup: 'resourceGroup().id',
  subscription: 'subscription().id',
  managementGroup: 'managementGroup().id',
};

export interface CanonicalName {
  /** The new name expression as it is written in the file (Bicep `guid(...)`, ARM `"[guid(...)]"`). */
  text: string;
  edits: TextEdit[];
}

/**
 * Bicep and ARM: `guid(<scope id>, <principal id>, <role definition id>)` from the assignment's own
 * `scope`, `properties.principalId` and `properties.roleDefinitionId` as written, replacing its name.
 * Undefined when one of them is not written in the declaration, or when the seeds would not cover
 * scope, principal and role by the rule's own reading (then a person must choose them).
 */
export function canonicalGuidName(grant: Grant, fixer: Fixer): CanonicalName | undefined {
  const r = grant.resource;
  if (r.format === 'terraform' || r.type.toLowerCase() !== ROLE_ASSIGNMENT) return undefined;
  const body = fixer.object(r.body, r.decl);
  const props = body?.object('properties');
  const nameProp = body?.property('name');
  const principal = props?.property('principalId');
  const role = props?.property('roleDefinitionId');
  if (!body || !nameProp || !principal || !role) return undefined;
  const scopeProp = body.property('scope');
  const scopeSeed = scopeSeedValue(grant);
  if (!scopeSeed || !grant.roleValue || (scopeProp === undefined) !== (grant.scope.value === undefined)) return undefined;
  const missing = missingSeeds(grant, [scopeSeed, grant.principal.value, grant.roleValue]);
  if (!missing || missing.length > 0) return undefined;
  const level = r.deploymentScope.level;
  let text: string | undefined;
  if (body.syntax === 'bicep') {
    const scope = scopeProp ? `${parenthesised(scopeProp.valueText)}.id` : SCOPE_ID[level];
    if (!scope) return undefined;
    text = `guid(${scope}, ${principal.valueText}, ${role.valueText})`;
  } else {
    const parts = [scopeProp ? armExpression(scopeProp.valueText) : SCOPE_ID[level], armExpression(principal.valueText), armExpression(role.valueText)];
    if (parts.some((p) => p === undefined)) return undefined;
    text = JSON.stringify(`[guid(${parts.join(', ')})]`);
  }
  // Already the name, or the fallback of an override (`roleAssignment.?name ?? guid(...)`, AVM's pattern, where
  // a caller passes a fixed name in): dropping the override would change the module's interface, which is no
  // stable-name fix.
  const written = nameProp.valueText.replace(/\s+/g, ' ').trim();
  const canonical = text.replace(/\s+/g, ' ');
  if (written === canonical || written.endsWith(`?? ${canonical}`)) return undefined;
  const edits = body.set('name', { expression: text });
  return edits ? { text, edits } : undefined;
}

/** The value a guid() seed must have to cover the assignment's scope (`vault` → `vault.id`). */
function scopeSeedValue(grant: Grant): Value | undefined {
  const written = unwrap(grant.scope.value);
  if (!written) return { ...grant.resource.deploymentScope, path: ['id'] } satisfies ScopeValue;
  if (grant.resource.format === 'bicep') {
    if (written.kind === 'ref' && written.path.length === 0) return { ...written, path: ['id'] };
    if (written.kind === 'scope' && written.path.length === 0) return { ...written, path: ['id'] };
    return undefined;
  }
  return written;
}

/** A Bicep expression that `.id` can follow as written. */
function parenthesised(text: string): string {
  return /^[A-Za-z_][\w]*(\.[A-Za-z_]\w*|::[A-Za-z_]\w*|\[[^\]]*\]|\([^()]*\))*$/.test(text.trim()) ? text.trim() : `(${text.trim()})`;
}

/** The ARM expression inside a JSON string as written: `"[parameters('x')]"` → `parameters('x')`; a literal quoted. */
function armExpression(jsonText: string): string | undefined {
  let s: unknown;
  try {
    s = JSON.parse(jsonText);
  } catch {
    return undefined;
  }
  if (typeof s !== 'string') return undefined;
  if (s.startsWith('[') && !s.startsWith('[[') && s.endsWith(']')) return s.slice(1, -1).trim();
  return `'${s.replace(/'/g, "''")}'`;
}

/** Terraform azurerm: remove `name` (an omitted name is generated once and kept in state). */
export function removeTerraformName(grant: Grant, fixer: Fixer): TextEdit[] | undefined {
  if (grant.resource.type !== 'azurerm_role_assignment') return undefined;
  return fixer.object(grant.resource.body, grant.resource.decl)?.remove('name');
}

/**
 * Replaces the role a grant names with another built-in role, where the role is written as a
 * literal (a GUID inside a role definition ID, a Terraform role name) in the assignment or in the
 * module call that passes it in. A GUID is replaced wherever that declaration writes it (a guid()
 * name seed too, so the name follows the role); a literal elsewhere (a variable other assignments
 * share) is left alone.
 */
export function replaceRole(grant: Grant, literal: Value | undefined, to: RoleDefinition, fixer: Fixer): TextEdit[] | undefined {
  const from = grant.role;
  if (!from || !literal?.at || literal.kind !== 'string') return undefined;
  const container = [grant.resource.decl, ...grant.resource.callChain].find((c) => inside(c, literal.at!));
  if (!container) return undefined;
  const guid = findGuid(literal.value);
  if (guid && guid.toLowerCase() === from.id.toLowerCase()) {
    const edits = fixer.replaceAll(container, guid, to.id);
    return edits.length > 0 ? edits : undefined;
  }
  if (literal.value.trim().toLowerCase() === from.roleName.toLowerCase()) {
    const edits = fixer.replaceAll(literal.at, from.roleName, to.roleName);
    return edits.length === 1 ? edits : undefined;
  }
  return undefined;
}

/** The object holding `principalId`/`roleDefinitionId` as written (Bicep/ARM `properties`, azapi `body.properties`, azurerm arguments). */
export function assignmentProperties(grant: Grant, fixer: Fixer): ObjectEditor | undefined {
  const body = fixer.object(grant.resource.body, grant.resource.decl);
  if (grant.resource.type === 'azurerm_role_assignment') return body;
  if (grant.resource.type === 'azapi_resource') return body?.object('body')?.object('properties');
  return body?.object('properties');
}
