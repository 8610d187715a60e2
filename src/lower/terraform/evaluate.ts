/**
 * The Terraform partial evaluator: module instances (variables, locals, outputs, resources, data
 * sources, module calls) and HCL expressions over them. Everything is evaluated lazily and memoised;
 * a reference cycle or anything not statically known gives an unknown, never a guess.
 */
import type { Location } from '../../model/location.js';
import type { Diagnostic, ExportedValue, ExternalCall, ResourceInstance } from '../../model/template.js';
import { internalError, moduleCycle, unreadable } from '../problems.js';
import type { ArrayValue, ObjectValue, RefValue, ScopeValue, UnknownValue, Value } from '../../model/value.js';
import { arr, describeValue, isKnown, obj, unknown } from '../../model/value.js';
import type { Block, Body, Expression, ForExpression, TemplatePart } from '../../syntax/hcl/ast.js';
import type { ModuleCallDecl, ModuleConfig, ResourceDecl, SourceFile } from './config.js';
import { attribute, locate } from './config.js';
import { callFunction } from './functions.js';
import { EvaluationBudget } from './budget.js';
import { convertType } from './typeconv.js';
import { dependsOnInput, isConditionalPrincipal } from './inputs.js';
import { memoized } from '../../util/memo.js';
import {
  bool,
  call,
  concatOf,
  EvalError,
  fail,
  isLiteral,
  nul,
  num,
  primitiveString,
  sortedEntries,
  templatePart,
  tfEqual,
  toBool,
  toNumber,
} from './values.js';

/** Lexical environment: the module instance, the file being evaluated, and the names in scope. */
export interface Env {
  mod?: ModuleInstance;
  file: SourceFile;
  /** `each`, `count`, for-expression variables, dynamic block iterators, `*` inside a splat. */
  scope: Map<string, Value>;
}

type StepKey = string | number | undefined;

interface Step {
  /** `.name` */
  name?: string;
  /** `[key]` */
  key?: Expression;
  node: Expression;
}

interface InstanceState {
  inst: ResourceInstance;
  scope: Map<string, Value>;
  body: 'pending' | 'busy' | 'done';
  decl: ResourceDecl;
  mod: ModuleInstance;
}

interface ResourceState {
  decl: ResourceDecl;
  mode: 'single' | 'count' | 'for_each';
  known: boolean;
  instances: InstanceState[];
  keys: (string | number)[];
}

interface ModuleCallInstance {
  key: string | number | undefined;
  /** The loop element's names (`each`, `count`), for the call's arguments. */
  scope: Map<string, Value>;
  child?: ModuleInstance;
  /** A module grantlint cannot read (registry, git, missing folder): its arguments. */
  externalArgs?: () => Value;
  /** Symbol prefix for an external module's outputs. */
  external: string;
}

interface ModuleCallState {
  decl: ModuleCallDecl;
  mode: 'single' | 'count' | 'for_each';
  known: boolean;
  instances: ModuleCallInstance[];
}

const RESOURCE_META_ARGS = new Set(['count', 'for_each', 'provider', 'depends_on']);
const RESOURCE_META_BLOCKS = new Set(['lifecycle', 'provisioner', 'connection']);
const MODULE_META_ARGS = new Set(['source', 'version', 'providers', 'count', 'for_each', 'depends_on']);
const MAX_MODULE_DEPTH = 16;

/** Block-derived arrays and objects in resource bodies: reading into them keeps a ref. */
const blockValues = new WeakSet<Value>();
/** Refs that stand for "any instance" of a resource whose collection is unknown. */
const wildcardRefs = new WeakSet<Value>();
const instanceStates = new WeakMap<ResourceInstance, InstanceState>();

export function isBlockValue(v: Value): boolean {
  return blockValues.has(v);
}

/** What the front end needs to create module instances. */
export interface RunContext {
  /** Root folder: keys are unique per root. */
  rootFolder: string;
  loadModule(folder: string): ModuleConfig | undefined;
  /** Module calls that cannot be read, as they are met. */
  externalCalls?: ExternalCall[];
  /** Why a module folder could not be listed, if it could not. */
  readProblem?(folder: string): string | undefined;
  /** Records a diagnostic (an unreadable module, a cycle, a budget). */
  report?(d: Diagnostic): void;
}

function rgScope(): ScopeValue {
  return { kind: 'scope', level: 'resourceGroup', current: true, path: [] };
}

function quoteKey(k: string | number | undefined): string {
  if (k === undefined) return '[*]';
  return typeof k === 'number' ? `[${k}]` : `[${JSON.stringify(k)}]`;
}

/** One instance of a module folder: the root, or one call (one loop element) of a module. */
export class ModuleInstance {
  private readonly varMemo = new Map<string, Value>();
  private readonly localMemo = new Map<string, Value>();
  private readonly localBusy = new Set<string>();
  private readonly outputMemo = new Map<string, Value>();
  private readonly outputBusy = new Set<string>();
  private readonly inputMemo = new Map<string, Value>();
  private readonly inputBusy = new Set<string>();
  readonly resources = new Map<string, ResourceState | null>();
  readonly moduleCalls = new Map<string, ModuleCallState | null>();

  constructor(
    readonly ev: Evaluator,
    readonly run: RunContext,
    readonly config: ModuleConfig,
    /** '' for the root, `module.a["k"].module.b.` below it. */
    readonly modulePath: string,
    readonly callChain: Location[],
    /** Values passed in: module arguments (evaluated lazily, in the caller) or tfvars. */
    readonly inputs: Map<string, () => Value>,
    readonly folderChain: string[],
    /** `path.module`, relative to the root folder. */
    readonly relPath: string,
    /** For a module call: whether the argument passed for a variable depends on a root's input. */
    readonly inputDeps?: Map<string, () => boolean>,
  ) {}

