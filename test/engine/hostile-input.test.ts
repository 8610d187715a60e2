import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CachingHost } from '../../src/engine/host.js';
import { lint } from '../../src/engine/lint.js';
import type { Finding } from '../../src/engine/types.js';
import { runCli } from '../helpers/run-cli.js';
import { treeMaker } from '../helpers/tree.js';
import { BICEP_OWNER, tfOwner } from '../helpers/owner-grants.js';

const TF_OWNER = tfOwner();

const { tree } = treeMaker('grantlint-hostile-');




function armLinking(relativePath: string): string {
  return JSON.stringify({
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    resources: [
      { type: 'Microsoft.Resources/deployments', apiVersion: '2022-09-01', name: 'linked', properties: { mode: 'Incremental', templateLink: { relativePath } } },
    ],
  }, null, 2);
}

const rules = (findings: Finding[], id: string): Finding[] => findings.filter((f) => f.ruleId === id);
const where = (f: Finding): string => `${f.file.split('/').slice(-2).join('/')}:${f.range.start.line}`;

describe('reads stay inside the repository root, and only regular files are read', () => {
  it('an ARM relativePath of /etc/passwd or ../../../../etc/passwd is not opened: a finding at the path', async () => {
    for (const target of ['/etc/passwd', '../../../../../../../../etc/passwd']) {
      const dir = tree({ 'azuredeploy.json': armLinking(target) });
      const { findings } = await lint([dir], { cwd: dir });
      const [f] = rules(findings, 'unreadable-file');
      expect(f?.message).toBe(`Cannot read the linked template '${target}': it is outside the repository root ${dir}; grantlint reads only inside it (widen it with --root). What it declares is not analysed.`);
      expect(f.range.start.line).toBe(12);
      // Nothing of the file leaks into a message.
      expect(findings.map((x) => x.message).join('\n')).not.toMatch(/root:|Invalid JSON/);
    }
  });

  it('a Terraform module source outside the root is not listed; --root widens it', async () => {
    const dir = tree({ 'infra/main.tf': `module "etc" {\n  source = "../../../../../../../../etc"\n}\n${TF_OWNER}`, 'infra/.git/HEAD': '' });
    const infra = join(dir, 'infra');
    const { findings } = await lint([infra], { cwd: infra });
    expect(rules(findings, 'unreadable-file').map((f) => [where(f), f.message.split(':')[0]])).toEqual([['infra/main.tf:2', "Cannot read the module '../../../../../../../../etc'"]]);
    expect(rules(findings, 'privileged-role')).toHaveLength(1);
    const wide = await lint([infra], { cwd: infra, root: '/' });
    expect(rules(wide.findings, 'unreadable-file')).toEqual([]);
  });

  it('a symlink inside the root that points outside it is not followed', async () => {
    const dir = tree({ 'main.bicep': "module m 'mod/outside.bicep' = { name: 'm' }\n" });
    const outside = tree({ 'outside.bicep': BICEP_OWNER });
    symlinkSync(outside, join(dir, 'mod'));
    const { findings } = await lint([join(dir, 'main.bicep')], { cwd: dir });
    expect(rules(findings, 'unreadable-file')[0]?.message).toContain('outside the repository root');
    expect(rules(findings, 'privileged-role')).toEqual([]);
  });

  it('links are followed however a path reaches them: a file link, a folder link, a `..` after a link', () => {
    const dir = tree({ 'in/a.bicep': 'inside', 'in/sub/b.bicep': 'deeper' });
    const outside = tree({ 'secret.bicep': 'outside', 'x/y.bicep': 'outside too' });
    symlinkSync(join(outside, 'secret.bicep'), join(dir, 'in', 'file-link.bicep'));
    symlinkSync(join(outside, 'x'), join(dir, 'in', 'folder-link'));
    symlinkSync(join(dir, 'in', 'sub'), join(dir, 'in', 'inner-link'));
    const host = new CachingHost({ root: dir });
    expect(host.readFile(join(dir, 'in', 'a.bicep'))).toBe('inside');
    expect(host.readFile(join(dir, 'in', 'inner-link', 'b.bicep'))).toBe('deeper');
    for (const path of [join(dir, 'in', 'file-link.bicep'), join(dir, 'in', 'folder-link', 'y.bicep'), `${dir}/in/folder-link/../secret.bicep`]) {
      expect(host.readFile(path), path).toBeUndefined();
      expect(host.readProblem(path), path).toMatch(/outside the repository root .* \(through a symbolic link\)$/);
    }
    // The folder's real path is remembered; a file read later in it is still checked itself.
    symlinkSync(join(outside, 'secret.bicep'), join(dir, 'in', 'late-link.bicep'));
    expect(host.readFile(join(dir, 'in', 'late-link.bicep'))).toBeUndefined();
    expect(host.readFile(join(dir, 'in', 'missing.bicep'))).toBeUndefined();
    expect(host.readProblem(join(dir, 'in', 'missing.bicep'))).toMatch(/no such file/i);
  });

  it('/dev/zero, a FIFO and a folder as linked templates or modules: findings, and the run ends', async () => {
    const dir = tree({
      'azuredeploy.json': armLinking('/dev/zero'),
      'fifo/azuredeploy.json': armLinking('pipe.json'),
      'main.bicep': `module m 'dir.bicep' = { name: 'm' }\n${BICEP_OWNER}`,
      'dir.bicep/keep': '',
    });
    expect(spawnSync('mkfifo', [join(dir, 'fifo', 'pipe.json')]).status).toBe(0);
    const started = Date.now();
    const { findings } = await lint([dir], { cwd: dir, root: '/' });
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(rules(findings, 'unreadable-file').map((f) => [where(f), f.message.replace(/^Cannot read the (.*?) '(.*?)': (.*?)\..*$/s, '$1|$2|$3')])).toEqual([
      ['t3/azuredeploy.json:12', 'linked template|/dev/zero|it is not a regular file (a device, FIFO or socket); grantlint reads only regular files'],
      ['fifo/azuredeploy.json:12', 'linked template|pipe.json|it is not a regular file (a device, FIFO or socket); grantlint reads only regular files'],
      ['t3/main.bicep:1', 'module|dir.bicep|it is a folder, not a file'],
    ].map(([w, m]) => [w.replace('t3/', `${dir.split('/').pop()}/`), m]));
    expect(rules(findings, 'privileged-role')).toHaveLength(1);
  });

  it('a FIFO named on the command line is a finding, not a hang', async () => {
    const dir = tree({ 'main.tf': TF_OWNER });
    expect(spawnSync('mkfifo', [join(dir, 'pipe.tf')]).status).toBe(0);
    const { findings } = await lint([join(dir, 'pipe.tf'), join(dir, 'main.tf')], { cwd: dir });
    expect(rules(findings, 'unreadable-file').map(where)).toEqual([`${dir.split('/').pop()}/pipe.tf:1`]);
    expect(rules(findings, 'privileged-role')).toHaveLength(1);
  });
});

