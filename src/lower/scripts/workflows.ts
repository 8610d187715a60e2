/**
 * Scripts in CI YAML, parsed with the `yaml` package, positions mapped back to the YAML file:
 * - GitHub workflows (`.github/workflows/*.yml|yaml`) and composite actions (`action.yml`): each
 *   `run:` step, in the shell its `shell:` (or `defaults.run.shell`, or the runner's default: bash,
 *   pwsh on Windows runners) names, with the `env:` of the workflow, job and step;
 * - Azure Pipelines: `script`/`bash`/`pwsh`/`powershell` steps and the `AzureCLI`, `AzurePowerShell`,
 *   `Bash` and `PowerShell` tasks' inline scripts and script files (`scriptPath`, `ScriptPath`,
 *   `filePath`), with literal `variables:` as `$(name)` macros and environment variables.
 * `${{ ... }}` expressions are unknown text. Each step is its own process: variables do not carry
 * from one step to the next.
 */
import { dirname, join, resolve } from 'node:path';
import type { Document, Node as YamlNode, Pair, YAMLMap } from 'yaml';
import { lazyYaml } from '../../engine/lazy-deps.js';
import { LineMap, type Location } from '../../model/location.js';
import type { LoweredProgram } from '../../model/template.js';
import { str, unknown, type Value } from '../../model/value.js';
import { embeddedSource, fileSource } from '../../syntax/script/source.js';
import type { FrontEndHost } from '../types.js';
import { OPAQUE_CHAR, type Language } from './evaluate.js';
import { languageOf, lowerScript, readScript } from './script.js';

/** `.github/workflows/x.yml`, `action.yml`, `azure-pipelines*.yml` and the like, by path alone. */
export function isWorkflowPath(path: string): boolean {
  const p = path.replace(/\\/g, '/').toLowerCase();
  if (!/\.ya?ml$/.test(p)) return false;
  const name = p.slice(p.lastIndexOf('/') + 1);
  return p.includes('/.github/workflows/') || p.startsWith('.github/workflows/') || name === 'action.yml' || name === 'action.yaml' || name.startsWith('azure-pipelines') || p.includes('/.azure-pipelines/') || p.includes('/.pipelines/');
}

/**
 * Whether a YAML file's text looks like an Azure Pipelines definition: a top-level `steps`, `jobs`
 * or `stages` key and a step or task entry. Kubernetes manifests, Compose files and GitLab CI do not.
 */
export function looksLikePipeline(text: string): boolean {
  if (/^apiVersion\s*:/m.test(text) && /^kind\s*:/m.test(text)) return false;
  return /^(steps|jobs|stages)\s*:/m.test(text) && /^\s*-\s*(task|script|bash|pwsh|powershell|checkout|job|stage|deployment)\s*:/m.test(text);
}

interface Ctx {
  file: string;
  text: string;
  lines: LineMap;
  host: FrontEndHost;
  out: LoweredProgram;
  /** Script files analysed on their own: not read again through a pipeline. */
  discovered: Set<string>;
}

type Y = typeof import('yaml');

export function analyzeWorkflowFile(file: string, host: FrontEndHost, out: LoweredProgram, discovered: Set<string>): void {
  const text = host.readFile(file);
  if (text === undefined) return;
  const byPath = isWorkflowPath(file);
  if (!byPath && !looksLikePipeline(text)) return;
  const yaml = lazyYaml();
  const lines = new LineMap(text);
  const doc = yaml.parseDocument(text, { uniqueKeys: false, prettyErrors: false }) as Document.Parsed;
  if (doc.errors.length > 0) {
    if (!byPath) return;
    const e = doc.errors[0];
    const start = lines.position(e.pos[0]);
    out.files.push(file);
    out.diagnostics.push({
      code: 'parse-error',
      message: `This YAML file cannot be parsed: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`,
      at: { file, range: { start, end: lines.position(Math.max(e.pos[1], e.pos[0])) } },
    });
    return;
  }
  const root = doc.contents;
  if (!yaml.isMap(root)) return;
  out.files.push(file);
  collectComments(text, lines, file, out);
  const ctx: Ctx = { file, text, lines, host, out, discovered };
  const norm = file.replace(/\\/g, '/');
  if (norm.includes('/.github/workflows/') || norm.startsWith('.github/workflows/')) githubWorkflow(yaml, root, ctx);
  else if (/\/action\.ya?ml$/i.test(norm) || /^action\.ya?ml$/i.test(norm)) compositeAction(yaml, root, ctx);
  else azurePipeline(yaml, root, ctx, { windows: false, macros: new Map(), env: new Map() });
}

