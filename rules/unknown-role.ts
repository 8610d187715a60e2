import { RESOURCE_ID_FUNCTIONS } from '../src/link/functions.js';
import { isGuid, type RoleDefinition } from '../src/graph/roles.js';
import type { Grant } from '../src/graph/types.js';
import { stringsIn, unwrap } from '../src/graph/values.js';
import { editDistance } from '../src/engine/suggest.js';
import type { Value } from '../src/model/value.js';
import type { Rule, RuleContext } from '../src/engine/types.js';

/** How far a written GUID or name may be from a role's to be taken as a typo of it. */
const NEAR = 2;

interface WrittenRole {
  kind: 'id' | 'name';
  /** The GUID (the last segment of a role definition ID) or the role name, as written. */
  text: string;
  value: Value;
}

/**
 * The role as written, when it is a literal grantlint can judge: a role definition ID or GUID
 * (`subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '<guid>')`, a full ID, a
 * Terraform `role_definition_id`), or a Terraform role name (`role_definition_name`, or the name a
 * `data.azurerm_role_definition` looks up). References to role definitions declared here (`existing`
 * included) and values that are not known are left alone.
 */
function writtenRole(grant: Grant): WrittenRole | undefined {
  const v = unwrap(grant.roleValue);
  if (!v) return undefined;
  if (v.kind === 'string') {
    const text = v.value.trim();
    if (text === '') return undefined;
    const terraformName = grant.resource.format === 'terraform' && grant.resource.type !== 'azapi_resource' && !text.includes('/') && !looksLikeGuid(text);
    return terraformName ? { kind: 'name', text, value: v } : { kind: 'id', text: lastSegment(text), value: v };
  }
  if (v.kind === 'call' && RESOURCE_ID_FUNCTIONS.has(v.fn)) {
    const strings = stringsIn(v);
    const last = unwrap(v.args[v.args.length - 1]);
    if (!strings.some((s) => s.toLowerCase() === 'microsoft.authorization/roledefinitions') || last?.kind !== 'string') return undefined;
    return { kind: 'id', text: last.value.trim(), value: last };
  }
  if (v.kind === 'concat') {
    const last = v.parts[v.parts.length - 1];
    if (last?.kind !== 'string') return undefined;
    const m = /roleDefinitions\/([^/]*)$/i.exec(last.value);
    return m ? { kind: 'id', text: m[1].trim(), value: last } : undefined;
  }
  return undefined;
}

function lastSegment(id: string): string {
  const m = /\/roleDefinitions\/([^/]*)\/?$/i.exec(id);
  return m ? m[1] : id;
}

/** A GUID written with a character too many, too few or wrong: the shape of one, near enough. */
function looksLikeGuid(text: string): boolean {
  return /^[0-9a-z]{6,10}-[0-9a-z-]{20,30}$/i.test(text);
}

function nearest(text: string, roles: readonly RoleDefinition[], key: (r: RoleDefinition) => string): { role: RoleDefinition; distance: number } | undefined {
  const lower = text.toLowerCase();
  let best: { role: RoleDefinition; distance: number } | undefined;
  for (const role of roles) {
    const candidate = key(role).toLowerCase();
    if (Math.abs(candidate.length - lower.length) > NEAR) continue;
    const distance = editDistance(lower, candidate);
    if (distance <= NEAR && (!best || distance < best.distance)) best = { role, distance };
  }
  return best;
}

/**
 * A role definition that does not exist: a GUID that is malformed or no built-in role's and no
 * role declared here, or a Terraform role name that is no built-in role's and no declared role's.
 * A near miss of a known role (or a malformed GUID) is a typo and fails the deployment: error, with
 * the role meant. Anything else may be a custom role defined elsewhere: info, unless listed in
 * `knownRoles`.
 */
