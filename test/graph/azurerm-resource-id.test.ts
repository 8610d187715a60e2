import { describe, expect, it } from 'vitest';
import { parseResourceIdShape } from '../../src/graph/resource-id.js';
import type { Value } from '../../src/model/value.js';

const s = (value: string): Value => ({ kind: 'string', value });
const u = (symbol: string): Value => ({ kind: 'unknown', symbol });
const c = (...parts: Value[]): Value => ({ kind: 'concat', parts });
const SUB = '00000000-0000-0000-0000-000000000000';

describe('parseResourceIdShape', () => {
  it('reads literal resource IDs', () => {
    expect(parseResourceIdShape(s(`/subscriptions/${SUB}`))).toEqual({ kind: 'subscription', label: SUB });
    expect(parseResourceIdShape(s(`/subscriptions/${SUB}/`))).toEqual({ kind: 'subscription', label: SUB });
    expect(parseResourceIdShape(s(`/subscriptions/${SUB}/resourceGroups/app-rg`))).toEqual({ kind: 'resourceGroup', label: 'app-rg' });
    expect(parseResourceIdShape(s(`/subscriptions/${SUB}/resourcegroups/app-rg`))).toEqual({ kind: 'resourceGroup', label: 'app-rg' });
    expect(parseResourceIdShape(s(`/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv`))).toEqual({
      kind: 'resource',
      resourceType: 'Microsoft.KeyVault/vaults',
      label: 'kv',
    });
    expect(
      parseResourceIdShape(s(`/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/sa/blobServices/default/containers/data`)),
    ).toEqual({ kind: 'resource', resourceType: 'Microsoft.Storage/storageAccounts/blobServices/containers', label: 'sa/default/data' });
    expect(parseResourceIdShape(s('/providers/Microsoft.Management/managementGroups/corp'))).toEqual({ kind: 'managementGroup', label: 'corp' });
    expect(parseResourceIdShape(s(`/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/abc`))).toEqual({
      kind: 'resource',
      resourceType: 'Microsoft.Authorization/roleDefinitions',
      label: 'abc',
    });
    expect(parseResourceIdShape(s('/'))).toEqual({ kind: 'tenant' });
  });

  it('takes the type of the last provider section (extension resources)', () => {
    expect(
      parseResourceIdShape(s(`/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv/providers/Microsoft.Authorization/roleAssignments/x`)),
    ).toMatchObject({ kind: 'resource', resourceType: 'Microsoft.Authorization/roleAssignments' });
  });

  it('keeps the kind of a string whose shape is known when parts are unknown', () => {
    expect(parseResourceIdShape(c(s('/subscriptions/'), u('param:x#sub')))).toMatchObject({ kind: 'subscription' });
    expect(parseResourceIdShape(c(s('/subscriptions/'), u('sub'), s('/resourceGroups/'), u('rg')))).toMatchObject({ kind: 'resourceGroup' });
    expect(parseResourceIdShape(c(s('/subscriptions/'), u('sub'), s('/resourceGroups/rg-'), u('env'), s('/providers/Microsoft.KeyVault/vaults/kv')))).toEqual({
      kind: 'resource',
      resourceType: 'Microsoft.KeyVault/vaults',
      label: 'kv',
    });
    expect(parseResourceIdShape(c(u('rgid'), s('/providers/Microsoft.Storage/storageAccounts/'), u('name')))).toMatchObject({
      kind: 'resource',
      resourceType: 'Microsoft.Storage/storageAccounts',
    });
    expect(parseResourceIdShape(c(u('sub'), s('/resourceGroups/rg')))).toEqual({ kind: 'resourceGroup', label: 'rg' });
    expect(parseResourceIdShape(c(s('/providers/Microsoft.Management/managementGroups/'), u('mg')))).toMatchObject({ kind: 'managementGroup' });
  });

  it('says nothing about values that are not resource IDs', () => {
    expect(parseResourceIdShape(s(''))).toBeUndefined();
    expect(parseResourceIdShape(s('Owner'))).toBeUndefined();
    expect(parseResourceIdShape(s('8e3af657-a8ff-443c-a75c-2fe8c4bcb635'))).toBeUndefined();
    expect(parseResourceIdShape(s('https://example.com/a/b'))).toBeUndefined();
    expect(parseResourceIdShape(u('x'))).toBeUndefined();
    expect(parseResourceIdShape(c(s('/subscriptions/'), u('s'), s('/resourceGroups/rg/providers/'), u('ns')))).toBeUndefined();
  });
});
