import { mkdirSync, symlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { discover } from '../../src/discover/discover.js';
import { treeMaker } from '../helpers/tree.js';

const { tree } = treeMaker('grantlint-walk-');

const found = async (dir: string, ignore?: string[]) => (await discover([dir], { cwd: dir, ignore })).map((f) => relative(dir, f.path));

describe('walking folders', () => {
  it('honours .gitignore files at every level, below the folder that holds them only', async () => {
    const dir = tree({
      '.gitignore': 'build/\n*.generated.bicep\n',
      'main.bicep': '',
      'x.generated.bicep': '',
      'build/out.bicep': '',
      'infra/.gitignore': 'local.tf\n!keep.generated.bicep\n',
      'infra/local.tf': '',
      'infra/main.tf': '',
      'infra/keep.generated.bicep': '',
      'other/local.tf': '',
      'node_modules/m/main.bicep': '',
    });
    expect(await found(dir)).toEqual(['infra/keep.generated.bicep', 'infra/main.tf', 'main.bicep', 'other/local.tf']);
    // --ignore patterns, relative to the working folder, on top of them.
    expect(await found(dir, ['infra/**'])).toEqual(['main.bicep', 'other/local.tf']);
  });

  it('a .gitignore that is a folder ignores nothing; a linked folder is not walked', async () => {
    const dir = tree({ 'main.bicep': '', 'sub/.gitignore/x': '', 'sub/a.bicep': '' });
    const outside = tree({ 'far.bicep': '' });
    mkdirSync(join(dir, 'links'));
    symlinkSync(outside, join(dir, 'links', 'far'));
    expect(await found(dir)).toEqual(['main.bicep', 'sub/a.bicep']);
  });
});