  private readonly inputDependence = new Map<string, boolean>();

  /** Whether `var.<name>` depends on a root's input: a root's default that stands, or a caller's argument that does. */
  variableDependsOnInput(name: string): boolean {
    return this.dependent(`var:${name}`, () => {
      const decl = this.config.variables.get(name);
      if (!decl) return false;
      // A root's tfvars are facts; a module's inputs are what its caller passes.
      if (this.inputs.has(name)) return this.inputDeps?.get(name)?.() ?? false;
      if (!decl.default) return false;
      return this.modulePath === '' || this.ev.dependsOnInput(decl.default, { mod: this, file: decl.file, scope: new Map() });
    });
  }

  localDependsOnInput(name: string): boolean {
    return this.dependent(`local:${name}`, () => {
      const decl = this.config.locals.get(name);
      return !!decl && this.ev.dependsOnInput(decl.attr.value, { mod: this, file: decl.file, scope: new Map() });
    });
  }

  private dependent(key: string, compute: () => boolean): boolean {
    // A cycle depends on nothing more.
    return memoized(this.inputDependence, key, false, compute);
  }

  variable(name: string, at: Location | undefined): Value {
    const memo = this.varMemo.get(name);
    if (memo) return memo;
    const decl = this.config.variables.get(name);
    let v: Value | undefined;
    const input = this.inputs.get(name);
    if (input) {
      if (this.inputBusy.has(name)) return unknown(undefined, at);
      this.inputBusy.add(name);
      try {
        v = input();
      } finally {
        this.inputBusy.delete(name);
      }
      if (v.kind === 'null' && decl?.default) v = undefined; // null means "use the default" for non-nullable variables
    }
    if (!v && decl?.default) v = this.ev.safe(decl.default, { mod: this, file: decl.file, scope: new Map() });
    if (!v) {
      const declAt = decl ? locate(decl.file, decl.block) : undefined;
      v = unknown(`param:${this.config.folder}#${name}`, at, { kind: 'parameter', name, ...(declAt ? { decl: declAt } : {}) });
      // Two reads of the same input are the same value; the first read's location is kept.
    } else if (decl?.type) {
      try {
        v = convertType(v, decl.type, (e) => this.ev.safe(e, { mod: this, file: decl.file, scope: new Map() }));
      } catch (e) {
        if (!(e instanceof EvalError)) throw e;
      }
    }
    this.varMemo.set(name, v);
    return v;
  }

  local(name: string, at: Location | undefined): Value {
    const memo = this.localMemo.get(name);
    if (memo) return memo;
    const decl = this.config.locals.get(name);
    if (!decl || this.localBusy.has(name)) return unknown(undefined, at);
    this.localBusy.add(name);
    try {
      const v = this.ev.safe(decl.attr.value, { mod: this, file: decl.file, scope: new Map() });
      this.localMemo.set(name, v);
      return v;
    } finally {
      this.localBusy.delete(name);
    }
  }

  output(name: string, at: Location | undefined): Value {
    const memo = this.outputMemo.get(name);
    if (memo) return memo;
    const decl = this.config.outputs.get(name);
    if (!decl || !decl.value || this.outputBusy.has(name)) return unknown(undefined, at);
    this.outputBusy.add(name);
    try {
      const v = this.ev.safe(decl.value, { mod: this, file: decl.file, scope: new Map() });
      this.outputMemo.set(name, v);
      return v;
    } finally {
      this.outputBusy.delete(name);
    }
  }

  allOutputs(at: Location | undefined): ObjectValue {
    const o = obj([], at);
    for (const name of this.config.outputs.keys()) o.entries.set(name, this.output(name, at));
    return o;
  }

  /** The resource's instances (its `count`/`for_each` evaluated); null while being computed (a cycle). */
  resource(address: string): ResourceState | null | undefined {
    if (this.resources.has(address)) return this.resources.get(address);
    const decl = this.config.resourceByAddress.get(address);
    if (!decl) return undefined;
    this.resources.set(address, null);
    const state: ResourceState = { decl, mode: 'single', known: true, instances: [], keys: [] };
    const env: Env = { mod: this, file: decl.file, scope: new Map() };
    const elements = this.ev.loopElements(decl.block.body, env);
    state.mode = elements.mode;
    state.known = elements.known;
    for (const el of elements.items) {
      const inst: ResourceInstance = {
        key: `${this.run.rootFolder}#${this.modulePath}${decl.address}${elements.mode === 'single' ? '' : quoteKey(el.key)}`,
        declKey: `${decl.file.path}#${decl.address}`,
        format: 'terraform',
        type: decl.type,
        symbol: decl.address,
        existing: decl.mode === 'data',
        decl: locate(decl.file, decl.block),
        body: obj([], locate(decl.file, decl.block.body)),
        deploymentScope: rgScope(),
        callChain: this.callChain,
      };
      const is: InstanceState = { inst, scope: el.scope, body: 'pending', decl, mod: this };
      instanceStates.set(inst, is);
      state.instances.push(is);
      if (el.key !== undefined) state.keys.push(el.key);
    }
    this.resources.set(address, state);
    return state;
  }

