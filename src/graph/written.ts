/**
 * Values as the user wrote them, for messages.
 *
 * A partially evaluated value has forgotten how it was spelled: function names are lower-cased,
 * variables are replaced by what they hold, parts grantlint cannot know are unknowns. Messages must
 * speak of the user's code instead, so `writtenText` renders a value from the source text at its
 * location (`subscriptionResourceId('Microsoft.Authorization/roleDefinitions', contributorRoleId)`,
 * `toLower(reference(...).identity.principalId)`, `var.principal_id`), and falls back to a printer
 * that keeps the written spelling of function names and the user's symbols where there is no text
 * to show. It never prints an internal form (`<unknown>`, `subscriptionresourceid(`).
 *
 * The source text is read through the `SourceReader` of the current analysis: the engine sets it
 * (`withSourceText`) while it builds the graph and while rules run, so every describe helper and
 * every rule gets it without passing it around.
 */
import { extname } from 'node:path';
import { WRITTEN_FUNCTION_NAMES } from '../link/functions.js';
import { LineMap, type Location } from '../model/location.js';
import type { Value } from '../model/value.js';

export type SourceReader = (file: string) => string | undefined;

interface Source {
  text: string;
  lines: LineMap;
}

let current: { read: SourceReader; files: Map<string, Source | null> } | undefined;

/** Runs `fn` with `read` as the source of the texts `writtenText` shows. */
export function withSourceText<T>(read: SourceReader, fn: () => T): T {
  const saved = current;
  current = { read, files: new Map() };
  try {
    return fn();
  } finally {
    current = saved;
  }
}

function sourceOf(file: string): Source | undefined {
  if (!current) return undefined;
  const cached = current.files.get(file);
  if (cached !== undefined) return cached ?? undefined;
  const text = current.read(file);
  const source = text === undefined ? null : { text, lines: new LineMap(text) };
  current.files.set(file, source);
  return source ?? undefined;
}

/** Longest text a message quotes before it is shortened. */
const MAX_TEXT = 160;

/** Function names ARM and Bicep spell in camelCase, beyond those the function library implements. */
const MORE_FUNCTION_NAMES = [
  'resourceId',
  'subscriptionResourceId',
  'tenantResourceId',
  'extensionResourceId',
  'managementGroupResourceId',
  'reference',
  'resourceInfo',
  'listKeys',
  'listSecrets',
  'listAccountSas',
  'listServiceSas',
  'pickZones',
  'providers',
  'copyIndex',
  'parameters',
  'variables',
  'dataUri',
  'dataUriToString',
  'base64ToJson',
  'dateTimeAdd',
  'dateTimeFromEpoch',
  'dateTimeToEpoch',
  'loadTextContent',
  'loadJsonContent',
  'loadYamlContent',
  'loadFileAsBase64',
  'getSecret',
  'parseCidr',
  'cidrSubnet',
  'cidrHost',
  'lambdaVariables',
  'userAssignedIdentities',
  'tryIndexFromEnd',
  'indexFromEnd',
  'toLower',
  'toUpper',
  'uniqueString',
  'newGuid',
  'utcNow',
];

const CANONICAL = new Map<string, string>();
for (const name of [...WRITTEN_FUNCTION_NAMES, ...MORE_FUNCTION_NAMES]) CANONICAL.set(name.toLowerCase(), name);

/** The ARM and Bicep function names written with capitals (`resourceId`, `toLower`), as they are spelled. */
export function camelCaseFunctionNames(): string[] {
  return [...CANONICAL.values()].filter((n) => n !== n.toLowerCase());
}

/** A function name as ARM and Bicep spell it; Terraform's are lower case already. */
export function writtenFunctionName(fn: string, file?: string): string {
  if (file && isTerraformFile(file)) return fn;
  return CANONICAL.get(fn.toLowerCase()) ?? fn;
}

function isTerraformFile(file: string): boolean {
  return /\.tf(vars)?(\.json)?$/i.test(file);
}

function isJsonFile(file: string): boolean {
  const ext = extname(file).toLowerCase();
  return ext === '.json' || ext === '.jsonc';
}

/**
 * The value as written: the source text at its location when there is one that stands for the
 * value, otherwise a rendering that keeps the user's spelling. White space is collapsed and long
 * texts are shortened with an ellipsis.
 */
