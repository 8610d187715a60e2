/**
 * The Bicep partial evaluator: one `FileInstance` per analysis of a file (a root, a module call, a
 * loop element of a module call), evaluating lazily and memoizing parameters, variables, outputs,
 * resource instances and module instances. Cycles evaluate to unknown.
 */
import * as nodePath from 'node:path';
import type { Location } from '../../model/location.js';
import type { Diagnostic, ExportedValue, ExternalCall, ResourceInstance, SourceComment } from '../../model/template.js';
import {
  describeValue,
  getProp,
  sameValue,
  unknownAt,
  withAt,
  type ObjectValue,
  type RefValue,
  type ScopeLevel,
  type ScopeValue,
  type Value,
} from '../../model/value.js';
import type {
  BinaryExpression,
  BicepFile,
  CallExpression,
  Expression,
  ForExpression,
  FuncStatement,
  Identifier,
  IndexExpression,
  LambdaExpression,
  MemberExpression,
  ModuleStatement,
  ObjectExpression,
  StringLiteral,
} from '../../syntax/bicep/ast.js';
import type { FrontEndHost } from '../types.js';
import { loadArmModule, type ArmModuleInstance } from '../arm/module.js';
import {
  arrV,
  boolV,
  callFunction,
  concatParts,
  knownEquals,
  MAYBE_NULL_CALLS,
  nullV,
  numV,
  objV,
  scopeValue,
  shapeCouldBe,
  stringShape,
  strV,
  symbolicCall,
  truth,
  type FnArg,
  type FunctionContext,
  type LambdaArg,
  type ResourceQuery,
} from '../../link/functions.js';
import { dependsOnInput, isConditionalPrincipal } from './inputs.js';
import { literalText, resourceBody, SourceFile, type ResourceDecl } from './source.js';
import { appendAll } from '../../util/arrays.js';
import { memoized } from '../../util/memo.js';
import { budgetExceeded, internalError, moduleCycle, unreadable } from '../problems.js';

export interface Limits {
  /** Elements taken from one loop's collection. */
  maxLoop: number;
  /** Resource instances per root analysis. */
  maxInstances: number;
  /** Module instances per root analysis. */
  maxModuleInstances: number;
  /** Module nesting depth. */
  maxModuleDepth: number;
  /** Expression evaluation nesting depth. */
  maxEvalDepth: number;
  /** Expressions evaluated per root analysis; past it everything is unknown. */
  maxEvals: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxLoop: 1000,
  maxInstances: 20_000,
  maxModuleInstances: 2_000,
  maxModuleDepth: 24,
  maxEvalDepth: 400,
  maxEvals: 2_000_000,
};

export type ParseFn = (text: string, path: string) => BicepFile;

/** State shared by every file instance of one `analyze` call. */
export class Run {
  readonly resources: ResourceInstance[] = [];
  /** Outputs of every file instance run, and the arguments of every module call. */
  readonly exports: ExportedValue[] = [];
  readonly diagnostics: Diagnostic[] = [];
  readonly comments: SourceComment[] = [];
  readonly files: string[] = [];
  readonly externalCalls: ExternalCall[] = [];
  /** Every instance's evaluation record, to go from a `ref` back to its declaration. */
  readonly entries = new Map<ResourceInstance, Entry>();
  private readonly sources = new Map<string, SourceFile | null>();
  private readonly importInstances = new Map<string, FileInstance | null>();
  instances = 0;
  moduleInstances = 0;
  evals = 0;
  evalDepth = 0;

  constructor(
    readonly host: FrontEndHost,
    readonly parse: ParseFn,
    readonly limits: Limits = DEFAULT_LIMITS,
  ) {}

  /** A file reached other than through `source()` (a local ARM JSON module): analysed here, not a root elsewhere. */
  reachedFile(path: string): void {
    if (!this.files.includes(path)) this.files.push(path);
  }

  /** Starts the budget of a new root analysis. */
  resetBudget(): void {
    this.instances = 0;
    this.moduleInstances = 0;
    this.evals = 0;
    this.spent.clear();
  }

  /** Budgets that ran out in this root (each reported once); a spent instance budget makes loops abstract. */
  readonly spent = new Set<string>();

  /** Reports a budget that ran out at `at`, once per root and kind. */
  budgetSpent(kind: string, what: string, at: Location): void {
    if (this.spent.has(kind)) return;
    this.spent.add(kind);
    this.diagnostics.push(budgetExceeded(what, at));
  }

  /** The parsed file (once per run); a parse-error diagnostic is recorded the first time. */
  source(path: string): SourceFile | undefined {
    const cached = this.sources.get(path);
    if (cached !== undefined) return cached ?? undefined;
    const text = this.host.readFile(path);
    if (text === undefined) {
      this.sources.set(path, null);
      return undefined;
    }
    let src: SourceFile;
    try {
      src = new SourceFile(path, text, this.parse(text, path), this.host.lineMap?.(path));
    } catch (e) {
      this.sources.set(path, null);
      this.diagnostics.push({
        code: 'parse-error',
        message: `Could not parse the file: ${e instanceof Error ? e.message : String(e)}`,
        at: { file: path, range: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } } },
      });
      return undefined;
    }
    this.sources.set(path, src);
    this.files.push(path);
    const errors = src.ast.errors;
    if (errors.length) {
      const first = errors.reduce((a, e) => (e.start < a.start ? e : a), errors[0]);
      const more = errors.length - 1;
      this.diagnostics.push({
        code: 'parse-error',
        message: more ? `${first.message} (and ${more} more syntax error${more > 1 ? 's' : ''})` : first.message,
        at: src.loc(first),
      });
    }
    const trivia = src.ast.directives.length ? [...src.ast.comments, ...src.ast.directives].sort((a, c) => a.start - c.start) : src.ast.comments;
    for (const c of trivia) this.comments.push({ file: path, text: c.text, at: { file: path, range: src.lines.range(c.start, c.end) } });
    return src;
  }

  /** A file imported with `import ... from 'x.bicep'`: evaluated without parameters, never run. */
  importInstance(path: string, ancestry: string[]): FileInstance | undefined {
    const cached = this.importInstances.get(path);
    if (cached !== undefined) return cached ?? undefined;
    this.importInstances.set(path, null);
    if (ancestry.includes(path)) return undefined;
    const src = this.source(path);
    if (!src || src.failed) return undefined;
    const fi = new FileInstance(this, src, { key: `import:${path}`, ancestry: [...ancestry, path], depth: ancestry.length });
    this.importInstances.set(path, fi);
    return fi;
  }
}

/** Names in scope beyond the file's declarations: loop variables, lambda parameters, nested resources. */
export interface Env {
  names?: Map<string, Value>;
  parent?: Env;
  /** Inside this resource's body its nested resources are visible by name. */
  owner?: Entry;
}

const ROOT_ENV: Env = {};

/** The evaluation record of one resource instance. */
export interface Entry {
  fi: FileInstance;
  decl: ResourceDecl;
  inst: ResourceInstance;
  /** Loop variables of this element (and, for nested children, the parent's scope). */
  env: Env;
  /** `env` plus this resource's nested children. */
  scopeEnv: Env;
  body: ObjectExpression;
  keyPath: string;
  lexicalParent?: Entry;
  children: Map<ResourceDecl, InstanceSet>;
  props: Map<string, Value>;
  busy: Set<string>;
  parentEntry?: Entry | null;
  fullName?: Value | null;
  filled: boolean;
}