  moduleCall(name: string): ModuleCallState | null | undefined {
    if (this.moduleCalls.has(name)) return this.moduleCalls.get(name);
    const decl = this.config.modules.get(name);
    if (!decl) return undefined;
    this.moduleCalls.set(name, null);
    const env: Env = { mod: this, file: decl.file, scope: new Map() };
    const elements = this.ev.loopElements(decl.block.body, env, true);
    const state: ModuleCallState = { decl, mode: elements.mode, known: elements.known, instances: [] };
    const callAt = locate(decl.file, decl.block);
    let config: ModuleConfig | undefined;
    if (decl.localDir && !this.folderChain.includes(decl.localDir) && this.folderChain.length < MAX_MODULE_DEPTH) {
      config = this.run.loadModule(decl.localDir);
      moduleProblem(this.run, decl, callAt, config);
    } else if (decl.localDir && this.folderChain.includes(decl.localDir)) {
      this.run.report?.(moduleCycle(this.folderChain, decl.localDir, locate(decl.file, attribute(decl.block.body, 'source') ?? decl.block)));
    }
    for (const el of elements.items) {
      const suffix = elements.mode === 'single' ? '' : quoteKey(el.key);
      const path = `${this.modulePath}module.${name}${suffix}`;
      const inst: ModuleCallInstance = { key: el.key, scope: el.scope, external: `external:${this.config.folder}#${path}` };
      if (!config) {
        const argEnv: Env = { mod: this, file: decl.file, scope: el.scope };
        inst.externalArgs = () => this.ev.body(decl.block.body, argEnv, true, callAt);
      }
      if (config) {
        const inputs = new Map<string, () => Value>();
        const inputDeps = new Map<string, () => boolean>();
        const argEnv: Env = { mod: this, file: decl.file, scope: el.scope };
        for (const item of decl.block.body.items) {
          if (item.kind !== 'Attribute' || MODULE_META_ARGS.has(item.name)) continue;
          inputs.set(item.name, () => this.ev.safe(item.value, argEnv));
          inputDeps.set(item.name, () => this.ev.dependsOnInput(item.value, argEnv));
        }
        const rel = this.relPath === '.' ? decl.source ?? '.' : `${this.relPath}/${decl.source ?? '.'}`;
        inst.child = new ModuleInstance(
          this.ev,
          this.run,
          config,
          `${path}.`,
          [...this.callChain, callAt],
          inputs,
          [...this.folderChain, config.folder],
          normaliseRel(rel),
          inputDeps,
        );
      }
      state.instances.push(inst);
    }
    this.moduleCalls.set(name, state);
    return state;
  }

  /** Evaluates every resource body and module call reachable from this instance. */
  materialize(): void {
    for (const decl of this.config.resources) {
      this.guarded(decl.address, decl.file, decl.block, () => {
        const state = this.resource(decl.address);
        if (state) for (const is of state.instances) this.ev.ensureBody(is);
      });
    }
    for (const [name, decl] of this.config.modules) {
      this.guarded(`module.${name}`, decl.file, decl.block, () => {
        const state = this.moduleCall(name);
        if (!state) return;
        for (const i of state.instances) {
          i.child?.materialize();
          if (i.externalArgs && this.run.externalCalls) {
            this.run.externalCalls.push({ format: 'terraform', source: state.decl.source ?? '', at: locate(state.decl.file, state.decl.block), args: i.externalArgs(), callChain: this.callChain });
          }
        }
      });
    }
  }

  /**
   * A defect while evaluating one declaration is a finding at it; the declaration keeps what was
   * evaluated (an instance whose body failed is analysed with an empty body) and the others go on.
   */
  private guarded(what: string, file: SourceFile, block: Block, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      if (!this.run.report) throw e;
      this.run.report(internalError(`${this.modulePath}${what}`, e, locate(file, block)));
    }
  }

  /**
   * The outputs of this module instance and the modules below it, and the arguments of every module
   * call grantlint reads (a call it cannot read is an external call, with its arguments).
   */
  exportsInto(out: ExportedValue[]): void {
    for (const [name, decl] of this.config.outputs) {
      const at = locate(decl.file, decl.block);
      out.push({ kind: 'output', name, value: this.output(name, at), at });
    }
    for (const name of this.config.modules.keys()) {
      const state = this.moduleCalls.get(name);
      if (!state) continue;
      const decl = state.decl;
      const at = locate(decl.file, decl.block);
      for (const i of state.instances) {
        if (!i.child) continue;
        const env: Env = { mod: this, file: decl.file, scope: i.scope };
        for (const item of decl.block.body.items) {
          if (item.kind !== 'Attribute' || MODULE_META_ARGS.has(item.name)) continue;
          out.push({ kind: 'moduleArgument', name: item.name, value: this.ev.safe(item.value, env), at });
        }
        i.child.exportsInto(out);
      }
    }
  }

  /** The resource instances of this module instance and the modules below it, in declaration order. */
  collect(out: ResourceInstance[]): void {
    for (const decl of this.config.resources) {
      const state = this.resources.get(decl.address);
      if (state) for (const is of state.instances) out.push(is.inst);
    }
    for (const name of this.config.modules.keys()) {
      const state = this.moduleCalls.get(name);
      if (state) for (const i of state.instances) i.child?.collect(out);
    }
  }
}

function isEmptyValue(v: Value): boolean {
  return v.kind === 'null' || (v.kind === 'string' && v.value === '');
}

