import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv';
import ignore, { type Ignore } from 'ignore';
import picomatch from 'picomatch';
import { lazyAjv, lazyYaml } from './lazy-deps.js';
import { packageRoot } from '../util/package-root.js';
import type { SeveritySetting } from './types.js';

/** The names grantlint looks for in each folder, in this order; the first one present is used. */
export const CONFIG_FILE_NAMES = ['.grantlint.yaml', '.grantlint.yml', '.grantlint.json'];

export const CONFIG_SCHEMA_PATH = 'schemas/grantlint-config.schema.json';

/** A configuration problem: the message names the file, the line and the key. Exit code 2. */
export class ConfigError extends Error {}

export type KeyPath = (string | number)[];

/** One `rules` entry: `severity` or `[severity, options]`. */
export interface RuleEntry {
  severity: SeveritySetting;
  /** Present only when written as `[severity, options]`; a bare severity keeps the options in force. */
  options?: Record<string, unknown>;
  /** Where the entry is written, for error messages: `['rules', id]`, `['overrides', 0, 'rules', id]`. */
  path: KeyPath;
}

export interface Override {
  files: string[];
  /** Matches a path relative to the config file's folder, with forward slashes. */
  matches(relativePath: string): boolean;
  rules: Map<string, RuleEntry>;
}

/** One parsed and schema-valid configuration file. Plugins are loaded separately (they are code). */
export interface ConfigFile {
  path: string;
  dir: string;
  root: boolean;
  rules: Map<string, RuleEntry>;
  ignorePatterns: string[];
  overrides: Override[];
  /** Absolute paths of the plugin modules, in the order written. */
  plugins: string[];
  /** `baseline`: the baseline file in force when none is given on the command line (absolute). */
  baseline?: string;
  /** `scripts: false` turns the scripts front end off for the files this configuration applies to. */
  scripts?: boolean;
  /** The line a key is written on (the nearest existing ancestor when the key is absent). */
  lineOf(path: KeyPath): number;
  /** `.grantlint.yaml:4: rules.privileged-role: <problem>` (the file relative to `cwd`). */
  error(path: KeyPath, problem: string, cwd: string): ConfigError;
  /** True when the config's `ignore` patterns match the file (an absolute path). */
  ignores(file: string): boolean;
}

let schemaValidator: ValidateFunction | undefined;

function configSchemaValidator(): ValidateFunction {
  if (!schemaValidator) {
    const schema = JSON.parse(readFileSync(join(packageRoot(), CONFIG_SCHEMA_PATH), 'utf8')) as Record<string, unknown>;
    schemaValidator = new (lazyAjv().Ajv)({ allErrors: false, verbose: true, strict: false }).compile(schema);
  }
  return schemaValidator;
}

/** `rules.privileged-role`, `overrides[0].files`, `rules.broad-scope[1].allow`. */
export function formatKeyPath(path: KeyPath): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out === '' ? seg : `.${seg}`;
  return out || '(top level)';
}

function displayFile(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return (rel === '' || rel.startsWith('..') ? file : rel).split('\\').join('/');
}

export function configError(file: string, line: number, path: KeyPath, problem: string, cwd: string): ConfigError {
  return new ConfigError(`${displayFile(file, cwd)}:${line}: ${path.length > 0 ? `${formatKeyPath(path)}: ` : ''}${problem}`);
}

/** JSON pointer (`/rules/privileged-role`) to key path segments. */
function pointerToPath(pointer: string, data: unknown): KeyPath {
  if (!pointer) return [];
  const out: KeyPath = [];
  let cur: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur)) {
      out.push(Number(seg));
      cur = cur[Number(seg)];
    } else {
      out.push(seg);
      cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[seg] : undefined;
    }
  }
  return out;
}

const ARTICLE: Record<string, string> = { array: 'an array', object: 'an object', string: 'a string', boolean: 'a boolean (true or false)', number: 'a number', integer: 'an integer' };

/** The most useful of ajv's errors, as a key path and a sentence. */
export function describeSchemaError(errors: ErrorObject[], data: unknown): { path: KeyPath; problem: string } {
  const error = errors.find((e) => !['if', 'allOf', 'anyOf', 'oneOf'].includes(e.keyword)) ?? errors[0];
  const path = pointerToPath(error.instancePath, data);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'enum':
      return { path, problem: `must be one of ${(params.allowedValues as unknown[]).map(String).join(', ')}` };
    case 'type':
      return { path, problem: `must be ${ARTICLE[String(params.type)] ?? String(params.type)}` };
    case 'additionalProperties': {
      const allowed = Object.keys(((error.parentSchema ?? {}) as { properties?: object }).properties ?? {}).filter((k) => k !== '$schema');
      return { path: [...path, String(params.additionalProperty)], problem: `unknown key${allowed.length ? `; expected one of ${allowed.join(', ')}` : ''}` };
    }
    case 'required':
      return { path: [...path, String(params.missingProperty)], problem: 'is required' };
    case 'minItems':
    case 'minLength':
      return { path, problem: Number(params.limit) <= 1 ? 'must not be empty' : `must have at least ${String(params.limit)} items` };
    case 'additionalItems':
      return { path, problem: 'must be a severity or [severity, options]' };
    case 'propertyNames':
    case 'pattern':
      if (error.propertyName !== undefined) {
        return { path: [...path, error.propertyName], problem: 'is not a rule id (rule ids are kebab-case)' };
      }
      return { path, problem: error.message ?? 'is invalid' };
    default:
      return { path, problem: error.message ?? 'is invalid' };
  }
}