export interface InstanceSet {
  entries: Entry[];
  /** Loop element index → entry (undefined where the element's condition is false). */
  byIndex: (Entry | undefined)[];
  loop: 'none' | 'known' | 'unknown';
}

/** What a module call instantiates: a Bicep file, or a local ARM JSON template. */
interface ModuleChild {
  runAll(): void;
  outputValue(name: string): Value | undefined;
  outputNames(): string[];
}

/** A local ARM JSON template called as a Bicep module, evaluated by the ARM front end. */
class JsonModuleChild implements ModuleChild {
  private ran = false;

  constructor(
    private readonly run: Run,
    private readonly instance: ArmModuleInstance,
  ) {}

  runAll(): void {
    if (this.ran) return;
    this.ran = true;
    appendAll(this.run.resources, this.instance.resources);
    appendAll(this.run.diagnostics, this.instance.diagnostics);
    appendAll(this.run.exports, this.instance.exports);
  }

  outputValue(name: string): Value | undefined {
    return this.instance.output(name);
  }

  outputNames(): string[] {
    return this.instance.outputNames;
  }
}

interface ModuleEntry {
  stmt: ModuleStatement;
  env: Env;
  body: ObjectExpression;
  key: string;
  child?: ModuleChild | null;
  params?: Value | null;
  paramsBusy?: boolean;
}

interface ModuleSet {
  entries: ModuleEntry[];
  byIndex: (ModuleEntry | undefined)[];
  loop: 'none' | 'known' | 'unknown';
}

interface Element {
  env: Env;
  body: ObjectExpression | undefined;
  loopKey: string;
}

interface Expansion {
  elements: Element[];
  loop: 'none' | 'known' | 'unknown';
}

export interface FileInstanceOptions {
  key: string;
  /** Values passed in (module `params:`, a `.bicepparam` file); undefined = not passed. */
  binding?: (name: string) => Value | undefined;
  deploymentScope?: ScopeValue;
  callChain?: Location[];
  /** Files of the module chain that led here (cycle guard), this file included. */
  ancestry?: string[];
  depth?: number;
  /** A module call's analysis: a parameter's default is then a fact, not a root's input. */
  isModule?: boolean;
  /** For a module call: whether the argument the caller passes for a parameter depends on a root's input. */
  boundDependsOnInput?: (name: string) => boolean;
}


function refV(resource: ResourceInstance, path: (string | number)[], at?: Location): RefValue {
  const v: RefValue = { kind: 'ref', resource, path };
  if (at) v.at = at;
  return v;
}

function levelOf(text: string | undefined): ScopeLevel {
  switch (text?.toLowerCase()) {
    case 'subscription':
      return 'subscription';
    case 'managementgroup':
      return 'managementGroup';
    case 'tenant':
      return 'tenant';
    default:
      return 'resourceGroup';
  }
}

/** `a/b` from two name values: a string when both are known, else a concat. */
function joinName(a: Value, b: Value, at?: Location): Value {
  return concatParts([a, strV('/', b.at ?? at), b], b.at ?? at);
}

function splitSegments(values: Value[]): Value[] {
  return values.flatMap((v) => (v.kind === 'string' ? v.value.split('/').map((s) => strV(s)) : [v]));
}

function unwrapConcat(v: Value): Value {
  let cur = v;
  while (cur.kind === 'concat' && cur.parts.length === 1) cur = cur.parts[0];
  return cur;
}

/**
 * A part of a value kept symbolic (`split(vault.id, '/')[8]`): unknown, but the same value wherever
 * the same expression reads it — named as the ARM front end names it.
 */
function derivedUnknown(base: Value, key: string | number, at: Location | undefined): Value {
  return unknownAt(at, `expr:${describeValue(base, 0)}.${key}`);
}

/** Whether two values name the same target (`vault`, `vault.id`, `'${vault.id}'`). */
function sameTarget(a: Value, b: Value): boolean {
  const x = unwrapConcat(a);
  const y = unwrapConcat(b);
  if (x.kind === 'ref' && y.kind === 'ref') {
    const idish = (p: (string | number)[]): boolean => p.length === 0 || (p.length === 1 && String(p[0]).toLowerCase() === 'id');
    return x.resource === y.resource && idish(x.path) && idish(y.path);
  }
  return sameValue(x, y);
}

export class FileInstance {
  readonly key: string;
  readonly deploymentScope: ScopeValue;
  readonly callChain: Location[];
  readonly ancestry: string[];
  readonly depth: number;
  readonly fctx: FunctionContext;
  private readonly binding?: (name: string) => Value | undefined;
  private readonly isModule: boolean;
  private readonly boundDependsOnInput?: (name: string) => boolean;
  private readonly inputDependence = new Map<string, boolean>();
  private readonly paramCache = new Map<string, Value>();
  private readonly varCache = new Map<string, Value>();
  private readonly outputCache = new Map<string, Value>();
  private readonly busy = new Set<string>();
  private readonly topSets = new Map<ResourceDecl, InstanceSet>();
  private readonly moduleSets = new Map<ModuleStatement, ModuleSet>();
  private ran = false;

  constructor(
    readonly run: Run,
    readonly src: SourceFile,
    opts: FileInstanceOptions,
  ) {
    this.key = opts.key;
    this.binding = opts.binding;
    this.isModule = opts.isModule ?? false;
    this.boundDependsOnInput = opts.boundDependsOnInput;
    this.callChain = opts.callChain ?? [];
    this.ancestry = opts.ancestry ?? [src.path];
    this.depth = opts.depth ?? 0;
    this.deploymentScope = opts.deploymentScope ?? this.ownTargetScope(true);
    this.fctx = {
      deploymentScope: this.deploymentScope,
      resolveResource: (q) => this.resolveResource(q),
      maxArrayLength: run.limits.maxLoop * 10,
    };
  }

  /** The file's `targetScope` as a scope value. */
  ownTargetScope(current: boolean): ScopeValue {
    const ts = this.src.targetScope;
    const level = levelOf(literalText(ts));
    return scopeValue(level, current, {}, ts ? this.src.loc(ts) : undefined);
  }

  loc(e: { start: number; end: number }): Location {
    return this.src.loc(e);
  }

  // -----------------------------------------------------------------------------------------
  // Running: every resource instance and module call of the file, in source order

  runAll(): void {
    if (this.ran) return;
    this.ran = true;
    for (const st of this.src.ast.statements) {
      if (st.kind === 'Resource') {
        const decl = this.src.declOf.get(st);
        if (decl) this.guarded(decl.decl, decl.symbol, () => this.runDecl(decl, undefined));
      } else if (st.kind === 'Module') {
        const at = this.src.keywordLoc(st, 'module');
        this.guarded(at, `module ${st.name?.name ?? ''}`.trim(), () => {
          for (const m of this.moduleSet(st).entries) {
            const child = this.childOf(m);
            if (child) {
              this.recordArguments(m);
              child.runAll();
            } else this.externalCall(m);
          }
        });
      }
    }
    for (const [name, st] of this.src.outputs) {
      const value = this.outputValue(name);
      if (value) this.run.exports.push({ kind: 'output', name, value, at: this.loc(st) });
    }
  }