/** A local module folder that cannot be read is a finding at its `source`. */
function moduleProblem(run: RunContext, decl: ModuleCallDecl, callAt: Location, config: ModuleConfig | undefined): void {
  if (config || !decl.localDir) return;
  const why = run.readProblem?.(decl.localDir);
  const source = attribute(decl.block.body, 'source');
  if (why) run.report?.(unreadable('module', decl.source ?? decl.localDir, why, source ? locate(decl.file, source) : callAt));
}

function normaliseRel(p: string): string {
  const parts: string[] = [];
  for (const seg of p.replace(/\\/g, '/').split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..' && parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
    else parts.push(seg);
  }
  return parts.length ? parts.join('/') : '.';
}

interface LoopElement {
  key: string | number | undefined;
  scope: Map<string, Value>;
}

export class Evaluator {
  readonly budget = new EvaluationBudget();

  /** Evaluates an expression; where Terraform would fail, or a budget runs out, the result is unknown. */
  safe(e: Expression, env: Env): Value {
    const at = this.at(e, env);
    if (!this.budget.enter(at)) return unknown(undefined, at);
    try {
      return this.expr(e, env);
    } catch (err) {
      if (err instanceof EvalError) return unknown(undefined, at);
      throw err;
    } finally {
      this.budget.leave();
    }
  }

  at(e: { start: number; end: number }, env: Env): Location {
    return locate(env.file, e);
  }

  /** Whether an expression depends on a root's input (see inputs.ts). */
  dependsOnInput(e: Expression, env: Env): boolean {
    const mod = env.mod;
    return !!mod && dependsOnInput(e, { variable: (n) => mod.variableDependsOnInput(n), local: (n) => mod.localDependsOnInput(n) });
  }

  /**
   * `count`/`for_each` written as a conditional on a root's input (`var.enable_x ? 1 : 0`): the
   * branch that makes more instances, as a condition on a root's default is possibly true.
   */
  private guardedCollection(e: Expression, env: Env, size: (v: Value) => number | undefined): Value {
    const inner = e.kind === 'Paren' ? e.expression : e;
    if (inner.kind !== 'Conditional' || !this.dependsOnInput(inner.condition, env)) return this.safe(e, env);
    const t = this.safe(inner.trueResult, env);
    const f = this.safe(inner.falseResult, env);
    const st = size(t);
    const sf = size(f);
    if (st === undefined || sf === undefined) return this.safe(e, env);
    return sf > st ? f : t;
  }

  expr(e: Expression, env: Env): Value {
    const at = this.at(e, env);
    if (!this.budget.step(at)) return unknown(undefined, at);
    switch (e.kind) {
      case 'Literal':
        if (e.value === null) return nul(at);
        if (typeof e.value === 'string') return { kind: 'string', value: e.value, at };
        if (typeof e.value === 'number') return num(e.value, at);
        return bool(e.value, at);
      case 'Template':
        return this.template(e.parts, env, at);
      case 'Tuple':
        return arr(
          e.items.map((i) => this.expr(i, env)),
          at,
        );
      case 'Object': {
        const o = obj([], at);
        for (const item of e.items) {
          const key = this.objectKey(item.key, env);
          const value = this.expr(item.value, env);
          if (typeof key === 'string') {
            o.entries.set(key, value);
            continue;
          }
          // A computed key that is not a known string: stored under its description (see the contract).
          const text = describeValue(key);
          o.entries.set(text, value);
          (o.keyValues ??= new Map()).set(text, key);
        }
        return o;
      }
      case 'Variable':
      case 'GetAttr':
      case 'Index':
        return this.traversal(e, env);
      case 'Splat':
        return this.splat(e.object, e.each, env, at);
      case 'FunctionCall':
        return this.functionCall(e.name, e.args, e.expandFinal, env, at);
      case 'Conditional': {
        const c = this.expr(e.condition, env);
        let b = toBool(c);
        // `var.enabled ? x.identity[0].principal_id : ""` on a root's input is x's identity, as the
        // condition guarding x is possibly true whatever its default.
        if (b !== undefined && isConditionalPrincipal(e.trueResult, e.falseResult) && this.dependsOnInput(e.condition, env)) b = undefined;
        else if (b === undefined && isLiteral(c)) fail('condition is not a bool');
        if (b === true) return this.expr(e.trueResult, env);
        if (b === false) return this.expr(e.falseResult, env);
        const t = this.safe(e.trueResult, env);
        const f = this.safe(e.falseResult, env);
        if (tfEqual(t, f) === true) return t;
        // Kept as a conditional when it chooses a principal: it names what its branches may be.
        if (isEmptyValue(t) !== isEmptyValue(f) || isConditionalPrincipal(e.trueResult, e.falseResult)) return call('if', [c, t, f], at);
        return unknown(undefined, at);
      }
      case 'Binary':
        return this.binary(e.operator, e.left, e.right, env, at);
      case 'Unary': {
        const v = this.expr(e.operand, env);
        if (e.operator === '!') {
          const b = toBool(v);
          return b === undefined ? unknown(undefined, at) : bool(!b, at);
        }
        const n = toNumber(v);
        return n === undefined ? unknown(undefined, at) : num(-n, at);
      }
      case 'For':
        return this.forExpr(e, env, at);
      case 'Paren':
        return this.expr(e.expression, env);
      case 'ErrorExpression':
        return unknown(undefined, at);
    }
  }

  private objectKey(key: Expression, env: Env): string | Value {
    if (key.kind === 'Variable') return key.name;
    const v = this.expr(key.kind === 'Paren' ? key.expression : key, env);
    return primitiveString(v) ?? v;
  }

