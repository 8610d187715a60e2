import { describe, expect, it } from 'vitest';
import { armFrontEnd } from '../../../src/lower/arm/index.js';
import type { LoweredProgram, ResourceInstance } from '../../../src/model/template.js';
import { getPath, getProp, sameValue, type Value } from '../../../src/model/value.js';
import { memHost } from './helpers.js';

const RG = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';
const SUB = 'https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#';
const PARAMS = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#';

function run(files: Record<string, unknown>, extra: { includeGeneratedTemplates?: boolean } = {}): LoweredProgram {
  const texts: Record<string, string> = {};
  for (const [k, v] of Object.entries(files)) texts[k] = typeof v === 'string' ? v : JSON.stringify(v, null, 2);
  return armFrontEnd.analyze(Object.keys(texts).filter((f) => /\.jsonc?$/.test(f)), memHost(texts, extra));
}

function template(resources: unknown, rest: Record<string, unknown> = {}): Record<string, unknown> {
  return { $schema: RG, contentVersion: '1.0.0.0', ...rest, resources };
}

function one(p: LoweredProgram, type: string): ResourceInstance {
  const found = p.resources.filter((r) => r.type.toLowerCase() === type.toLowerCase());
  expect(found, type).toHaveLength(1);
  return found[0];
}

function ref(v: Value | undefined): { resource: ResourceInstance; path: (string | number)[] } | undefined {
  return v?.kind === 'ref' ? { resource: v.resource, path: v.path } : undefined;
}

const UAMI = { type: 'Microsoft.ManagedIdentity/userAssignedIdentities', apiVersion: '2023-01-31', name: 'id1', location: 'westeurope' };