  /** What a call to a module grantlint reads passes in: an identity passed on is used there. */
  private recordArguments(m: ModuleEntry): void {
    this.moduleParam(m, '');
    const params = m.params;
    if (!params) return;
    const at = this.loc(m.stmt);
    if (params.kind !== 'object') {
      this.run.exports.push({ kind: 'moduleArgument', name: 'params', value: params, at });
      return;
    }
    for (const [name, value] of params.entries) this.run.exports.push({ kind: 'moduleArgument', name, value, at });
  }

  /**
   * A defect while evaluating one declaration is a finding at it; the declaration keeps what was
   * evaluated (an instance whose body failed is analysed with what it has) and the others go on.
   */
  private guarded(at: Location, what: string, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.run.diagnostics.push(internalError(what, e, at));
    }
  }

  private runDecl(decl: ResourceDecl, owner: Entry | undefined): void {
    for (const entry of this.instanceSet(decl, owner).entries) {
      this.guarded(decl.decl, decl.symbol, () => this.fillBody(entry));
      this.run.resources.push(entry.inst);
      for (const child of decl.children) this.runDecl(child, entry);
    }
  }

  // -----------------------------------------------------------------------------------------
  // Parameters, variables, outputs

  paramValue(name: string): Value {
    const cached = this.paramCache.get(name);
    if (cached) return cached;
    const d = this.src.params.get(name);
    if (!d) return unknownAt();
    const busyKey = `param:${name}`;
    if (this.busy.has(busyKey)) return unknownAt(d.decl);
    this.busy.add(busyKey);
    try {
      let v = this.binding?.(name);
      if (v === undefined) {
        if (d.defaultValue) v = this.evaluate(d.defaultValue, ROOT_ENV);
        // A nullable parameter's implicit default is null, for a root as for a module.
        else if (d.nullable) v = nullV(d.decl);
        else v = unknownAt(d.decl, `param:${this.src.path}#${name}`, { kind: 'parameter', name, decl: d.decl });
      }
      this.paramCache.set(name, v);
      return v;
    } finally {
      this.busy.delete(busyKey);
    }
  }

  /**
   * Whether an expression depends on a root's input: a parameter whose default stands in a root,
   * or one a module call passes such a value for (see inputs.ts).
   */
  dependsOnInput(e: Expression, env: Env): boolean {
    return dependsOnInput(e, {
      isLocal: (name) => this.lookupLocal(name, env),
      param: (name) => this.inputDependent(`param:${name}`, () => this.paramDependsOnInput(name)),
      variable: (name) => {
        const st = this.src.vars.get(name);
        return !!st && this.inputDependent(`var:${name}`, () => this.dependsOnInput(st.value, ROOT_ENV));
      },
    });
  }

  private inputDependent(key: string, compute: () => boolean): boolean {
    // A cycle depends on nothing more.
    return memoized(this.inputDependence, key, false, compute);
  }

  private paramDependsOnInput(name: string): boolean {
    const d = this.src.params.get(name);
    if (!d) return false;
    if (this.binding?.(name) !== undefined) return this.boundDependsOnInput?.(name) ?? false;
    if (!d.defaultValue) return false;
    return !this.isModule || this.dependsOnInput(d.defaultValue, ROOT_ENV);
  }

  varValue(name: string): Value {
    const cached = this.varCache.get(name);
    if (cached) return cached;
    const st = this.src.vars.get(name);
    if (!st) return unknownAt();
    const busyKey = `var:${name}`;
    if (this.busy.has(busyKey)) return unknownAt(this.loc(st));
    this.busy.add(busyKey);
    try {
      const v = this.evaluate(st.value, ROOT_ENV);
      this.varCache.set(name, v);
      return v;
    } finally {
      this.busy.delete(busyKey);
    }
  }

  outputNames(): string[] {
    return [...this.src.outputs.keys()];
  }

  outputValue(name: string): Value | undefined {
    const cached = this.outputCache.get(name);
    if (cached) return cached;
    const st = this.src.outputs.get(name);
    if (!st) return undefined;
    const busyKey = `output:${name}`;
    if (this.busy.has(busyKey)) return unknownAt(this.loc(st));
    this.busy.add(busyKey);
    try {
      const v = this.evaluate(st.value, ROOT_ENV);
      this.outputCache.set(name, v);
      return v;
    } finally {
      this.busy.delete(busyKey);
    }
  }

  // -----------------------------------------------------------------------------------------
  // Loops and conditions

  private expand(value: Expression, env: Env, loopSymbol: string): Expansion {
    switch (value.kind) {
      case 'Object':
        return { loop: 'none', elements: [{ env, body: value, loopKey: '' }] };
      case 'Paren':
        return this.expand(value.expression, env, loopSymbol);
      case 'If': {
        const c = truth(this.evaluate(value.condition, env));
        // A root's defaults are possibilities: a condition on one is possibly true.
        if (c === false && !this.dependsOnInput(value.condition, env)) return { loop: 'none', elements: [] };
        return this.expand(value.body, env, loopSymbol);
      }
      case 'For':
        return this.expandFor(value, env, loopSymbol);
      default:
        return { loop: 'none', elements: [] };
    }
  }

  private expandFor(value: ForExpression, env: Env, loopSymbol: string): Expansion {
    const coll = this.evaluate(value.iterable, env);
    const elementOf = (names: Map<string, Value>, loopKey: string): Element => {
      const e: Env = { names, parent: env };
      const inner = this.expand(value.body, e, loopSymbol);
      return { env: e, body: inner.elements[0]?.body, loopKey };
    };
    if (coll.kind === 'array' && !this.loopOverBudget(coll.items.length, this.loc(value.iterable))) {
      const elements = coll.items.map((item, i) => {
        const names = new Map<string, Value>();
        if (value.item) names.set(value.item.name, item);
        if (value.index) names.set(value.index.name, numV(i, this.loc(value.index)));
        return elementOf(names, `[${i}]`);
      });
      return { loop: 'known', elements };
    }
    const names = new Map<string, Value>();
    const at = this.loc(value.iterable);
    if (value.item) names.set(value.item.name, unknownAt(at, `loop:${loopSymbol}:${value.item.name}`, { kind: 'loop', name: value.item.name }));
    if (value.index) names.set(value.index.name, unknownAt(at, `loop:${loopSymbol}:${value.index.name}`, { kind: 'loop', name: value.index.name }));
    return { loop: 'unknown', elements: [elementOf(names, '[*]')] };
  }

  /**
   * Whether a loop of `n` elements is analysed abstractly (one element, unknown index and item):
   * past the loop limit (a finding here), or once the root's instance budget is spent.
   */
  private loopOverBudget(n: number, at: Location): boolean {
    const { maxLoop } = this.run.limits;
    if (n > maxLoop) {
      this.run.diagnostics.push(budgetExceeded(`This loop has ${n} elements, more than the ${maxLoop} grantlint expands`, at));
      return true;
    }
    return this.run.spent.has('instances');
  }

  // -----------------------------------------------------------------------------------------
  // Resource instances

  instanceSet(decl: ResourceDecl, owner: Entry | undefined): InstanceSet {
    const cache = owner ? owner.children : this.topSets;
    const cached = cache.get(decl);
    if (cached) return cached;
    const busyKey = `res:${owner?.inst.key ?? ''}:${decl.symbol}`;
    if (this.busy.has(busyKey)) return { entries: [], byIndex: [], loop: 'unknown' };
    this.busy.add(busyKey);
    try {
      const base: Env = owner ? owner.scopeEnv : ROOT_ENV;
      const prefix = owner ? `${owner.keyPath}::` : '';
      let exp = this.expand(decl.stmt.value, base, `${this.key}#${prefix}${decl.keyName}`);
      if (exp.loop === 'known' && this.run.instances + exp.elements.length > this.run.limits.maxInstances) {
        // The root's instances are spent: this loop and every later one are analysed abstractly.
        this.run.budgetSpent('instances', `This root already has ${this.run.instances} resource instances; past ${this.run.limits.maxInstances}, loops are analysed as one instance each`, decl.decl);
        exp = this.expand(decl.stmt.value, base, `${this.key}#${prefix}${decl.keyName}`);
      }
      const set: InstanceSet = { entries: [], byIndex: [], loop: exp.loop };
      for (const el of exp.elements) {
        if (!el.body) {
          set.byIndex.push(undefined);
          continue;
        }
        this.run.instances++;
        const entry = this.createEntry(decl, owner, el, `${prefix}${decl.keyName}${el.loopKey}`);
        set.entries.push(entry);
        set.byIndex.push(entry);
      }
      cache.set(decl, set);
      return set;
    } finally {
      this.busy.delete(busyKey);
    }
  }

  private createEntry(decl: ResourceDecl, owner: Entry | undefined, el: Element, keyPath: string): Entry {
    const inst: ResourceInstance = {
      key: `${this.key}#${keyPath}`,
      declKey: decl.declKey,
      format: 'bicep',
      type: decl.type,
      symbol: decl.symbol,
      existing: decl.stmt.existing,
      decl: decl.decl,
      body: objV(new Map()),
      deploymentScope: this.deploymentScope,
      callChain: this.callChain,
    };
    if (decl.apiVersion) inst.apiVersion = decl.apiVersion;
    if (owner) inst.parent = owner.inst;
    const entry: Entry = {
      fi: this,
      decl,
      inst,
      env: el.env,
      scopeEnv: el.env,
      body: el.body as ObjectExpression,
      keyPath,
      children: new Map(),
      props: new Map(),
      busy: new Set(),
      filled: false,
    };
    entry.scopeEnv = { parent: el.env, owner: entry };
    if (owner) entry.lexicalParent = owner;
    this.run.entries.set(inst, entry);
    return entry;
  }

  /** Every instance of a declaration (nested children: under every instance of their parent). */
  private allEntries(decl: ResourceDecl): Entry[] {
    if (!decl.parent) return this.instanceSet(decl, undefined).entries;
    return this.allEntries(decl.parent).flatMap((p) => this.instanceSet(decl, p).entries);
  }

  /** One property of a resource body, evaluated once (`name`, `parent`, `scope`). */
  private prop(entry: Entry, key: string): Value | undefined {
    if (entry.props.has(key)) return entry.props.get(key);
    const p = entry.body.properties.find(
      (x) => x.kind === 'Property' && (x.key.kind === 'Identifier' ? x.key.name : literalText(x.key)) === key,
    );
    if (!p || p.kind !== 'Property') return undefined;
    if (entry.busy.has(key)) return unknownAt(this.loc(p.value));
    entry.busy.add(key);
    try {
      const v = this.evaluate(p.value, entry.scopeEnv);
      entry.props.set(key, v);
      return v;
    } finally {
      entry.busy.delete(key);
    }
  }

  shortName(entry: Entry): Value {
    return this.prop(entry, 'name') ?? unknownAt();
  }

  private parentEntry(entry: Entry): Entry | undefined {
    if (entry.parentEntry !== undefined) return entry.parentEntry ?? undefined;
    if (entry.lexicalParent) {
      entry.parentEntry = entry.lexicalParent;
      return entry.lexicalParent;
    }
    const p = this.prop(entry, 'parent');
    const target = p && unwrapConcat(p);
    const pe = target && target.kind === 'ref' && target.path.length === 0 ? this.run.entries.get(target.resource) : undefined;
    entry.parentEntry = pe && pe !== entry ? pe : null;
    return entry.parentEntry ?? undefined;
  }

  /** The full name: `parent/child` for child resources. */
  private fullName(entry: Entry): Value | undefined {
    if (entry.fullName !== undefined) return entry.fullName ?? undefined;
    if (entry.busy.has('#fullName')) return undefined;
    entry.busy.add('#fullName');
    try {
      const short = this.prop(entry, 'name');
      const parent = this.parentEntry(entry);
      let full = short;
      if (short && parent) {
        const pn = parent.fi.fullName(parent);
        full = pn ? joinName(pn, short) : short;
      }
      entry.fullName = full ?? null;
      return full;
    } finally {
      entry.busy.delete('#fullName');
    }
  }

  private segments(entry: Entry): Value[] {
    const full = this.fullName(entry);
    if (!full) return [];
    if (full.kind === 'concat') {
      // Split a concat at its literal slashes.
      const segs: Value[][] = [[]];
      for (const p of full.parts) {
        if (p.kind === 'string') {
          const pieces = p.value.split('/');
          pieces.forEach((piece, i) => {
            if (i) segs.push([]);
            if (piece) segs[segs.length - 1].push(strV(piece));
          });
        } else segs[segs.length - 1].push(p);
      }
      return segs.map((s) => (s.length === 1 ? s[0] : concatParts(s)));
    }
    return splitSegments([full]);
  }

  private fillBody(entry: Entry): void {
    if (entry.filled) return;
    entry.filled = true;
    const overrides = new Set(['name', 'parent', 'scope']);
    entry.inst.body = this.evalObject(entry.body, entry.scopeEnv, (key) => (overrides.has(key) ? this.prop(entry, key) : undefined));
    const name = this.fullName(entry);
    if (name) entry.inst.name = name;
    const scope = this.prop(entry, 'scope');
    if (scope) entry.inst.scope = scope;
    const parent = this.parentEntry(entry);
    if (parent) entry.inst.parent = parent.inst;
  }

  private resolveResource(q: ResourceQuery): ResourceInstance | undefined {
    if (q.subscriptionId || q.resourceGroup || q.managementGroup) return undefined;
    const decls = this.src.byType.get(q.type.toLowerCase());
    if (!decls) return undefined;
    const want = splitSegments(q.names);
    for (const decl of decls) {
      for (const entry of this.allEntries(decl)) {
        if (q.extensionScope) {
          const sc = this.prop(entry, 'scope');
          if (!sc || !sameTarget(sc, q.extensionScope)) continue;
        }
        const have = this.segments(entry);
        if (have.length === want.length && have.every((h, i) => sameValue(h, want[i]))) return entry.inst;
      }
    }
    return undefined;
  }

  /** What a resource's symbol evaluates to: a ref, an array of refs (loop) or unknown. */
  private resourceSymbol(decl: ResourceDecl, owner: Entry | undefined, at: Location): Value {
    const set = this.instanceSet(decl, owner);
    if (set.loop === 'none') return set.entries[0] ? refV(set.entries[0].inst, [], at) : this.undeployedId(decl, owner, at);
    if (set.loop === 'known') {
      return arrV(
        set.byIndex.map((e) => (e ? refV(e.inst, [], at) : unknownAt(at))),
        at,
      );
    }
    return unknownAt(at, `loopres:${this.key}#${decl.symbol}`);
  }

  /**
   * A resource whose condition is false is not deployed, but its ID is still what the compiler
   * writes for `x` / `x.id` (`resourceId('T', name...)`): a `resourceid` call, as the ARM front end
   * reads the compiled template.
   */
  private undeployedId(decl: ResourceDecl, owner: Entry | undefined, at: Location): Value {
    const body = resourceBody(decl.stmt.value);
    if (!body || decl.stmt.value.kind !== 'If') return unknownAt(at);
    const base: Env = owner ? owner.scopeEnv : ROOT_ENV;
    const entry = this.createEntry(decl, owner, { env: base, body, loopKey: '' }, `${decl.keyName}?undeployed`);
    const segments = this.segments(entry);
    if (segments.length === 0) return unknownAt(at);
    return symbolicCall('resourceid', [strV(decl.type, at), ...segments], at);
  }

  // -----------------------------------------------------------------------------------------
  // Modules

  private moduleSet(stmt: ModuleStatement): ModuleSet {
    const cached = this.moduleSets.get(stmt);
    if (cached) return cached;
    const busyKey = `mod:${stmt.name.name}`;
    if (this.busy.has(busyKey)) return { entries: [], byIndex: [], loop: 'unknown' };
    this.busy.add(busyKey);
    try {
      const keyName = this.src.moduleKeyName.get(stmt) ?? stmt.name.name;
      const exp = this.expand(stmt.value, ROOT_ENV, `${this.key}>${keyName}`);
      const set: ModuleSet = { entries: [], byIndex: [], loop: exp.loop };
      for (const el of exp.elements) {
        if (!el.body) {
          set.byIndex.push(undefined);
          continue;
        }
        const m: ModuleEntry = { stmt, env: el.env, body: el.body, key: `${this.key}>${keyName}${el.loopKey}` };
        set.entries.push(m);
        set.byIndex.push(m);
      }
      this.moduleSets.set(stmt, set);
      return set;
    } finally {
      this.busy.delete(busyKey);
    }
  }

  private moduleProp(m: ModuleEntry, key: string): Value | undefined {
    const p = m.body.properties.find((x) => x.kind === 'Property' && (x.key.kind === 'Identifier' ? x.key.name : literalText(x.key)) === key);
    if (!p || p.kind !== 'Property') return undefined;
    return this.evaluate(p.value, m.env);
  }

  /** A module parameter as the call passes it; undefined when the call does not pass it. */
  private moduleParam(m: ModuleEntry, name: string): Value | undefined {
    if (m.params === undefined) {
      if (m.paramsBusy) return unknownAt();
      m.paramsBusy = true;
      try {
        m.params = this.moduleProp(m, 'params') ?? null;
      } finally {
        m.paramsBusy = false;
      }
    }
    const params = m.params;
    if (!params) return undefined;
    if (params.kind === 'object') return getProp(params, name);
    return this.member(params, name, false, params.at);
  }

  private moduleScope(m: ModuleEntry, childLevel: ScopeLevel): ScopeValue {
    const sc = this.moduleProp(m, 'scope');
    if (!sc) {
      return this.deploymentScope.level === childLevel ? this.deploymentScope : scopeValue(childLevel, false);
    }
    const v = unwrapConcat(sc);
    if (v.kind === 'scope') return { ...v, path: [] };
    if (v.kind === 'ref' && (v.path.length === 0 || (v.path.length === 1 && v.path[0] === 'id'))) {
      const t = v.resource.type.toLowerCase();
      const entry = this.run.entries.get(v.resource);
      const name = entry ? entry.fi.shortName(entry) : undefined;
      const extra = name ? { name } : {};
      if (t === 'microsoft.resources/resourcegroups') return scopeValue('resourceGroup', false, extra, sc.at);
      if (t === 'microsoft.management/managementgroups') return scopeValue('managementGroup', false, extra, sc.at);
      if (t === 'microsoft.subscription/aliases') return scopeValue('subscription', false, {}, sc.at);
    }
    return scopeValue(childLevel, false, {}, sc.at);
  }

  /** A local module that cannot be read is reported at its path (once per call site: see uniqueDiagnostics). */
  private unreadableModule(file: string, written: string, m: ModuleEntry): undefined {
    const why = this.run.host.readProblem?.(file);
    if (why) this.run.diagnostics.push(unreadable('module', written, why, this.loc(m.stmt.path)));
    return undefined;
  }

  /** The module's analysis, or null for external, unreadable, broken or cyclic modules. */
  private childOf(m: ModuleEntry): ModuleChild | undefined {
    if (m.child !== undefined) return m.child ?? undefined;
    m.child = null;
    const p = literalText(m.stmt.path);
    if (!p || /^(br|ts)[:/]/i.test(p)) return undefined;
    const lower = p.toLowerCase();
    const json = lower.endsWith('.json') || lower.endsWith('.jsonc');
    if (!json && !lower.endsWith('.bicep')) return undefined;
    const file = nodePath.resolve(nodePath.dirname(this.src.path), p);
    if (this.ancestry.includes(file)) return void this.run.diagnostics.push(moduleCycle(this.ancestry, file, this.loc(m.stmt.path)));
    if (this.depth >= this.run.limits.maxModuleDepth) return undefined;
    if (this.run.moduleInstances >= this.run.limits.maxModuleInstances) {
      this.run.budgetSpent('modules', `This root already has ${this.run.moduleInstances} module instances, the most grantlint analyses; this module is not analysed`, this.loc(m.stmt.path));
      this.run.spent.add('instances');
      return undefined;
    }
    const callChain = [...this.callChain, this.src.keywordLoc(m.stmt, 'module')];
    if (json) {
      const template = loadArmModule(file, this.run.host);
      if (!template) return this.unreadableModule(file, p, m);
      this.run.moduleInstances++;
      this.run.reachedFile(file);
      const params = this.moduleParamValues(m);
      const instance = template.instantiate({
        params,
        callChain,
        deploymentScope: this.moduleScope(m, template.level),
        keyPrefix: `${m.key} > `,
      });
      m.child = new JsonModuleChild(this.run, instance);
      return m.child;
    }
    const src = this.run.source(file);
    if (!src) return this.unreadableModule(file, p, m);
    if (src.failed) return undefined;
    this.run.moduleInstances++;
    m.child = new FileInstance(this.run, src, {
      key: m.key,
      binding: (name) => this.moduleParam(m, name),
      boundDependsOnInput: (name) => this.moduleArgDependsOnInput(m, name),
      deploymentScope: this.moduleScope(m, levelOf(literalText(src.targetScope))),
      callChain,
      ancestry: [...this.ancestry, file],
      depth: this.depth + 1,
      isModule: true,
    });
    return m.child;
  }

  /** A module call grantlint cannot read: what it passes in may be granted there. */
  private externalCall(m: ModuleEntry): void {
    this.run.externalCalls.push({
      format: 'bicep',
      source: literalText(m.stmt.path) ?? '',
      at: this.src.keywordLoc(m.stmt, 'module'),
      args: this.moduleProp(m, 'params') ?? objV(new Map()),
      callChain: this.callChain,
    });
  }

  /** Whether the argument a module call passes for a parameter depends on a root's input. */
  private moduleArgDependsOnInput(m: ModuleEntry, name: string): boolean {
    const params = m.body.properties.find((x) => x.kind === 'Property' && (x.key.kind === 'Identifier' ? x.key.name : literalText(x.key)) === 'params');
    if (!params || params.kind !== 'Property') return false;
    const value = params.value.kind === 'Object' ? params.value.properties.find((x) => x.kind === 'Property' && (x.key.kind === 'Identifier' ? x.key.name : literalText(x.key)) === name) : params;
    return !!value && value.kind === 'Property' && this.dependsOnInput(value.value, m.env);
  }

  /** Every parameter value a module call passes, by name (for ARM JSON modules, bound all at once). */
  private moduleParamValues(m: ModuleEntry): Map<string, Value> {
    this.moduleParam(m, '');
    const params = m.params;
    return params && params.kind === 'object' ? new Map(params.entries) : new Map();
  }

  private moduleOutput(m: ModuleEntry, name: string, at: Location): Value {
    const child = this.childOf(m);
    const v = child?.outputValue(name);
    if (v) return v;
    return unknownAt(at, `output:${m.key}#${name}`, { kind: 'output', name, decl: this.src.keywordLoc(m.stmt, 'module') });
  }

  private moduleOutputs(m: ModuleEntry, at: Location): Value {
    const child = this.childOf(m);
    if (!child) return unknownAt(at, `output:${m.key}`, { kind: 'output', name: m.stmt.name.name });
    const entries = new Map<string, Value>();
    for (const name of child.outputNames()) entries.set(name, this.moduleOutput(m, name, at));
    return objV(entries, at);
  }

  /**
   * If `e` names one module call (`mod`, `mods[i]`): the call (null when it cannot be told which).
   * Undefined when `e` is not a module expression.
   */
  private moduleTarget(e: Expression, env: Env): ModuleEntry | null | undefined {
    if (e.kind === 'Paren' || e.kind === 'NonNull') return this.moduleTarget(e.expression, env);
    if (e.kind === 'Identifier') {
      const stmt = this.lookupLocal(e.name, env) ? undefined : this.src.modules.get(e.name);
      if (!stmt) return undefined;
      const set = this.moduleSet(stmt);
      return set.loop === 'none' ? (set.entries[0] ?? null) : null;
    }
    if (e.kind === 'Index' && e.object.kind === 'Identifier') {
      const stmt = this.lookupLocal(e.object.name, env) ? undefined : this.src.modules.get(e.object.name);
      if (!stmt) return undefined;
      const set = this.moduleSet(stmt);
      if (set.loop === 'unknown') return set.entries[0] ?? null;
      const idx = this.evaluate(e.index, env);
      if (idx.kind !== 'number') return null;
      const i = e.fromEnd ? set.byIndex.length - idx.value : idx.value;
      return set.byIndex[i] ?? null;
    }
    return undefined;
  }

  // -----------------------------------------------------------------------------------------
  // Expressions

  evaluate(e: Expression, env: Env): Value {
    const run = this.run;
    if (run.evalDepth >= run.limits.maxEvalDepth || ++run.evals > run.limits.maxEvals) {
      const at = this.loc(e);
      if (run.evals > run.limits.maxEvals) run.budgetSpent('evals', `Evaluation stopped here after ${run.limits.maxEvals} steps in this root`, at);
      else run.budgetSpent('depth', `Expressions here are nested deeper than ${run.limits.maxEvalDepth} levels`, at);
      return unknownAt(at);
    }
    run.evalDepth++;
    try {
      return this.evalInner(e, env);
    } finally {
      run.evalDepth--;
    }
  }

  private evalInner(e: Expression, env: Env): Value {
    switch (e.kind) {
      case 'String':
        return this.evalString(e, env);
      case 'Integer':
        return numV(e.value, this.loc(e));
      case 'Boolean':
        return boolV(e.value, this.loc(e));
      case 'Null':
        return nullV(this.loc(e));
      case 'Array': {
        const items: Value[] = [];
        for (const item of e.items) {
          if (item.kind === 'Spread') {
            const v = this.evaluate(item.expression, env);
            if (v.kind !== 'array') return unknownAt(this.loc(e));
            appendAll(items, v.items);
          } else items.push(this.evaluate(item, env));
        }
        return arrV(items, this.loc(e));
      }
      case 'Object':
        return this.evalObject(e, env);
      case 'Identifier':
        return this.identifier(e, env);
      case 'Member':
        return this.evalMember(e, env);
      case 'Index':
        return this.evalIndex(e, env);
      case 'ResourceAccess': {
        const obj = unwrapConcat(this.evaluate(e.object, env));
        if (obj.kind === 'ref' && obj.path.length === 0) {
          const entry = this.run.entries.get(obj.resource);
          const child = entry?.decl.children.find((c) => c.name === e.property.name);
          if (entry && child) return entry.fi.resourceSymbol(child, entry, this.loc(e));
        }
        return unknownAt(this.loc(e));
      }
      case 'Call':
        return this.evalCall(e, env);
      case 'Unary': {
        const v = this.evaluate(e.operand, env);
        if (e.operator === '!' && v.kind === 'bool') return boolV(!v.value, this.loc(e));
        if (e.operator === '-' && v.kind === 'number') return numV(-v.value, this.loc(e));
        return unknownAt(this.loc(e));
      }
      case 'NonNull':
        return this.evaluate(e.expression, env);
      case 'Paren':
        return this.evaluate(e.expression, env);
      case 'Binary':
        return this.evalBinary(e, env);
      case 'Ternary': {
        const cond = this.evaluate(e.condition, env);
        let c = truth(cond);
        // `deployApi ? api.identity.principalId : ''` on a root's input is the API's identity, as
        // the condition that guards the API is possibly true whatever its default (and a choice
        // between two identities may be either).
        if (c !== undefined && isConditionalPrincipal(e.consequent, e.alternate) && this.dependsOnInput(e.condition, env)) c = undefined;
        if (c === true) return this.evaluate(e.consequent, env);
        if (c === false) return this.evaluate(e.alternate, env);
        const a = this.evaluate(e.consequent, env);
        const b = this.evaluate(e.alternate, env);
        if (sameValue(a, b)) return a;
        // Kept as a conditional, as the ARM front end keeps the compiled if(): with one branch empty
        // it names what its other branch names.
        return symbolicCall('if', [cond, a, b], this.loc(e));
      }
      case 'For':
        return this.evalFor(e, env);
      case 'If': {
        const c = truth(this.evaluate(e.condition, env));
        if (c === false) return nullV(this.loc(e));
        return this.evaluate(e.body, env);
      }
      case 'Lambda':
      case 'Spread':
      case 'ErrorExpression':
        return unknownAt(this.loc(e));
    }
  }

  private evalString(e: StringLiteral, env: Env): Value {
    const at = this.loc(e);
    if (e.expressions.length === 0) return strV(e.parts.join(''), at);
    const parts: Value[] = [];
    e.parts.forEach((text, i) => {
      if (text) parts.push(strV(text, at));
      const x = e.expressions[i];
      if (x) parts.push(this.evaluate(x, env));
    });
    return concatParts(parts, at);
  }

  /** An object literal; `override` may supply a property's value (resource bodies reuse `name` etc.). */
  evalObject(e: ObjectExpression, env: Env, override?: (key: string) => Value | undefined): ObjectValue {
    const entries = new Map<string, Value>();
    let keyValues: Map<string, Value> | undefined;
    for (const p of e.properties) {
      if (p.kind === 'Resource') continue;
      if (p.kind === 'Spread') {
        const v = this.evaluate(p.expression, env);
        if (v.kind === 'object') {
          for (const [k, x] of v.entries) {
            entries.delete(k);
            entries.set(k, x);
            const kv = v.keyValues?.get(k);
            if (kv) (keyValues ??= new Map()).set(k, kv);
          }
        }
        continue;
      }
      let key: string;
      if (p.key.kind === 'Identifier') key = p.key.name;
      else {
        const kv = this.evalString(p.key, env);
        if (kv.kind === 'string') key = kv.value;
        else {
          key = describeValue(kv);
          (keyValues ??= new Map()).set(key, kv);
        }
      }
      const value = override?.(key) ?? this.evaluate(p.value, env);
      entries.set(key, value);
    }
    return objV(entries, this.loc(e), keyValues);
  }

  private evalFor(e: ForExpression, env: Env): Value {
    const at = this.loc(e);
    const coll = this.evaluate(e.iterable, env);
    if (coll.kind !== 'array') return unknownAt(at);
    if (coll.items.length > this.run.limits.maxLoop) {
      this.run.diagnostics.push(budgetExceeded(`This loop has ${coll.items.length} elements, more than the ${this.run.limits.maxLoop} grantlint expands`, this.loc(e.iterable)));
      return unknownAt(at);
    }
    const out: Value[] = [];
    coll.items.forEach((item, i) => {
      const names = new Map<string, Value>();
      if (e.item) names.set(e.item.name, item);
      if (e.index) names.set(e.index.name, numV(i, this.loc(e.index)));
      const inner: Env = { names, parent: env };
      if (e.body.kind === 'If') {
        const c = truth(this.evaluate(e.body.condition, inner));
        if (c === false) return;
        out.push(this.evaluate(e.body.body, inner));
      } else out.push(this.evaluate(e.body, inner));
    });
    return arrV(out, at);
  }

  private lookupLocal(name: string, env: Env): boolean {
    for (let s: Env | undefined = env; s; s = s.parent) {
      if (s.names?.has(name)) return true;
      if (s.owner?.decl.children.some((c) => c.name === name)) return true;
    }
    return false;
  }

  private identifier(e: Identifier, env: Env): Value {
    const name = e.name;
    for (let s: Env | undefined = env; s; s = s.parent) {
      const v = s.names?.get(name);
      if (v) return v;
      if (s.owner) {
        const owner = s.owner;
        const child = owner.decl.children.find((c) => c.name === name);
        if (child) return owner.fi.resourceSymbol(child, owner, this.loc(e));
      }
    }
    const src = this.src;
    if (src.params.has(name)) return this.paramValue(name);
    if (src.vars.has(name)) return this.varValue(name);
    const rd = src.resources.get(name);
    if (rd) return this.resourceSymbol(rd, undefined, this.loc(e));
    if (src.modules.has(name)) return unknownAt(this.loc(e), `module:${this.key}>${name}`);
    const imp = src.imports.get(name);
    if (imp) return this.importedValue(imp.stmt.from, imp.original, this.loc(e));
    return unknownAt(this.loc(e));
  }

  private importFile(from: StringLiteral | undefined): FileInstance | undefined {
    const p = literalText(from);
    if (!p || /^(br|ts)[:/]/i.test(p) || !p.toLowerCase().endsWith('.bicep')) return undefined;
    return this.run.importInstance(nodePath.resolve(nodePath.dirname(this.src.path), p), this.ancestry);
  }

  private importedValue(from: StringLiteral | undefined, name: string, at: Location): Value {
    const fi = this.importFile(from);
    if (fi && fi.src.vars.has(name)) return fi.varValue(name);
    return unknownAt(at, `import:${literalText(from) ?? ''}#${name}`, { kind: 'external', name });
  }

  private evalMember(e: MemberExpression, env: Env): Value {
    const at = this.loc(e);
    const prop = e.property.name;
    const mt = this.moduleTarget(e.object, env);
    if (mt !== undefined) {
      if (!mt) return unknownAt(at);
      if (prop === 'outputs') return this.moduleOutputs(mt, at);
      if (prop === 'name') return this.moduleProp(mt, 'name') ?? unknownAt(at);
      return unknownAt(at);
    }
    if (e.object.kind === 'Member' && e.object.property.name === 'outputs') {
      const inner = this.moduleTarget(e.object.object, env);
      if (inner !== undefined) return inner ? this.moduleOutput(inner, prop, at) : unknownAt(at);
    }
    if (e.object.kind === 'Identifier' && !this.lookupLocal(e.object.name, env)) {
      const wildcard = this.src.wildcardImports.get(e.object.name);
      if (wildcard && !this.src.params.has(e.object.name) && !this.src.vars.has(e.object.name)) {
        return this.importedValue(wildcard.from, prop, at);
      }
    }
    return this.member(this.evaluate(e.object, env), prop, e.safe, at);
  }

  /** `v.prop` on a value. */
  member(v: Value, prop: string, safe: boolean, at: Location | undefined): Value {
    switch (v.kind) {
      case 'object': {
        const x = getProp(v, prop);
        if (x) return x;
        return safe ? nullV(at) : unknownAt(at);
      }
      case 'null':
        return safe ? nullV(at) : unknownAt(at);
      case 'ref': {
        if (v.path.length === 0) {
          const lower = prop.toLowerCase();
          if (lower === 'name') {
            const entry = this.run.entries.get(v.resource);
            if (entry) return entry.fi.shortName(entry);
          }
          if (lower === 'type') return strV(v.resource.type, at);
          if (lower === 'apiversion' && v.resource.apiVersion) return strV(v.resource.apiVersion, at);
        }
        return refV(v.resource, [...v.path, prop], at);
      }
      case 'scope': {
        const s: ScopeValue = { ...v, path: [...v.path, prop] };
        if (at) s.at = at;
        return s;
      }
      case 'unknown':
        return unknownAt(at, v.symbol !== undefined ? `${v.symbol}.${prop}` : undefined, v.input);
      case 'call':
        // The ID of a resource that is not deployed (see `undeployedId`).
        if (v.fn === 'resourceid' && prop.toLowerCase() === 'id') return v;
        return derivedUnknown(v, prop, at);
      case 'concat':
        return derivedUnknown(v, prop, at);
      default:
        return unknownAt(at);
    }
  }

  private evalIndex(e: IndexExpression, env: Env): Value {
    const at = this.loc(e);
    // `res[i]` over a loop whose collection is unknown: the one instance that stands for all.
    if (e.object.kind === 'Identifier' && !this.lookupLocal(e.object.name, env)) {
      const rd = this.src.resources.get(e.object.name);
      if (rd && !this.src.params.has(e.object.name) && !this.src.vars.has(e.object.name)) {
        const set = this.instanceSet(rd, undefined);
        if (set.loop === 'unknown') return set.entries[0] ? refV(set.entries[0].inst, [], at) : unknownAt(at);
      }
    }
    const obj = this.evaluate(e.object, env);
    const idx = this.evaluate(e.index, env);
    return this.index(obj, idx, e.fromEnd, e.safe, at);
  }

  private index(obj: Value, idx: Value, fromEnd: boolean, safe: boolean, at: Location): Value {
    if (obj.kind === 'array' && idx.kind === 'number') {
      const i = fromEnd ? obj.items.length - idx.value : idx.value;
      const item = obj.items[i];
      if (item) return item;
      return safe ? nullV(at) : unknownAt(at);
    }
    if (idx.kind === 'string') {
      // A value looked up by a key from another file (a caller's `roleDefinitionIdOrName: 'Owner'`
      // in a module's table) is chosen where the key is written.
      const v = this.member(obj, idx.value, safe, at);
      return idx.at && v.at && idx.at.file !== v.at.file ? withAt(v, idx.at) : v;
    }
    if (safe && obj.kind === 'object' && !obj.keyValues?.size) {
      // `map[?resourceId(...)]`: no key can be a string of that shape.
      const shape = stringShape(idx);
      if (shape && ![...obj.entries.keys()].some((k) => shapeCouldBe(shape, k))) return nullV(at);
    }
    if (obj.kind === 'ref' && idx.kind === 'number') return refV(obj.resource, [...obj.path, idx.value], at);
    if ((obj.kind === 'call' || obj.kind === 'concat') && idx.kind === 'number' && !fromEnd) return derivedUnknown(obj, idx.value, at);
    if (obj.kind === 'unknown' && obj.symbol !== undefined && idx.kind === 'number') {
      return unknownAt(at, `${obj.symbol}[${fromEnd ? '^' : ''}${idx.value}]`, obj.input);
    }
    if (obj.kind === 'null' && safe) return nullV(at);
    // `a[?k]` is `tryGet(a, k)`, as the compiler writes it (and the ARM front end reads it).
    if (safe) return callFunction('tryget', [obj, idx], this.fctx, at);
    return unknownAt(at);
  }

  private evalBinary(e: BinaryExpression, env: Env): Value {
    const at = this.loc(e);
    const op = e.operator;
    const l = this.evaluate(e.left, env);
    if (op === '&&' || op === '||') {
      const lt = truth(l);
      if (op === '&&' && lt === false) return boolV(false, at);
      if (op === '||' && lt === true) return boolV(true, at);
      const rt = truth(this.evaluate(e.right, env));
      if (lt !== undefined && rt !== undefined) return boolV(rt, at);
      if (op === '&&' && rt === false) return boolV(false, at);
      if (op === '||' && rt === true) return boolV(true, at);
      return unknownAt(at);
    }
    if (op === '??') {
      if (l.kind === 'null') return this.evaluate(e.right, env);
      // Maybe null: `coalesce(a, b)`, as the compiler writes it (and the ARM front end reads it).
      if (l.kind === 'unknown' || (l.kind === 'call' && MAYBE_NULL_CALLS.has(l.fn))) {
        return callFunction('coalesce', [l, this.evaluate(e.right, env)], this.fctx, at);
      }
      return l;
    }
    const r = this.evaluate(e.right, env);
    switch (op) {
      case '==':
      case '!=':
      case '=~':
      case '!~': {
        const eq = knownEquals(l, r, op === '=~' || op === '!~');
        if (eq === undefined) return unknownAt(at);
        return boolV(op === '==' || op === '=~' ? eq : !eq, at);
      }
      case '<':
      case '<=':
      case '>':
      case '>=': {
        let c: number | undefined;
        if (l.kind === 'number' && r.kind === 'number') c = l.value - r.value;
        else if (l.kind === 'string' && r.kind === 'string') c = l.value < r.value ? -1 : l.value > r.value ? 1 : 0;
        if (c === undefined) return unknownAt(at);
        return boolV(op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0, at);
      }
      default: {
        if (l.kind !== 'number' || r.kind !== 'number') return unknownAt(at);
        const a = l.value;
        const b = r.value;
        switch (op) {
          case '+':
            return numV(a + b, at);
          case '-':
            return numV(a - b, at);
          case '*':
            return numV(a * b, at);
          case '/':
            return b === 0 ? unknownAt(at) : numV(Math.trunc(a / b), at);
          case '%':
            return b === 0 ? unknownAt(at) : numV(a % b, at);
          default:
            return unknownAt(at);
        }
      }
    }
  }

  private evalCall(e: CallExpression, env: Env): Value {
    const at = this.loc(e);
    const callee = e.callee;
    let name: string;
    if (callee.kind === 'Identifier') {
      name = callee.name;
      if (!this.lookupLocal(name, env)) {
        const f = this.src.funcs.get(name);
        if (f) return this.callUserFunc(this, f, e, env, at);
        const imp = this.src.imports.get(name);
        if (imp) return this.callImported(imp.stmt.from, imp.original, e, env, at);
      }
    } else {
      const obj = callee.object;
      if (obj.kind === 'Identifier' && (obj.name === 'sys' || obj.name === 'az') && !this.lookupLocal(obj.name, env) && !this.src.params.has(obj.name) && !this.src.vars.has(obj.name) && !this.src.resources.has(obj.name)) {
        name = callee.property.name;
      } else if (obj.kind === 'Identifier' && this.src.wildcardImports.has(obj.name) && !this.lookupLocal(obj.name, env)) {
        return this.callImported(this.src.wildcardImports.get(obj.name)?.from, callee.property.name, e, env, at);
      } else {
        // A method on a resource or a namespace we do not model: `kv.getSecret('x')`, `sa.listKeys()`.
        const receiver = this.evaluate(obj, env);
        return symbolicCall(callee.property.name, [receiver, ...e.args.map((a) => this.evaluate(a, env))], at);
      }
    }
    const lower = name.toLowerCase();
    const args: FnArg[] = e.args.map((a) => (a.kind === 'Lambda' ? this.lambdaArg(a, env) : this.evaluate(a, env)));
    if (lower === 'any' && args.length === 1 && args[0].kind !== 'lambda') return args[0];
    return callFunction(lower, args, this.fctx, at);
  }

  private lambdaArg(e: LambdaExpression, env: Env): LambdaArg {
    return {
      kind: 'lambda',
      arity: e.params.length,
      at: this.loc(e),
      invoke: (values: Value[]) => {
        const names = new Map<string, Value>();
        e.params.forEach((p, i) => names.set(p.name, values[i] ?? unknownAt(this.loc(p))));
        return this.evaluate(e.body, { names, parent: env });
      },
    };
  }

  private callUserFunc(owner: FileInstance, f: FuncStatement, e: CallExpression, env: Env, at: Location): Value {
    const args = e.args.map((a) => this.evaluate(a, env));
    const names = new Map<string, Value>();
    f.lambda.params.forEach((p, i) => names.set(p.name.name, args[i] ?? unknownAt(at)));
    const key = `func:${f.name.name}`;
    if (owner.busy.has(key)) return unknownAt(at);
    owner.busy.add(key);
    try {
      return owner.evaluate(f.lambda.body, { names });
    } finally {
      owner.busy.delete(key);
    }
  }

  private callImported(from: StringLiteral | undefined, name: string, e: CallExpression, env: Env, at: Location): Value {
    const fi = this.importFile(from);
    const f = fi?.src.funcs.get(name);
    if (fi && f) return this.callUserFunc(fi, f, e, env, at);
    return symbolicCall(name, e.args.map((a) => this.evaluate(a, env)), at);
  }
}
