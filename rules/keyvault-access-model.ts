import { azureResourceKey } from '../src/graph/build.js';
import { isVault, modelOfDeclarations, type VaultModel } from '../src/graph/keyvault-model.js';
import { dataAction, matchesPermission, patternsOf, type Operation } from '../src/graph/permissions.js';
import { describePrincipal, roleSource } from '../src/graph/queries.js';
import { ResourceIndex, sameOrChild, VAULT } from '../src/graph/targets.js';
import type { Grant, IdentityGraph } from '../src/graph/types.js';
import { listOf, unwrap } from '../src/graph/values.js';
import type { ResourceInstance } from '../src/model/template.js';
import { asString, getProp } from '../src/model/value.js';
import type { RuleContext, Rule } from '../src/engine/types.js';

/**
 * A key vault authorizes data access one way: with Azure RBAC or with access policies. A grant of
 * the other kind deploys and does nothing: an access policy on an RBAC vault is ignored, and a role
 * assignment of a Key Vault data role on an access-policy vault gives no data access. The first
 * call then gets a 403 although the template "grants" it.
 */
const rule: Rule = {
  meta: {
    id: 'keyvault-access-model',
    description: "A Key Vault grant of the kind the vault's access model ignores: an access policy on an RBAC vault, a data role on an access-policy vault.",
    severity: 'warning',
    messages: {
      policyOnRbac:
        "This access policy for {{principal}} is ignored: key vault {{vault}} uses Azure RBAC ({{reason}}). Grant {{role}} on the vault with a role assignment instead, or set {{policySetting}} if the vault is meant to use access policies.",
      roleOnPolicies:
        "Grants '{{role}}' to {{principal}} on key vault {{vault}}, but the vault uses access policies ({{reason}}): role assignments give no data access there. Add an access policy for the principal instead, or turn on RBAC ({{rbacSetting}}).",
    },
    docs: 'docs/rules/keyvault-access-model.md',
  },
  check(graph, context) {
    let declarations: Map<string, ResourceInstance[]> | undefined;
    let index: ResourceIndex | undefined;
    for (const grant of graph.grants) {
      if (grant.kind !== 'accessPolicy' && grant.kind !== 'rbac') continue;
      const type = grant.scope.resourceType ?? grant.scope.resource?.type;
      if (grant.kind === 'rbac' && (grant.scope.kind !== 'resource' || !type || !/keyvault|key_vault|azapi/i.test(type))) continue;
      const vault = vaultOf(grant.scope.resource) ?? namedVault(grant, (index ??= new ResourceIndex(graph.resources)));
      if (!vault) continue;
      declarations ??= vaultDeclarations(graph);
      const decls = declarations.get(azureResourceKey(vault)) ?? [vault];
      const model = modelOfDeclarations(decls);
      if (!model) continue;
      const created = decls.find((d) => !d.existing) ?? vault;
      // azurerm names the setting its own way; ARM-shaped bodies (azapi included) write enableRbacAuthorization.
      const terraform = created.format === 'terraform' && created.type !== 'azapi_resource';
      const assign = created.format === 'terraform' ? ' = ' : ': ';
      const data = { principal: describePrincipal(grant), vault: `'${asString(unwrap(vault.name)) ?? vault.symbol}'`, reason: reason(model, created) };
      const related = model.value?.at ? [{ message: 'The access model is set here.', at: model.value.at }] : [{ message: "The vault's declaration, whose API version decides the access model.", at: created.decl }];
      if (grant.kind === 'accessPolicy' && model.model === 'rbac') {
        const policySetting = terraform ? 'rbac_authorization_enabled = false' : `enableRbacAuthorization${assign}false`;
        context.report({ node: grant, messageId: 'policyOnRbac', data: { ...data, role: policyRole(grant, context), policySetting }, related });
      } else if (grant.kind === 'rbac' && model.model === 'accessPolicy' && grant.role && carriesVaultData(grant)) {
        const rbacSetting = terraform ? 'rbac_authorization_enabled = true' : `enableRbacAuthorization${assign}true`;
        context.report({ node: grant, value: roleSource(grant), messageId: 'roleOnPolicies', data: { ...data, role: grant.role.roleName, rbacSetting }, related });
      }
    }
  },
};