  private template(parts: TemplatePart[], env: Env, at: Location): Value {
    if (parts.length === 1 && parts[0].kind === 'Interpolation') return this.expr(parts[0].expression, env);
    const out: Value[] = [];
    this.templateParts(parts, env, out);
    return concatOf(out, at);
  }

  private templateParts(parts: TemplatePart[], env: Env, out: Value[]): void {
    for (const p of parts) {
      switch (p.kind) {
        case 'Text':
          out.push({ kind: 'string', value: p.value });
          break;
        case 'Interpolation':
          out.push(templatePart(this.expr(p.expression, env)));
          break;
        case 'If': {
          const b = toBool(this.expr(p.condition, env));
          if (b === true) this.templateParts(p.then, env, out);
          else if (b === false) {
            if (p.else) this.templateParts(p.else, env, out);
          } else out.push(unknown(undefined, this.at(p, env)));
          break;
        }
        case 'For': {
          const coll = this.expr(p.collection, env);
          const pairs = iterate(coll);
          if (!pairs) {
            out.push(unknown(undefined, this.at(p, env)));
            break;
          }
          for (const [k, v] of pairs) {
            const scope = new Map(env.scope);
            if (p.keyVar) scope.set(p.keyVar, k);
            scope.set(p.valueVar, v);
            this.templateParts(p.body, { ...env, scope }, out);
          }
          break;
        }
      }
    }
  }

  private binary(op: string, l: Expression, r: Expression, env: Env, at: Location): Value {
    if (op === '&&' || op === '||') {
      const a = toBool(this.expr(l, env));
      if (op === '&&' && a === false) return bool(false, at);
      if (op === '||' && a === true) return bool(true, at);
      const b = toBool(this.expr(r, env));
      if (op === '&&' && b === false) return bool(false, at);
      if (op === '||' && b === true) return bool(true, at);
      if (a === undefined || b === undefined) return unknown(undefined, at);
      return bool(op === '&&' ? a && b : a || b, at);
    }
    const a = this.expr(l, env);
    const b = this.expr(r, env);
    if (op === '==' || op === '!=') {
      let eq = tfEqual(a, b);
      // A reference to a resource attribute, a scope or a composed string is not null.
      if (eq === undefined && (a.kind === 'null' || b.kind === 'null')) {
        const other = a.kind === 'null' ? b : a;
        if (other.kind === 'ref' || other.kind === 'concat' || other.kind === 'scope') eq = false;
      }
      if (eq === undefined) return unknown(undefined, at);
      return bool(op === '==' ? eq : !eq, at);
    }
    const x = toNumber(a);
    const y = toNumber(b);
    if (x === undefined || y === undefined) {
      if (isKnown(a) && isKnown(b)) fail(`operator ${op} needs numbers`);
      return unknown(undefined, at);
    }
    switch (op) {
      case '<':
        return bool(x < y, at);
      case '<=':
        return bool(x <= y, at);
      case '>':
        return bool(x > y, at);
      case '>=':
        return bool(x >= y, at);
      case '+':
        return num(x + y, at);
      case '-':
        return num(x - y, at);
      case '*':
        return num(x * y, at);
      case '/':
        if (y === 0) fail('division by zero');
        return num(x / y, at);
      case '%':
        if (y === 0) fail('division by zero');
        return num(x % y, at);
      default:
        return unknown(undefined, at);
    }
  }

  private forExpr(e: ForExpression, env: Env, at: Location): Value {
    const coll = this.expr(e.collection, env);
    const pairs = iterate(coll);
    if (!pairs) return unknown(undefined, at);
    const items: Value[] = [];
    const entries = new Map<string, Value>();
    const groups = new Map<string, Value[]>();
    for (const [k, v] of pairs) {
      const scope = new Map(env.scope);
      if (e.keyVar) scope.set(e.keyVar, k);
      scope.set(e.valueVar, v);
      const inner: Env = { ...env, scope };
      if (e.condition) {
        const c = toBool(this.expr(e.condition, inner));
        if (c === undefined) return unknown(undefined, at);
        if (!c) continue;
      }
      if (!e.object) {
        items.push(this.expr(e.value, inner));
        continue;
      }
      const key = e.key ? primitiveString(this.expr(e.key, inner)) : undefined;
      if (key === undefined) return unknown(undefined, at);
      const value = this.expr(e.value, inner);
      if (e.grouping) {
        const g = groups.get(key) ?? [];
        g.push(value);
        groups.set(key, g);
      } else {
        if (entries.has(key)) fail(`duplicate key ${key} in for expression`);
        entries.set(key, value);
      }
    }
    if (!e.object) return arr(items, at);
    if (e.grouping) for (const [k, g] of groups) entries.set(k, arr(g, at));
    return obj(entries, at);
  }

  private functionCall(name: string, argExprs: Expression[], expandFinal: boolean, env: Env, at: Location): Value {
    const fn = name.toLowerCase();
    if (fn === 'try') {
      for (const a of argExprs) {
        try {
          return this.expr(a, env);
        } catch (err) {
          if (!(err instanceof EvalError)) throw err;
        }
      }
      return fail('try: no argument succeeded');
    }
    if (fn === 'can') {
      try {
        const v = argExprs[0] ? this.expr(argExprs[0], env) : undefined;
        if (!v) return bool(false, at);
        if (v.kind === 'unknown' || v.kind === 'call') return unknown(undefined, at);
        return bool(true, at);
      } catch (err) {
        if (!(err instanceof EvalError)) throw err;
        return bool(false, at);
      }
    }
    let args = argExprs.map((a) => this.expr(a, env));
    if (expandFinal && args.length > 0) {
      const last = args[args.length - 1];
      if (last.kind !== 'array') return unknown(undefined, at);
      args = [...args.slice(0, -1), ...last.items];
    }
    if (fn === 'one') {
      const a = args[0];
      if (a && a.kind === 'array') {
        if (a.items.length === 0) return nul(at);
        if (a.items.length === 1) return a.items[0];
        fail('one: more than one element');
      }
      if (a && a.kind === 'ref') return this.applyStep(a, 0, at);
      if (a && a.kind === 'null') return nul(at);
    }
    return callFunction(name.includes('::') ? name : fn, args, at);
  }