/** `#` comments of the YAML file (suppressions above a `run:` step, or inside its script). */
function collectComments(text: string, lines: LineMap, file: string, out: LoweredProgram): void {
  const re = /(^|[ \t])#[^\n\r]*/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const start = m.index + m[1].length;
    const body = text.slice(start, m.index + m[0].length);
    if (!body.includes('grantlint-')) continue;
    out.comments.push({ file, text: body, at: { file, range: lines.range(start, m.index + m[0].length) } });
  }
}

function get(yaml: Y, map: unknown, key: string, caseless = false): YamlNode | undefined {
  if (!yaml.isMap(map)) return undefined;
  for (const pair of (map as YAMLMap).items as Pair[]) {
    const k = yaml.isScalar(pair.key) ? String(pair.key.value) : undefined;
    if (k === key || (caseless && k?.toLowerCase() === key.toLowerCase())) return (pair.value ?? undefined) as YamlNode | undefined;
  }
  return undefined;
}

function scalar(yaml: Y, node: unknown): string | undefined {
  if (!yaml.isScalar(node)) return undefined;
  const v = node.value;
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}

function locationOfNode(ctx: Ctx, node: YamlNode): Location {
  const range = node.range ?? [0, 0, 0];
  return { file: ctx.file, range: ctx.lines.range(range[0], range[1]) };
}

/** Replaces `${{ ... }}` with unknown text of the same length. */
function maskExpressions(text: string): string {
  return text.replace(/\$\{\{[\s\S]*?\}\}/g, (m) => OPAQUE_CHAR.repeat(m.length));
}

/** An `env:` / `variables:` map: literal values, and unknowns where an expression is. */
function envMap(yaml: Y, node: unknown, ctx: Ctx, into: Map<string, Value>): Map<string, Value> {
  const out = new Map(into);
  if (!yaml.isMap(node)) return out;
  for (const pair of node.items as Pair[]) {
    const name = scalar(yaml, pair.key);
    if (name === undefined) continue;
    const v = scalar(yaml, pair.value);
    const at = yaml.isNode(pair.value) ? locationOfNode(ctx, pair.value) : undefined;
    out.set(name, v !== undefined && !v.includes('${{') && !v.includes('$(') && !v.includes('$[') ? str(v, at) : unknown(undefined, at, { kind: 'external', name }));
  }
  return out;
}

/** One inline script: parsed in `language`, its lines mapped to the YAML node that holds it. */
function inlineScript(yaml: Y, node: YamlNode, language: Language, ctx: Ctx, variables: Map<string, Value>, macros?: Map<string, Value>): void {
  const value = scalar(yaml, node);
  if (value === undefined || !node.range) return;
  const masked = maskExpressions(value);
  const source = embeddedSource(ctx.file, `yaml@${node.range[0]}`, masked, ctx.text, ctx.lines, node.range[0], node.range[2], value);
  lowerScript({ source, language, options: { variables, ...(macros ? { macros } : {}) }, comments: false }, ctx.out);
}

function shellLanguage(shell: string | undefined, windows: boolean): Language | undefined {
  const s = (shell ?? (windows ? 'pwsh' : 'bash')).trim().toLowerCase();
  if (/^(bash|sh)\b/.test(s)) return 'shell';
  if (/^(pwsh|powershell)\b/.test(s)) return 'powershell';
  return undefined;
}

