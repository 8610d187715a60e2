/**
 * The ARM JSON front end: deployment templates (`.json`/`.jsonc` whose `$schema` names a
 * deployment template) → resource instances.
 *
 * - Other JSON is skipped without a word; a file that does not parse but was meant to be a template
 *   (its text mentions a deployment template schema, or `contentVersion`) is one `parse-error`.
 * - `x.parameters.json` (schema `deploymentParameters.json`) supplies parameter values to `x.json`.
 * - A template generated from Bicep (`metadata._generator.name: bicep`) beside its `.bicep` source is
 *   skipped unless `host.includeGeneratedTemplates`.
 * - A template reached through another's `templateLink` (a `relativePath`, or an artifact-location
 *   `uri` whose path names a local file) is not a root.
 */
import { basename, dirname, join, resolve } from 'node:path';
import { emptyProgram, type ExportedValue, type LoweredProgram, type ResourceInstance } from '../../model/template.js';
import type { ScopeLevel, ScopeValue, Value } from '../../model/value.js';
import { parseTemplateString } from '../../syntax/arm/expression.js';
import { locationOf, parseJson, prop, stringProp, stringValueOffset, type JsonDocument, type JsonNode, type JsonString } from '../../syntax/json/index.js';
import type { FrontEnd, FrontEndHost } from '../types.js';
import { fileStart, internalError } from '../problems.js';
import { fileExists, generatedBesideBicep } from './generated.js';
import { rootsOfCycles } from '../roots.js';
import { tooDeepMessage } from '../../syntax/nesting.js';
import { Deployment, runTemplate, schemaLevel, templateCtx, type ParamValues, type Session, type Source } from './evaluate.js';

const MAX_INSTANCES = 200_000;
const MAX_DEPLOYMENTS = 20_000;

interface Classified {
  kind: 'template' | 'parameters' | 'broken' | 'other';
  src: Source;
  level?: ScopeLevel;
}

const LOOKS_LIKE_TEMPLATE = /deployment(Template|Parameters)\.json|"contentVersion"/i;

/** The document of `text`, through the host's kept trees when it keeps them (the fixes edit by the same tree). */
function parsed(host: FrontEndHost, file: string, text: string): JsonDocument {
  return host.syntaxTree ? host.syntaxTree(file, 'json', text, parseJson) : parseJson(text);
}

function classify(file: string, text: string, host: FrontEndHost): Classified {
  const doc = parsed(host, file, text);
  const src = { file, doc };
  if (!doc.root) return { kind: LOOKS_LIKE_TEMPLATE.test(text) ? 'broken' : 'other', src };
  const schema = stringProp(doc.root, '$schema');
  const level = schemaLevel(schema);
  if (level) return { kind: 'template', src, level };
  if (schema && /deploymentParameters\.json/i.test(schema)) return { kind: 'parameters', src };
  return { kind: 'other', src };
}

/** Quick filter before parsing: JSON that cannot be a template or parameter file. */
function mayMatter(text: string): boolean {
  return /deployment(Template|Parameters)\.json|contentVersion/i.test(text);
}

function rootScope(level: ScopeLevel): ScopeValue {
  return { kind: 'scope', level, current: true, path: [] };
}

/** The template a parameter file belongs to: `x.parameters.json` → `x.json`. */
function templateForParameters(file: string): string | undefined {
  const m = /^(.*)\.parameters\.jsonc?$/i.exec(basename(file));
  return m ? join(dirname(file), `${m[1]}.json`) : undefined;
}

/** Literal values of a parameter file (no expressions are evaluated there). */
function literal(node: JsonNode, src: Source): Value {
  const at = locationOf(src.file, src.doc, node);
  switch (node.type) {
    case 'string':
      return { kind: 'string', value: node.value, at };
    case 'number':
      return { kind: 'number', value: node.value, at };
    case 'bool':
      return { kind: 'bool', value: node.value, at };
    case 'null':
      return { kind: 'null', at };
    case 'array':
      return { kind: 'array', items: node.items.map((x) => literal(x, src)), at };
    case 'object':
      return { kind: 'object', entries: new Map(node.members.map((m) => [m.key, literal(m.value, src)])), at };
  }
}

