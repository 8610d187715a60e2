/**
 * A Terraform module folder's configuration: its files parsed, and the declarations they hold
 * (variables, locals, outputs, resources, data sources, module calls), in source order.
 */
import { dirname, resolve } from 'node:path';
import type { Location } from '../../model/location.js';
import { LineMap } from '../../model/location.js';
import type { Diagnostic, SourceComment } from '../../model/template.js';
import type { Attribute, Block, Body, Expression, HclFile, Span } from '../../syntax/hcl/ast.js';

export interface SourceFile {
  path: string;
  lineMap: LineMap;
  ast: HclFile;
}

export function locate(file: SourceFile, span: Span): Location {
  return { file: file.path, range: file.lineMap.range(span.start, span.end) };
}

export interface VariableDecl {
  name: string;
  file: SourceFile;
  block: Block;
  default?: Expression;
  type?: Expression;
}

export interface LocalDecl {
  name: string;
  file: SourceFile;
  attr: Attribute;
}

export interface OutputDecl {
  name: string;
  file: SourceFile;
  block: Block;
  value?: Expression;
}

export interface ResourceDecl {
  mode: 'managed' | 'data';
  type: string;
  name: string;
  /** `azurerm_x.y` or `data.azurerm_x.y` */
  address: string;
  file: SourceFile;
  block: Block;
}

export interface ModuleCallDecl {
  name: string;
  file: SourceFile;
  block: Block;
  /** The `source` string, when written as a literal. */
  source?: string;
  /** The folder of a local source (`./x`, `../x`), absolute. */
  localDir?: string;
}

export interface ModuleConfig {
  folder: string;
  files: SourceFile[];
  variables: Map<string, VariableDecl>;
  locals: Map<string, LocalDecl>;
  outputs: Map<string, OutputDecl>;
  resources: ResourceDecl[];
  resourceByAddress: Map<string, ResourceDecl>;
  modules: Map<string, ModuleCallDecl>;
}

export function attribute(body: Body, name: string): Attribute | undefined {
  for (const item of body.items) if (item.kind === 'Attribute' && item.name === name) return item;
  return undefined;
}

/** A literal string expression's text (a quoted string without interpolation), if it is one. */
export function literalString(e: Expression | undefined): string | undefined {
  if (!e) return undefined;
  if (e.kind === 'Literal') return typeof e.value === 'string' ? e.value : undefined;
  if (e.kind === 'Template') {
    let s = '';
    for (const p of e.parts) {
      if (p.kind !== 'Text') return undefined;
      s += p.value;
    }
    return s;
  }
  if (e.kind === 'Paren') return literalString(e.expression);
  return undefined;
}

export function isLocalSource(source: string): boolean {
  return source.startsWith('./') || source.startsWith('../') || source === '.' || source === '..' || source.startsWith('.\\') || source.startsWith('..\\');
}

function isOverrideFile(path: string): boolean {
  const base = path.replace(/\\/g, '/').split('/').pop() ?? '';
  return /^override\.tf(\.json)?$/.test(base) || /_override\.tf(\.json)?$/.test(base);
}

/** Parses files and tracks which have been reported (a file's parse error is reported once). */
export class SourceCache {
  private readonly files = new Map<string, SourceFile | null>();
  readonly diagnostics: Diagnostic[] = [];
  readonly comments: SourceComment[] = [];
  readonly read: string[] = [];

  constructor(
    private readonly readText: (path: string) => string | undefined,
    private readonly parse: (path: string, text: string) => HclFile,
    /** The host's line index of a text `readText` gave, when it keeps one. */
    private readonly lines?: (path: string) => LineMap | undefined,
  ) {}