  // ---- traversals ----

  private traversal(e: Expression, env: Env): Value {
    const at = this.at(e, env);
    const steps: Step[] = [];
    let cur = e;
    for (;;) {
      if (cur.kind === 'GetAttr') {
        steps.unshift({ name: cur.name, node: cur });
        cur = cur.object;
      } else if (cur.kind === 'Index') {
        steps.unshift({ key: cur.key, node: cur });
        cur = cur.object;
      } else break;
    }
    if (cur.kind !== 'Variable') return this.applySteps(this.expr(cur, env), steps, env);
    const root = cur.name;
    const scoped = env.scope.get(root);
    if (scoped) return this.applySteps(scoped, steps, env);
    const mod = env.mod;
    const first = steps[0]?.name;
    const rest = steps.slice(1);
    const stepAt = steps[0] ? this.at(steps[0].node, env) : at;
    switch (root) {
      case 'var':
        if (!first || !mod) return unknown(undefined, at);
        return this.applySteps(mod.variable(first, stepAt), rest, env);
      case 'local':
        if (!first || !mod) return unknown(undefined, at);
        return this.applySteps(mod.local(first, stepAt), rest, env);
      case 'each':
      case 'count':
      case 'self':
        return unknown(undefined, at);
      case 'path':
        if (first === 'module' && mod) return this.applySteps({ kind: 'string', value: mod.relPath, at: stepAt }, rest, env);
        if (first === 'root') return this.applySteps({ kind: 'string', value: '.', at: stepAt }, rest, env);
        return unknown(`path.${first ?? ''}`, at);
      case 'terraform':
        return unknown(`terraform.${first ?? ''}`, at, { kind: 'external', name: `terraform.${first ?? ''}` });
      case 'module':
        if (!first || !mod) return unknown(undefined, at);
        return this.moduleRef(mod, first, rest, env, stepAt);
      case 'data': {
        const name = steps[1]?.name;
        if (!first || !name || !mod) return unknown(undefined, at);
        return this.resourceRef(mod, `data.${first}.${name}`, steps.slice(2), env, this.at(steps[1].node, env));
      }
      default:
        if (!first || !mod) return unknown(undefined, at);
        return this.resourceRef(mod, `${root}.${first}`, rest, env, stepAt);
    }
  }

  private stepKey(step: Step, env: Env): StepKey {
    if (step.name !== undefined) return step.name;
    if (!step.key) return undefined;
    const k = this.expr(step.key, env);
    if (k.kind === 'string' || k.kind === 'number') return k.value;
    if (k.kind === 'null') fail('index is null');
    return undefined;
  }

  private applySteps(base: Value, steps: Step[], env: Env): Value {
    let v = base;
    for (const step of steps) v = this.applyStep(v, this.stepKey(step, env), this.at(step.node, env), step.name !== undefined);
    return v;
  }

  /** `v.name` or `v[key]`. `key` undefined: an unknown index. */
  applyStep(v: Value, key: StepKey, at: Location, isAttr = false): Value {
    switch (v.kind) {
      case 'ref': {
        if (wildcardRefs.has(v) && !isAttr) return { kind: 'ref', resource: v.resource, path: [], at };
        if (key === undefined) return unknown(undefined, at);
        return this.resolveRef(v.resource, [...v.path, key], at);
      }
      case 'object': {
        if (key === undefined) return unknown(undefined, at);
        const got = v.entries.get(String(key));
        if (got) return got;
        return fail(`no attribute ${String(key)}`);
      }
      case 'array': {
        if (key === undefined) return unknown(undefined, at);
        const n = typeof key === 'number' ? key : isAttr ? undefined : toNumber({ kind: 'string', value: key });
        if (n === undefined) return fail(`cannot read ${String(key)} of a list`);
        const item = v.items[n];
        if (!item) return fail(`index ${n} out of range`);
        return item;
      }
      case 'unknown':
        return derivedUnknown(v, key, at);
      case 'null':
        return fail('attribute of null');
      case 'string':
      case 'number':
      case 'bool':
        return fail('attribute of a primitive');
      default:
        return unknown(undefined, at);
    }
  }

  /** A resource attribute: its written value when the path reaches an argument, else a ref. */
  resolveRef(resource: ResourceInstance, path: (string | number)[], at: Location): Value {
    const is = instanceStates.get(resource);
    if (is && is.body === 'pending') this.ensureBody(is);
    if (!is || is.body !== 'done' || path.length === 0) return { kind: 'ref', resource, path, at };
    let cur: Value | undefined = resource.body;
    for (const p of path) {
      if (!cur) break;
      if (cur.kind === 'object' && typeof p === 'string') cur = cur.entries.get(p);
      else if (cur.kind === 'array' && typeof p === 'number') cur = cur.items[p];
      else if (cur.kind === 'array' && blockValues.has(cur) && typeof p === 'string') cur = undefined;
      else {
        cur = undefined;
        break;
      }
    }
    if (!cur || blockValues.has(cur)) return { kind: 'ref', resource, path, at };
    return cur;
  }

