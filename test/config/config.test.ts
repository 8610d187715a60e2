import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinRules } from '../../rules/index.js';
import { ConfigError, readConfigFile } from '../../src/engine/config-file.js';
import { ConfigResolver } from '../../src/engine/config.js';
import { DIAGNOSTIC_RULES } from '../../src/engine/diagnostic-rules.js';
import type { Rule } from '../../src/engine/types.js';
import { repoRoot } from '../helpers/paths.js';
import { treeMaker } from '../helpers/tree.js';

const { tree } = treeMaker('grantlint-config-');

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a ConfigError');
}

async function asyncErrorOf(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a ConfigError');
}

const pluginsDir = join(repoRoot, 'fixtures', 'config', 'plugins');

describe('reading a configuration file', () => {
  it('reads rules (severity or [severity, options]), ignore, overrides, plugins and root', () => {
    const dir = tree({
      '.grantlint.yaml': [
        'root: true',
        'rules:',
        '  privileged-role: warning',
        '  broad-scope: [error, {}]',
        'ignore:',
        '  - vendor/',
        'overrides:',
        '  - files: ["test/**"]',
        '    rules:',
        '      privileged-role: off',
        'plugins:',
        '  - ./plugins/x.mjs',
        '',
      ].join('\n'),
    });
    const config = readConfigFile(join(dir, '.grantlint.yaml'), dir);
    expect(config.root).toBe(true);
    expect(config.rules.get('privileged-role')).toEqual({ severity: 'warning', path: ['rules', 'privileged-role'] });
    expect(config.rules.get('broad-scope')).toEqual({ severity: 'error', options: {}, path: ['rules', 'broad-scope'] });
    expect(config.ignorePatterns).toEqual(['vendor/']);
    expect(config.ignores(join(dir, 'vendor', 'a.bicep'))).toBe(true);
    expect(config.ignores(join(dir, 'infra', 'a.bicep'))).toBe(false);
    expect(config.overrides).toHaveLength(1);
    expect(config.overrides[0].matches('test/unit/main.bicep')).toBe(true);
    expect(config.overrides[0].matches('infra/main.bicep')).toBe(false);
    expect(config.overrides[0].rules.get('privileged-role')?.severity).toBe('off');
    expect(config.plugins).toEqual([join(dir, 'plugins', 'x.mjs')]);
  });

  it('an empty file is an empty configuration', () => {
    const dir = tree({ '.grantlint.yaml': '# nothing yet\n' });
    const config = readConfigFile(join(dir, '.grantlint.yaml'), dir);
    expect(config.rules.size).toBe(0);
    expect(config.root).toBe(false);
  });

  it('reads JSON configuration files too', () => {
    const dir = tree({ '.grantlint.json': '{\n  "rules": {\n    "broad-scope": "info"\n  }\n}\n' });
    expect(readConfigFile(join(dir, '.grantlint.json'), dir).rules.get('broad-scope')?.severity).toBe('info');
    const bad = tree({ '.grantlint.json': '{\n  "rules": {\n    "broad-scope": "loud"\n  }\n}\n' });
    expect(errorOf(() => readConfigFile(join(bad, '.grantlint.json'), bad))).toBe('.grantlint.json:3: rules.broad-scope: must be one of off, info, warning, error');
  });

  it('a bad severity names the file, the line and the key', () => {
    const dir = tree({ '.grantlint.yaml': 'root: true\n\nrules:\n  privileged-role: fatal\n' });
    expect(errorOf(() => readConfigFile(join(dir, '.grantlint.yaml'), dir))).toBe(
      '.grantlint.yaml:4: rules.privileged-role: must be one of off, info, warning, error',
    );
  });

  it('a bad severity inside [severity, options] points at the entry', () => {
    const dir = tree({ '.grantlint.yaml': 'rules:\n  broad-scope:\n    - critical\n    - {}\n' });
    expect(errorOf(() => readConfigFile(join(dir, '.grantlint.yaml'), dir))).toBe(
      '.grantlint.yaml:3: rules.broad-scope[0]: must be one of off, info, warning, error',
    );
  });

  it('too many items in a rule entry', () => {
    const dir = tree({ '.grantlint.yaml': 'rules:\n  broad-scope: [error, {}, extra]\n' });
    expect(errorOf(() => readConfigFile(join(dir, '.grantlint.yaml'), dir))).toBe(
      '.grantlint.yaml:2: rules.broad-scope: must be a severity or [severity, options]',
    );
  });

  it('options must be an object', () => {
    const dir = tree({ '.grantlint.yaml': 'rules:\n  broad-scope: [error, 3]\n' });
    expect(errorOf(() => readConfigFile(join(dir, '.grantlint.yaml'), dir))).toBe('.grantlint.yaml:2: rules.broad-scope[1]: must be an object');
  });

  it('an unknown top-level key lists the known ones', () => {
    const dir = tree({ '.grantlint.yaml': 'root: true\nrule:\n  broad-scope: off\n' });
    expect(errorOf(() => readConfigFile(join(dir, '.grantlint.yaml'), dir))).toBe(
      '.grantlint.yaml:2: rule: unknown key; expected one of root, rules, ignore, overrides, plugins, baseline, scripts',
    );
  });

  it('an override without files', () => {
    const dir = tree({ '.grantlint.yaml': 'overrides:\n  - rules:\n      broad-scope: off\n' });
    expect(errorOf(() => readConfigFile(join(dir, '.grantlint.yaml'), dir))).toBe('.grantlint.yaml:2: overrides[0].files: is required');
  });

  it('wrong types in lists', () => {
    const dir = tree({ '.grantlint.yaml': 'ignore: vendor/\n' });
    expect(errorOf(() => readConfigFile(join(dir, '.grantlint.yaml'), dir))).toBe('.grantlint.yaml:1: ignore: must be an array');
    const dir2 = tree({ '.grantlint.yaml': 'ignore:\n  - a\n  - 3\n' });
    expect(errorOf(() => readConfigFile(join(dir2, '.grantlint.yaml'), dir2))).toBe('.grantlint.yaml:3: ignore[1]: must be a string');
  });

  it('a rule id that is not kebab-case', () => {
    const dir = tree({ '.grantlint.yaml': 'rules:\n  broad-scope: off\n  Broad_Scope: off\n' });
    expect(errorOf(() => readConfigFile(join(dir, '.grantlint.yaml'), dir))).toBe(
      '.grantlint.yaml:3: rules.Broad_Scope: is not a rule id (rule ids are kebab-case)',
    );
  });

  it('YAML syntax errors and duplicate keys carry their line', () => {
    const dir = tree({ '.grantlint.yaml': 'rules:\n  broad-scope: off\n  broad-scope: error\n' });
    expect(errorOf(() => readConfigFile(join(dir, '.grantlint.yaml'), dir))).toMatch(/^\.grantlint\.yaml:3: Map keys must be unique/);
    const dir2 = tree({ '.grantlint.yaml': 'rules:\n  broad-scope: [error\n' });
    expect(errorOf(() => readConfigFile(join(dir2, '.grantlint.yaml'), dir2))).toMatch(/^\.grantlint\.yaml:\d+: /);
  });

  it('the top level must be a mapping', () => {
    const dir = tree({ '.grantlint.yaml': '- rules\n' });
    expect(errorOf(() => readConfigFile(join(dir, '.grantlint.yaml'), dir))).toBe('.grantlint.yaml:1: must be an object');
  });

  it('shows the file relative to the working folder', () => {
    const dir = tree({ 'infra/.grantlint.yaml': 'rules:\n  broad-scope: nope\n' });
    expect(errorOf(() => readConfigFile(join(dir, 'infra', '.grantlint.yaml'), dir))).toBe(
      'infra/.grantlint.yaml:2: rules.broad-scope: must be one of off, info, warning, error',
    );
  });
});