describe('silent false negatives are findings or clear errors', () => {
  it('a missing local module (Bicep, Terraform) is a finding at its path', async () => {
    const dir = tree({ 'main.bicep': "module m './nope.bicep' = { name: 'm' }\n", 'tf/main.tf': 'module "m" {\n  source = "./nope"\n}\n' });
    const { findings } = await lint([dir], { cwd: dir });
    expect(rules(findings, 'unreadable-file').map((f) => f.message)).toEqual([
      "Cannot read the module './nope.bicep': no such file or folder (ENOENT). What it declares is not analysed.",
      "Cannot read the module './nope': no such file or folder (ENOENT). What it declares is not analysed.",
    ]);
  });

  it('a↔b module cycles (Bicep, Terraform, ARM) are analysed and reported where they close', async () => {
    const dir = tree({
      'bicep/a.bicep': "module b 'b.bicep' = { name: 'b' }\n",
      'bicep/b.bicep': `module a 'a.bicep' = { name: 'a' }\n${BICEP_OWNER}`,
      'tf/a/main.tf': 'module "b" {\n  source = "../b"\n}\n',
      'tf/b/main.tf': `module "a" {\n  source = "../a"\n}\n${TF_OWNER}`,
      'arm/a.json': armLinking('b.json'),
      'arm/b.json': armLinking('a.json'),
    });
    const { findings } = await lint([dir], { cwd: dir });
    expect(rules(findings, 'module-cycle').map((f) => `${where(f)} ${f.message}`)).toEqual([
      'arm/b.json:12 This call makes a cycle of modules (a.json → b.json → a.json); the repeated call is not analysed.',
      'bicep/b.bicep:1 This call makes a cycle of modules (a.bicep → b.bicep → a.bicep); the repeated call is not analysed.',
      'b/main.tf:2 This call makes a cycle of modules (../a → . → ../a); the repeated call is not analysed.',
    ]);
    // Before, neither file of a cycle was a root and these grants were never checked.
    expect(rules(findings, 'privileged-role').map(where).sort()).toEqual(['b/main.tf:4', 'bicep/b.bicep:3']);
  });

  it('a file name that is not UTF-8 is a finding, not dropped', async () => {
    const dir = tree({ 'main.tf': TF_OWNER });
    const bad = Buffer.concat([Buffer.from(`${dir}/bad-`), Buffer.from([0xff, 0xfe]), Buffer.from('.tf')]);
    writeFileSync(bad, TF_OWNER);
    const { findings } = await lint([dir], { cwd: dir });
    expect(rules(findings, 'unreadable-file').map((f) => [f.file.slice(dir.length), f.message])).toEqual([
      ['/bad-\uFFFD\uFFFD.tf', 'Not linted: its name is not valid UTF-8 (shown with U+FFFD); rename it to have it linted.'],
    ]);
  });

  it('a missing or folder --var-file and a symlink loop are one-line errors, exit 2', () => {
    const dir = tree({ 'main.tf': TF_OWNER });
    mkdirSync(join(dir, 'vars'));
    symlinkSync(join(dir, 'loop'), join(dir, 'loop'));
    expect(runCli(['--var-file', 'none.tfvars', '.'], dir)).toMatchObject({ status: 2, stderr: 'grantlint: --var-file none.tfvars: no such file or folder (ENOENT)\n' });
    expect(runCli(['--var-file', 'vars', '.'], dir)).toMatchObject({ status: 2, stderr: 'grantlint: --var-file vars: it is a folder, not a file\n' });
    expect(runCli(['loop'], dir)).toMatchObject({ status: 2, stderr: 'grantlint: cannot read loop: too many levels of symbolic links (a symlink loop) (ELOOP)\n' });
  });
});