function githubWorkflow(yaml: Y, root: YAMLMap, ctx: Ctx): void {
  const wfEnv = envMap(yaml, get(yaml, root, 'env'), ctx, new Map());
  const wfShell = scalar(yaml, get(yaml, get(yaml, get(yaml, root, 'defaults'), 'run'), 'shell'));
  const jobs = get(yaml, root, 'jobs');
  if (!yaml.isMap(jobs)) return;
  for (const pair of jobs.items as Pair[]) {
    const job = pair.value;
    if (!yaml.isMap(job)) continue;
    const runsOn = get(yaml, job, 'runs-on');
    const windows = /windows/i.test(String(yaml.isNode(runsOn) ? runsOn.toString() : ''));
    const jobShell = scalar(yaml, get(yaml, get(yaml, get(yaml, job, 'defaults'), 'run'), 'shell')) ?? wfShell;
    const jobEnv = envMap(yaml, get(yaml, job, 'env'), ctx, wfEnv);
    githubSteps(yaml, get(yaml, job, 'steps'), ctx, jobEnv, jobShell, windows);
  }
}

function githubSteps(yaml: Y, steps: unknown, ctx: Ctx, env: Map<string, Value>, defaultShell: string | undefined, windows: boolean): void {
  if (!yaml.isSeq(steps)) return;
  for (const step of steps.items) {
    if (!yaml.isMap(step)) continue;
    const run = get(yaml, step, 'run');
    if (!run) continue;
    const language = shellLanguage(scalar(yaml, get(yaml, step, 'shell')) ?? defaultShell, windows);
    if (!language) continue;
    inlineScript(yaml, run, language, ctx, envMap(yaml, get(yaml, step, 'env'), ctx, env));
  }
}

function compositeAction(yaml: Y, root: YAMLMap, ctx: Ctx): void {
  const runs = get(yaml, root, 'runs');
  if (scalar(yaml, get(yaml, runs, 'using'))?.toLowerCase() !== 'composite') return;
  githubSteps(yaml, get(yaml, runs, 'steps'), ctx, new Map(), undefined, false);
}

interface PipelineScope {
  windows: boolean;
  /** Literal pipeline variables by lower-case name (`$(name)` macros). */
  macros: Map<string, Value>;
  /** The same as environment variables (upper case, `.` as `_`). */
  env: Map<string, Value>;
}

