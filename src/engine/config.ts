import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ValidateFunction } from 'ajv';
import { builtinRules } from '../../rules/index.js';
import { CONFIG_FILE_NAMES, describeSchemaError, readConfigFile, relativeInside, type ConfigFile, type RuleEntry } from './config-file.js';
import { DIAGNOSTIC_RULES } from './diagnostic-rules.js';
import { lazyAjv } from './lazy-deps.js';
import { closest } from './suggest.js';
import { importModule } from '../util/import-module.js';
import type { Rule, RuleMeta, SeveritySetting } from './types.js';

export { ConfigError } from './config-file.js';

export interface RuleSetting {
  severity: SeveritySetting;
  options: Record<string, unknown>;
}

/** The configuration in force for one file, after every config file, override and default. */
export interface EffectiveConfig {
  /** The configuration files that apply, farthest first (absolute paths). */
  configFiles: string[];
  /** An `ignore` pattern matches the file. */
  ignored: boolean;
  /** Every rule known for the file, by id (sorted), with its severity and options. */
  rules: Map<string, RuleSetting>;
}

export interface ConfigResolverOptions {
  /** For messages: paths are shown relative to it. */
  cwd: string;
  /** `--config <file>`: this file alone applies to every linted file; nothing is looked up. */
  configFile?: string;
  /** The built-in graph rules (tests may pass others). */
  builtins?: Rule[];
  /**
   * Load plugins (default true). `--no-plugins` turns them off, for code that is not trusted (a pull
   * request from a fork): then the rule entries a plugin could define are not checked.
   */
  plugins?: boolean;
}

const SEVERITY_ONLY_IDS = new Set(DIAGNOSTIC_RULES.map((m) => m.id));

/**
 * Finds, reads and merges configuration files. For a file, the applicable files are the nearest
 * `.grantlint.yaml` (or `.yml`, `.json`) in its folder or above, and those above it up to the
 * filesystem root or the first one with `root: true`; they apply farthest first, so nearer files win.
 * With `--config`, that one file applies to everything.
 */
export class ConfigResolver {
  readonly cwd: string;
  private readonly builtins: Rule[];
  private readonly forced?: ConfigFile;
  /** `[forced]`, one array, so that files under `--config` share their results (`forFile`). */
  private readonly forcedChain?: ConfigFile[];
  private readonly own = new Map<string, ConfigFile | null>();
  private readonly chains = new Map<string, ConfigFile[]>();
  private readonly effective = new Map<string, EffectiveConfig>();
  /** Per chain of configuration files: the results by ignore and matched overrides (`forFile`). */
  private readonly shared = new WeakMap<ConfigFile[], Map<string, EffectiveConfig>>();
  /** Plugin rules by module path. */
  private readonly pluginModules = new Map<string, Rule[]>();
  private readonly validated = new Set<ConfigFile>();
  private readonly optionValidators = new Map<string, ValidateFunction | null>();
  private readonly allowPlugins: boolean;
  /** Plugins listed but not loaded (`--no-plugins`). */
  private pluginsSkipped = 0;

  /** What a worker thread needs to build the same resolver: undefined when it was given rules of its own. */
  readonly transferable?: ConfigResolverOptions;

  constructor(options: ConfigResolverOptions) {
    this.cwd = options.cwd;
    if (!options.builtins) this.transferable = { cwd: options.cwd, configFile: options.configFile, plugins: options.plugins };
    this.builtins = options.builtins ?? builtinRules;
    this.allowPlugins = options.plugins ?? true;
    if (options.configFile) {
      this.forced = readConfigFile(resolve(options.cwd, options.configFile), options.cwd);
      this.forcedChain = [this.forced];
    }
  }

  /** The configuration files for files in `dir`, farthest first. Reads and schema-checks them. */
  chain(dir: string): ConfigFile[] {
    if (this.forcedChain) return this.forcedChain;
    const cached = this.chains.get(dir);
    if (cached) return cached;
    const mine = this.configIn(dir);
    const parent = dirname(dir);
    let chain: ConfigFile[];
    if (mine?.root) chain = [mine];
    else {
      const above = parent === dir ? [] : this.chain(parent);
      chain = mine ? [...above, mine] : above;
    }
    this.chains.set(dir, chain);
    return chain;
  }

  private configIn(dir: string): ConfigFile | undefined {
    if (!this.own.has(dir)) {
      let found: ConfigFile | null = null;
      for (const name of CONFIG_FILE_NAMES) {
        const path = join(dir, name);
        if (existsSync(path) && statSync(path).isFile()) {
          found = readConfigFile(path, this.cwd);
          break;
        }
      }
      this.own.set(dir, found);
    }
    return this.own.get(dir) ?? undefined;
  }