function parameterValues(src: Source, templateFile: string): ParamValues {
  const out: ParamValues = new Map();
  const ps = prop(src.doc.root, 'parameters');
  if (!ps || ps.type !== 'object') return out;
  for (const m of ps.members) {
    const value = prop(m.value, 'value');
    if (value) out.set(m.key.toLowerCase(), literal(value, src));
    else {
      const decl = locationOf(src.file, src.doc, m);
      out.set(m.key.toLowerCase(), {
        kind: 'unknown',
        symbol: `param:${templateFile}#${m.key}`,
        input: { kind: 'parameter', name: m.key, decl },
        at: decl,
      });
    }
  }
  return out;
}

/** Local files a template links with `templateLink.relativePath` (literal paths). */
function linkedFiles(src: Source): string[] {
  const out: string[] = [];
  const visit = (n: JsonNode): void => {
    if (n.type === 'array') n.items.forEach(visit);
    else if (n.type === 'object') {
      for (const m of n.members) {
        if (m.key.toLowerCase() === 'templatelink') {
          const rel = stringProp(m.value, 'relativePath');
          if (rel && !rel.startsWith('[')) out.push(resolve(dirname(src.file), rel));
        } else visit(m.value);
      }
    }
  };
  if (src.doc.root) visit(src.doc.root);
  return out;
}

/**
 * The roots whose analysis stands: a root another kept root links to is analysed through that link
 * instead. Mutually linked roots keep the first one met.
 */
function keptRoots(slices: Map<string, ResourceInstance[]>, linkers: Map<string, Set<string>>): string[] {
  const dropped = new Set<string>();
  for (const file of slices.keys()) {
    const by = linkers.get(file);
    if (by && [...by].some((r) => slices.has(r) && !dropped.has(r))) dropped.add(file);
  }
  return [...slices.keys()].filter((f) => !dropped.has(f));
}


function isGeneratedBesideBicep(src: Source, host: FrontEndHost): boolean {
  const gen = stringProp(prop(prop(src.doc.root, 'metadata'), '_generator'), 'name');
  if (gen?.toLowerCase() !== 'bicep') return false;
  const bicep = src.file.replace(/\.jsonc?$/i, '.bicep');
  return bicep !== src.file && fileExists(host, bicep);
}

const reported = new WeakMap<LoweredProgram, Set<string>>();

function parseError(src: Source, program: LoweredProgram): void {
  const doc: JsonDocument = src.doc;
  const err = doc.error;
  if (!err) return;
  const seen = reported.get(program) ?? new Set<string>();
  reported.set(program, seen);
  if (seen.has(src.file)) return;
  seen.add(src.file);
  const pos = doc.lines.position(err.offset);
  program.diagnostics.push({
    code: 'parse-error',
    message: `Invalid JSON: ${err.message}`,
    at: { file: src.file, range: { start: pos, end: pos } },
  });
}

/**
 * An invalid `[...]` expression is the template's syntax error (Azure rejects the template): one
 * parse-error per file, at the first one. The rest of the template is still analysed.
 */
function checkExpressions(src: Source, program: LoweredProgram): void {
  let found = false;
  const check = (node: JsonString | { value: string; start: number; end: number }): void => {
    if (found || node.value.charCodeAt(0) !== 91) return;
    const t = parseTemplateString(node.value);
    if (t.kind !== 'error') return;
    found = true;
    const offset = stringValueOffset(src.doc, node as JsonString, t.error.offset);
    const pos = src.doc.lines.position(offset);
    program.diagnostics.push({ code: 'parse-error', message: `Invalid template expression: ${t.error.message}`, at: { file: src.file, range: { start: pos, end: pos } } });
  };
  const visit = (n: JsonNode): void => {
    if (found) return;
    if (n.type === 'string') check(n);
    else if (n.type === 'array') n.items.forEach(visit);
    else if (n.type === 'object') {
      for (const m of n.members) {
        check({ value: m.key, start: m.keySpan.start, end: m.keySpan.end });
        visit(m.value);
      }
    }
  };
  if (src.doc.root) visit(src.doc.root);
}

/** What an analysed template contributes besides instances: its comments and its expression errors. */
function addFileFacts(src: Source, program: LoweredProgram): void {
  checkExpressions(src, program);
  if (src.doc.deepAt !== undefined) {
    const pos = src.doc.lines.position(src.doc.deepAt);
    program.diagnostics.push({ code: 'parse-error', message: tooDeepMessage(), at: { file: src.file, range: { start: pos, end: pos } } });
  }
  for (const c of src.doc.comments) {
    program.comments.push({ file: src.file, text: c.text, at: locationOf(src.file, src.doc, c) });
  }
}