function vaultDeclarations(graph: IdentityGraph): Map<string, ResourceInstance[]> {
  const out = new Map<string, ResourceInstance[]>();
  for (const r of graph.resources) {
    if (!isVault(r)) continue;
    const key = azureResourceKey(r);
    out.set(key, [...(out.get(key) ?? []), r]);
  }
  return out;
}

/** The vault a scope is, or the vault of a secret, key or certificate scope. */
function vaultOf(r: ResourceInstance | undefined): ResourceInstance | undefined {
  if (!r) return undefined;
  if (isVault(r)) return r;
  if (r.parent && isVault(r.parent) && r.type.toLowerCase().startsWith('microsoft.keyvault/vaults/')) return r.parent;
  const ref = r.format === 'terraform' && /^azurerm_key_vault_(?:secret|key|certificate)$/.test(r.type) ? unwrap(getProp(r.body, 'key_vault_id')) : undefined;
  return ref?.kind === 'ref' && isVault(ref.resource) ? ref.resource : undefined;
}

/** A vault scope written as an ID or name (`Microsoft.KeyVault/vaults/kv`): the vault of that name declared with it. */
function namedVault(grant: Grant, index: ResourceIndex): ResourceInstance | undefined {
  const { resourceType, label } = grant.scope;
  if (grant.scope.resource || !resourceType || !label || !sameOrChild(resourceType, VAULT)) return undefined;
  const found = index.named(VAULT, label.split('/')[0], grant.resource);
  return found.length === 1 ? found[0] : undefined;
}

/** Does the role carry Key Vault data actions (`Microsoft.KeyVault/...` or `*` in its dataActions)? */
function carriesVaultData(grant: Grant): boolean {
  const role = grant.role!;
  if (role.permissionsKnown === false) return false;
  const patterns = patternsOf(role) ?? [];
  const data = role.permissionBlocks ? role.permissionBlocks.flatMap((b) => b.dataActions) : role.dataActions;
  return patterns.length > 0 && data.some((p) => matchesPermission(p.split('/')[0], 'Microsoft.KeyVault'));
}

function reason(model: VaultModel, vault: ResourceInstance): string {
  if (vault.format === 'terraform' && vault.type !== 'azapi_resource') {
    return model.byDefault ? 'rbac_authorization_enabled is not set, and azurerm defaults it to false' : `rbac_authorization_enabled = ${model.model === 'rbac'}`;
  }
  if (model.byDefault) {
    const since = model.model === 'rbac' ? 'from 2026-02-01 on, API versions default to RBAC' : 'API versions before 2026-02-01 default to access policies';
    return `enableRbacAuthorization is not written and the API version is ${model.apiVersion}: ${since}`;
  }
  return `enableRbacAuthorization${vault.format === 'terraform' ? ' = ' : ': '}${model.model === 'rbac'}`;
}

/** Key Vault data actions for access policy permissions (Microsoft Learn, "RBAC guide: access policy to role mapping"). */
const POLICY_ACTIONS: Record<string, Record<string, string>> = {
  secrets: { get: 'secrets/getSecret/action', list: 'secrets/readMetadata/action', set: 'secrets/setSecret/action', delete: 'secrets/delete' },
  keys: {
    get: 'keys/read',
    list: 'keys/read',
    wrapkey: 'keys/wrap/action',
    unwrapkey: 'keys/unwrap/action',
    encrypt: 'keys/encrypt/action',
    decrypt: 'keys/decrypt/action',
    sign: 'keys/sign/action',
    verify: 'keys/verify/action',
  },
  certificates: { get: 'certificates/read', list: 'certificates/read' },
};

/** The narrowest built-in role for what the policy allows, or a generic phrase. */
function policyRole(grant: Grant, context: RuleContext): string {
  const ops: Operation[] = [];
  for (const [list, actions] of Object.entries(POLICY_ACTIONS)) {
    for (const item of listOf(getProp(grant.permissions, list))) {
      const name = asString(unwrap(item))?.toLowerCase();
      if (name === undefined || name === 'all' || !actions[name]) return 'a Key Vault data role that covers its permissions';
      ops.push(dataAction(`Microsoft.KeyVault/vaults/${actions[name]}`));
    }
  }
  const role = ops.length > 0 ? context.permissions.narrowest(ops) : undefined;
  return role ? `'${role.roleName}'` : 'a Key Vault data role that covers its permissions';
}

export default rule;