  /** The `baseline` of the nearest configuration for a folder that names one (absolute path). */
  baselineFor(dir: string): string | undefined {
    return [...this.chain(dir)].reverse().find((c) => c.baseline !== undefined)?.baseline;
  }

  /** An `ignore` pattern of an applicable configuration matches the file (absolute path). */
  isIgnored(file: string): boolean {
    return this.chain(dirname(file)).some((c) => c.ignores(file));
  }

  /** Whether scripts are read in this file (absolute path): the nearest configuration that says wins; default yes. */
  scriptsEnabled(file: string): boolean {
    const chain = this.chain(dirname(file));
    for (let i = chain.length - 1; i >= 0; i--) if (chain[i].scripts !== undefined) return chain[i].scripts!;
    return true;
  }

  /**
   * Reads the configuration for these files (absolute paths), loads their plugins and checks rule
   * ids and options. Call before `forFile` for those files.
   */
  async load(files: string[]): Promise<void> {
    const configs = new Set<ConfigFile>();
    for (const file of files) for (const c of this.chain(dirname(file))) configs.add(c);
    for (const config of configs) await this.loadPlugins(config);
    for (const config of configs) this.validate(config);
  }

  /** Reads the configuration for files in a folder (and loads its plugins), as `load` does for files. */
  async loadFolder(dir: string): Promise<void> {
    await this.load([join(dir, '_')]);
  }

  /** Built-in and loaded plugin rules. */
  rules(): Rule[] {
    return [...this.builtins, ...[...this.pluginModules.values()].flat()];
  }

  /** The metadata of every rule that may report: graph rules, plugins and the engine's own. */
  ruleMetas(): RuleMeta[] {
    return [...this.rules().map((r) => r.meta), ...DIAGNOSTIC_RULES];
  }

  /**
   * Plugins are code, and a configuration file inside the linted folders may come from anyone who
   * can open a pull request. Like ESLint, grantlint runs only the plugins of the configuration that
   * the person running it chose: the one given with `-c`, or the one that applies to the working
   * folder (its own `.grantlint.yaml` or those above it).
   */
  private mayLoadPlugins(config: ConfigFile): boolean {
    return this.forced === config || this.chain(resolve(this.cwd)).includes(config);
  }

  private async loadPlugins(config: ConfigFile): Promise<void> {
    if (config.plugins.length === 0) return;
    if (!this.allowPlugins) {
      this.pluginsSkipped += config.plugins.length;
      return;
    }
    if (!this.mayLoadPlugins(config)) {
      throw config.error(
        ['plugins'],
        'plugins are loaded only from the configuration of the working folder or the file given with -c, not from a configuration inside the linted folders; list them there',
        this.cwd,
      );
    }
    for (const [i, modulePath] of config.plugins.entries()) {
      if (this.pluginModules.has(modulePath)) continue;
      const where = ['plugins', i];
      let exported: unknown;
      try {
        const mod = (await importModule(pathToFileURL(modulePath).href)) as Record<string, unknown>;
        exported = mod.default ?? mod.rules;
      } catch (e) {
        throw config.error(where, `cannot load '${modulePath}': ${(e as Error).message.split('\n')[0]}`, this.cwd);
      }
      const rules = Array.isArray(exported) ? (exported as unknown[]) : [exported];
      const checked: Rule[] = [];
      for (const candidate of rules) {
        const problem = pluginRuleProblem(candidate);
        if (problem) throw config.error(where, `'${modulePath}' ${problem}`, this.cwd);
        const rule = candidate as Rule;
        const clash = this.ruleMetas().find((m) => m.id === rule.meta.id) ?? checked.find((r) => r.meta.id === rule.meta.id)?.meta;
        if (clash) throw config.error(where, `'${modulePath}' defines the rule '${rule.meta.id}', which is already defined`, this.cwd);
        checked.push(rule);
      }
      this.pluginModules.set(modulePath, checked);
    }
  }

  private validate(config: ConfigFile): void {
    if (this.validated.has(config)) return;
    const metas = new Map(this.ruleMetas().map((m) => [m.id, m]));
    const blocks = [config.rules, ...config.overrides.map((o) => o.rules)];
    for (const block of blocks) {
      for (const [id, entry] of block) {
        const meta = metas.get(id);
        if (!meta) {
          // With plugins off, an id grantlint does not know may be a plugin's: not checked.
          if (this.pluginsSkipped > 0) continue;
          const near = closest(id, [...metas.keys()]);
          throw config.error(entry.path, `unknown rule id${near ? ` (did you mean '${near}'?)` : ''}; plugins add rule ids with 'plugins'`, this.cwd);
        }
        if (entry.options !== undefined) this.validateOptions(config, meta, entry);
      }
    }
    this.validated.add(config);
  }

