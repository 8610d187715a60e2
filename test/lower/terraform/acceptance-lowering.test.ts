import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { terraformFrontEnd } from '../../../src/lower/terraform/index.js';
import type { RefValue } from '../../../src/model/value.js';
import { sharedPath } from '../../helpers/paths.js';
import { instances, js, one, prop } from './helpers.js';
import { diskHost } from './host.js';

const acceptance = sharedPath('acceptance');

function lowerCase(name: string, files = ['main.tf']) {
  const dir = join(acceptance, name);
  return { dir, p: terraformFrontEnd.analyze(files.map((f) => join(dir, f)), diskHost) };
}

describe('lowering the Terraform acceptance cases', () => {
  it('09: a user-assigned identity attached to a web app, granted on the vault', () => {
    const { p } = lowerCase('09-terraform-seed');
    expect(p.diagnostics).toEqual([]);
    expect(p.resources.map((r) => r.symbol)).toEqual([
      'data.azurerm_client_config.current',
      'azurerm_resource_group.app',
      'azurerm_key_vault.app',
      'azurerm_service_plan.app',
      'azurerm_user_assigned_identity.app',
      'azurerm_role_assignment.secrets',
      'azurerm_linux_web_app.app',
    ]);
    const ra = one(p, 'azurerm_role_assignment.secrets');
    expect(js(ra.body)).toEqual({
      scope: 'ref:azurerm_key_vault.app:id',
      role_definition_name: 'Key Vault Secrets User',
      principal_id: 'ref:azurerm_user_assigned_identity.app:principal_id',
    });
    expect(ra.decl.range.start.line).toBe(33);
    expect(ra.decl.range.end.line).toBe(37);
    const app = one(p, 'azurerm_linux_web_app.app');
    expect(js(prop(app, 'identity'))).toEqual([{ type: 'UserAssigned', identity_ids: ['ref:azurerm_user_assigned_identity.app:id'] }]);
    expect(js(prop(one(p, 'azurerm_key_vault.app'), 'tenant_id'))).toBe('ref:data.azurerm_client_config.current:tenant_id');
  });

  it('10: a function app with a system-assigned identity', () => {
    const { p } = lowerCase('10-terraform-identity-never-granted');
    const fn = one(p, 'azurerm_linux_function_app.reports');
    expect(js(prop(fn, 'identity'))).toEqual([{ type: 'SystemAssigned' }]);
    expect(fn.decl.range.start.line).toBe(14);
    expect(fn.decl.range.end.line).toBe(28);
  });

  it('11: uuid() names and the subscription data source', () => {
    const { p } = lowerCase('11-terraform-owner-on-subscription');
    const owner = one(p, 'azurerm_role_assignment.automation_owner');
    expect(js(owner.name)).toBe('call:uuid()');
    expect(js(prop(owner, 'scope'))).toBe('ref:data.azurerm_subscription.current:id');
    expect((prop(owner, 'scope') as RefValue).resource.existing).toBe(true);
    const contributor = one(p, 'azurerm_role_assignment.automation_contributor');
    expect(js(prop(contributor, 'skip_service_principal_aad_check'))).toBe(true);
    expect(contributor.name).toBeUndefined();
  });

  it('12: for_each over locals gives one instance per role, each.value bound', () => {
    const { p } = lowerCase('12-terraform-for-each-roles');
    const worker = instances(p, 'azurerm_role_assignment.worker');
    const admin = instances(p, 'azurerm_role_assignment.admin');
    expect(worker.map((r) => js(prop(r, 'role_definition_name')))).toEqual(['Storage Blob Data Reader', 'Storage Queue Data Contributor']);
    expect(admin.map((r) => js(prop(r, 'role_definition_name')))).toEqual(['Owner', 'Storage Blob Data Reader']);
    const owner = admin[0];
    expect(owner.key).toMatch(/#azurerm_role_assignment\.admin\["Owner"\]$/);
    expect(prop(owner, 'role_definition_name')?.at?.range.start.line).toBe(13);
    expect(owner.decl.range.start.line).toBe(44);
    expect(new Set(admin.map((r) => r.declKey)).size).toBe(1);
    expect(js(prop(owner, 'scope'))).toBe('ref:azurerm_storage_account.work:id');
    expect(js(prop(one(p, 'azurerm_resource_group.work'), 'location'))).toBe('westeurope');
  });

  it('13: a local module called twice, values flowing in through arguments', () => {
    const { dir, p } = lowerCase('13-terraform-module-grant', ['main.tf', 'modules/rbac/main.tf']);
    const ras = instances(p, 'azurerm_role_assignment.this');
    expect(ras).toHaveLength(2);
    const [vault, rg] = ras;
    expect(vault.key).toMatch(/#module\.billing_vault_access\.azurerm_role_assignment\.this$/);
    expect(rg.key).toMatch(/#module\.billing_rg_access\.azurerm_role_assignment\.this$/);
    expect(vault.declKey).toBe(rg.declKey);
    expect(rg.decl.file).toBe(join(dir, 'modules/rbac/main.tf'));
    expect(rg.callChain).toHaveLength(1);
    expect(rg.callChain[0].file).toBe(join(dir, 'main.tf'));
    expect(rg.callChain[0].range.start.line).toBe(24);
    expect(rg.callChain[0].range.end.line).toBe(29);
    const scope = prop(rg, 'scope') as RefValue;
    expect(js(scope)).toBe('ref:azurerm_resource_group.app:id');
    expect(scope.at?.file).toBe(join(dir, 'main.tf'));
    expect(scope.at?.range.start.line).toBe(27);
    expect(js(prop(vault, 'scope'))).toBe('ref:data.azurerm_key_vault.shared:id');
    expect(js(prop(rg, 'role_definition_name'))).toBe('Reader');
    expect(js(prop(rg, 'principal_id'))).toBe('ref:azurerm_user_assigned_identity.billing:principal_id');
    expect(prop(rg, 'principal_type')?.at?.file).toBe(join(dir, 'modules/rbac/main.tf'));
    // The module folder is not a root of its own.
    expect(p.resources.filter((r) => r.callChain.length === 0 && r.type === 'azurerm_role_assignment')).toEqual([]);
  });

  it('18: the valid Terraform beside broken files', () => {
    const { p } = lowerCase('18-mixed-bad-input');
    expect(p.diagnostics).toEqual([]);
    const ra = one(p, 'azurerm_role_assignment.jobs_owner');
    expect(js(prop(ra, 'scope'))).toBe('/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/jobs-rg/providers/Microsoft.Storage/storageAccounts/jobsstore');
    expect(js(prop(ra, 'role_definition_name'))).toBe('Owner');
  });
});