  private resourceRef(mod: ModuleInstance, address: string, steps: Step[], env: Env, at: Location): Value {
    const state = mod.resource(address);
    if (state === undefined) return unknown(undefined, at);
    if (state === null) return unknown(undefined, at);
    let base: Value;
    if (!state.known) {
      const only = state.instances[0];
      if (!only) return unknown(undefined, at);
      base = { kind: 'ref', resource: only.inst, path: [], at };
      wildcardRefs.add(base);
    } else if (state.mode === 'single') {
      const only = state.instances[0];
      if (!only) return unknown(undefined, at);
      base = { kind: 'ref', resource: only.inst, path: [], at };
    } else if (state.mode === 'count') {
      base = arr(
        state.instances.map((is) => ({ kind: 'ref', resource: is.inst, path: [], at }) as RefValue),
        at,
      );
    } else {
      const o = obj([], at);
      state.instances.forEach((is, i) => o.entries.set(String(state.keys[i]), { kind: 'ref', resource: is.inst, path: [], at }));
      base = o;
    }
    return this.applySteps(base, steps, env);
  }

  private moduleRef(mod: ModuleInstance, name: string, steps: Step[], env: Env, at: Location): Value {
    const state = mod.moduleCall(name);
    if (!state) return unknown(undefined, at);
    const outputOf = (i: ModuleCallInstance, out: string, outAt: Location): Value =>
      i.child ? i.child.output(out, outAt) : unknown(`${i.external}.${out}`, outAt, { kind: 'external', name: `module.${name}.${out}` });
    const whole = (i: ModuleCallInstance, wAt: Location): Value =>
      i.child ? i.child.allOutputs(wAt) : unknown(i.external, wAt, { kind: 'external', name: `module.${name}` });
    let rest = steps;
    let selected: ModuleCallInstance | undefined;
    if (state.mode === 'single' && state.known) selected = state.instances[0];
    else if (rest[0] && rest[0].key) {
      const key = this.stepKey(rest[0], env);
      const keyAt = this.at(rest[0].node, env);
      if (!state.known) selected = state.instances[0];
      else if (key === undefined) return unknown(undefined, keyAt);
      else {
        selected = state.instances.find((i) => String(i.key) === String(key));
        if (!selected) fail(`no module instance ${String(key)}`);
      }
      rest = rest.slice(1);
      at = keyAt;
    } else if (!state.known) {
      return unknown(undefined, at);
    } else {
      // module.m used as a whole collection
      const coll: Value =
        state.mode === 'count'
          ? arr(
              state.instances.map((i) => whole(i, at)),
              at,
            )
          : obj(
              state.instances.map((i) => [String(i.key), whole(i, at)] as [string, Value]),
              at,
            );
      return this.applySteps(coll, rest, env);
    }
    if (!selected) return unknown(undefined, at);
    const out = rest[0]?.name;
    if (out === undefined) return this.applySteps(whole(selected, at), rest, env);
    return this.applySteps(outputOf(selected, out, this.at(rest[0].node, env)), rest.slice(1), env);
  }

  private splat(objectExpr: Expression, each: Expression, env: Env, at: Location): Value {
    const base = this.expr(objectExpr, env);
    const applyEach = (item: Value): Value => {
      const scope = new Map(env.scope);
      scope.set('*', item);
      return this.expr(each, { ...env, scope });
    };
    if (base.kind === 'array') return arr(base.items.map(applyEach), at);
    if (base.kind === 'null') return arr([], at);
    if (base.kind === 'ref') {
      if (wildcardRefs.has(base)) return unknown(undefined, at);
      // A nested block list of unknown length: read its first element (identity blocks have one).
      return arr([applyEach(this.applyStep(base, 0, at))], at);
    }
    if (base.kind === 'object') return arr([applyEach(base)], at);
    return unknown(undefined, at);
  }

  // ---- loops and bodies ----

  /** The instances a `count` / `for_each` meta-argument asks for. */
  loopElements(body: Body, env: Env, modules = false): { mode: 'single' | 'count' | 'for_each'; known: boolean; items: LoopElement[] } {
    const forEach = attribute(body, 'for_each');
    const count = attribute(body, 'count');
    if (forEach) {
      const at = this.at(forEach.value, env);
      const v = this.guardedCollection(forEach.value, env, (x) => forEachPairs(x, at)?.length);
      const pairs = forEachPairs(v, at);
      if (!pairs || this.budget.loopTooLarge(pairs.length, 'for_each', at, modules)) {
        const sym = `loop:${env.file.path}:${forEach.start}`;
        const each = obj([
          ['key', unknown(`${sym}#each.key`, at, { kind: 'loop', name: 'each.key' })],
          ['value', unknown(`${sym}#each.value`, at, { kind: 'loop', name: 'each.value' })],
        ]);
        return { mode: 'for_each', known: false, items: [{ key: undefined, scope: new Map([['each', each]]) }] };
      }
      return {
        mode: 'for_each',
        known: true,
        items: pairs.map(([k, kv, value]) => ({ key: k, scope: new Map([['each', obj([['key', kv], ['value', value]])]]) })),
      };
    }
    if (count) {
      const v = this.guardedCollection(count.value, env, toNumber);
      const n = toNumber(v);
      const at = this.at(count.value, env);
      if (n === undefined || n < 0 || !Number.isFinite(n) || this.budget.loopTooLarge(n, 'count', at, modules)) {
        const sym = `loop:${env.file.path}:${count.start}#count.index`;
        const c = obj([['index', unknown(sym, at, { kind: 'loop', name: 'count.index' })]]);
        return { mode: 'count', known: false, items: [{ key: undefined, scope: new Map([['count', c]]) }] };
      }
      const items: LoopElement[] = [];
      for (let i = 0; i < n; i++) items.push({ key: i, scope: new Map([['count', obj([['index', num(i, at)]])]]) });
      return { mode: 'count', known: true, items };
    }
    this.budget.instances++;
    return { mode: 'single', known: true, items: [{ key: undefined, scope: new Map() }] };
  }