  private validateOptions(config: ConfigFile, meta: RuleMeta, entry: RuleEntry): void {
    const options = entry.options ?? {};
    if (!meta.schema || SEVERITY_ONLY_IDS.has(meta.id)) {
      const keys = Object.keys(options);
      if (keys.length > 0) throw config.error([...entry.path, 1, keys[0]], `the rule '${meta.id}' takes no options`, this.cwd);
      return;
    }
    let validate = this.optionValidators.get(meta.id);
    if (validate === undefined) {
      try {
        validate = new (lazyAjv().Ajv)({ allErrors: false, verbose: true, strict: false }).compile(meta.schema);
      } catch (e) {
        throw config.error(entry.path, `the options schema of the rule '${meta.id}' is invalid: ${(e as Error).message}`, this.cwd);
      }
      this.optionValidators.set(meta.id, validate);
    }
    if (validate && !validate(structuredClone(options))) {
      const { path, problem } = describeSchemaError(validate.errors ?? [], options);
      throw config.error([...entry.path, 1, ...path], problem, this.cwd);
    }
  }

  /** Severities and options per rule for one file (absolute path). */
  forFile(file: string): EffectiveConfig {
    const cached = this.effective.get(file);
    if (cached) return cached;
    const chain = this.chain(dirname(file));
    // Files under the same configuration files, matched by the same overrides, share one result:
    // a corpus of thousands of files in a few configured folders builds a few.
    const ignored = chain.some((c) => c.ignores(file));
    const matched = chain.map((config) => {
      const rel = relativeInside(config.dir, file);
      return rel === undefined ? '' : config.overrides.flatMap((o, i) => (o.matches(rel) ? [i] : [])).join(',');
    });
    const shapeKey = `${ignored ? 1 : 0};${matched.join(';')}`;
    let shapes = this.shared.get(chain);
    if (!shapes) this.shared.set(chain, (shapes = new Map()));
    const shared = shapes.get(shapeKey);
    if (shared) {
      this.effective.set(file, shared);
      return shared;
    }
    const known = [...this.builtins, ...chain.flatMap((c) => c.plugins.flatMap((p) => this.pluginModules.get(p) ?? []))].map((r) => r.meta);
    const metas = new Map([...known, ...DIAGNOSTIC_RULES].map((m) => [m.id, m]));
    const settings = new Map<string, RuleSetting>();
    for (const id of [...metas.keys()].sort()) {
      const meta = metas.get(id)!;
      settings.set(id, { severity: meta.severity, options: { ...(meta.defaultOptions ?? {}) } });
    }
    const apply = (entries: Map<string, RuleEntry>): void => {
      for (const [id, entry] of entries) {
        const current = settings.get(id);
        if (!current) continue;
        const options = entry.options !== undefined ? { ...(metas.get(id)?.defaultOptions ?? {}), ...entry.options } : current.options;
        settings.set(id, { severity: entry.severity, options });
      }
    };
    for (const [i, config] of chain.entries()) {
      apply(config.rules);
      if (matched[i] === '') continue;
      for (const o of matched[i].split(',')) apply(config.overrides[Number(o)].rules);
    }
    const result: EffectiveConfig = { configFiles: chain.map((c) => c.path), ignored, rules: settings };
    shapes.set(shapeKey, result);
    this.effective.set(file, result);
    return result;
  }
}

/** Why a plugin's export is not a rule, or undefined when it is one. */
function pluginRuleProblem(candidate: unknown): string | undefined {
  if (!candidate || typeof candidate !== 'object') return 'does not export a rule (a default export { meta, check } or an array of them)';
  const { meta, check } = candidate as Partial<Rule>;
  if (typeof check !== 'function') return 'exports a rule without a check(graph, context) function';
  if (!meta || typeof meta !== 'object') return 'exports a rule without meta';
  if (typeof meta.id !== 'string' || !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(meta.id)) return `exports a rule whose meta.id ${JSON.stringify(meta.id)} is not kebab-case`;
  if (typeof meta.description !== 'string') return `exports the rule '${meta.id}' without meta.description`;
  if (!['error', 'warning', 'info'].includes(meta.severity as string)) return `exports the rule '${meta.id}' whose meta.severity is not error, warning or info`;
  if (!meta.messages || typeof meta.messages !== 'object') return `exports the rule '${meta.id}' without meta.messages`;
  if (typeof meta.docs !== 'string') (meta as RuleMeta).docs = '';
  return undefined;
}

/** JSON with object keys sorted: equal option objects give equal strings. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
