/**
 * One parsed Bicep (or .bicepparam) file and its static declaration index: what the evaluator needs
 * to look symbols up, built once per file per run.
 */
import type {
  BicepFile,
  Expression,
  FuncStatement,
  ImportStatement,
  ModuleStatement,
  ObjectExpression,
  OutputStatement,
  ResourceStatement,
  Span,
  Statement,
  VarStatement,
} from '../../syntax/bicep/ast.js';
import { LineMap, type Location } from '../../model/location.js';

export interface ResourceDecl {
  stmt: ResourceStatement;
  /** The identifier as written. */
  name: string;
  /** `site` or, for a nested child, `site::config`. */
  symbol: string;
  /** The name used in keys: the identifier, made unique when a file declares it twice. */
  keyName: string;
  /** Full ARM type without API version. */
  type: string;
  apiVersion?: string;
  /** The enclosing resource of a nested child. */
  parent?: ResourceDecl;
  children: ResourceDecl[];
  /** From the `resource` keyword to the end of the statement. */
  decl: Location;
  declKey: string;
}

/** A parameter: a template's `param x T = default` or a `.bicepparam` file's `param x = value`. */
export interface ParamDecl {
  name: string;
  defaultValue?: Expression;
  nullable: boolean;
  decl: Location;
}

export interface ImportedName {
  stmt: ImportStatement;
  /** The name in the imported file. */
  original: string;
}

export class SourceFile {
  readonly lines: LineMap;
  readonly params = new Map<string, ParamDecl>();
  readonly vars = new Map<string, VarStatement>();
  readonly resources = new Map<string, ResourceDecl>();
  /** Top-level resource declarations, by statement. */
  readonly declOf = new Map<ResourceStatement, ResourceDecl>();
  readonly allResources: ResourceDecl[] = [];
  readonly modules = new Map<string, ModuleStatement>();
  /** The name of each module statement in keys (unique in the file). */
  readonly moduleKeyName = new Map<ModuleStatement, string>();
  readonly outputs = new Map<string, OutputStatement>();
  readonly funcs = new Map<string, FuncStatement>();
  readonly imports = new Map<string, ImportedName>();
  readonly wildcardImports = new Map<string, ImportStatement>();
  readonly byType = new Map<string, ResourceDecl[]>();
  targetScope?: Expression;
  usingPath?: string;
  private readonly locs = new WeakMap<Span, Location>();
  private readonly usedKeys = new Set<string>();

  constructor(
    readonly path: string,
    readonly text: string,
    readonly ast: BicepFile,
    lines?: LineMap,
  ) {
    this.lines = lines ?? new LineMap(text);
    for (const st of ast.statements) this.index(st);
  }

  /** A syntax error stops the file's analysis; grantlint's nesting limit does not. */
  get failed(): boolean {
    return this.ast.errors.some((e) => !e.limit);
  }

  /** The location of a node (memoized per node). */
  loc(span: Span): Location {
    let l = this.locs.get(span);
    if (!l) {
      l = { file: this.path, range: this.lines.range(span.start, span.end) };
      this.locs.set(span, l);
    }
    return l;
  }

  /** From `keyword` (the last occurrence before the declared name) to the end of the statement. */
  keywordLoc(stmt: Span & { name: Span }, keyword: string): Location {
    let start = this.text.lastIndexOf(keyword, stmt.name.start - keyword.length - 1);
    if (start < stmt.start) start = stmt.start;
    return { file: this.path, range: this.lines.range(start, stmt.end) };
  }

  private index(st: Statement): void {
    switch (st.kind) {
      case 'TargetScope':
        this.targetScope = st.value;
        break;
      case 'Param':
        this.params.set(st.name.name, {
          name: st.name.name,
          defaultValue: st.defaultValue,
          nullable: !!st.type && /\?\s*$/.test(st.type.text),
          decl: this.loc(st),
        });
        break;
      case 'ParamAssignment':
        this.params.set(st.name.name, { name: st.name.name, defaultValue: st.value, nullable: false, decl: this.loc(st) });
        break;
      case 'Var':
        this.vars.set(st.name.name, st);
        break;
      case 'Resource': {
        const d = this.resourceDecl(st, undefined);
        this.declOf.set(st, d);
        if (!this.resources.has(st.name.name)) this.resources.set(st.name.name, d);
        break;
      }
      case 'Module': {
        if (!this.modules.has(st.name.name)) this.modules.set(st.name.name, st);
        let keyName = st.name.name;
        for (let n = 2; this.usedKeys.has(`module:${keyName}`); n++) keyName = `${st.name.name}~${n}`;
        this.usedKeys.add(`module:${keyName}`);
        this.moduleKeyName.set(st, keyName);
        break;
      }
      case 'Output':
        this.outputs.set(st.name.name, st);
        break;
      case 'Func':
        this.funcs.set(st.name.name, st);
        break;
      case 'Import':
        if (st.wildcardAlias) this.wildcardImports.set(st.wildcardAlias.name, st);
        for (const item of st.items) this.imports.set((item.alias ?? item.name).name, { stmt: st, original: item.name.name });
        break;
      case 'Using':
        if (st.path && st.path.expressions.length === 0) this.usingPath = st.path.parts.join('');
        break;
      default:
        break;
    }
  }

  private resourceDecl(stmt: ResourceStatement, parent: ResourceDecl | undefined): ResourceDecl {
    const typeText = stmt.typeString.parts.join('');
    const at = typeText.indexOf('@');
    const rawType = at >= 0 ? typeText.slice(0, at) : typeText;
    const apiVersion = at >= 0 ? typeText.slice(at + 1) : undefined;
    let type = rawType;
    if (parent && !rawType.toLowerCase().startsWith(parent.type.toLowerCase() + '/')) {
      type = rawType.includes('.') && rawType.includes('/') ? rawType : `${parent.type}/${rawType}`;
    }
    const symbol = parent ? `${parent.symbol}::${stmt.name.name}` : stmt.name.name;
    let keyName = stmt.name.name;
    const keyPrefix = parent ? `${parent.declKey}::` : `${this.path}#`;
    for (let n = 2; this.usedKeys.has(keyPrefix + keyName); n++) keyName = `${stmt.name.name}~${n}`;
    this.usedKeys.add(keyPrefix + keyName);
    const decl: ResourceDecl = {
      stmt,
      name: stmt.name.name,
      symbol,
      keyName,
      type,
      children: [],
      decl: this.keywordLoc(stmt, 'resource'),
      declKey: keyPrefix + keyName,
    };
    if (apiVersion) decl.apiVersion = apiVersion;
    if (parent) decl.parent = parent;
    this.allResources.push(decl);
    const key = type.toLowerCase();
    const list = this.byType.get(key);
    if (list) list.push(decl);
    else this.byType.set(key, [decl]);
    const body = resourceBody(stmt.value);
    if (body) {
      for (const p of body.properties) if (p.kind === 'Resource') decl.children.push(this.resourceDecl(p, decl));
    }
    return decl;
  }
}

/** The object body of a resource or module value: `{...}`, `if (c) {...}`, `[for x in y: {...}]`. */
export function resourceBody(e: Expression): ObjectExpression | undefined {
  switch (e.kind) {
    case 'Object':
      return e;
    case 'If':
    case 'For':
      return resourceBody(e.body);
    case 'Paren':
      return resourceBody(e.expression);
    default:
      return undefined;
  }
}

/** A plain (non-interpolated) string literal's text. */
export function literalText(e: Expression | undefined): string | undefined {
  return e && e.kind === 'String' && e.expressions.length === 0 ? e.parts.join('') : undefined;
}