describe('finding and merging configuration files', () => {
  it('the nearest file wins, files above apply first, root: true stops the search', async () => {
    const dir = tree({
      '.grantlint.yaml': 'rules:\n  broad-scope: off\n  privileged-role: info\n',
      'repo/.grantlint.yaml': 'root: true\nrules:\n  broad-scope: error\n  missing-principal-type: off\n',
      'repo/infra/.grantlint.yml': 'rules:\n  missing-principal-type: warning\n',
      'repo/infra/main.bicep': '',
      'repo/other/main.bicep': '',
    });
    const resolver = new ConfigResolver({ cwd: dir });
    const infra = join(dir, 'repo', 'infra', 'main.bicep');
    const other = join(dir, 'repo', 'other', 'main.bicep');
    await resolver.load([infra, other]);
    const a = resolver.forFile(infra);
    expect(a.configFiles).toEqual([join(dir, 'repo', '.grantlint.yaml'), join(dir, 'repo', 'infra', '.grantlint.yml')]);
    expect(a.rules.get('missing-principal-type')?.severity).toBe('warning');
    expect(a.rules.get('broad-scope')?.severity).toBe('error');
    // The file above `root: true` does not apply: privileged-role keeps its default.
    expect(a.rules.get('privileged-role')?.severity).toBe('error');
    const b = resolver.forFile(other);
    expect(b.configFiles).toEqual([join(dir, 'repo', '.grantlint.yaml')]);
    expect(b.rules.get('missing-principal-type')?.severity).toBe('off');
  });

  it('without any configuration every rule has its default severity and options', async () => {
    const dir = tree({ 'root-marker/.grantlint.yaml': 'root: true\n', 'root-marker/a.bicep': '' });
    const resolver = new ConfigResolver({ cwd: dir });
    const file = join(dir, 'root-marker', 'a.bicep');
    await resolver.load([file]);
    const effective = resolver.forFile(file);
    const expected = [...builtinRules.map((r) => r.meta), ...DIAGNOSTIC_RULES].map((m) => [m.id, m.severity]).sort();
    expect([...effective.rules].map(([id, s]) => [id, s.severity])).toEqual(expected);
  });

  it('overrides apply after rules, in order, matching paths relative to the config folder', async () => {
    const dir = tree({
      'infra/.grantlint.yaml': [
        'root: true',
        'rules:',
        '  privileged-role: warning',
        'overrides:',
        '  - files: ["legacy/**"]',
        '    rules:',
        '      privileged-role: off',
        '      broad-scope: info',
        '  - files: ["legacy/keep.bicep", "*.tf"]',
        '    rules:',
        '      privileged-role: error',
        '',
      ].join('\n'),
    });
    const resolver = new ConfigResolver({ cwd: dir });
    const sev = (rel: string, id: string): string | undefined => resolver.forFile(join(dir, 'infra', rel)).rules.get(id)?.severity;
    await resolver.load([join(dir, 'infra', 'x')]);
    expect(sev('main.bicep', 'privileged-role')).toBe('warning');
    expect(sev('legacy/old.bicep', 'privileged-role')).toBe('off');
    expect(sev('legacy/old.bicep', 'broad-scope')).toBe('info');
    expect(sev('legacy/keep.bicep', 'privileged-role')).toBe('error');
    // A pattern without '/' matches the file name in any folder.
    expect(sev('modules/net/main.tf', 'privileged-role')).toBe('error');
  });

  it('files under the same configuration and overrides share one effective configuration; others do not', async () => {
    const dir = tree({
      '.grantlint.yaml': 'root: true\nignore:\n  - skip.bicep\noverrides:\n  - files: ["legacy/**"]\n    rules:\n      broad-scope: off\n',
      'sub/.grantlint.yaml': 'rules:\n  broad-scope: info\n',
    });
    const resolver = new ConfigResolver({ cwd: dir });
    await resolver.load([join(dir, 'x'), join(dir, 'sub', 'x')]);
    const of = (rel: string) => resolver.forFile(join(dir, rel));
    // Two folders without a configuration of their own, under the same one: one object.
    expect(of('a/main.bicep')).toBe(of('b/c/other.bicep'));
    expect(of('legacy/one.bicep')).toBe(of('legacy/deep/two.bicep'));
    // An override, an ignore pattern or another configuration file in the chain makes another.
    expect(of('legacy/one.bicep')).not.toBe(of('a/main.bicep'));
    expect(of('legacy/one.bicep').rules.get('broad-scope')?.severity).toBe('off');
    expect(of('a/main.bicep').rules.get('broad-scope')?.severity).toBe('warning');
    expect(of('skip.bicep').ignored).toBe(true);
    expect(of('a/main.bicep').ignored).toBe(false);
    expect(of('sub/main.bicep').rules.get('broad-scope')?.severity).toBe('info');
    expect(of('sub/main.bicep').configFiles).toEqual([join(dir, '.grantlint.yaml'), join(dir, 'sub', '.grantlint.yaml')]);
  });

  it('ignore patterns are relative to the folder of the file that declares them', () => {
    const dir = tree({
      '.grantlint.yaml': 'root: true\nignore:\n  - generated/\n  - "*.generated.json"\n',
      'sub/.grantlint.yaml': 'ignore:\n  - old.bicep\n',
    });
    const resolver = new ConfigResolver({ cwd: dir });
    expect(resolver.isIgnored(join(dir, 'generated', 'a.bicep'))).toBe(true);
    expect(resolver.isIgnored(join(dir, 'sub', 'x', 'main.generated.json'))).toBe(true);
    expect(resolver.isIgnored(join(dir, 'sub', 'old.bicep'))).toBe(true);
    expect(resolver.isIgnored(join(dir, 'old.bicep'))).toBe(false);
    expect(resolver.isIgnored(join(dir, 'sub', 'new.bicep'))).toBe(false);
  });

  it('--config forces one file for everything and skips the search', async () => {
    const dir = tree({
      'ci/strict.yaml': 'rules:\n  missing-role-grant: error\noverrides:\n  - files: ["../infra/dev/**"]\n    rules:\n      missing-role-grant: off\n',
      'infra/.grantlint.yaml': 'root: true\nrules:\n  missing-role-grant: off\n',
    });
    const resolver = new ConfigResolver({ cwd: dir, configFile: 'ci/strict.yaml' });
    const file = join(dir, 'infra', 'main.bicep');
    await resolver.load([file]);
    expect(resolver.forFile(file).configFiles).toEqual([join(dir, 'ci', 'strict.yaml')]);
    expect(resolver.forFile(file).rules.get('missing-role-grant')?.severity).toBe('error');
    // Paths outside the config's folder never match an override.
    expect(resolver.forFile(join(dir, 'infra', 'dev', 'main.bicep')).rules.get('missing-role-grant')?.severity).toBe('error');
  });

  it('a missing --config file is a configuration error', () => {
    const dir = tree({});
    expect(errorOf(() => new ConfigResolver({ cwd: dir, configFile: 'nope.yaml' }))).toBe('nope.yaml: cannot read the configuration file (ENOENT)');
  });

  it('an unknown rule id names the file, line and key, with a suggestion', async () => {
    const dir = tree({ '.grantlint.yaml': 'root: true\nrules:\n  broad-scope: off\n  privileged-roles: warning\n' });
    const resolver = new ConfigResolver({ cwd: dir });
    expect(await asyncErrorOf(() => resolver.load([join(dir, 'a.bicep')]))).toBe(
      ".grantlint.yaml:4: rules.privileged-roles: unknown rule id (did you mean 'privileged-role'?); plugins add rule ids with 'plugins'",
    );
    const dir2 = tree({ '.grantlint.yaml': 'root: true\noverrides:\n  - files: ["*"]\n    rules:\n      totally-new: off\n' });
    expect(await asyncErrorOf(() => new ConfigResolver({ cwd: dir2 }).load([join(dir2, 'a.bicep')]))).toBe(
      ".grantlint.yaml:5: overrides[0].rules.totally-new: unknown rule id; plugins add rule ids with 'plugins'",
    );
  });

  it('options are checked against the rule schema, and rules without options refuse them', async () => {
    const fake: Rule = {
      meta: {
        id: 'fake-rule',
        description: 'fake',
        severity: 'warning',
        messages: {},
        schema: { type: 'object', properties: { max: { type: 'number' } }, additionalProperties: false },
        defaultOptions: { max: 3 },
        docs: '',
      },
      check() {},
    };
    const dir = tree({ '.grantlint.yaml': 'root: true\nrules:\n  fake-rule:\n    - warning\n    - max: many\n' });
    expect(await asyncErrorOf(() => new ConfigResolver({ cwd: dir, builtins: [fake] }).load([join(dir, 'a')]))).toBe(
      '.grantlint.yaml:5: rules.fake-rule[1].max: must be a number',
    );
    const dir2 = tree({ '.grantlint.yaml': 'root: true\nrules:\n  fake-rule: [error, { other: 1 }]\n' });
    expect(await asyncErrorOf(() => new ConfigResolver({ cwd: dir2, builtins: [fake] }).load([join(dir2, 'a')]))).toBe(
      '.grantlint.yaml:3: rules.fake-rule[1].other: unknown key; expected one of max',
    );
    const dir3 = tree({ '.grantlint.yaml': 'root: true\nrules:\n  broad-scope: [error, { strict: true }]\n' });
    expect(await asyncErrorOf(() => new ConfigResolver({ cwd: dir3 }).load([join(dir3, 'a')]))).toBe(
      ".grantlint.yaml:3: rules.broad-scope[1].strict: the rule 'broad-scope' takes no options",
    );
    // Valid options merge over the defaults; a bare severity further down keeps them.
    const dir4 = tree({
      '.grantlint.yaml': 'root: true\nrules:\n  fake-rule: [error, { max: 7 }]\n',
      'sub/.grantlint.yaml': 'rules:\n  fake-rule: info\n',
    });
    const resolver = new ConfigResolver({ cwd: dir4, builtins: [fake] });
    await resolver.load([join(dir4, 'a'), join(dir4, 'sub', 'b')]);
    expect(resolver.forFile(join(dir4, 'a')).rules.get('fake-rule')).toEqual({ severity: 'error', options: { max: 7 } });
    expect(resolver.forFile(join(dir4, 'sub', 'b')).rules.get('fake-rule')).toEqual({ severity: 'info', options: { max: 7 } });
  });
});