function ruleEntries(raw: Record<string, unknown> | undefined, base: KeyPath): Map<string, RuleEntry> {
  const out = new Map<string, RuleEntry>();
  for (const [id, value] of Object.entries(raw ?? {})) {
    const path = [...base, id];
    if (Array.isArray(value)) {
      const entry: RuleEntry = { severity: value[0] as SeveritySetting, path };
      if (value.length > 1) entry.options = value[1] as Record<string, unknown>;
      out.set(id, entry);
    } else out.set(id, { severity: value as SeveritySetting, path });
  }
  return out;
}

interface RawConfig {
  root?: boolean;
  rules?: Record<string, unknown>;
  ignore?: string[];
  overrides?: { files: string[]; rules?: Record<string, unknown> }[];
  plugins?: string[];
  baseline?: string;
  scripts?: boolean;
}

/**
 * Reads and validates a configuration file (YAML or JSON: JSON is read as YAML, which keeps the
 * positions). Throws ConfigError naming the file, the line and the key.
 */
export function readConfigFile(path: string, cwd: string, text?: string): ConfigFile {
  const file = resolve(path);
  let source = text;
  if (source === undefined) {
    try {
      source = readFileSync(file, 'utf8');
    } catch (e) {
      throw new ConfigError(`${displayFile(file, cwd)}: cannot read the configuration file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }
  const { isMap, isNode, isScalar, isSeq, LineCounter, parseDocument } = lazyYaml();
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0];
    const line = lineCounter.linePos(first.pos[0]).line;
    const message = first.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    throw new ConfigError(`${displayFile(file, cwd)}:${line}: ${message}`);
  }
  const lineOf = (keyPath: KeyPath): number => {
    let node: unknown = doc.contents;
    let line = isNode(node) && node.range ? lineCounter.linePos(node.range[0]).line : 1;
    for (const seg of keyPath) {
      if (isMap(node)) {
        const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === seg);
        if (!pair) break;
        if (isNode(pair.key) && pair.key.range) line = lineCounter.linePos(pair.key.range[0]).line;
        node = pair.value;
      } else if (isSeq(node) && typeof seg === 'number') {
        const item: unknown = node.items[seg];
        if (!isNode(item)) break;
        if (item.range) line = lineCounter.linePos(item.range[0]).line;
        node = item;
      } else break;
    }
    return line;
  };
  const error = (keyPath: KeyPath, problem: string, displayCwd: string): ConfigError =>
    configError(file, lineOf(keyPath), keyPath, problem, displayCwd);

  // An empty file is an empty configuration.
  const data: unknown = doc.contents === null ? {} : doc.toJS();
  const validate = configSchemaValidator();
  if (!validate(data)) {
    const { path: keyPath, problem } = describeSchemaError(validate.errors ?? [], data);
    throw error(keyPath, problem, cwd);
  }
  const raw = data as RawConfig;
  const dir = dirname(file);
  const ignorePatterns = raw.ignore ?? [];
  let ignoreRules: Ignore | undefined;
  if (ignorePatterns.length > 0) ignoreRules = ignore().add(ignorePatterns);
  const overrides: Override[] = (raw.overrides ?? []).map((o, i) => {
    return { files: o.files, matches: globMatcher(o.files), rules: ruleEntries(o.rules, ['overrides', i, 'rules']) };
  });
  return {
    path: file,
    dir,
    root: raw.root === true,
    rules: ruleEntries(raw.rules, ['rules']),
    ignorePatterns,
    overrides,
    plugins: (raw.plugins ?? []).map((p) => resolve(dir, p)),
    baseline: raw.baseline === undefined ? undefined : resolve(dir, raw.baseline),
    ...(raw.scripts !== undefined ? { scripts: raw.scripts } : {}),
    lineOf,
    error,
    ignores(target: string): boolean {
      if (!ignoreRules) return false;
      const rel = relativeInside(dir, target);
      return rel !== undefined && ignoreRules.ignores(rel);
    },
  };
}

/**
 * Matches relative paths against globs: a pattern with a '/' matches the whole path (`./` at its
 * start is dropped), a pattern without one matches the file name in any folder, like .gitignore.
 */
export function globMatcher(patterns: string[]): (relativePath: string) => boolean {
  const matchers = patterns.map((p) => {
    const pattern = p.replace(/^\.\//, '');
    const match = picomatch(pattern, { dot: true });
    return pattern.includes('/') ? match : (rel: string) => match(rel.slice(rel.lastIndexOf('/') + 1));
  });
  return (rel) => matchers.some((m) => m(rel));
}

/** The path of `target` relative to `dir` with forward slashes, or undefined when it lies outside. */
export function relativeInside(dir: string, target: string): string | undefined {
  const rel = relative(dir, target).split('\\').join('/');
  if (rel === '' || rel.startsWith('../') || rel === '..' || /^[a-zA-Z]:/.test(rel) || rel.startsWith('/')) return undefined;
  return rel;
}