export const armFrontEnd: FrontEnd = {
  format: 'arm',
  analyze(files: string[], host: FrontEndHost): LoweredProgram {
    const program = emptyProgram();
    const templates = new Map<string, Classified>();
    const parameterFiles = new Map<string, Source>();
    const analysed = new Set<string>();

    for (const file of files) {
      const text = host.readFile(file);
      if (text === undefined || !mayMatter(text)) continue;
      if (!host.includeGeneratedTemplates && generatedBesideBicep(file, text, host)) continue;
      const c = classify(file, text, host);
      if (c.kind === 'template') templates.set(file, c);
      else if (c.kind === 'parameters') {
        const t = templateForParameters(file);
        if (t) parameterFiles.set(t, c.src);
      } else if (c.kind === 'broken') {
        parseError(c.src, program);
        analysed.add(file);
      }
    }

    // Linked templates are modules, not roots.
    const linked = new Set<string>();
    const callees = new Map<string, string[]>();
    for (const [file, c] of templates) {
      callees.set(file, linkedFiles(c.src));
      for (const f of callees.get(file)!) if (f !== c.src.file) linked.add(f);
    }
    for (const f of rootsOfCycles([...templates.keys()], linked, callees)) linked.delete(f);

    const loaded = new Map<string, Source | undefined>();
    for (const [f, c] of templates) loaded.set(f, c.src);
    const exports: ExportedValue[] = [];
    const session: Session = {
      resources: [],
      externalCalls: program.externalCalls,
      exports,
      budget: { instances: MAX_INSTANCES, deployments: MAX_DEPLOYMENTS },
      readProblem: (path) => host.readProblem?.(path),
      report: (d) => program.diagnostics.push(d),
      loadLinked(path: string): Source | undefined {
        if (!loaded.has(path)) {
          const text = host.readFile(path);
          if (text === undefined) loaded.set(path, undefined);
          else {
            const src: Source = { file: path, doc: parsed(host, path, text) };
            loaded.set(path, src);
            if (!src.doc.root) parseError(src, program);
          }
        }
        const src = loaded.get(path);
        if (src && !analysed.has(path)) {
          analysed.add(path);
          if (src.doc.root) addFileFacts(src, program);
        }
        return src?.doc.root ? src : undefined;
      },
    };

    // Templates linked by an evaluated `templateLink.uri` are only known once their caller runs:
    // each root's instances are kept apart so that a root found to be linked can be dropped.
    const linkers = new Map<string, Set<string>>();
    session.onLinked = (root, target) => {
      if (root === target) return;
      const set = linkers.get(target) ?? new Set<string>();
      set.add(root);
      linkers.set(target, set);
    };
    const slices = new Map<string, ResourceInstance[]>();
    for (const [file, c] of templates) {
      if (linked.has(file)) continue;
      if (!host.includeGeneratedTemplates && isGeneratedBesideBicep(c.src, host)) continue;
      const root = c.src.doc.root;
      if (!root || root.type !== 'object') continue;
      analysed.add(file);
      addFileFacts(c.src, program);
      const paramSrc = parameterFiles.get(file);
      if (paramSrc) analysed.add(paramSrc.file);
      const scope = rootScope(c.level ?? 'resourceGroup');
      session.resources = [];
      slices.set(file, session.resources);
      try {
        const ctx = templateCtx({
          session,
          src: c.src,
          template: root,
          pointer: '',
          given: paramSrc ? parameterValues(paramSrc, file) : undefined,
          symbolBase: file,
          root: true,
          exprScope: scope,
          targetScope: scope,
          deployment: new Deployment(undefined, 0),
          callChain: [],
          keyPrefix: '',
          fileChain: [file],
        });
        runTemplate(ctx);
      } catch (e) {
        // What was lowered so far stays, and the failure is a finding on this root.
        program.diagnostics.push(internalError('this template', e, fileStart(file)));
      }
    }

    program.resources = keptRoots(slices, linkers).flatMap((file) => slices.get(file)!);
    program.exports = exports;
    program.files = [...analysed];
    return program;
  },
};