describe('plugins', () => {
  it('loads a plugin rule relative to the config file; it is known only under that config', async () => {
    const dir = tree({
      'app/.grantlint.yaml': `root: true\nplugins:\n  - ${JSON.stringify(join(pluginsDir, 'every-workload.mjs'))}\nrules:\n  fixture-every-workload: [warning, { prefix: "app:" }]\n`,
      'lib/.grantlint.yaml': 'root: true\n',
    });
    // Plugins load from the working folder's configuration (see 'plugins and trust').
    const resolver = new ConfigResolver({ cwd: join(dir, 'app') });
    const app = join(dir, 'app', 'main.bicep');
    const lib = join(dir, 'lib', 'main.bicep');
    await resolver.load([app, lib]);
    expect(resolver.rules().map((r) => r.meta.id)).toContain('fixture-every-workload');
    expect(resolver.ruleMetas().map((m) => m.id)).toEqual(expect.arrayContaining(['fixture-every-workload', 'parse-error', 'invalid-suppression']));
    expect(resolver.forFile(app).rules.get('fixture-every-workload')).toEqual({ severity: 'warning', options: { prefix: 'app:' } });
    expect(resolver.forFile(lib).rules.has('fixture-every-workload')).toBe(false);
  });

  it('resolves relative plugin paths from the config folder', async () => {
    const dir = tree({ '.grantlint.yaml': 'root: true\nplugins: [./rules/mine.mjs]\n' });
    mkdirSync(join(dir, 'rules'));
    writeFileSync(join(dir, 'rules', 'mine.mjs'), readFileSync(join(pluginsDir, 'every-workload.mjs'), 'utf8'));
    const resolver = new ConfigResolver({ cwd: dir });
    await resolver.load([join(dir, 'x.bicep')]);
    expect(resolver.forFile(join(dir, 'x.bicep')).rules.get('fixture-every-workload')).toEqual({ severity: 'info', options: { prefix: '' } });
  });

  it('a plugin that is not a rule, clashes with a built-in, or throws is a configuration error', async () => {
    const load = async (plugin: string): Promise<string> => {
      const dir = tree({ '.grantlint.yaml': `root: true\nrules:\n  broad-scope: off\nplugins:\n  - ${JSON.stringify(join(pluginsDir, plugin))}\n` });
      return asyncErrorOf(() => new ConfigResolver({ cwd: dir }).load([join(dir, 'a')]));
    };
    expect(await load('not-a-rule.mjs')).toMatch(/^\.grantlint\.yaml:5: plugins\[0\]: '.*not-a-rule\.mjs' exports a rule without a check\(graph, context\) function$/);
    expect(await load('clashing.mjs')).toMatch(/^\.grantlint\.yaml:5: plugins\[0\]: '.*clashing\.mjs' defines the rule 'privileged-role', which is already defined$/);
    expect(await load('throws.mjs')).toMatch(/^\.grantlint\.yaml:5: plugins\[0\]: cannot load '.*throws\.mjs': plugin exploded$/);
    expect(await load('missing.mjs')).toMatch(/^\.grantlint\.yaml:5: plugins\[0\]: cannot load '.*missing\.mjs': /);
  });
});

