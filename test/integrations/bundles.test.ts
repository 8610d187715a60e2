import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain ES module script, without types
import { build, staleActionFiles } from '../../scripts/bundle.mjs';
import { repoRoot } from '../helpers/paths.js';

/**
 * The two bundles of scripts/bundle.mjs: the committed Action bundle must be what the sources build
 * (CI fails otherwise: a change to src/ without `npm run bundle:action` would ship an Action that
 * runs old code), and the CLI bundle must work from a package with nothing but what npm ships.
 */

const temp = mkdtempSync(join(tmpdir(), 'grantlint-bundles-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const OWNER_BICEP = `resource uami 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'uami'
  location: 'westeurope'
}
resource owner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(resourceGroup().id, uami.id, '8e3af657-a8ff-443c-a75c-2fe8c4bcb635')
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '8e3af657-a8ff-443c-a75c-2fe8c4bcb635')
    principalId: uami.properties.principalId
    principalType: 'ServicePrincipal'
  }
}
`;

describe('the Action bundle', () => {
  it('is byte-identical to what the sources build (npm run bundle:action)', async () => {
    expect(await staleActionFiles(), 'run `npm run bundle:action` and commit action/').toEqual([]);
  }, 60_000);

  it('carries every dependency (the runner has no node_modules), yaml and ajv evaluated only when needed', async () => {
    const { text, packages } = await build('action');
    expect(packages).toEqual(expect.arrayContaining(['@actions/core', 'yaml', 'ajv', '@humanwhocodes/momoa', 'ignore', 'picomatch', 'tinyglobby']));
    // esbuild wraps a require()d CommonJS module in a function run on first require.
    expect(text).toMatch(/var require_dist = __commonJS\(\{\n {2}"node_modules\/yaml\/dist\/index\.js"/);
    // What it imports is Node's own.
    const imported = [...text.matchAll(/^import .* from ["']([^"']+)["'];$/gm)].map((m) => m[1].replace(/^node:/, ''));
    expect(imported.length).toBeGreaterThan(0);
    expect(imported.filter((name) => !builtinModules.includes(name))).toEqual([]);
  }, 60_000);
});

describe('the CLI bundle', () => {
  /** A package as npm installs it: bin, dist/grantlint.cjs and its code cache, data, schemas, package.json; no sources. */
  function installed(withNodeModules: boolean): string {
    const dir = mkdtempSync(join(temp, 'pkg-'));
    for (const entry of ['bin', 'data', 'schemas', 'package.json']) cpSync(join(repoRoot, entry), join(dir, entry), { recursive: true });
    mkdirSync(join(dir, 'dist'));
    for (const f of ['grantlint.cjs', 'grantlint.cjs.cache']) cpSync(join(repoRoot, 'dist', f), join(dir, 'dist', f));
    if (withNodeModules) {
      mkdirSync(join(dir, 'node_modules'));
      // Only the two external, lazily required packages (and ajv's own dependencies).
      for (const name of ['yaml', 'ajv', 'fast-deep-equal', 'json-schema-traverse', 'require-from-string', 'fast-uri']) {
        symlinkSync(join(repoRoot, 'node_modules', name), join(dir, 'node_modules', name));
      }
    }
    writeFileSync(join(dir, 'main.bicep'), OWNER_BICEP);
    return dir;
  }
  const run = (dir: string, ...args: string[]) => spawnSync(process.execPath, [join(dir, 'bin', 'grantlint.js'), ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

  it('is what the sources build (npm run build wrote it)', async () => {
    const { text } = await build('cli');
    expect(readFileSync(join(repoRoot, 'dist', 'grantlint.cjs'), 'utf8'), 'run `npm run build`').toBe(text);
  }, 60_000);

  it('runs alone: bin loads it, it finds the role catalog, and a plain run needs no node_modules', () => {
    const dir = installed(false);
    const r = run(dir, '-f', 'compact', '--fail-on', 'never', 'main.bicep');
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^main\.bicep:5:1: error: Grants 'Owner'/m);
  });

  it('reads the role catalog only when a file assigns a role: a run over an identity alone never opens it', () => {
    const dir = installed(false);
    rmSync(join(dir, 'data', 'builtin-roles.json'));
    writeFileSync(join(dir, 'identity.bicep'), OWNER_BICEP.slice(0, OWNER_BICEP.indexOf('resource owner')));
    const r = run(dir, '-f', 'json', 'identity.bicep');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    // A file that assigns a role does need it. Without it the file's batch fails, and that is a
    // finding on the file (which was linted, so its path did not "match nothing").
    const broken = run(dir, '-f', 'compact', 'main.bicep');
    expect(broken.stderr).toBe('');
    expect(broken.status).toBe(1);
    expect(broken.stdout).toMatch(/^main\.bicep:1:1: error: grantlint failed while analysing this batch of files \(ENOENT.*builtin-roles\.json/m);
  });

  it('is ASCII, which bin/load-bundle.js reads as Latin-1; a bundle with other characters is read as UTF-8', async () => {
    const ascii = (file: string) => /^[\x00-\x7f]*$/.test(readFileSync(join(repoRoot, 'dist', file), 'latin1')); // eslint-disable-line no-control-regex
    expect(ascii('grantlint.cjs')).toBe(true);
    expect(ascii('grantlint-worker.mjs')).toBe(true);
    const { loadBundle } = (await import(pathToFileURL(join(repoRoot, 'bin', 'load-bundle.js')).href)) as {
      loadBundle: (file: string, cache?: string) => { exports: { word: string } };
    };
    const write = (name: string, text: string) => {
      writeFileSync(join(temp, name), text);
      return join(temp, name);
    };
    expect(loadBundle(write('ascii.cjs', "module.exports = { word: 'caf\\u00e9' };"), join(temp, 'none')).exports.word).toBe('café');
    expect(loadBundle(write('utf8.cjs', "module.exports = { word: 'café — 文字' };"), join(temp, 'none')).exports.word).toBe('café — 文字');
  });

  it('reads a configuration through yaml and ajv from node_modules, only then', () => {
    const dir = installed(true);
    writeFileSync(join(dir, '.grantlint.yaml'), 'rules:\n  privileged-role: warning\n');
    const r = run(dir, '-f', 'json', 'main.bicep');
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).findings.find((f: { ruleId: string }) => f.ruleId === 'privileged-role').severity).toBe('warning');
    writeFileSync(join(dir, '.grantlint.yaml'), 'rules:\n  privileged-roles: warning\n');
    expect(run(dir, 'main.bicep').stderr).toContain("unknown rule id (did you mean 'privileged-role'?)");
    expect(readFileSync(join(dir, 'dist', 'grantlint.cjs'), 'utf8')).not.toContain('node_modules/yaml/');
  });

  it('loads with the code cache the build saved; a cache that does not fit is rejected and the bundle still runs', () => {
    // V8 checks a cache against its flags: loaded as bin/grantlint.js loads it, after tuneV8.
    const foreign = join(temp, 'foreign.cache');
    writeFileSync(foreign, Buffer.alloc(4096, 7));
    const load = (flags: string, ...caches: string[]) => {
      const script = [
        `import { tuneV8 } from ${JSON.stringify(pathToFileURL(join(repoRoot, 'bin', 'v8-tuning.js')).href)};`,
        `import { loadBundle } from ${JSON.stringify(pathToFileURL(join(repoRoot, 'bin', 'load-bundle.js')).href)};`,
        `tuneV8([]);`,
        `const bundle = ${JSON.stringify(join(repoRoot, 'dist', 'grantlint.cjs'))};`,
        `const loaded = ${JSON.stringify(caches)}.map((c) => loadBundle(bundle, c || undefined));`,
        `console.log(JSON.stringify(loaded.map((b) => [b.cache, typeof b.exports.main])));`,
      ].join('\n');
      const r = spawnSync(process.execPath, [...(flags ? [flags] : []), '--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
      expect(r.stderr).toBe('');
      return JSON.parse(r.stdout) as [string, string][];
    };
    expect(load('', '', foreign, join(temp, 'missing.cache'))).toEqual([
      ['accepted', 'function'],
      ['rejected', 'function'],
      ['none', 'function'],
    ]);
    // Other V8 flags than the build's (here the user's own): the cache does not fit, and is not used.
    expect(load('--max-inlined-bytecode-size=100', '')).toEqual([['rejected', 'function']]);
    // Through bin/grantlint.js with a foreign cache: the same findings.
    const dir = installed(false);
    const good = run(dir, '-f', 'json', '--fail-on', 'never', 'main.bicep');
    writeFileSync(join(dir, 'dist', 'grantlint.cjs.cache'), Buffer.alloc(4096, 7));
    const bad = run(dir, '-f', 'json', '--fail-on', 'never', 'main.bicep');
    expect(bad.stderr).toBe('');
    expect(bad.stdout).toBe(good.stdout);
  });

  it('tunes V8 for a lint run, not for the language server, and leaves the flags the user gave Node alone', async () => {
    const { tuneV8, TUNING } = (await import(pathToFileURL(join(repoRoot, 'bin', 'v8-tuning.js')).href)) as {
      tuneV8: (args: string[], given: string, set: (flag: string) => void) => string[];
      TUNING: string[];
    };
    const set: string[] = [];
    expect(tuneV8(['main.bicep'], '', (f) => set.push(f))).toEqual(TUNING);
    expect(set).toEqual(TUNING);
    expect(TUNING).toContain('--no-turbo-inlining');
    expect(tuneV8(['lsp'], '', () => expect.fail('set a flag for the language server'))).toEqual([]);
    expect(tuneV8(['.'], '--max-old-space-size=4096 --turbo-inlining', () => undefined)).toEqual(TUNING.filter((f) => !f.includes('turbo-inlining')));
    expect(tuneV8(['.'], '--interrupt_budget=100000', () => undefined)).toEqual(TUNING.filter((f) => !f.includes('interrupt-budget')));
  });

  // Plugins and the language server are ES modules imported from inside the cached script: the
  // plugin tests (test/config) and the language server tests (test/lsp) run them through bin/.

  it('gives way to a newer tsc output (a contributor rebuilt with tsc only)', () => {
    const dir = installed(false);
    mkdirSync(join(dir, 'dist', 'src', 'cli'), { recursive: true });
    const compiled = join(dir, 'dist', 'src', 'cli', 'main.js');
    writeFileSync(compiled, "export async function main() { process.stdout.write('tsc output\\n'); return 0; }\n");
    const old = new Date(Date.now() - 60_000);
    utimesSync(join(dir, 'dist', 'grantlint.cjs'), old, old);
    expect(run(dir).stdout).toBe('tsc output\n');
    const older = new Date(Date.now() - 120_000);
    utimesSync(compiled, older, older);
    expect(run(dir, '--version').stdout.startsWith(`${JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).version} (`)).toBe(true);
  });
});