  /** The parsed file, or undefined when it cannot be read or has syntax errors (reported once). */
  get(path: string): SourceFile | undefined {
    const cached = this.files.get(path);
    if (cached !== undefined) return cached ?? undefined;
    const text = this.readText(path);
    if (text === undefined) {
      this.files.set(path, null);
      return undefined;
    }
    this.read.push(path);
    const lineMap = this.lines?.(path) ?? new LineMap(text);
    let ast: HclFile;
    try {
      ast = this.parse(path, text);
    } catch (e) {
      this.diagnostics.push({
        code: 'parse-error',
        message: `cannot parse: ${e instanceof Error ? e.message : String(e)}`,
        at: { file: path, range: lineMap.range(0, 0) },
      });
      this.files.set(path, null);
      return undefined;
    }
    if (ast.errors.length > 0) {
      const first = [...ast.errors].sort((a, b) => a.start - b.start)[0];
      const more = ast.errors.length - 1;
      // Positions stay inside the file (an error at the end of the file ends there).
      const start = Math.min(first.start, text.length);
      this.diagnostics.push({
        code: 'parse-error',
        message: more > 0 ? `${first.message} (and ${more} more syntax error${more > 1 ? 's' : ''})` : first.message,
        at: { file: path, range: lineMap.range(start, Math.min(text.length, Math.max(start, first.end))) },
      });
      // grantlint's nesting limit alone does not stop the file's analysis: what it skipped is unknown.
      if (ast.errors.some((e) => !e.limit)) {
        this.files.set(path, null);
        return undefined;
      }
    }
    const file: SourceFile = { path, lineMap, ast };
    for (const c of ast.comments) this.comments.push({ file: path, text: c.text, at: locate(file, c) });
    this.files.set(path, file);
    return file;
  }
}

/** Reads the declarations of a module folder from its (parsed) files. */
export function loadModuleConfig(folder: string, paths: string[], cache: SourceCache): ModuleConfig {
  const config: ModuleConfig = {
    folder,
    files: [],
    variables: new Map(),
    locals: new Map(),
    outputs: new Map(),
    resources: [],
    resourceByAddress: new Map(),
    modules: new Map(),
  };
  for (const path of [...paths].sort()) {
    const file = cache.get(path);
    if (!file) continue;
    config.files.push(file);
    if (isOverrideFile(path)) continue; // override files merge into other blocks: not modelled
    for (const item of file.ast.body.items) {
      if (item.kind !== 'Block') continue;
      const labels = item.labels.map((l) => l.value);
      switch (item.type) {
        case 'variable':
          if (labels[0] && !config.variables.has(labels[0])) {
            config.variables.set(labels[0], {
              name: labels[0],
              file,
              block: item,
              default: attribute(item.body, 'default')?.value,
              type: attribute(item.body, 'type')?.value,
            });
          }
          break;
        case 'locals':
          for (const a of item.body.items) {
            if (a.kind === 'Attribute' && !config.locals.has(a.name)) config.locals.set(a.name, { name: a.name, file, attr: a });
          }
          break;
        case 'output':
          if (labels[0] && !config.outputs.has(labels[0])) {
            config.outputs.set(labels[0], { name: labels[0], file, block: item, value: attribute(item.body, 'value')?.value });
          }
          break;
        case 'resource':
        case 'data': {
          if (labels.length < 2) break;
          const mode = item.type === 'data' ? 'data' : 'managed';
          const address = `${mode === 'data' ? 'data.' : ''}${labels[0]}.${labels[1]}`;
          if (config.resourceByAddress.has(address)) break;
          const decl: ResourceDecl = { mode, type: labels[0], name: labels[1], address, file, block: item };
          config.resources.push(decl);
          config.resourceByAddress.set(address, decl);
          break;
        }
        case 'module': {
          if (!labels[0] || config.modules.has(labels[0])) break;
          const source = literalString(attribute(item.body, 'source')?.value);
          const decl: ModuleCallDecl = { name: labels[0], file, block: item };
          if (source !== undefined) {
            decl.source = source;
            if (isLocalSource(source)) decl.localDir = resolve(dirname(path), source.replace(/\\/g, '/'));
          }
          config.modules.set(labels[0], decl);
          break;
        }
        default:
          break;
      }
    }
  }
  return config;
}