describe('the shipped JSON Schema', () => {
  const schema = JSON.parse(readFileSync(join(repoRoot, 'schemas', 'grantlint-config.schema.json'), 'utf8'));

  it('lists every built-in rule with its description (for editors), and nothing else', () => {
    const listed = schema.definitions.rules.properties as Record<string, { description: string }>;
    const metas = [...builtinRules.map((r) => r.meta), ...DIAGNOSTIC_RULES];
    expect(Object.keys(listed).sort()).toEqual(metas.map((m) => m.id).sort());
    for (const m of metas) expect(listed[m.id].description, `${m.id}: run node scripts/rule-docs.mjs after a build`).toBe(m.description);
  });
});

describe('plugins and trust', () => {
  const plugin = JSON.stringify(join(pluginsDir, 'every-workload.mjs'));

  it('a configuration inside the linted folders cannot load a plugin: a configuration error', async () => {
    const dir = tree({
      '.grantlint.yaml': 'rules:\n  broad-scope: warning\n',
      'contrib/.grantlint.yaml': `plugins:\n  - ${plugin}\n`,
    });
    const message = await asyncErrorOf(() => new ConfigResolver({ cwd: dir }).load([join(dir, 'contrib', 'main.bicep')]));
    expect(message).toBe(
      'contrib/.grantlint.yaml:1: plugins: plugins are loaded only from the configuration of the working folder or the file given with -c, not from a configuration inside the linted folders; list them there',
    );
  });

  it('the working folder’s configuration (or one above it) and -c may load plugins', async () => {
    const dir = tree({ '.grantlint.yaml': `plugins:\n  - ${plugin}\n`, 'sub/x.bicep': '' });
    const above = new ConfigResolver({ cwd: join(dir, 'sub') });
    await above.load([join(dir, 'sub', 'x.bicep')]);
    expect(above.rules().map((r) => r.meta.id)).toContain('fixture-every-workload');
    const other = tree({ 'cfg/grantlint.yaml': `plugins:\n  - ${plugin}\n`, 'x.bicep': '' });
    const forced = new ConfigResolver({ cwd: other, configFile: 'cfg/grantlint.yaml' });
    await forced.load([join(other, 'x.bicep')]);
    expect(forced.rules().map((r) => r.meta.id)).toContain('fixture-every-workload');
  });

  it('plugins: false loads none, and leaves the ids a plugin would define unchecked', async () => {
    const dir = tree({ '.grantlint.yaml': `plugins:\n  - ${JSON.stringify(join(pluginsDir, 'throws.mjs'))}\nrules:\n  fixture-every-workload: error\n`, 'x.bicep': '' });
    const resolver = new ConfigResolver({ cwd: dir, plugins: false });
    await resolver.load([join(dir, 'x.bicep')]);
    expect(resolver.rules().map((r) => r.meta.id)).not.toContain('fixture-every-workload');
    expect(resolver.forFile(join(dir, 'x.bicep')).rules.has('fixture-every-workload')).toBe(false);
  });
});
