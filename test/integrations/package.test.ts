import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPOSITORY_URL } from '../../src/format/links.js';
import { repoRoot } from '../helpers/paths.js';
import { runAsync } from '../helpers/run-async.js';

/**
 * The npm package as a user meets it: `npm pack` into an empty folder, the tarball's contents and
 * manifest, and a global install from it into an empty prefix (with its own npm cache, so nothing
 * is kept outside the test's folder), which must print no warning and then lint.
 */

const run = (cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) => runAsync(cmd, args, { cwd, env });

let temp: string;
let tarball: string;
let files: string[];
let manifestBefore: string;
let packed: { status: number | null; stdout: string; stderr: string };

beforeAll(async () => {
  temp = mkdtempSync(join(tmpdir(), 'grantlint-package-'));
  const out = join(temp, 'packed');
  mkdirSync(out);
  manifestBefore = readFileSync(join(repoRoot, 'package.json'), 'utf8');
  packed = await run('npm', ['pack', '--json', '--pack-destination', out], repoRoot);
  const report = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('[')))[0] as { filename: string; files: { path: string }[] };
  tarball = join(out, report.filename);
  files = report.files.map((f) => f.path).sort();
}, 240_000);
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe('npm pack', () => {
  it('leaves the repository manifest as it was', () => {
    expect(packed.status, packed.stderr).toBe(0);
    expect(readFileSync(join(repoRoot, 'package.json'), 'utf8')).toBe(manifestBefore);
  });

  it('ships the built CLI, its data, docs, README and LICENSE; no bench, no source maps, no sources', () => {
    for (const f of ['LICENSE', 'README.md', 'package.json', 'bin/grantlint.js', 'bin/load-bundle.js', 'bin/v8-tuning.js', 'dist/grantlint.cjs', 'dist/grantlint.cjs.cache', 'dist/src/index.js', 'dist/src/index.d.ts', 'data/builtin-roles.json', 'schemas/grantlint-config.schema.json', 'docs/rules/privileged-role.md']) {
      expect(files, f).toContain(f);
    }
    expect(files.filter((f) => f.endsWith('.map') || f.startsWith('dist/bench/') || f.startsWith('src/') || f.startsWith('test/') || f.startsWith('action/'))).toEqual([]);
  });

  it('its manifest has no prepare script (nothing to build) and says where the project lives', async () => {
    const dir = join(temp, 'unpacked');
    mkdirSync(dir);
    expect((await run('tar', ['-xzf', tarball, '-C', dir], temp)).status).toBe(0);
    const pkg = JSON.parse(readFileSync(join(dir, 'package', 'package.json'), 'utf8'));
    expect(pkg.scripts.prepare).toBeUndefined();
    expect(JSON.parse(manifestBefore).scripts.prepare).toBe('npm run build');
    expect(pkg.repository.url).toBe(`git+${REPOSITORY_URL}.git`);
    expect(pkg.homepage).toBe(`${REPOSITORY_URL}#readme`);
    expect(pkg.bugs.url).toBe(`${REPOSITORY_URL}/issues`);
    expect(pkg.license).toBe('MIT');
  });
});

describe('a global install from the tarball', () => {
  it('prints no warning, and the installed grantlint lints', async () => {
    const prefix = join(temp, 'global');
    const home = join(temp, 'home');
    mkdirSync(home);
    const env = { ...process.env, HOME: home, npm_config_cache: join(temp, 'npm-cache'), npm_config_update_notifier: 'false', NO_COLOR: '1' };
    const install = await run('npm', ['install', '--global', '--prefix', prefix, '--no-audit', '--no-fund', tarball], temp, env);
    expect(install.status, install.stderr).toBe(0);
    expect(install.stderr.split('\n').filter((l) => /\bwarn\b/i.test(l))).toEqual([]);
    const work = join(temp, 'work');
    cpSync(join(repoRoot, 'examples'), join(work, 'examples'), { recursive: true });
    const bin = join(prefix, 'bin', 'grantlint');
    const version = await run(bin, ['-V'], work, env);
    expect(version.stdout.startsWith(`${JSON.parse(manifestBefore).version} (Azure built-in roles: `), version.stdout).toBe(true);
    const lint = await run(bin, ['-f', 'compact', 'examples'], work, env);
    expect(lint.status).toBe(1);
    expect(lint.stdout).toMatch(/^examples\/webapp\/main\.bicep:\d+:1: error: Grants 'Contributor'.* \[privileged-role\] https:\/\/github\.com\/grantlint\/grantlint\/blob\/v/m);
  }, 240_000);
});