export function writtenText(v: Value | undefined): string {
  if (!v) return 'nothing';
  return shorten(textAt(v) ?? printValue(v));
}

/** `'x'` for a known string, the written text otherwise. */
function shorten(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_TEXT ? `${flat.slice(0, MAX_TEXT - 1)}…` : flat;
}

/** The source text of the value's expression, when it can be read and plausibly is that expression. */
function textAt(v: Value): string | undefined {
  const at = v.at;
  // An input is named by its name; a module's output is quoted as written (`identity.outputs.principalId`).
  if (!at || (v.kind === 'unknown' && v.input && v.input.kind !== 'output' && v.input.kind !== 'external')) return undefined;
  const raw = slice(at);
  if (raw === undefined) return undefined;
  const text = isJsonFile(at.file) ? armExpressionText(raw) : raw.trim();
  if (text === undefined || text === '' || !plausible(v, text)) return undefined;
  return text;
}

/** The source text at a location, as it is in the file (undefined outside an analysis or past the text). */
export function sourceTextAt(at: Location | undefined): string | undefined {
  return at ? slice(at) : undefined;
}

function slice(at: Location): string | undefined {
  const source = sourceOf(at.file);
  if (!source) return undefined;
  const start = source.lines.offset(at.range.start);
  const end = source.lines.offset(at.range.end);
  if (start < 0 || end <= start || end > source.text.length) return undefined;
  return source.text.slice(start, end);
}

/**
 * ARM JSON: a whole string node (`"[concat('a', parameters('b'))]"`) or part of the expression inside
 * one (`parameters('b')`). JSON escapes are decoded; an expression loses its brackets; a literal
 * string is quoted the way expressions quote it.
 */
function armExpressionText(raw: string): string | undefined {
  let text = raw.trim();
  if (text.startsWith('"')) {
    try {
      const decoded: unknown = JSON.parse(text);
      if (typeof decoded !== 'string') return text;
      text = decoded;
    } catch {
      return undefined;
    }
    if (text.startsWith('[[')) return `'${text.slice(1).replace(/'/g, "''")}'`;
    if (text.startsWith('[') && text.endsWith(']')) return text.slice(1, -1).trim();
    return `'${text.replace(/'/g, "''")}'`;
  }
  if (text.includes('\\')) {
    try {
      const decoded: unknown = JSON.parse(`"${text}"`);
      if (typeof decoded === 'string') text = decoded;
    } catch {
      return undefined;
    }
  }
  return text;
}

const DECLARATION = /^(param|var|resource|module|output|variable|locals|data|provider|type|func|import|targetScope)\b/;

/**
 * Whether a text can be the expression of the value: not a declaration, and an array literal only
 * for an array (a location that covers more than the value is not used). Objects are shown as
 * `{…}`: their text is too long for a message.
 */
function plausible(v: Value, text: string): boolean {
  if (DECLARATION.test(text)) return false;
  if (v.kind === 'object') return false;
  const first = text[0];
  if (first === '{') return false;
  if (first === '[') return v.kind === 'array' || v.kind === 'unknown';
  return true;
}

/** Renders a value without source text, keeping the written spelling of what it can. */
function printValue(v: Value, depth = 0): string {
  if (depth > 4) return '…';
  const inner = (x: Value): string => textAt(x) ?? printValue(x, depth + 1);
  switch (v.kind) {
    case 'string':
      return `'${v.value}'`;
    case 'number':
    case 'bool':
      return String(v.value);
    case 'null':
      return 'null';
    case 'array':
      return `[${v.items.map(inner).join(', ')}]`;
    case 'object':
      return '{…}';
    case 'unknown':
      return v.input ? v.input.name : '…';
    case 'call':
      return `${writtenFunctionName(v.fn, v.at?.file)}(${v.args.map(inner).join(', ')})`;
    case 'ref': {
      const base = v.resource.symbol;
      return v.path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p}]` : `${s}.${p}`), base);
    }
    case 'scope':
      return [`${v.level}()`, ...v.path].join('.');
    case 'concat':
      return `'${v.parts.map((p) => (p.kind === 'string' ? p.value : `\${${inner(p)}}`)).join('')}'`;
  }
}