/** `variables:` as a map or a list of `{ name, value }` (groups and templates are unknown). */
function pipelineVariables(yaml: Y, node: unknown, ctx: Ctx, scope: PipelineScope): PipelineScope {
  if (!node) return scope;
  const macros = new Map(scope.macros);
  const env = new Map(scope.env);
  const set = (name: string, valueNode: unknown): void => {
    const v = scalar(yaml, valueNode);
    const at = yaml.isNode(valueNode) ? locationOfNode(ctx, valueNode) : undefined;
    const value = v !== undefined && !/\$[({[]/.test(v) ? str(v, at) : unknown(undefined, at, { kind: 'external', name });
    macros.set(name.toLowerCase(), value);
    env.set(name.toUpperCase().replace(/\./g, '_'), value);
  };
  if (yaml.isMap(node)) {
    for (const pair of node.items as Pair[]) {
      const name = scalar(yaml, pair.key);
      if (name !== undefined) set(name, pair.value);
    }
  } else if (yaml.isSeq(node)) {
    for (const item of node.items) {
      const name = scalar(yaml, get(yaml, item, 'name'));
      if (name !== undefined) set(name, get(yaml, item, 'value'));
    }
  }
  return { ...scope, macros, env };
}

const TASKS: Record<string, { type: string[]; inline: string[]; path: string[]; language: (type: string | undefined) => Language | undefined }> = {
  azurecli: {
    type: ['scriptType'],
    inline: ['inlineScript'],
    path: ['scriptPath'],
    language: (t) => (t === undefined || t === 'bash' ? 'shell' : t === 'ps' || t === 'pscore' ? 'powershell' : undefined),
  },
  azurepowershell: { type: [], inline: ['Inline'], path: ['ScriptPath'], language: () => 'powershell' },
  bash: { type: [], inline: ['script'], path: ['filePath'], language: () => 'shell' },
  powershell: { type: [], inline: ['script'], path: ['filePath'], language: () => 'powershell' },
};

function azurePipeline(yaml: Y, node: unknown, ctx: Ctx, inherited: PipelineScope): void {
  if (yaml.isSeq(node)) {
    for (const item of node.items) azurePipeline(yaml, item, ctx, inherited);
    return;
  }
  if (!yaml.isMap(node)) return;
  let scope = pipelineVariables(yaml, get(yaml, node, 'variables'), ctx, inherited);
  const pool = get(yaml, node, 'pool');
  const image = scalar(yaml, get(yaml, pool, 'vmImage')) ?? scalar(yaml, pool);
  if (image !== undefined) scope = { ...scope, windows: /windows|win20|vs20/i.test(image) };
  const env = (): Map<string, Value> => envMap(yaml, get(yaml, node, 'env'), ctx, scope.env);
  for (const [key, language] of [['bash', 'shell'], ['script', scope.windows ? undefined : 'shell'], ['pwsh', 'powershell'], ['powershell', 'powershell']] as const) {
    const step = get(yaml, node, key);
    if (step && yaml.isScalar(step)) {
      if (language) inlineScript(yaml, step, language, ctx, env(), scope.macros);
      return;
    }
  }
  const task = scalar(yaml, get(yaml, node, 'task'));
  if (task !== undefined) {
    const spec = TASKS[task.split('@')[0].trim().toLowerCase()];
    if (spec) pipelineTask(yaml, node, spec, ctx, scope, env());
    return;
  }
  for (const pair of node.items as Pair[]) {
    const k = scalar(yaml, pair.key);
    if (k === 'variables' || k === 'env' || k === 'parameters') continue;
    azurePipeline(yaml, pair.value, ctx, scope);
  }
}

function pipelineTask(yaml: Y, node: YAMLMap, spec: (typeof TASKS)[string], ctx: Ctx, scope: PipelineScope, env: Map<string, Value>): void {
  const inputs = get(yaml, node, 'inputs');
  const input = (names: string[]): YamlNode | undefined => {
    for (const n of names) {
      const v = get(yaml, inputs, n, true);
      if (v) return v;
    }
    return undefined;
  };
  const type = scalar(yaml, input(spec.type))?.toLowerCase();
  const language = spec.language(type);
  if (!language) return;
  const inline = input(spec.inline);
  if (inline) {
    inlineScript(yaml, inline, language, ctx, env, scope.macros);
    return;
  }
  const path = scalar(yaml, input(spec.path));
  if (path === undefined) return;
  const file = findScriptFile(path, ctx);
  if (!file || ctx.discovered.has(file)) return;
  const text = readScript(file, ctx.host);
  if (text === undefined) return;
  ctx.out.files.push(file);
  lowerScript({ source: fileSource(file, text), language: languageOf(file) ?? language, options: { variables: env, macros: scope.macros } }, ctx.out);
}

/**
 * A pipeline's script path is relative to the repository root (`$(System.DefaultWorkingDirectory)`
 * and its synonyms): the first folder from the pipeline file's upwards that holds it.
 */
function findScriptFile(path: string, ctx: Ctx): string | undefined {
  const rel = path
    .replace(/^\$\((System\.DefaultWorkingDirectory|Build\.SourcesDirectory|Build\.Repository\.LocalPath)\)[\\/]?/i, '')
    .replace(/\\/g, '/');
  if (/\$\(|\$\{\{/.test(rel) || /^[a-z]+:\/\//i.test(rel)) return undefined;
  if (rel.startsWith('/')) return ctx.host.readFile(rel) !== undefined ? rel : undefined;
  let dir = dirname(ctx.file);
  for (let i = 0; i < 8; i++) {
    const candidate = resolve(join(dir, rel));
    if (ctx.host.readFile(candidate) !== undefined) return candidate;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return undefined;
}
