/**
 * `Microsoft.Resources/deploymentScripts` in Bicep and ARM: the script a deployment runs is a
 * script like any other. Its text is `properties.scriptContent` (a string, mapped back to the
 * lines of the template that holds it; a Bicep `loadTextContent('x.sh')` reads that file, whose
 * lines findings point at), or `primaryScriptUri` when it names a file beside the template (a
 * relative path, or `<artifacts location>/path` staged from the template's folder). `kind` says the
 * language (`AzureCLI`: shell, `AzurePowerShell`: PowerShell). The script runs with the resource's
 * `environmentVariables` (values from the template: an identity's principal ID stays that
 * identity) and, when they are literal, its `arguments`. A remote URI is not fetched.
 */
import { internalError, unreadable } from '../problems.js';
import { dirname, resolve } from 'node:path';
import { LineMap, type Location } from '../../model/location.js';
import { emptyProgram, type LoweredProgram, type ResourceInstance } from '../../model/template.js';
import { asString, getProp, str, type Value } from '../../model/value.js';
import { embeddedSource, fileSource, type ScriptSource } from '../../syntax/script/source.js';
import { unwrap } from '../../graph/values.js';
import type { FrontEndHost } from '../types.js';
import { OPAQUE_CHAR, type Language } from './evaluate.js';
import { lowerScript, readScript } from './script.js';

const DEPLOYMENT_SCRIPTS = 'microsoft.resources/deploymentscripts';

export function deploymentScriptPrograms(resources: ResourceInstance[], host: FrontEndHost): LoweredProgram {
  const out = emptyProgram();
  const lines = new Map<string, LineMap>();
  const lineMap = (file: string, text: string): LineMap => {
    let m = lines.get(file);
    if (!m) lines.set(file, (m = new LineMap(text)));
    return m;
  };
  for (const r of resources) {
    if (r.format === 'terraform' || r.format === 'script' || r.type.toLowerCase() !== DEPLOYMENT_SCRIPTS) continue;
    if (host.scriptsEnabled && !host.scriptsEnabled(r.decl.file)) continue;
    const kind = asString(unwrap(getProp(r.body, 'kind')))?.toLowerCase();
    const language: Language | undefined = kind === 'azurecli' ? 'shell' : kind === 'azurepowershell' ? 'powershell' : undefined;
    if (!language) continue;
    const props = getProp(r.body, 'properties');
    const source = scriptSource(r, getProp(props, 'scriptContent'), getProp(props, 'primaryScriptUri'), host, lineMap, out);
    if (!source) continue;
    const variables = environment(getProp(props, 'environmentVariables'));
    for (const [k, v] of scriptArguments(asString(unwrap(getProp(props, 'arguments'))), language)) variables.set(k, v);
    try {
      lowerScript({ source, language, options: { variables, keyPrefix: `${r.key}|` }, callChain: r.callChain }, out);
    } catch (e) {
      out.diagnostics.push(internalError('this deployment script', e, r.decl));
    }
  }
  return out;
}

function scriptSource(
  r: ResourceInstance,
  content: Value | undefined,
  uri: Value | undefined,
  host: FrontEndHost,
  lineMap: (file: string, text: string) => LineMap,
  out: LoweredProgram,
): ScriptSource | undefined {
  const v = unwrap(content);
  if (v && (v.kind === 'string' || v.kind === 'concat')) return embedded(r, v, host, lineMap);
  if (v?.kind === 'call' && v.fn === 'loadtextcontent') return localFile(v.args[0], v.at ?? r.decl, host, out);
  const u = unwrap(uri);
  if (!u) return undefined;
  if (u.kind === 'string' && !/^[a-z][a-z0-9+.-]*:/i.test(u.value)) return localFile(u, u.at ?? r.decl, host, out);
  if (u.kind === 'concat' && u.parts[0]?.kind !== 'string') {
    // `${_artifactsLocation}/scripts/x.sh${sasToken}`: the path after the staging location.
    const path = u.parts.find((p): p is Extract<Value, { kind: 'string' }> => p.kind === 'string' && /\.(sh|ps1|bash)$/i.test(p.value));
    if (path) return localFile(str(path.value.replace(/^\/+/, ''), u.at), u.at ?? r.decl, host, out);
  }
  return undefined;
}

/** A `scriptContent` written in the template: its lines found again in the template's text. */
function embedded(r: ResourceInstance, v: Value, host: FrontEndHost, lineMap: (file: string, text: string) => LineMap): ScriptSource | undefined {
  const at = v.at ?? r.decl;
  const hostText = host.readFile(at.file);
  if (hostText === undefined) return undefined;
  const text = v.kind === 'string' ? v.value : v.kind === 'concat' ? v.parts.map((p) => (p.kind === 'string' ? p.value : OPAQUE_CHAR)).join('') : '';
  const lines = lineMap(at.file, hostText);
  return embeddedSource(at.file, `ds@${at.range.start.line}:${at.range.start.column}`, text, hostText, lines, lines.offset(at.range.start), lines.offset(at.range.end));
}

/** A script file named relative to the template that names it. */
function localFile(pathValue: Value | undefined, at: Location, host: FrontEndHost, out: LoweredProgram): ScriptSource | undefined {
  const rel = asString(unwrap(pathValue));
  if (rel === undefined) return undefined;
  const file = resolve(dirname(at.file), rel);
  const text = readScript(file, host);
  if (text === undefined) {
    // A script the template names but grantlint cannot read (outside the root, not a regular file):
    // what it does is not analysed, and the user is told.
    const why = host.readProblem?.(file);
    if (why) out.diagnostics.push(unreadable('script', rel, why, at));
    return undefined;
  }
  out.files.push(file);
  return fileSource(file, text);
}

/** `environmentVariables: [{ name, value | secureValue }]`. */
function environment(list: Value | undefined): Map<string, Value> {
  const out = new Map<string, Value>();
  const u = unwrap(list);
  if (u?.kind !== 'array') return out;
  for (const item of u.items) {
    const name = asString(unwrap(getProp(item, 'name')));
    const value = getProp(item, 'value') ?? getProp(item, 'secureValue');
    if (name !== undefined && value) out.set(name, value);
  }
  return out;
}

/**
 * Literal `arguments`: positional (`$1`...) for the CLI, `-Name value` for PowerShell's `param()`.
 * Quotes group words; anything more elaborate is left unbound (unknown).
 */
function scriptArguments(text: string | undefined, language: Language): Map<string, Value> {
  const out = new Map<string, Value>();
  if (!text) return out;
  const words = [...text.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
  if (language === 'shell') {
    words.slice(0, 9).forEach((w, i) => out.set(String(i + 1), str(w)));
    return out;
  }
  for (let i = 0; i + 1 < words.length; i++) {
    if (/^-[A-Za-z]\w*$/.test(words[i]) && !/^-[A-Za-z]/.test(words[i + 1])) {
      out.set(words[i].slice(1).toLowerCase(), str(words[i + 1]));
      i++;
    }
  }
  return out;
}
