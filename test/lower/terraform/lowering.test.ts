import { describe, expect, it } from 'vitest';
import type { RefValue, UnknownValue } from '../../../src/model/value.js';
import { sameValue } from '../../../src/model/value.js';
import { instances, js, lower, lowerMain, one, prop } from './helpers.js';

describe('Terraform lowering: resources and references', () => {
  it('lowers resources, data sources and nested blocks', () => {
    const p = lowerMain(`
data "azurerm_client_config" "current" {}
resource "azurerm_resource_group" "rg" {
  name     = "app-rg"
  location = "westeurope"
}
resource "azurerm_linux_web_app" "app" {
  name                = "app"
  resource_group_name = azurerm_resource_group.rg.name
  tenant              = data.azurerm_client_config.current.tenant_id
  identity {
    type = "SystemAssigned"
  }
  site_config {}
  lifecycle {
    ignore_changes = [tags]
  }
  depends_on = [azurerm_resource_group.rg]
}
`);
    expect(p.diagnostics).toEqual([]);
    expect(p.resources.map((r) => r.symbol)).toEqual(['data.azurerm_client_config.current', 'azurerm_resource_group.rg', 'azurerm_linux_web_app.app']);
    const data = one(p, 'data.azurerm_client_config.current');
    expect(data.existing).toBe(true);
    expect(data.type).toBe('azurerm_client_config');
    const app = one(p, 'azurerm_linux_web_app.app');
    expect(app.existing).toBe(false);
    expect(app.format).toBe('terraform');
    expect(app.key).toBe('/mem/root#azurerm_linux_web_app.app');
    expect(app.declKey).toBe('/mem/root/main.tf#azurerm_linux_web_app.app');
    expect(app.decl.range.start.line).toBe(7);
    expect(app.decl.range.end.line).toBe(19);
    expect(js(app.name)).toBe('app');
    expect(js(app.body)).toEqual({
      name: 'app',
      resource_group_name: 'app-rg',
      tenant: 'ref:data.azurerm_client_config.current:tenant_id',
      identity: [{ type: 'SystemAssigned' }],
      site_config: [{}],
    });
    // A value read through a reference keeps the location where it is written.
    expect(prop(app, 'resource_group_name')?.at?.range.start.line).toBe(4);
    expect(app.deploymentScope).toMatchObject({ kind: 'scope', level: 'resourceGroup', current: true });
    expect(app.callChain).toEqual([]);
  });

  it('reads resource attributes as written arguments or refs with their path', () => {
    const p = lowerMain(`
resource "azurerm_linux_web_app" "app" {
  name = "app"
  identity {
    type         = "SystemAssigned, UserAssigned"
    identity_ids = ["x"]
  }
}
resource "probe" "x" {
  a = azurerm_linux_web_app.app.identity[0].principal_id
  b = azurerm_linux_web_app.app.identity.0.principal_id
  c = azurerm_linux_web_app.app.identity[0].type
  d = azurerm_linux_web_app.app.id
  e = azurerm_linux_web_app.app.name
  f = azurerm_linux_web_app.app.identity[*].principal_id
  g = one(azurerm_linux_web_app.app.identity).principal_id
  h = azurerm_linux_web_app.app.identity[0].identity_ids
  i = azurerm_linux_web_app.app
  j = "\${azurerm_linux_web_app.app.id}"
}
`);
    const probe = one(p, 'probe.x');
    expect(js(probe.body)).toEqual({
      a: 'ref:azurerm_linux_web_app.app:identity.0.principal_id',
      b: 'ref:azurerm_linux_web_app.app:identity.0.principal_id',
      c: 'SystemAssigned, UserAssigned',
      d: 'ref:azurerm_linux_web_app.app:id',
      e: 'app',
      f: ['ref:azurerm_linux_web_app.app:identity.0.principal_id'],
      g: 'ref:azurerm_linux_web_app.app:identity.0.principal_id',
      h: ['x'],
      i: 'ref:azurerm_linux_web_app.app:',
      j: 'ref:azurerm_linux_web_app.app:id',
    });
    const a = prop(probe, 'a') as RefValue;
    expect(a.path).toEqual(['identity', 0, 'principal_id']);
    expect(a.resource).toBe(one(p, 'azurerm_linux_web_app.app'));
    expect(sameValue(prop(probe, 'a'), prop(probe, 'b'))).toBe(true);
  });

  it('expands for_each over sets and maps, binding each.key and each.value', () => {
    const p = lowerMain(`
locals {
  roles = toset(["Reader", "Owner"])
  grants = {
    web = { role = "Reader" }
    api = { role = "Contributor" }
  }
}
resource "azurerm_role_assignment" "set" {
  for_each             = local.roles
  role_definition_name = each.value
  name                 = each.key
}
resource "azurerm_role_assignment" "map" {
  for_each             = local.grants
  role_definition_name = each.value.role
  description          = each.key
}
resource "azurerm_role_assignment" "empty" {
  for_each = toset([])
}
resource "probe" "x" {
  a = azurerm_role_assignment.map["web"].id
  b = [for k, r in azurerm_role_assignment.map : r.role_definition_name]
}
`);
    const set = instances(p, 'azurerm_role_assignment.set');
    expect(set.map((r) => r.key)).toEqual(['/mem/root#azurerm_role_assignment.set["Owner"]', '/mem/root#azurerm_role_assignment.set["Reader"]']);
    expect(set.map((r) => js(prop(r, 'role_definition_name')))).toEqual(['Owner', 'Reader']);
    expect(new Set(set.map((r) => r.declKey)).size).toBe(1);
    // each.value keeps the location of the literal in the local.
    expect(prop(set[0], 'role_definition_name')?.at?.range.start.line).toBe(3);
    const map = instances(p, 'azurerm_role_assignment.map');
    expect(map.map((r) => [js(prop(r, 'description')), js(prop(r, 'role_definition_name'))])).toEqual([
      ['api', 'Contributor'],
      ['web', 'Reader'],
    ]);
    expect(instances(p, 'azurerm_role_assignment.empty')).toEqual([]);
    const probe = one(p, 'probe.x');
    expect(js(prop(probe, 'a'))).toBe('ref:azurerm_role_assignment.map:id');
    expect((prop(probe, 'a') as RefValue).resource.key).toBe('/mem/root#azurerm_role_assignment.map["web"]');
    expect(js(prop(probe, 'b'))).toEqual(['Contributor', 'Reader']);
  });

  it('expands count, with count.index, and drops count = 0 when it depends on no input', () => {
    const p = lowerMain(`
variable "enabled" {
  default = false
}
locals {
  enabled = false
}
resource "azurerm_user_assigned_identity" "id" {
  count = 2
  name  = "id-\${count.index}"
}
resource "azurerm_role_assignment" "off" {
  count = local.enabled ? 1 : 0
}
resource "azurerm_role_assignment" "flag" {
  count = var.enabled ? 1 : 0
}
resource "probe" "x" {
  a = azurerm_user_assigned_identity.id[1].principal_id
  b = azurerm_user_assigned_identity.id[*].name
}
`);
    const ids = instances(p, 'azurerm_user_assigned_identity.id');
    expect(ids.map((r) => r.key)).toEqual(['/mem/root#azurerm_user_assigned_identity.id[0]', '/mem/root#azurerm_user_assigned_identity.id[1]']);
    expect(ids.map((r) => js(r.name))).toEqual(['id-0', 'id-1']);
    expect(instances(p, 'azurerm_role_assignment.off')).toEqual([]);
    // A root's default is a possibility: the flag is possibly on.
    expect(instances(p, 'azurerm_role_assignment.flag').map((r) => r.key)).toEqual(['/mem/root#azurerm_role_assignment.flag[0]']);
    const probe = one(p, 'probe.x');
    expect((prop(probe, 'a') as RefValue).resource).toBe(ids[1]);
    expect(js(prop(probe, 'b'))).toEqual(['id-0', 'id-1']);
  });

  it('keeps one instance with an unknown loop variable when the collection is unknown', () => {
    const p = lowerMain(`
variable "roles" {}
variable "n" {}
resource "azurerm_role_assignment" "r" {
  for_each             = var.roles
  role_definition_name = each.value
  principal_id         = each.value.principal_id
}
resource "azurerm_user_assigned_identity" "c" {
  count = var.n
  name  = "x\${count.index}"
}
resource "probe" "x" {
  a = azurerm_user_assigned_identity.c[0].principal_id
  b = azurerm_role_assignment.r["any"].id
}
`);
    const r = one(p, 'azurerm_role_assignment.r');
    expect(r.key).toBe('/mem/root#azurerm_role_assignment.r[*]');
    const role = prop(r, 'role_definition_name') as UnknownValue;
    expect(role.kind).toBe('unknown');
    expect(role.symbol).toMatch(/^loop:/);
    expect(role.input?.kind).toBe('loop');
    expect((prop(r, 'principal_id') as UnknownValue).symbol).toBe(`${role.symbol}.principal_id`);
    const c = one(p, 'azurerm_user_assigned_identity.c');
    expect(js(c.name)).toMatchObject({ concat: ['x', expect.stringMatching(/^unknown:loop:.*count\.index$/)] });
    const probe = one(p, 'probe.x');
    expect((prop(probe, 'a') as RefValue).resource).toBe(c);
    expect((prop(probe, 'b') as RefValue).resource).toBe(r);
  });

  it('makes variables without a value unknown inputs, equal on every read', () => {
    const p = lowerMain(`
variable "principal" {
  type = string
}
resource "probe" "x" {
  a = var.principal
  b = var.principal
}
`);
    const probe = one(p, 'probe.x');
    const a = prop(probe, 'a') as UnknownValue;
    expect(a).toMatchObject({ kind: 'unknown', symbol: 'param:/mem/root#principal', input: { kind: 'parameter', name: 'principal' } });
    expect(a.input?.decl?.range.start.line).toBe(2);
    expect(sameValue(a, prop(probe, 'b'))).toBe(true);
  });

  it('evaluates path.module and leaves terraform.workspace unknown', () => {
    const p = lowerMain(`
resource "probe" "x" {
  a = path.module
  b = terraform.workspace
}
`);
    expect(js(prop(one(p, 'probe.x'), 'a'))).toBe('.');
    expect(js(prop(one(p, 'probe.x'), 'b'))).toBe('unknown:terraform.workspace');
  });

  it('applies variable types: optional attributes and sets', () => {
    const p = lowerMain(`
variable "ra" {
  type = map(object({
    role           = string
    principal_type = optional(string, "ServicePrincipal")
    condition      = optional(string)
  }))
  default = {
    a = { role = "Reader" }
  }
}
variable "s" {
  type    = set(string)
  default = ["b", "a", "b"]
}
resource "probe" "x" {
  a = var.ra
  b = var.s
}
`);
    const probe = one(p, 'probe.x');
    expect(js(prop(probe, 'a'))).toEqual({ a: { role: 'Reader', principal_type: 'ServicePrincipal', condition: null } });
    expect(js(prop(probe, 'b'))).toEqual(['a', 'b']);
  });

  it('expands dynamic blocks, and keeps one element when the collection is unknown', () => {
    const p = lowerMain(`
variable "ids" {}
resource "azurerm_key_vault" "kv" {
  dynamic "access_policy" {
    for_each = ["a", "b"]
    content {
      object_id = access_policy.value
    }
  }
  dynamic "identity" {
    for_each = var.ids
    iterator = it
    content {
      type         = "UserAssigned"
      identity_ids = it.value
    }
  }
}
`);
    const kv = one(p, 'azurerm_key_vault.kv');
    expect(js(prop(kv, 'access_policy'))).toEqual([{ object_id: 'a' }, { object_id: 'b' }]);
    expect(js(prop(kv, 'identity', 0, 'type'))).toBe('UserAssigned');
    expect(js(prop(kv, 'identity', 0, 'identity_ids'))).toMatch(/^unknown:loop:.*#it\.value$/);
  });

  it('keeps computed object keys under their description, with keyValues', () => {
    const p = lowerMain(`
resource "azurerm_user_assigned_identity" "u" {
  name = "u"
}
resource "azapi_resource" "app" {
  type = "Microsoft.Web/sites@2023-01-01"
  body = {
    identity = {
      type = "UserAssigned"
      userAssignedIdentities = {
        (azurerm_user_assigned_identity.u.id) = {}
      }
    }
  }
}
`);
    const map = prop(one(p, 'azapi_resource.app'), 'body', 'identity', 'userAssignedIdentities');
    expect(map?.kind).toBe('object');
    if (map?.kind !== 'object') return;
    expect([...map.entries.keys()]).toEqual(['azurerm_user_assigned_identity.u.id']);
    expect(js(map.keyValues?.get('azurerm_user_assigned_identity.u.id'))).toBe('ref:azurerm_user_assigned_identity.u:id');
  });
});

describe('Terraform lowering: modules, roots and files', () => {
  const files = {
    '/mem/app/main.tf': `
variable "env" {}
module "rbac" {
  source   = "./modules/rbac"
  for_each = toset(["a", "b"])
  role     = "Reader"
  scope    = "/subscriptions/\${var.env}/resourceGroups/\${each.key}"
}
module "remote" {
  source  = "Azure/avm-res-foo/azurerm"
  version = "1.0.0"
}
resource "probe" "x" {
  ids    = [for m in module.rbac : m.id]
  one    = module.rbac["a"].role
  remote = module.remote.principal_id
}
`,
    '/mem/app/terraform.tfvars': 'env = "sub-from-tfvars"\n',
    '/mem/app/modules/rbac/main.tf': `
variable "role" {}
variable "scope" {}
variable "name" {
  default = "n"
}
resource "azurerm_role_assignment" "this" {
  role_definition_name = var.role
  scope                = var.scope
  name                 = var.name
}
output "id" {
  value = azurerm_role_assignment.this.id
}
output "role" {
  value = var.role
}
`,
  };

  it('analyses a called folder through each call, with the values it passes', () => {
    const p = lower(files);
    expect(p.diagnostics).toEqual([]);
    const ras = instances(p, 'azurerm_role_assignment.this');
    expect(ras.map((r) => r.key)).toEqual([
      '/mem/app#module.rbac["a"].azurerm_role_assignment.this',
      '/mem/app#module.rbac["b"].azurerm_role_assignment.this',
    ]);
    expect(ras.map((r) => js(prop(r, 'scope')))).toEqual([
      '/subscriptions/sub-from-tfvars/resourceGroups/a',
      '/subscriptions/sub-from-tfvars/resourceGroups/b',
    ]);
    expect(ras[0].declKey).toBe('/mem/app/modules/rbac/main.tf#azurerm_role_assignment.this');
    expect(ras[0].callChain.map((l) => [l.file, l.range.start.line])).toEqual([['/mem/app/main.tf', 3]]);
    // Module arguments keep the location of the argument in the caller.
    expect(prop(ras[0], 'role_definition_name')?.at).toMatchObject({ file: '/mem/app/main.tf', range: { start: { line: 6 } } });
    expect(prop(ras[0], 'name')?.at?.file).toBe('/mem/app/modules/rbac/main.tf');
    const probe = one(p, 'probe.x');
    expect(js(prop(probe, 'ids'))).toEqual(['ref:azurerm_role_assignment.this:id', 'ref:azurerm_role_assignment.this:id']);
    expect(js(prop(probe, 'one'))).toBe('Reader');
    expect(prop(probe, 'remote')).toMatchObject({ kind: 'unknown', input: { kind: 'external', name: 'module.remote.principal_id' } });
    expect(p.files.sort()).toEqual(['/mem/app/main.tf', '/mem/app/modules/rbac/main.tf', '/mem/app/terraform.tfvars']);
  });

  it('applies *.auto.tfvars after terraform.tfvars, and --var-file files last', () => {
    const p = lower(
      {
        ...files,
        '/mem/app/x.auto.tfvars': 'env = "auto"\n',
        '/mem/vars/prod.tfvars': 'env = "prod"\n',
      },
      ['/mem/vars/prod.tfvars'],
    );
    expect(js(prop(instances(p, 'azurerm_role_assignment.this')[0], 'scope'))).toBe('/subscriptions/prod/resourceGroups/a');
    const q = lower({ ...files, '/mem/app/x.auto.tfvars': 'env = "auto"\n' });
    expect(js(prop(instances(q, 'azurerm_role_assignment.this')[0], 'scope'))).toBe('/subscriptions/auto/resourceGroups/a');
  });

  it('reads a module folder that was not given, through listFolder', () => {
    const given = { '/mem/app/main.tf': files['/mem/app/main.tf'] };
    const host = { ...files };
    const p = lower({ ...given });
    expect(instances(p, 'azurerm_role_assignment.this')).toEqual([]); // nothing to read
    const q = lower(host);
    expect(instances(q, 'azurerm_role_assignment.this')).toHaveLength(2);
  });

  it('analyses an uncalled folder as a root with its own defaults', () => {
    const p = lower({ '/mem/m/main.tf': files['/mem/app/modules/rbac/main.tf'] });
    const ra = one(p, 'azurerm_role_assignment.this');
    expect(ra.key).toBe('/mem/m#azurerm_role_assignment.this');
    expect(prop(ra, 'role_definition_name')).toMatchObject({ kind: 'unknown', symbol: 'param:/mem/m#role' });
  });

  it('survives module cycles', () => {
    const p = lower({
      '/mem/c/main.tf': 'module "self" {\n  source = "./"\n}\nmodule "up" {\n  source = "../c2"\n}\nresource "a" "b" {}\n',
      '/mem/c2/main.tf': 'module "down" {\n  source = "../c"\n}\nresource "c" "d" {}\n',
      '/mem/r/main.tf': 'module "c" {\n  source = "../c"\n}\n',
    });
    expect(p.resources.length).toBeGreaterThan(0);
    expect(p.resources.length).toBeLessThan(20);
  });

  it('reports one parse error per broken file and lowers the rest of the folder', () => {
    const p = lower({
      '/mem/b/main.tf': 'resource "azurerm_resource_group" "ok" {\n  name = "x"\n}\n',
      '/mem/b/broken.tf': 'resource "azurerm_role_assignment" "bad" {\n  name = \n  scope = [\n}\n',
    });
    expect(p.diagnostics).toHaveLength(1);
    expect(p.diagnostics[0]).toMatchObject({ code: 'parse-error', at: { file: '/mem/b/broken.tf' } });
    expect(p.diagnostics[0].at.range.start.line).toBeGreaterThanOrEqual(2);
    expect(p.resources.map((r) => r.symbol)).toEqual(['azurerm_resource_group.ok']);
  });

  it('reports a .tfvars file that does not parse', () => {
    const p = lower({ '/mem/v/main.tf': 'variable "x" {}\n', '/mem/v/terraform.tfvars': 'x = = 1\n' });
    expect(p.diagnostics.map((d) => d.at.file)).toEqual(['/mem/v/terraform.tfvars']);
  });

  it('returns comments for inline suppressions', () => {
    const p = lowerMain('# grantlint-disable-next-line broad-scope\nresource "a" "b" {}\n');
    expect(p.comments).toHaveLength(1);
    expect(p.comments[0].text).toContain('grantlint-disable-next-line');
    expect(p.comments[0].at.range.start.line).toBe(1);
  });

  it('lowers .tf.json files', () => {
    const p = lower({
      '/mem/j/main.tf.json': JSON.stringify({
        resource: {
          azurerm_user_assigned_identity: { u: { name: 'u' } },
          azurerm_role_assignment: {
            r: { role_definition_name: 'Reader', principal_id: '${azurerm_user_assigned_identity.u.principal_id}' },
          },
        },
      }),
    });
    expect(p.diagnostics).toEqual([]);
    expect(js(prop(one(p, 'azurerm_role_assignment.r'), 'principal_id'))).toBe('ref:azurerm_user_assigned_identity.u:principal_id');
  });
});