  ensureBody(is: InstanceState): void {
    if (is.body !== 'pending') return;
    is.body = 'busy';
    try {
      const env: Env = { mod: is.mod, file: is.decl.file, scope: is.scope };
      const body = this.body(is.decl.block.body, env, true, locate(is.decl.file, is.decl.block.body));
      is.inst.body = body;
      const name = body.entries.get('name');
      if (name) is.inst.name = name;
    } finally {
      is.body = 'done';
    }
  }

  /** Arguments and nested blocks; a block type becomes an array of objects. */
  body(body: Body, env: Env, top: boolean, at: Location): ObjectValue {
    const out = obj([], at);
    for (const item of body.items) {
      if (item.kind === 'Attribute') {
        if (top && RESOURCE_META_ARGS.has(item.name)) continue;
        out.entries.set(item.name, this.safe(item.value, env));
        continue;
      }
      if (top && RESOURCE_META_BLOCKS.has(item.type)) continue;
      if (item.type === 'dynamic') {
        this.dynamic(item, env, out);
        continue;
      }
      pushBlock(out, item.type, this.body(item.body, env, false, this.at(item, env)), this.at(item, env));
    }
    return out;
  }

  private dynamic(block: Block, env: Env, out: ObjectValue): void {
    const type = block.labels[0]?.value;
    if (!type) return;
    const content = block.body.items.find((i): i is Block => i.kind === 'Block' && i.type === 'content');
    if (!content) return;
    const iterAttr = attribute(block.body, 'iterator');
    const iterator = iterAttr && iterAttr.value.kind === 'Variable' ? iterAttr.value.name : type;
    const forEach = attribute(block.body, 'for_each');
    const at = this.at(block, env);
    const coll = forEach ? this.safe(forEach.value, env) : unknown();
    const pairs = iterate(coll);
    if (!pairs) {
      const sym = `loop:${env.file.path}:${block.start}#${iterator}`;
      const it = obj([
        ['key', unknown(`${sym}.key`, at, { kind: 'loop', name: `${iterator}.key` })],
        ['value', unknown(`${sym}.value`, at, { kind: 'loop', name: `${iterator}.value` })],
      ]);
      const scope = new Map(env.scope);
      scope.set(iterator, it);
      pushBlock(out, type, this.body(content.body, { ...env, scope }, false, at), at);
      return;
    }
    for (const [k, v] of pairs) {
      const scope = new Map(env.scope);
      scope.set(iterator, obj([['key', k], ['value', v]]));
      pushBlock(out, type, this.body(content.body, { ...env, scope }, false, at), at);
    }
  }
}

function pushBlock(out: ObjectValue, type: string, value: ObjectValue, at: Location): void {
  blockValues.add(value);
  const existing = out.entries.get(type);
  if (existing && existing.kind === 'array' && blockValues.has(existing)) {
    existing.items.push(value);
    return;
  }
  const list: ArrayValue = arr([value], at);
  blockValues.add(list);
  out.entries.set(type, list);
}

/** Key/value pairs of a collection for `for` expressions: lists by index, objects by sorted key. */
function iterate(v: Value): [Value, Value][] | undefined {
  if (v.kind === 'array') return v.items.map((item, i) => [num(i, item.at), item]);
  if (v.kind === 'object') return sortedEntries(v).map(([k, x]) => [{ kind: 'string', value: k, ...(x.at ? { at: x.at } : {}) }, x]);
  return undefined;
}

/** `for_each` elements: a set (or list) of strings, or a map/object. Undefined when unknown. */
function forEachPairs(v: Value, at: Location): [string | number | undefined, Value, Value][] | undefined {
  if (v.kind === 'array') {
    const seen = new Set<string>();
    const out: [string | number | undefined, Value, Value][] = [];
    v.items.forEach((item, i) => {
      const s = primitiveString(item);
      if (s !== undefined) {
        if (seen.has(s)) return;
        seen.add(s);
        out.push([s, item.kind === 'string' ? item : { kind: 'string', value: s, ...(item.at ? { at: item.at } : {}) }, item]);
      } else out.push([`?${i}`, item, item]);
    });
    return out;
  }
  if (v.kind === 'object') {
    return sortedEntries(v).map(([k, x]) => [k, { kind: 'string', value: k, at: x.at ?? at }, x]);
  }
  return undefined;
}

/** `var.x.y` where `var.x` is unknown: an unknown that is the same wherever it is read. */
function derivedUnknown(v: UnknownValue, key: StepKey, at: Location): Value {
  if (!v.symbol || key === undefined) return unknown(undefined, at);
  const suffix = typeof key === 'number' ? `[${key}]` : `.${key}`;
  const input = v.input ? { ...v.input, name: `${v.input.name}${suffix}` } : undefined;
  return unknown(`${v.symbol}${suffix}`, at, input);
}
