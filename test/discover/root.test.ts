import { mkdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isInside, isNormalizedAbsolute, repositoryRoot } from '../../src/discover/root.js';
import { lint } from '../../src/engine/lint.js';
import { treeMaker } from '../helpers/tree.js';

// The temporary folders lie outside any git work tree (os.tmpdir()).
const { tree } = treeMaker('grantlint-root-');

const APP = "module m '../mods/id.bicep' = {\n  name: 'm'\n}\n";
const MODULE =
  "resource id 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {\n  name: 'x'\n  location: 'westeurope'\n}\n" +
  "resource ra 'Microsoft.Authorization/roleAssignments@2022-04-01' = {\n  name: guid(resourceGroup().id, id.id, 'owner')\n" +
  "  properties: {\n    principalId: id.properties.principalId\n    principalType: 'ServicePrincipal'\n" +
  "    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '8e3af657-a8ff-443c-a75c-2fe8c4bcb635')\n  }\n}\n";

describe('the default read root outside git', () => {
  it('is the working folder when the paths lie in it, so a module beside the linted folder is read', async () => {
    const dir = tree({ 'app/main.bicep': APP, 'mods/id.bicep': MODULE });
    expect(repositoryRoot(['app/main.bicep'], dir)).toBe(dir);
    const { findings } = await lint(['app/main.bicep'], { cwd: dir });
    expect(findings.map((f) => f.ruleId)).not.toContain('unreadable-file');
    expect(findings.map((f) => f.ruleId)).toContain('privileged-role');
  });

  it('is the paths’ common folder when they lie outside the working folder; reads above it are refused', async () => {
    const dir = tree({ 'app/main.bicep': APP, 'mods/id.bicep': MODULE });
    const elsewhere = join(dir, 'elsewhere');
    mkdirSync(elsewhere);
    expect(repositoryRoot([join(dir, 'app/main.bicep')], elsewhere)).toBe(join(dir, 'app'));
    const { findings } = await lint([join(dir, 'app/main.bicep')], { cwd: elsewhere });
    const unreadable = findings.filter((f) => f.ruleId === 'unreadable-file');
    expect(unreadable).toHaveLength(1);
    expect(unreadable[0].message).toMatch(/outside the repository root .*--root/);
  });
});

describe('isInside', () => {
  it("answers as path.relative() does, on normalized paths by a prefix test", () => {
    const paths = ['/', '/a', '/a/b', '/a/bc', '/ab', '/a/b/', '/a/./b', '/a/../a/b', '/a//b', '/a/b/..', '/a/.', 'a/b', '/a/b c/d'];
    const byRelative = (folder: string, path: string) => {
      const rel = relative(folder, path);
      return rel === '' || (rel !== '..' && !rel.startsWith('../') && !rel.startsWith('/'));
    };
    for (const folder of paths) for (const path of paths) expect(isInside(folder, path), `${folder} ⊇ ${path}`).toBe(byRelative(folder, path));
    for (const p of paths) expect(isNormalizedAbsolute(p), p).toBe(p === resolve(p) && p.startsWith('/'));
  });
});