const rule: Rule = {
  meta: {
    id: 'unknown-role',
    description: 'A role assignment names a role definition that is no built-in role and no role declared here.',
    severity: 'error',
    messages: {
      nearGuid:
        "Role definition ID '{{written}}' is no built-in role and no role declared here, and the deployment fails with RoleDefinitionDoesNotExist: it is {{distance}} off the ID of '{{suggestion}}'. Use '{{guid}}'.",
      malformedGuid: "Role definition ID '{{written}}' is not a GUID, so the deployment fails. {{advice}}",
      unknownGuid:
        "Role definition ID '{{written}}' is no built-in role and no role declared in the analysed files. If it is a custom role defined elsewhere, list it in the knownRoles option.",
      nearName:
        "Role '{{written}}' is no built-in role's name and no role declared here, so the plan fails to find it: it is {{distance}} off '{{suggestion}}'. Write '{{suggestion}}'.",
      unknownName:
        "Role '{{written}}' is no built-in role's name and no role declared in the analysed files. If it is a custom role defined elsewhere, list it in the knownRoles option.",
    },
    schema: {
      type: 'object',
      properties: {
        knownRoles: {
          type: 'array',
          items: { type: 'string' },
          description: 'GUIDs and names of custom roles defined outside the analysed files.',
        },
      },
      additionalProperties: false,
    },
    defaultOptions: { knownRoles: [] },
    docs: 'docs/rules/unknown-role.md',
  },
  check(graph, context) {
    const known = new Set(((context.options.knownRoles as string[] | undefined) ?? []).map((k) => k.trim().toLowerCase()));
    const declared = graph.roleDefinitions;
    // The catalog is read only when an assignment names a role it did not resolve (a run without one never loads it).
    let all: RoleDefinition[] | undefined;
    const candidates = (): RoleDefinition[] => (all ??= [...context.roles.all(), ...declared]);
    for (const grant of graph.grants) {
      if (grant.kind !== 'rbac' || grant.role) continue;
      const written = writtenRole(grant);
      if (!written || known.has(written.text.toLowerCase()) || written.text.includes('${')) continue;
      if (written.kind === 'name') checkName(grant, written, candidates(), context);
      else checkGuid(grant, written, candidates(), context);
    }
  },
};

function edits(n: number): string {
  return n === 1 ? 'one character' : `${n} characters`;
}

function checkGuid(grant: Grant, written: WrittenRole, candidates: RoleDefinition[], context: RuleContext): void {
  const guid = written.text.toLowerCase();
  if (isGuid(guid) && candidates.some((r) => r.id === guid)) return;
  const near = nearest(written.text, candidates.filter((r) => isGuid(r.id)), (r) => r.id);
  const base = { node: grant, value: written.value };
  if (!isGuid(written.text)) {
    const byName = candidates.find((r) => r.roleName.trim().toLowerCase() === written.text.toLowerCase());
    const meant = near?.role ?? byName;
    const advice = meant ? `Did you mean '${meant.roleName}' (${meant.id})?` : 'Write the GUID of the role definition: 8-4-4-4-12 hexadecimal digits.';
    context.report({ ...base, messageId: 'malformedGuid', data: { written: written.text, advice } });
  } else if (near) {
    context.report({ ...base, messageId: 'nearGuid', data: { written: written.text, distance: edits(near.distance), suggestion: near.role.roleName, guid: near.role.id } });
  } else {
    context.report({ ...base, messageId: 'unknownGuid', severity: 'info', data: { written: written.text } });
  }
}

function checkName(grant: Grant, written: WrittenRole, candidates: RoleDefinition[], context: RuleContext): void {
  const lower = written.text.toLowerCase();
  if (candidates.some((r) => r.roleName.trim().toLowerCase() === lower)) return;
  const near = nearest(written.text, candidates, (r) => r.roleName.trim());
  const base = { node: grant, value: written.value };
  if (near) context.report({ ...base, messageId: 'nearName', data: { written: written.text, distance: edits(near.distance), suggestion: near.role.roleName } });
  else context.report({ ...base, messageId: 'unknownName', severity: 'info', data: { written: written.text } });
}

export default rule;