describe('ARM lowering', () => {
  it('skips JSON that is not a template and files that do not mention a template schema', () => {
    const p = run({
      '/a/package.json': { name: 'x' },
      '/a/tsconfig.json': { $schema: 'https://json.schemastore.org/tsconfig', compilerOptions: {} },
      '/a/broken-config.json': '{ "name": ',
    });
    expect(p).toEqual({ resources: [], exports: [], diagnostics: [], comments: [], externalCalls: [], files: [] });
  });

  it('languageVersion 2.0: symbolic resources, existing, reference(symbolicName)', () => {
    const p = run({
      '/a/main.json': template(
        {
          id: { ...UAMI, existing: true },
          kv: { type: 'Microsoft.KeyVault/vaults', apiVersion: '2023-07-01', name: 'kv1', location: 'westeurope', properties: {} },
          ra: {
            type: 'Microsoft.Authorization/roleAssignments',
            apiVersion: '2022-04-01',
            scope: "[format('Microsoft.KeyVault/vaults/{0}', 'kv1')]",
            name: "[guid(resourceId('Microsoft.KeyVault/vaults', 'kv1'), resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', 'id1'), 'r')]",
            properties: { principalId: "[reference('id').principalId]", clientId: "[reference('id', '2023-01-31', 'full').properties.clientId]" },
            dependsOn: ['id', 'kv'],
          },
        },
        { languageVersion: '2.0' },
      ),
    });
    const id = one(p, 'Microsoft.ManagedIdentity/userAssignedIdentities');
    const kv = one(p, 'Microsoft.KeyVault/vaults');
    const ra = one(p, 'Microsoft.Authorization/roleAssignments');
    expect(id.existing).toBe(true);
    expect(kv.existing).toBe(false);
    expect(id.symbol).toBe('id');
    expect(ref(ra.scope)).toEqual({ resource: kv, path: [] });
    expect(ref(getPath(ra.body, ['properties', 'principalId']))).toEqual({ resource: id, path: ['properties', 'principalId'] });
    expect(ref(getPath(ra.body, ['properties', 'clientId']))).toEqual({ resource: id, path: ['properties', 'clientId'] });
    expect(ra.declKey).toBe('/a/main.json#/resources/ra');
    expect(getProp(ra.body, 'dependsOn')).toBeUndefined();
  });

  it('copy loops: known count gives instances with copyIndex bound, unknown one instance, zero none', () => {
    const p = run({
      '/a/main.json': template(
        [
          { type: 'Microsoft.ManagedIdentity/userAssignedIdentities', apiVersion: '2023-01-31', name: "[format('id-{0}', copyIndex(1))]", copy: { name: 'ids', count: '[length(parameters(\'names\'))]' } },
          { type: 'Microsoft.Storage/storageAccounts', apiVersion: '2023-01-01', name: "[concat('st', copyIndex())]", copy: { name: 'st', count: "[parameters('n')]" } },
          { type: 'Microsoft.Web/sites', apiVersion: '2023-01-01', name: "[concat('s', copyIndex('none'))]", copy: { name: 'none', count: 0 } },
          { type: 'Microsoft.Web/serverfarms', apiVersion: '2023-01-01', name: 'off', condition: "[equals(variables('mode'), 'on')]" },
          { type: 'Microsoft.Web/serverfarms', apiVersion: '2023-01-01', name: 'flag', condition: "[equals(parameters('mode'), 'on')]" },
          { type: 'Microsoft.Web/serverfarms', apiVersion: '2023-01-01', name: 'maybe', condition: "[parameters('n')]" },
        ],
        { parameters: { names: { type: 'array', defaultValue: ['a', 'b', 'c'] }, n: { type: 'int' }, mode: { type: 'string', defaultValue: 'off' } }, variables: { mode: 'off' } },
      ),
    });
    const ids = p.resources.filter((r) => r.type === 'Microsoft.ManagedIdentity/userAssignedIdentities');
    expect(ids.map((r) => getProp(r.body, 'name'))).toMatchObject([{ value: 'id-1' }, { value: 'id-2' }, { value: 'id-3' }]);
    expect(new Set(ids.map((r) => r.key)).size).toBe(3);
    expect(new Set(ids.map((r) => r.declKey)).size).toBe(1);
    const st = one(p, 'Microsoft.Storage/storageAccounts');
    expect(st.name?.kind).toBe('concat');
    expect(p.resources.filter((r) => r.type === 'Microsoft.Web/sites')).toEqual([]);
    // A condition on a variable that depends on no input is a fact; on a root's default, a possibility.
    expect(p.resources.filter((r) => r.type === 'Microsoft.Web/serverfarms').map((r) => getProp(r.body, 'name'))).toMatchObject([{ value: 'flag' }, { value: 'maybe' }]);
  });

  it('child resources get full types, names and their parent; reference by name', () => {
    const p = run({
      '/a/main.json': template([
        {
          type: 'Microsoft.KeyVault/vaults',
          apiVersion: '2023-07-01',
          name: "[variables('kv')]",
          properties: {},
          resources: [{ type: 'accessPolicies', apiVersion: '2023-07-01', name: 'add', properties: { accessPolicies: [{ objectId: "[reference('site', '2022-09-01', 'full').identity.principalId]" }] } }],
        },
        { type: 'Microsoft.KeyVault/vaults/secrets', apiVersion: '2023-07-01', name: "[concat(variables('kv'), '/s1')]", properties: {} },
        { type: 'Microsoft.Web/sites', apiVersion: '2022-09-01', name: 'site', identity: { type: 'SystemAssigned' } },
      ], { variables: { base: 'app', kv: "[concat(variables('base'), '-kv')]" } }),
    });
    const kv = one(p, 'Microsoft.KeyVault/vaults');
    const ap = one(p, 'Microsoft.KeyVault/vaults/accessPolicies');
    const secret = one(p, 'Microsoft.KeyVault/vaults/secrets');
    const site = one(p, 'Microsoft.Web/sites');
    expect(kv.name).toMatchObject({ kind: 'string', value: 'app-kv' });
    expect(ap.name).toMatchObject({ kind: 'string', value: 'app-kv/add' });
    expect(ap.parent).toBe(kv);
    expect(secret.parent).toBe(kv);
    expect(ap.declKey).toBe('/a/main.json#/resources/0/resources/0');
    expect(ref(getPath(ap.body, ['properties', 'accessPolicies', 0, 'objectId']))).toEqual({ resource: site, path: ['identity', 'principalId'] });
  });

  it('scope as a full resource ID or extensionResourceId resolves to the declared resource', () => {
    const p = run({
      '/a/main.json': template([
        { type: 'Microsoft.Storage/storageAccounts', apiVersion: '2023-01-01', name: 'st1' },
        UAMI,
        { type: 'Microsoft.Authorization/roleAssignments', apiVersion: '2022-04-01', name: 'a1', scope: "[resourceId('Microsoft.Storage/storageAccounts', 'st1')]", properties: {} },
        { type: 'Microsoft.Authorization/roleAssignments', apiVersion: '2022-04-01', name: 'a2', scope: "[concat(resourceGroup().id, '/providers/Microsoft.Storage/storageAccounts/st1')]", properties: {} },
        { type: 'Microsoft.Authorization/roleAssignments', apiVersion: '2022-04-01', name: 'a3', scope: '/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st1', properties: {} },
        { type: 'Microsoft.Authorization/roleAssignments', apiVersion: '2022-04-01', name: 'a4', scope: "[subscription().id]", properties: {} },
        { type: 'Microsoft.Authorization/roleAssignments', apiVersion: '2022-04-01', name: 'a5', scope: 'Microsoft.Storage/storageAccounts/other', properties: {} },
      ]),
    });
    const st = one(p, 'Microsoft.Storage/storageAccounts');
    const ras = p.resources.filter((r) => r.type === 'Microsoft.Authorization/roleAssignments');
    expect(ref(ras[0].scope)).toEqual({ resource: st, path: [] });
    expect(ref(ras[1].scope)).toEqual({ resource: st, path: [] });
    expect(ref(ras[2].scope)).toEqual({ resource: st, path: [] });
    expect(ras[3].scope).toMatchObject({ kind: 'scope', level: 'subscription', current: true, path: ['id'] });
    expect(ras[4].scope).toMatchObject({ kind: 'call', fn: 'resourceid', args: [{ value: 'Microsoft.Storage/storageAccounts' }, { value: 'other' }] });
  });

  it('variables: copy variables, property iteration, user functions, list* unknown, if/coalesce', () => {
    const p = run({
      '/a/main.json': template(
        [
          {
            type: 'Microsoft.Compute/virtualMachines',
            apiVersion: '2023-09-01',
            name: '[ns.vmName(\'web\')]',
            properties: {
              copy: [{ name: 'disks', count: 2, input: { lun: "[copyIndex('disks')]" } }],
              names: "[variables('names')]",
              key: "[listKeys(resourceId('Microsoft.Storage/storageAccounts', 'x'), '2023-01-01').keys[0].value]",
              pick: "[if(equals(parameters('env'), 'prod'), 'big', 'small')]",
              first: "[coalesce(null(), 'fallback')]",
              lower: "[toLower('ABC')]",
            },
          },
        ],
        {
          parameters: { env: { type: 'string', defaultValue: 'prod' } },
          variables: { copy: [{ name: 'names', count: 2, input: "[concat('n', copyIndex('names'))]" }] },
          functions: [{ namespace: 'ns', members: { vmName: { parameters: [{ name: 'p', type: 'string' }], output: { type: 'string', value: "[concat('vm-', parameters('p'))]" } } } }],
        },
      ),
    });
    const vm = one(p, 'Microsoft.Compute/virtualMachines');
    expect(vm.name).toMatchObject({ value: 'vm-web' });
    expect(getPath(vm.body, ['properties', 'disks'])).toMatchObject({ kind: 'array', items: [{ kind: 'object' }, { kind: 'object' }] });
    expect(getPath(vm.body, ['properties', 'disks', 1, 'lun'])).toMatchObject({ kind: 'number', value: 1 });
    expect(getPath(vm.body, ['properties', 'names'])).toMatchObject({ kind: 'array', items: [{ value: 'n0' }, { value: 'n1' }] });
    expect(getPath(vm.body, ['properties', 'key'])?.kind).toBe('unknown');
    expect(getPath(vm.body, ['properties', 'pick'])).toMatchObject({ value: 'big' });
    expect(getPath(vm.body, ['properties', 'first'])).toMatchObject({ value: 'fallback' });
    expect(getPath(vm.body, ['properties', 'lower'])).toMatchObject({ value: 'abc' });
  });

  it('a parameter file beside the template supplies values; two reads of an input are the same value', () => {
    const p = run({
      '/a/azuredeploy.json': template(
        [
          { type: 'Microsoft.Authorization/roleAssignments', apiVersion: '2022-04-01', name: "[guid(parameters('principal'))]", properties: { principalId: "[parameters('principal')]", roleDefinitionId: "[parameters('role')]" } },
        ],
        { parameters: { principal: { type: 'string' }, role: { type: 'string', defaultValue: 'default-role' } } },
      ),
      '/a/azuredeploy.parameters.json': { $schema: PARAMS, contentVersion: '1.0.0.0', parameters: { role: { value: 'from-file' } } },
    });
    const ra = one(p, 'Microsoft.Authorization/roleAssignments');
    const role = getPath(ra.body, ['properties', 'roleDefinitionId']);
    expect(role).toMatchObject({ kind: 'string', value: 'from-file' });
    expect(role?.at?.file).toBe('/a/azuredeploy.parameters.json');
    const principal = getPath(ra.body, ['properties', 'principalId']);
    expect(principal).toMatchObject({ kind: 'unknown', symbol: 'param:/a/azuredeploy.json#principal' });
    expect(ra.name?.kind === 'call' && sameValue(ra.name.args[0], principal)).toBe(true);
    expect(p.files.sort()).toEqual(['/a/azuredeploy.json', '/a/azuredeploy.parameters.json']);
  });

  it('skips a Bicep-generated template beside its .bicep source unless asked', () => {
    const files = {
      '/a/main.json': template([UAMI], { metadata: { _generator: { name: 'bicep', version: '0.30.0' } } }),
      '/a/main.bicep': "resource id 'x' = {}",
      '/b/main.json': template([UAMI], { metadata: { _generator: { name: 'bicep', version: '0.30.0' } } }),
    };
    expect(run(files).resources.map((r) => r.decl.file)).toEqual(['/b/main.json']);
    expect(run(files, { includeGeneratedTemplates: true }).resources.map((r) => r.decl.file).sort()).toEqual(['/a/main.json', '/b/main.json']);
  });

  it('recognises a generated template from its first bytes and does not parse it', () => {
    // A broken tail shows that the text was never parsed: no parse-error unless generated templates are asked for.
    const head = JSON.stringify(template([UAMI], { metadata: { _generator: { name: 'bicep', version: '0.30.0' } } }), null, 2);
    const files = { '/a/main.json': head.slice(0, -2) + ',,, }', '/a/main.bicep': "resource id 'x' = {}" };
    expect(run(files)).toMatchObject({ resources: [], diagnostics: [], files: [] });
    expect(run(files, { includeGeneratedTemplates: true }).diagnostics.map((d) => d.code)).toEqual(['parse-error']);
    // Without the sibling .bicep it is an ordinary template.
    expect(run({ '/a/main.json': head }).resources).toHaveLength(1);
  });

  it('templateLink.relativePath: the linked file is a module, reached with the parameters passed', () => {
    const p = run({
      '/a/main.json': template([
        UAMI,
        {
          type: 'Microsoft.Resources/deployments',
          apiVersion: '2022-09-01',
          name: 'grant',
          resourceGroup: 'other-rg',
          properties: {
            mode: 'Incremental',
            templateLink: { relativePath: 'modules/grant.json' },
            parameters: { principalId: { value: "[reference(resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', 'id1')).principalId]" } },
          },
        },
      ]),
      '/a/modules/grant.json': template(
        [{ type: 'Microsoft.Authorization/roleAssignments', apiVersion: '2022-04-01', name: "[guid(resourceGroup().id, parameters('principalId'))]", properties: { principalId: "[parameters('principalId')]" } }],
        { parameters: { principalId: { type: 'string' } }, outputs: { id: { type: 'string', value: "[parameters('principalId')]" } } },
      ),
    });
    const id = one(p, 'Microsoft.ManagedIdentity/userAssignedIdentities');
    const dep = one(p, 'Microsoft.Resources/deployments');
    const ra = one(p, 'Microsoft.Authorization/roleAssignments');
    expect(ra.decl.file).toBe('/a/modules/grant.json');
    expect(ra.callChain).toEqual([dep.decl]);
    expect(ref(getPath(ra.body, ['properties', 'principalId']))).toEqual({ resource: id, path: ['properties', 'principalId'] });
    expect(ra.deploymentScope).toMatchObject({ kind: 'scope', level: 'resourceGroup', current: false, name: { value: 'other-rg' } });
    const seed = ra.name?.kind === 'call' ? ra.name.args[0] : undefined;
    expect(seed).toMatchObject({ kind: 'scope', level: 'resourceGroup', current: false, path: ['id'] });
    expect(p.files.sort()).toEqual(['/a/main.json', '/a/modules/grant.json']);
  });

  it('outer-scope nested templates see the parent parameters; outputs flow back through reference()', () => {
    const p = run({
      '/a/main.json': template(
        [
          {
            type: 'Microsoft.Resources/deployments',
            apiVersion: '2022-09-01',
            name: 'inner',
            properties: {
              mode: 'Incremental',
              expressionEvaluationOptions: { scope: 'inner' },
              template: {
                $schema: RG,
                contentVersion: '1.0.0.0',
                resources: [UAMI],
                outputs: { principalId: { type: 'string', value: "[reference(resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', 'id1')).principalId]" } },
              },
            },
          },
          {
            type: 'Microsoft.Resources/deployments',
            apiVersion: '2022-09-01',
            name: 'outer',
            properties: {
              mode: 'Incremental',
              template: {
                $schema: RG,
                contentVersion: '1.0.0.0',
                resources: [
                  {
                    type: 'Microsoft.Authorization/roleAssignments',
                    apiVersion: '2022-04-01',
                    name: "[guid(parameters('seed'))]",
                    properties: { principalId: "[reference(resourceId('Microsoft.Resources/deployments', 'inner')).outputs.principalId.value]" },
                  },
                ],
              },
            },
          },
        ],
        { parameters: { seed: { type: 'string', defaultValue: 'abc' } } },
      ),
    });
    const id = one(p, 'Microsoft.ManagedIdentity/userAssignedIdentities');
    const ra = one(p, 'Microsoft.Authorization/roleAssignments');
    const outer = p.resources.find((r) => getProp(r.body, 'name')?.kind === 'string' && (getProp(r.body, 'name') as { value: string }).value === 'outer');
    expect(ra.callChain).toEqual([outer!.decl]);
    expect(ra.name).toMatchObject({ kind: 'call', fn: 'guid', args: [{ kind: 'string', value: 'abc' }] });
    expect(ref(getPath(ra.body, ['properties', 'principalId']))).toEqual({ resource: id, path: ['properties', 'principalId'] });
    expect(id.callChain).toHaveLength(1);
  });

  it('subscription-level templates: deployment scope by schema, resourceGroup property on nested deployments', () => {
    const p = run({
      '/a/sub.json': {
        $schema: SUB,
        contentVersion: '1.0.0.0',
        resources: [
          { type: 'Microsoft.Authorization/roleAssignments', apiVersion: '2022-04-01', name: "[guid(subscription().id, 'x')]", properties: {} },
          {
            type: 'Microsoft.Resources/deployments',
            apiVersion: '2022-09-01',
            name: 'rg-level',
            resourceGroup: 'app-rg',
            properties: { mode: 'Incremental', expressionEvaluationOptions: { scope: 'inner' }, template: { $schema: RG, contentVersion: '1.0.0.0', resources: [UAMI] } },
          },
        ],
      },
    });
    const ra = one(p, 'Microsoft.Authorization/roleAssignments');
    expect(ra.deploymentScope).toMatchObject({ level: 'subscription', current: true });
    expect(ra.name?.kind === 'call' && ra.name.args[0]).toMatchObject({ kind: 'scope', level: 'subscription', current: true, path: ['id'] });
    const id = one(p, 'Microsoft.ManagedIdentity/userAssignedIdentities');
    expect(id.deploymentScope).toMatchObject({ level: 'resourceGroup', current: false, name: { value: 'app-rg' } });
  });

  it('JSONC templates: comments are returned, metadata kept in the body, raw newlines and BOM accepted', () => {
    const text =
      '\uFEFF{\n  // a comment\n  "$schema": "' +
      RG +
      '",\n  "contentVersion": "1.0.0.0",\n  "resources": [\n    {\n      "type": "Microsoft.Web/sites", /* inline */\n      "apiVersion": "2023-01-01",\n      "name": "[concat(\'a\',\n \'b\')]",\n      "metadata": { "grantlint": { "disable": ["missing-role-grant"] } },\n    },\n  ],\n}\n';
    const p = run({ '/a/main.jsonc': text });
    expect(p.diagnostics).toEqual([]);
    expect(p.comments.map((c) => [c.text, c.at.range.start.line])).toEqual([
      ['// a comment', 2],
      ['/* inline */', 7],
    ]);
    const site = one(p, 'Microsoft.Web/sites');
    expect(site.name).toMatchObject({ value: 'ab' });
    expect(site.decl.range).toEqual({ start: { line: 6, column: 5 }, end: { line: 12, column: 6 } });
    expect(getPath(site.body, ['metadata', 'grantlint', 'disable', 0])).toMatchObject({ value: 'missing-role-grant' });
    // A sub-expression points inside the string, across the raw line break.
    const nameAt = (getProp(site.body, 'name') as Value).at!;
    expect(nameAt.range.start.line).toBe(9);
  });

  it('a broken linked template gives its parse error; a broken template gives one', () => {
    const p = run({
      '/a/main.json': template([{ type: 'Microsoft.Resources/deployments', apiVersion: '2022-09-01', name: 'd', properties: { templateLink: { relativePath: 'nested/x.json' } } }]),
      '/a/nested/x.json': '{ "$schema": "' + RG + '", "resources": [ { ',
    });
    expect(p.diagnostics.map((d) => [d.code, d.at.file])).toEqual([['parse-error', '/a/nested/x.json']]);
    expect(p.resources.map((r) => r.type)).toEqual(['Microsoft.Resources/deployments']);
  });

  it('never throws on hostile input', () => {
    const p = run({
      '/a/main.json': template(
        [
          { type: 'Microsoft.Web/sites', name: "[variables('a')]", properties: { x: "[parameters('p')]", y: '[concat(', z: "[reference('nope').outputs.x.value]" } },
          { type: 'Microsoft.Resources/deployments', name: 'self', properties: { templateLink: { relativePath: 'main.json' } } },
          { type: 'Microsoft.Resources/deployments', name: 'loop', properties: { expressionEvaluationOptions: { scope: 'inner' }, template: { resources: [{ type: 'Microsoft.Resources/deployments', name: 'deeper', properties: { templateLink: { relativePath: './main.json' } } }] } } },
          { type: 'Microsoft.Web/sites', name: 'many', copy: { name: 'c', count: 1e9 } },
          42,
        ],
        { parameters: { p: { type: 'string', defaultValue: "[parameters('p')]" } }, variables: { a: "[variables('b')]", b: "[variables('a')]" } },
      ),
    });
    expect(p.resources.length).toBeGreaterThan(2);
    // A copy past Azure's 800 is analysed as one iteration with an unknown index, and says so.
    expect(p.resources.filter((r) => getProp(r.body, 'name')?.kind === 'string' && (getProp(r.body, 'name') as { value: string }).value === 'many').length).toBe(1);
    expect(p.diagnostics.map((d) => d.code).sort()).toEqual(['analysis-budget', 'module-cycle', 'module-cycle']);
  });

  it('a nullable parameter without a default is null in a root template, not an input', () => {
    const p = run({
      '/a/main.json': template(
        [
          {
            type: 'Microsoft.Foo/bars',
            apiVersion: '2020-01-01',
            name: 'b',
            properties: { n: "[parameters('maybe')]", req: "[parameters('required')]" },
          },
        ],
        { parameters: { maybe: { type: 'string', nullable: true }, required: { type: 'string' } } },
      ),
    });
    const r = one(p, 'Microsoft.Foo/bars');
    expect(getPath(r.body, ['properties', 'n'])).toMatchObject({ kind: 'null' });
    expect(getPath(r.body, ['properties', 'req'])).toMatchObject({ kind: 'unknown', input: { kind: 'parameter', name: 'required' } });
  });

  it('languageVersion 2.0: reference(format(\'x[{0}]\', i)) reads the element of a copy loop', () => {
    const p = run({
      '/a/main.json': template(
        {
          ids: { ...UAMI, existing: true, copy: { name: 'ids', count: "[length(parameters('names'))]" }, name: "[parameters('names')[copyIndex()]]" },
          ra: {
            type: 'Microsoft.Authorization/roleAssignments',
            apiVersion: '2022-04-01',
            copy: { name: 'ra', count: "[length(parameters('names'))]" },
            name: "[guid(parameters('names')[copyIndex()])]",
            properties: {
              principalId: "[reference(format('ids[{0}]', range(0, length(parameters('names')))[copyIndex()])).principalId]",
              roleDefinitionId: "[parameters('names')[copyIndex()]]",
            },
          },
        },
        { languageVersion: '2.0', parameters: { names: { type: 'array' } } },
      ),
    });
    const ra = one(p, 'Microsoft.Authorization/roleAssignments');
    const ids = one(p, 'Microsoft.ManagedIdentity/userAssignedIdentities');
    expect(ref(getPath(ra.body, ['properties', 'principalId']))).toEqual({ resource: ids, path: ['properties', 'principalId'] });
    // The element of an unknown collection is the same value wherever it is read.
    expect(sameValue(getProp(ra.body, 'name'), getProp(ra.body, 'name'))).toBe(true);
    const role = getPath(ra.body, ['properties', 'roleDefinitionId']);
    expect(role).toMatchObject({ kind: 'unknown' });
    expect((role as { symbol?: string }).symbol).toBeDefined();
  });
});
