/**
 * Evaluates one ARM deployment (a root template, or a nested / linked one reached through a
 * `Microsoft.Resources/deployments` resource) into resource instances.
 *
 * Two phases per deployment: first every resource is declared (copy loops expanded, conditions
 * applied, type and name evaluated) so that `resourceId(...)` and `reference(...)` can resolve to
 * declared resources; then bodies are evaluated (lazily, so a `reference(deployment).outputs.x`
 * evaluates that deployment first).
 */
import { dirname, resolve } from 'node:path';
import {
  callFunction,
  concatParts,
  scopeValue,
  symbolicCall,
  type FnArg,
  type FunctionContext,
  type LambdaArg,
  type ResourceQuery,
} from '../../link/functions.js';
import type { Location } from '../../model/location.js';
import type { Diagnostic, ExportedValue, ExternalCall, ResourceInstance } from '../../model/template.js';
import { budgetExceeded, internalError, moduleCycle, unreadable } from '../problems.js';
import {
  describeValue,
  getProp,
  sameValue,
  unknownAt,
  type ObjectValue,
  type ScopeLevel,
  type ScopeValue,
  type Value,
} from '../../model/value.js';
import { parseTemplateString, type ArmExpr } from '../../syntax/arm/expression.js';
import { dependsOnInput, exprDepends, isConditionalPrincipal, type InputLookup } from './inputs.js';
import {
  locationOf,
  member,
  prop,
  stringProp,
  stringValueOffset,
  type JsonDocument,
  type JsonNode,
  type JsonObject,
  type JsonString,
  type Span,
} from '../../syntax/json/index.js';

/** A parsed file the evaluator reads. */
export interface Source {
  file: string;
  doc: JsonDocument;
}

/** What the front end lends the evaluator: loading linked templates, collecting results. */
export interface Session {
  /** Loads a template file reached through `templateLink` (undefined: unreadable / broken). */
  loadLinked(path: string): Source | undefined;
  /** Called when the root `root` reaches the local template `target` through a templateLink. */
  onLinked?(root: string, target: string): void;
  resources: ResourceInstance[];
  /** Nested deployments whose template cannot be read (remote, template spec, missing file). */
  externalCalls?: ExternalCall[];
  /** Outputs of every template evaluated (roots, nested and linked deployments). */
  exports?: ExportedValue[];
  /** Stops runaway expansion (copy loops, nested deployments). */
  budget: { instances: number; deployments: number };
  /** Why a linked template could not be read, if it could not. */
  readProblem?(path: string): string | undefined;
  /** Records a diagnostic (an unreadable linked template, a cycle, a budget). */
  report?(d: Diagnostic): void;
}

export const MAX_COPY = 800;
const MAX_NESTING = 24;
const DEPLOYMENTS = 'microsoft.resources/deployments';

interface Slot {
  name: string;
  /** Where the declaration is written (outputs). */
  at?: Location;
  state: 0 | 1 | 2;
  value?: Value;
  compute: () => Value;
  /** A variable's JSON node, to tell whether it depends on a root's input. */
  node?: JsonNode;
  /** Whether it depends on a root's input, once asked. */
  dependsOnInput?: boolean;
}

/** One deployment: its resources, for `resourceId`/`reference` resolution. */
export class Deployment {
  readonly instances: ResourceInstance[] = [];
  readonly byType = new Map<string, ResourceInstance[]>();
  readonly bySymbol = new Map<string, ResourceInstance>();
  /** Every instance of a symbolic name (copy loops have one per element), in declaration order. */
  readonly allBySymbol = new Map<string, ResourceInstance[]>();
  readonly pending = new Map<ResourceInstance, Pending>();
  /** Nested deployments started by `Microsoft.Resources/deployments` instances of this one. */
  readonly nested = new Map<ResourceInstance, Ctx | null>();
  constructor(
    readonly parent: Deployment | undefined,
    readonly depth: number,
  ) {}

  add(inst: ResourceInstance, symbolic?: string): void {
    this.instances.push(inst);
    const t = inst.type.toLowerCase();
    const list = this.byType.get(t);
    if (list) list.push(inst);
    else this.byType.set(t, [inst]);
    if (symbolic !== undefined && !this.bySymbol.has(symbolic.toLowerCase())) this.bySymbol.set(symbolic.toLowerCase(), inst);
    if (symbolic !== undefined) {
      const all = this.allBySymbol.get(symbolic.toLowerCase());
      if (all) all.push(inst);
      else this.allBySymbol.set(symbolic.toLowerCase(), [inst]);
    }
  }
}

interface Pending {
  node: JsonObject;
  ctx: Ctx;
  state: 0 | 1 | 2;
}

interface UserFunction {
  params: string[];
  output?: JsonNode;
  ctx: Ctx;
}

/** The evaluation context of one template (plus loop bindings). */
export interface Ctx {
  session: Session;
  src: Source;
  template: JsonObject;
  /** JSON pointer of the template object inside its file ('' for a file's root). */
  pointer: string;
  params: Map<string, Slot>;
  vars: Map<string, Slot>;
  functions: Map<string, UserFunction>;
  outputs: Map<string, Slot>;
  /** copyIndex bindings by lower-cased loop name; '' is the innermost loop. */
  copy: Map<string, Value>;
  /** `lambdaVariables('x')` bindings. */
  lambdaVars?: Map<string, Value>;
  /** What resourceGroup()/subscription()... evaluate against. */
  exprScope: ScopeValue;
  /** The deployment scope of the instances this template declares. */
  targetScope: ScopeValue;
  deployment: Deployment;
  callChain: Location[];
  keyPrefix: string;
  iterPath: string;
  v2: boolean;
  /** Files on the templateLink chain, against cycles. */
  fileChain: string[];
  /** Whether a parameter (lower-cased name) depends on a root's input (see inputs.ts). */
  paramDependsOnInput?: (name: string) => boolean;
}

// ---------------------------------------------------------------------------------------------
// Values

function mk<T extends Value>(v: T, at?: Location): T {
  if (at) v.at = at;
  return v;
}


function loc(ctx: Ctx, s: Span): Location {
  return locationOf(ctx.src.file, ctx.src.doc, s);
}

/** The level of a template from its `$schema`. */
export function schemaLevel(schema: string | undefined): ScopeLevel | undefined {
  if (!schema) return undefined;
  const s = schema.toLowerCase();
  if (s.includes('subscriptiondeploymenttemplate.json')) return 'subscription';
  if (s.includes('managementgroupdeploymenttemplate.json')) return 'managementGroup';
  if (s.includes('tenantdeploymenttemplate.json')) return 'tenant';
  if (s.includes('deploymenttemplate.json')) return 'resourceGroup';
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Contexts

/** Parameter values given to a template, by lower-cased name. */
export type ParamValues = Map<string, Value>;

export interface TemplateOptions {
  session: Session;
  src: Source;
  template: JsonObject;
  pointer: string;
  /** Values for parameters (a parameter file, a nested deployment's `parameters`). */
  given?: ParamValues;
  /** When set, a parameter neither given nor defaulted is this deployment's input (root). */
  symbolBase: string;
  exprScope: ScopeValue;
  targetScope: ScopeValue;
  deployment: Deployment;
  callChain: Location[];
  keyPrefix: string;
  fileChain: string[];
  /** A root template: a parameter's default is a possibility, not a fact. */
  root?: boolean;
  /** Whether a given parameter value depends on a root's input (a nested deployment's argument). */
  givenDependsOnInput?: (name: string) => boolean;
}

/** A context for a template with its own parameters and variables (a root, inner scope, linked file). */
export function templateCtx(o: TemplateOptions): Ctx {
  const ctx: Ctx = {
    session: o.session,
    src: o.src,
    template: o.template,
    pointer: o.pointer,
    params: new Map(),
    vars: new Map(),
    functions: new Map(),
    outputs: new Map(),
    copy: new Map(),
    exprScope: o.exprScope,
    targetScope: o.targetScope,
    deployment: o.deployment,
    callChain: o.callChain,
    keyPrefix: o.keyPrefix,
    iterPath: '',
    v2: stringProp(o.template, 'languageVersion')?.startsWith('2') ?? false,
    fileChain: o.fileChain,
  };
  const params = prop(o.template, 'parameters');
  if (params && params.type === 'object') {
    for (const m of params.members) {
      const lower = m.key.toLowerCase();
      const given = o.given?.get(lower);
      const decl = loc(ctx, m);
      ctx.params.set(lower, {
        name: m.key,
        state: 0,
        compute: () => {
          if (given) return given;
          const def = prop(m.value, 'defaultValue');
          if (def) return evalNode(def, ctx);
          // A nullable parameter without a default is null (Bicep `param x string?`), not an input.
          const nullable = prop(m.value, 'nullable');
          if (nullable?.type === 'bool' && nullable.value) return mk({ kind: 'null' }, decl);
          return unknownAt(decl, `param:${o.symbolBase}#${m.key}`, { kind: 'parameter', name: m.key, decl });
        },
      });
    }
  }
  ctx.paramDependsOnInput = (name) => {
    if (o.given?.has(name)) return o.givenDependsOnInput?.(name) ?? false;
    return !!o.root && !!params && params.type === 'object' && params.members.some((m) => m.key.toLowerCase() === name && !!prop(m.value, 'defaultValue'));
  };
  addVariables(ctx, prop(o.template, 'variables'));
  addFunctions(ctx, prop(o.template, 'functions'));
  addOutputs(ctx, prop(o.template, 'outputs'));
  return ctx;
}

function addVariables(ctx: Ctx, vars: JsonNode | undefined): void {
  if (!vars || vars.type !== 'object') return;
  for (const m of vars.members) {
    if (isCopyKey(m.key) && m.value.type === 'array') {
      for (const loop of m.value.items) {
        const name = stringProp(loop, 'name');
        if (name === undefined) continue;
        ctx.vars.set(name.toLowerCase(), { name, state: 0, compute: () => copyArray(loop as JsonObject, name, ctx) });
      }
      continue;
    }
    const lower = m.key.toLowerCase();
    if (ctx.vars.has(lower) && ctx.vars.get(lower)?.state !== 0) continue;
    ctx.vars.set(lower, { name: m.key, state: 0, compute: () => evalNode(m.value, ctx), node: m.value });
  }
}

function addFunctions(ctx: Ctx, fns: JsonNode | undefined): void {
  if (!fns || fns.type !== 'array') return;
  for (const ns of fns.items) {
    const namespace = stringProp(ns, 'namespace');
    const members = prop(ns, 'members');
    if (namespace === undefined || !members || members.type !== 'object') continue;
    for (const m of members.members) {
      const ps = prop(m.value, 'parameters');
      const params = ps && ps.type === 'array' ? ps.items.map((p) => stringProp(p, 'name') ?? '') : [];
      ctx.functions.set(`${namespace}.${m.key}`.toLowerCase(), { params, output: prop(prop(m.value, 'output'), 'value'), ctx });
    }
  }
}

function addOutputs(ctx: Ctx, outs: JsonNode | undefined): void {
  if (!outs || outs.type !== 'object') return;
  for (const m of outs.members) {
    ctx.outputs.set(m.key.toLowerCase(), {
      name: m.key,
      at: loc(ctx, m),
      state: 0,
      compute: () => {
        const copy = prop(m.value, 'copy');
        if (copy && copy.type === 'object') return copyArray(copy, '', ctx);
        const v = prop(m.value, 'value');
        return v ? evalNode(v, ctx) : unknownAt(loc(ctx, m));
      },
    });
  }
}

/** A template output's value (a module's outputs, read by a caller). */
export function readOutput(ctx: Ctx, name: string): Value | undefined {
  const slot = ctx.outputs.get(name.toLowerCase());
  return slot ? readSlot(slot, undefined) : undefined;
}

/** The template's output names as written. */
export function outputNames(ctx: Ctx): string[] {
  return [...ctx.outputs.values()].map((slot) => slot.name);
}

function readSlot(slot: Slot, at: Location | undefined): Value {
  if (slot.state === 2) return slot.value as Value;
  if (slot.state === 1) return unknownAt(at); // a cycle
  slot.state = 1;
  let v: Value = unknownAt(at);
  try {
    // Nothing here throws on input (what cannot be computed is unknown): an exception is a defect,
    // reported by the resource or root that reads the slot.
    v = slot.compute();
  } finally {
    slot.value = v;
    slot.state = 2;
  }
  return v;
}

/** `{ name, count, input }` → an array with `copyIndex(name)` bound to each index. */
function copyArray(loop: JsonObject, name: string, ctx: Ctx): Value {
  const at = loc(ctx, loop);
  const countNode = prop(loop, 'count');
  const input = prop(loop, 'input');
  const count = countNode ? evalNode(countNode, ctx) : undefined;
  if (!input) return unknownAt(at);
  // An unknown count: the array is unknown (as a Bicep `[for x in coll: ...]` over an unknown
  // collection), not a guessed one-element array.
  if (!count || count.kind !== 'number') return unknownAt(at);
  if (copyOverBudget(count.value, Infinity, at, ctx)) return unknownAt(at);
  const items: Value[] = [];
  const n = Math.max(0, Math.trunc(count.value));
  for (let i = 0; i < n; i++) items.push(evalNode(input, bind(ctx, name, mk({ kind: 'number', value: i }, at))));
  return mk({ kind: 'array', items }, at);
}

/**
 * Whether a copy loop of `count` is analysed abstractly (one iteration, unknown copyIndex()): past
 * Azure's limit of 800, or past the resource instances the session has left (`instances`: Infinity
 * for a value copy, which makes none); the finding says why.
 */
function copyOverBudget(count: number, instances: number, at: Location, ctx: Ctx): boolean {
  const n = Math.trunc(count);
  if (n > MAX_COPY) {
    ctx.session.report?.(budgetExceeded(`This copy loop asks for ${n} iterations; Azure allows at most ${MAX_COPY}`, at));
    return true;
  }
  if (n > instances) {
    ctx.session.report?.(budgetExceeded(`Expanding this copy loop would go past the resource instances grantlint analyses per root (${Math.max(0, instances)} left)`, at));
    return true;
  }
  return false;
}

function bind(ctx: Ctx, name: string, index: Value): Ctx {
  const copy = new Map(ctx.copy);
  copy.set('', index);
  if (name) copy.set(name.toLowerCase(), index);
  return { ...ctx, copy };
}

// ---------------------------------------------------------------------------------------------
// JSON nodes and expressions

/** Evaluates a JSON node of the template (strings may be expressions). */
export function evalNode(node: JsonNode, ctx: Ctx): Value {
  switch (node.type) {
    case 'string':
      return evalString(node, ctx);
    case 'number':
      return mk({ kind: 'number', value: node.value }, loc(ctx, node));
    case 'bool':
      return mk({ kind: 'bool', value: node.value }, loc(ctx, node));
    case 'null':
      return mk({ kind: 'null' }, loc(ctx, node));
    case 'array':
      return mk({ kind: 'array', items: node.items.map((x) => evalNode(x, ctx)) }, loc(ctx, node));
    case 'object':
      return evalObject(node, ctx);
  }
}

/** `copy`, in any case (most keys are not four characters long and are not lower-cased). */
function isCopyKey(key: string): boolean {
  return key.length === 4 && key.toLowerCase() === 'copy';
}

/** Function, parameter and variable names lower-cased once each: a template uses few names, many times. */
const lowerNames = new Map<string, string>();

function lowerName(name: string): string {
  let lower = lowerNames.get(name);
  if (lower === undefined) {
    if (lowerNames.size >= 10_000) lowerNames.clear();
    lower = name.toLowerCase();
    lowerNames.set(name, lower);
  }
  return lower;
}

function evalObject(node: JsonObject, ctx: Ctx, skip?: (key: string) => boolean): ObjectValue {
  const entries = new Map<string, Value>();
  let keyValues: Map<string, Value> | undefined;
  for (const m of node.members) {
    if (skip?.(m.key)) continue;
    if (isCopyKey(m.key) && m.value.type === 'array' && m.value.items.every(isPropertyLoop)) {
      // Property iteration: each loop defines a property holding an array.
      for (const loop of m.value.items) {
        const name = stringProp(loop, 'name') as string;
        entries.set(name, copyArray(loop as JsonObject, name, ctx));
      }
      continue;
    }
    let key = m.key;
    const t = m.key.startsWith('[') ? parseTemplateString(m.key) : undefined;
    if (t && t.kind === 'literal') key = t.value;
    else if (t) {
      const keyNode: JsonString = { type: 'string', value: m.key, start: m.keySpan.start, end: m.keySpan.end };
      const kv = evalString(keyNode, ctx);
      if (kv.kind === 'string') key = kv.value;
      else {
        key = describeValue(kv);
        (keyValues ??= new Map()).set(key, kv);
      }
    }
    entries.set(key, evalNode(m.value, ctx));
  }
  const v: ObjectValue = { kind: 'object', entries };
  if (keyValues) v.keyValues = keyValues;
  return mk(v, loc(ctx, node));
}

function isPropertyLoop(x: JsonNode): boolean {
  return x.type === 'object' && stringProp(x, 'name') !== undefined && !!prop(x, 'input');
}

/** Evaluates a template string: a literal or an expression. */
export function evalString(node: JsonString, ctx: Ctx): Value {
  const t = parseTemplateString(node.value);
  if (t.kind === 'literal') return mk({ kind: 'string', value: t.value }, loc(ctx, node));
  if (t.kind === 'error') return unknownAt(loc(ctx, node));
  return new ExprEval(ctx, node).eval(t.expr);
}

class ExprEval {
  constructor(
    private readonly ctx: Ctx,
    private readonly node: JsonString,
  ) {}

  at(e: ArmExpr): Location {
    const { src } = this.ctx;
    const start = stringValueOffset(src.doc, this.node, e.start);
    const end = stringValueOffset(src.doc, this.node, e.end);
    return { file: src.file, range: src.doc.lines.range(start, end) };
  }

  eval(e: ArmExpr): Value {
    switch (e.kind) {
      case 'string':
        return mk({ kind: 'string', value: e.value }, this.at(e));
      case 'number':
        return mk({ kind: 'number', value: e.value }, this.at(e));
      case 'bool':
        return mk({ kind: 'bool', value: e.value }, this.at(e));
      case 'null':
        return mk({ kind: 'null' }, this.at(e));
      case 'property':
        return access(this.eval(e.object), e.name, this.at(e), this.ctx);
      case 'index': {
        const idx = this.eval(e.index);
        const key = idx.kind === 'string' || idx.kind === 'number' ? idx.value : undefined;
        const base = this.eval(e.object);
        if (key === undefined) {
          if (idx.kind === 'unknown' && idx.symbol?.startsWith('loop:') && !(base.kind === 'unknown' && base.symbol)) {
            // `coll[copyIndex()]` over a loop whose count is unknown: the loop's element, the same
            // value wherever the same expression reads it (as a Bicep loop variable).
            const text = this.node.value.slice(e.object.start, e.object.end).replace(/\s+/g, '');
            return unknownAt(this.at(e), `${idx.symbol}:${text}`, { kind: 'loop', name: text });
          }
          return indexUnknown(base, this.at(e));
        }
        return access(base, key, this.at(e), this.ctx);
      }
      case 'call':
        return this.call(e);
    }
  }

  private call(e: Extract<ArmExpr, { kind: 'call' }>): Value {
    const ctx = this.ctx;
    const at = this.at(e);
    if (e.namespace !== undefined) return this.userFunction(e, at);
    const fn = lowerName(e.name);
    switch (fn) {
      case 'parameters':
      case 'variables': {
        const name = e.args[0] ? this.eval(e.args[0]) : undefined;
        if (!name || name.kind !== 'string') return unknownAt(at);
        const slot = (fn === 'parameters' ? ctx.params : ctx.vars).get(lowerName(name.value));
        return slot ? readSlot(slot, at) : unknownAt(at);
      }
      case 'copyindex': {
        let loopName = '';
        let offset = 0;
        for (const a of e.args.map((x) => this.eval(x))) {
          if (a.kind === 'string') loopName = a.value.toLowerCase();
          else if (a.kind === 'number') offset = a.value;
          else return unknownAt(at);
        }
        const i = ctx.copy.get(loopName);
        if (!i) return unknownAt(at);
        if (i.kind === 'number') return mk({ kind: 'number', value: i.value + offset }, at);
        return offset === 0 ? i : unknownAt(at, i.kind === 'unknown' && i.symbol ? `${i.symbol}+${offset}` : undefined);
      }
      case 'if': {
        const cond = e.args[0] ? this.eval(e.args[0]) : undefined;
        // `if(parameters('deployApi'), reference(...).identity.principalId, '')` on a root's input
        // stays a conditional naming the API's identity: the condition is possibly true.
        const possible = e.args.length === 3 && isConditionalPrincipal(e.args[1], e.args[2]) && exprDepends(e.args[0], inputLookup(ctx));
        if (cond && cond.kind === 'bool' && e.args.length === 3 && !possible) return this.eval(e.args[cond.value ? 1 : 2]);
        const args = e.args.map((a) => this.eval(a));
        // Both branches the same: the condition does not matter (as for a Bicep `c ? a : a`).
        if (args.length === 3 && sameValue(args[1], args[2])) return args[1];
        return symbolicCall('if', args, at);
      }
      case 'true':
      case 'false':
        return mk({ kind: 'bool', value: fn === 'true' }, at);
      case 'null':
        return mk({ kind: 'null' }, at);
      case 'reference':
        return reference(e.args.map((a) => this.eval(a)), at, ctx);
      case 'lambda':
        return unknownAt(at);
      case 'lambdavariables': {
        const name = e.args[0] ? this.eval(e.args[0]) : undefined;
        const v = name && name.kind === 'string' ? ctx.lambdaVars?.get(name.value.toLowerCase()) : undefined;
        return v ?? unknownAt(at);
      }
      default:
        break;
    }
    if (fn.startsWith('list')) {
      e.args.forEach((a) => this.eval(a));
      return unknownAt(at);
    }
    const args: FnArg[] = e.args.map((a) => (isLambdaCall(a) ? this.lambda(a) : this.eval(a)));
    return callFunction(fn, args, functionContext(ctx), at);
  }

  /** ARM `lambda('x', 'y', body)`: `lambdaVariables('x')` reads the bound values. */
  private lambda(e: Extract<ArmExpr, { kind: 'call' }>): LambdaArg {
    const names = e.args.slice(0, -1).map((a) => (a.kind === 'string' ? a.value.toLowerCase() : ''));
    const body = e.args[e.args.length - 1];
    const at = this.at(e);
    return {
      kind: 'lambda',
      arity: names.length,
      at,
      invoke: (vals: Value[]) => {
        if (!body) return unknownAt(at);
        const lambdaVars = new Map(this.ctx.lambdaVars ?? []);
        names.forEach((n, i) => lambdaVars.set(n, vals[i] ?? unknownAt(at)));
        return new ExprEval({ ...this.ctx, lambdaVars }, this.node).eval(body);
      },
    };
  }

  private userFunction(e: Extract<ArmExpr, { kind: 'call' }>, at: Location): Value {
    const f = this.ctx.functions.get(`${e.namespace}.${e.name}`.toLowerCase());
    const args = e.args.map((a) => (isLambdaCall(a) ? unknownAt(this.at(a)) : this.eval(a)));
    if (!f || !f.output) return symbolicCall(`${e.namespace}.${e.name}`, args, at);
    const params = new Map<string, Slot>();
    f.params.forEach((p, i) => params.set(p.toLowerCase(), { name: p, state: 2, value: args[i] ?? unknownAt(at), compute: () => unknownAt(at) }));
    const fctx: Ctx = { ...f.ctx, params, vars: new Map(), copy: new Map(), lambdaVars: undefined };
    if (f.output.type !== 'string') return evalNode(f.output, fctx);
    const depth = (fctx as { fnDepth?: number }).fnDepth ?? 0;
    if (depth > 32) return unknownAt(at);
    return evalString(f.output, Object.assign(fctx, { fnDepth: depth + 1 }));
  }
}

function isLambdaCall(a: ArmExpr): a is Extract<ArmExpr, { kind: 'call' }> {
  return a.kind === 'call' && !a.namespace && lowerName(a.name) === 'lambda';
}

/** One per context (a template, a copy iteration): made on its first function call. */
const functionContexts = new WeakMap<Ctx, FunctionContext>();

function functionContext(ctx: Ctx): FunctionContext {
  let fc = functionContexts.get(ctx);
  if (!fc) {
    fc = { deploymentScope: ctx.exprScope, resolveResource: (q) => resolveQuery(q, ctx), maxArrayLength: 10_000 };
    functionContexts.set(ctx, fc);
  }
  return fc;
}

/** `base[key]` with an unknown key. */
function indexUnknown(base: Value, at: Location): Value {
  if (base.kind === 'unknown' && base.symbol) return unknownAt(at, `${base.symbol}[?]`, base.input);
  return unknownAt(at);
}

/** Property access / indexing on a value. */
export function access(base: Value, key: string | number, at: Location, ctx: Ctx): Value {
  switch (base.kind) {
    case 'object': {
      if (typeof key === 'number') return unknownAt(at);
      return getProp(base, key) ?? unknownAt(at);
    }
    case 'array':
      if (typeof key === 'number') return base.items[key] ?? unknownAt(at);
      return unknownAt(at);
    case 'ref':
      return refAccess(base, key, at, ctx);
    case 'scope':
      if (typeof key === 'number') return unknownAt(at);
      return mk({ ...base, path: [...base.path, key] }, at);
    case 'unknown':
      return base.symbol ? unknownAt(at, `${base.symbol}.${key}`, base.input) : unknownAt(at);
    case 'call':
    case 'concat':
      return unknownAt(at, `expr:${describeValue(base, 0)}.${key}`);
    default:
      return unknownAt(at);
  }
}

function refAccess(base: Extract<Value, { kind: 'ref' }>, key: string | number, at: Location, ctx: Ctx): Value {
  const r = base.resource;
  const path = [...base.path, key];
  if (base.path.length === 0 && typeof key === 'string' && key.toLowerCase() === 'name' && r.name) return r.name;
  if (r.type.toLowerCase() === DEPLOYMENTS && path.length === 3 && lower(path[0]) === 'properties' && lower(path[1]) === 'outputs') {
    const out = deploymentOutput(r, String(key), at, ctx);
    if (out) return mk({ kind: 'object', entries: new Map<string, Value>([['value', out]]) }, at);
  }
  return mk({ kind: 'ref', resource: r, path }, at);
}

function lower(p: string | number | undefined): string {
  return String(p).toLowerCase();
}

/** The value of a nested deployment's output (evaluating the deployment first if needed). */
function deploymentOutput(r: ResourceInstance, name: string, at: Location, ctx: Ctx): Value | undefined {
  const dep = findDeploymentOf(r, ctx.deployment);
  if (!dep) return undefined;
  ensureBody(r, dep);
  const nested = dep.nested.get(r);
  if (!nested) return undefined;
  const slot = nested.outputs.get(name.toLowerCase());
  return slot ? readSlot(slot, at) : undefined;
}

function findDeploymentOf(r: ResourceInstance, from: Deployment): Deployment | undefined {
  for (let d: Deployment | undefined = from; d; d = d.parent) if (d.pending.has(r)) return d;
  // A child deployment's instance referenced from the parent (rare): search is not needed.
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Resource lookup

function segmentsOf(v: Value): Value[][] | undefined {
  if (v.kind === 'string') return v.value.split('/').map((s) => [mk({ kind: 'string', value: s }, v.at)]);
  if (v.kind !== 'concat') return [[v]];
  const segs: Value[][] = [[]];
  for (const p of v.parts) {
    if (p.kind === 'string') {
      const pieces = p.value.split('/');
      pieces.forEach((piece, i) => {
        if (i > 0) segs.push([]);
        if (piece) segs[segs.length - 1].push(mk({ kind: 'string', value: piece }, p.at));
      });
    } else segs[segs.length - 1].push(p);
  }
  return segs;
}

/** A name segment's parts as one value. */
function segmentValue(parts: Value[], at?: Location): Value {
  if (parts.length === 1) return parts[0];
  return concatParts(parts, at);
}

function joinNames(names: Value[]): Value {
  const parts: Value[] = [];
  names.forEach((n, i) => {
    if (i > 0) parts.push({ kind: 'string', value: '/' });
    parts.push(n);
  });
  return parts.length === 1 ? parts[0] : concatParts(parts);
}

function sameName(a: Value | undefined, b: Value): boolean {
  if (!a) return false;
  if (sameValue(a, b)) return true;
  const ca = a.kind === 'concat' ? concatParts(a.parts) : a;
  const cb = b.kind === 'concat' ? concatParts(b.parts) : b;
  return sameValue(ca, cb);
}

/** A resource of this type and name declared in this deployment or an enclosing one. */
export function findDeclared(dep: Deployment, type: string, name: Value): ResourceInstance | undefined {
  const t = type.toLowerCase();
  for (let d: Deployment | undefined = dep; d; d = d.parent) {
    const list = d.byType.get(t);
    if (!list) continue;
    for (const r of list) if (sameName(r.name, name)) return r;
  }
  return undefined;
}

function resolveQuery(q: ResourceQuery, ctx: Ctx): ResourceInstance | undefined {
  const found = findDeclared(ctx.deployment, q.type, joinNames(q.names));
  if (!found) return undefined;
  if (q.fn === 'extensionresourceid' && q.extensionScope && found.scope && !sameScope(found.scope, q.extensionScope)) return undefined;
  return found;
}

function sameScope(a: Value, b: Value): boolean {
  if (sameValue(a, b)) return true;
  const ra = a.kind === 'ref' ? a.resource.key : undefined;
  const rb = b.kind === 'ref' ? b.resource.key : undefined;
  return ra !== undefined && ra === rb;
}

/** `Microsoft.KeyVault/vaults/myapp-kv` or a full resource ID → type and name segments. */
function parseResourceIdString(v: Value): { type: string; names: Value[] } | undefined {
  const segs = segmentsOf(v);
  if (!segs) return undefined;
  const text = (i: number): string | undefined => {
    const s = segs[i];
    return s && s.length === 1 && s[0].kind === 'string' ? s[0].value : undefined;
  };
  // A full ID (or one built on `resourceGroup().id`): what follows the last `providers` segment.
  let i = 0;
  for (let k = 0; k < segs.length; k++) if (text(k)?.toLowerCase() === 'providers') i = k + 1;
  if (i === 0 && segs.length > 0 && segs[0].length === 0) return undefined;
  const ns = text(i);
  if (!ns || !ns.includes('.')) return undefined;
  const rest = segs.slice(i + 1);
  if (rest.length < 2 || rest.length % 2 !== 0) return undefined;
  const types: string[] = [ns];
  const names: Value[] = [];
  for (let k = 0; k < rest.length; k += 2) {
    const t = text(i + 1 + k);
    if (!t) return undefined;
    types.push(t);
    if (rest[k + 1].length === 0) return undefined;
    names.push(segmentValue(rest[k + 1], v.at));
  }
  return { type: types.join('/'), names };
}

/** `reference(id | name | symbolicName, [apiVersion], ['full'])`. */
function reference(args: Value[], at: Location, ctx: Ctx): Value {
  const a = args[0];
  const full = args.some((x, i) => i > 0 && x.kind === 'string' && x.value.toLowerCase() === 'full');
  let target: ResourceInstance | undefined;
  if (a && a.kind === 'ref' && (a.path.length === 0 || (a.path.length === 1 && lower(a.path[0]) === 'id'))) target = a.resource;
  else if (a && a.kind === 'string') {
    if (ctx.v2) target = ctx.deployment.bySymbol.get(a.value.toLowerCase());
    if (!target) {
      const parsed = a.value.includes('/') ? parseResourceIdString(a) : undefined;
      if (parsed) target = findDeclared(ctx.deployment, parsed.type, joinNames(parsed.names));
      else {
        for (let d: Deployment | undefined = ctx.deployment; d && !target; d = d.parent) {
          target = d.instances.find((r) => r.name?.kind === 'string' && r.name.value.toLowerCase() === a.value.toLowerCase());
        }
      }
    }
  }
  if (!target && a && ctx.v2) target = loopElement(ctx.deployment, a);
  if (!target && a && (a.kind === 'unknown' || a.kind === 'concat')) {
    // A name built from inputs: the declared resource with the same name value.
    for (let d: Deployment | undefined = ctx.deployment; d && !target; d = d.parent) target = d.instances.find((r) => sameName(r.name, a));
  }
  if (target) return mk({ kind: 'ref', resource: target, path: full ? [] : ['properties'] }, at);
  return symbolicCall('reference', args, at);
}

/**
 * languageVersion 2.0 `reference('x[3]')` / `reference(format('x[{0}]', i))`: an element of the copy
 * loop of symbolic name `x`. Over a loop whose count is unknown, the one instance that stands for
 * all of them (as Bicep's `x[i]`).
 */
function loopElement(dep: Deployment, a: Value): ResourceInstance | undefined {
  let symbol: string | undefined;
  let index: Value | undefined;
  if (a.kind === 'string') {
    const m = /^(.+)\[(\d+)\]$/.exec(a.value);
    if (m) {
      symbol = m[1];
      index = { kind: 'number', value: Number(m[2]) };
    }
  } else if (a.kind === 'concat' && a.parts.length === 3) {
    const [head, mid, tail] = a.parts;
    if (head.kind === 'string' && head.value.endsWith('[') && tail.kind === 'string' && tail.value === ']') {
      symbol = head.value.slice(0, -1);
      index = mid;
    }
  }
  if (symbol === undefined || !index) return undefined;
  const all = dep.allBySymbol.get(symbol.toLowerCase());
  if (!all) return undefined;
  if (index.kind === 'number') {
    const exact = all.find((r) => r.key.endsWith(`[${index.value}]`));
    if (exact) return exact;
  }
  return all.length === 1 && all[0].key.endsWith('[*]') ? all[0] : undefined;
}

/**
 * An extension resource's `scope`: a declared resource → ref with path [], the relative form
 * (`Microsoft.KeyVault/vaults/kv`) or a resource ID string of an undeclared resource → a
 * `resourceid` call with the type and names; anything else as evaluated.
 */
export function normalizeScope(v: Value, ctx: Ctx): Value {
  if (v.kind === 'ref') {
    if (v.path.length === 1 && lower(v.path[0]) === 'id') return mk({ kind: 'ref', resource: v.resource, path: [] }, v.at);
    return v;
  }
  if (v.kind !== 'string' && v.kind !== 'concat') return v;
  const parsed = parseResourceIdString(v);
  if (!parsed) return v;
  const found = findDeclared(ctx.deployment, parsed.type, joinNames(parsed.names));
  if (found) return mk({ kind: 'ref', resource: found, path: [] }, v.at);
  const relative = v.kind === 'string' ? !v.value.startsWith('/') : !(v.parts[0]?.kind === 'string' && v.parts[0].value.startsWith('/'));
  if (!relative) return v;
  return symbolicCall('resourceid', [mk({ kind: 'string', value: parsed.type }, v.at), ...parsed.names], v.at);
}

// ---------------------------------------------------------------------------------------------
// Resources

/** Declares the resources of a template, then evaluates their bodies. */
export function runTemplate(ctx: Ctx): void {
  const resources = prop(ctx.template, 'resources');
  const base = `${ctx.pointer}/resources`;
  if (resources && resources.type === 'array') {
    resources.items.forEach((r, i) => declare(r, `${base}/${i}`, undefined, ctx, undefined));
  } else if (resources && resources.type === 'object') {
    for (const m of resources.members) declare(m.value, `${base}/${escapePointer(m.key)}`, m.key, ctx, undefined);
  }
  linkParents(ctx.deployment);
  for (const r of [...ctx.deployment.pending.keys()]) ensureBody(r, ctx.deployment);
  if (ctx.session.exports) {
    for (const slot of ctx.outputs.values()) {
      const at = slot.at ?? locationOf(ctx.src.file, ctx.src.doc, ctx.template);
      ctx.session.exports.push({ kind: 'output', name: slot.name, value: readSlot(slot, at), at });
    }
  }
}

function escapePointer(k: string): string {
  return k.replace(/~/g, '~0').replace(/\//g, '~1');
}

function declare(node: JsonNode, pointer: string, symbolic: string | undefined, ctx: Ctx, parent: ResourceInstance | undefined): void {
  if (node.type !== 'object') return;
  const session = ctx.session;
  const copy = prop(node, 'copy');
  const iterations: Ctx[] = [];
  if (copy && copy.type === 'object') {
    const name = stringProp(copy, 'name') ?? '';
    const countNode = prop(copy, 'count');
    const count = countNode ? evalNode(countNode, ctx) : undefined;
    if (count && count.kind === 'number' && !copyOverBudget(count.value, session.budget.instances, loc(ctx, copy), ctx)) {
      const n = Math.max(0, Math.trunc(count.value));
      const at = loc(ctx, copy);
      for (let i = 0; i < n; i++) {
        const c = bind(ctx, name, mk({ kind: 'number', value: i }, at));
        c.iterPath = `${ctx.iterPath}[${i}]`;
        iterations.push(c);
      }
    } else {
      const at = loc(ctx, copy);
      const c = bind(ctx, name, unknownAt(at, `loop:${ctx.keyPrefix}${ctx.src.file}#${pointer}${ctx.iterPath}`, { kind: 'loop', name, decl: at }));
      c.iterPath = `${ctx.iterPath}[*]`;
      iterations.push(c);
    }
  } else iterations.push(ctx);

  for (const ictx of iterations) {
    const condNode = prop(node, 'condition');
    if (condNode) {
      const cond = evalNode(condNode, ictx);
      // A root's defaults are possibilities: a condition on one is possibly true.
      if (cond.kind === 'bool' && !cond.value && !templateDependsOnInput(condNode, ictx)) continue;
    }
    const inst = declareOne(node, pointer, symbolic, ictx, parent);
    const children = prop(node, 'resources');
    if (children && children.type === 'array') {
      children.items.forEach((c, i) => declare(c, `${pointer}/resources/${i}`, undefined, ictx, inst));
    }
  }
}

function declareOne(node: JsonObject, pointer: string, symbolic: string | undefined, ctx: Ctx, parent: ResourceInstance | undefined): ResourceInstance {
  const session = ctx.session;
  session.budget.instances--;
  const typeNode = prop(node, 'type');
  const typeV = typeNode ? evalNode(typeNode, ctx) : undefined;
  let type = typeV && typeV.kind === 'string' ? typeV.value : '<unknown>';
  const nameNode = prop(node, 'name');
  let name: Value | undefined = nameNode ? evalNode(nameNode, ctx) : undefined;
  if (name && name.kind === 'concat') name = concatParts(name.parts, name.at);

  if (parent && !/^[^/]*\./.test(type)) {
    // A child in a parent's `resources`: short type and name.
    type = `${parent.type}/${type}`;
    if (name && parent.name) name = concatParts([parent.name, { kind: 'string', value: '/' }, name], name.at);
  }

  let scope: Value | undefined;
  const legacy = /^(.+?)\/providers\/([^/]+)$/i.exec(type);
  if (legacy && name) {
    const resType = legacy[1];
    const segs = segmentsOf(name);
    const k = resType.split('/').length - 1;
    if (segs && segs.length >= k + 2 && k >= 1) {
      const resNames = segs.slice(0, k).map((s) => segmentValue(s, name?.at));
      const nsSeg = segs[k];
      const ns = nsSeg.length === 1 && nsSeg[0].kind === 'string' ? nsSeg[0].value : legacyNamespace(legacy[2]);
      const extName = segs.slice(k + 1).map((s) => segmentValue(s, name?.at));
      type = `${ns}/${legacy[2]}`;
      const resName = joinNames(resNames);
      const found = findDeclared(ctx.deployment, resType, resName);
      scope = found
        ? mk({ kind: 'ref', resource: found, path: [] }, name.at)
        : symbolicCall('resourceid', [mk({ kind: 'string', value: resType }, name.at), ...resNames], name.at);
      name = joinNames(extName);
    }
  }

  const existingNode = prop(node, 'existing');
  const declKey = `${ctx.src.file}#${pointer}`;
  let key = `${ctx.keyPrefix}${declKey}${ctx.iterPath}`;
  const apiVersion = stringProp(node, 'apiVersion');
  // People read a resource by its name as written when it is an expression (`[parameters('site')]`).
  const nameText = name ? (name.kind === 'string' ? name.value : nameNode?.type === 'string' ? nameNode.value : describeValue(name)) : '';
  const inst: ResourceInstance = {
    key,
    declKey,
    format: 'arm',
    type,
    symbol: symbolic ?? `${type}/${nameText}`,
    existing: existingNode?.type === 'bool' && existingNode.value,
    decl: loc(ctx, node),
    body: { kind: 'object', entries: new Map() },
    deploymentScope: ctx.targetScope,
    callChain: ctx.callChain,
  };
  if (apiVersion !== undefined) inst.apiVersion = apiVersion;
  if (name) inst.name = name;
  if (scope) inst.scope = scope;
  if (parent) inst.parent = parent;
  if (ctx.deployment.instances.some((r) => r.key === key)) {
    key = `${key}#${ctx.deployment.instances.length}`;
    inst.key = key;
  }
  ctx.deployment.add(inst, symbolic);
  ctx.deployment.pending.set(inst, { node, ctx, state: 0 });
  session.resources.push(inst);
  return inst;
}

function legacyNamespace(extType: string): string {
  const t = extType.toLowerCase();
  if (t === 'roleassignments' || t === 'locks' || t === 'policyassignments' || t === 'roledefinitions') return 'Microsoft.Authorization';
  if (t === 'diagnosticsettings') return 'Microsoft.Insights';
  return 'Microsoft.Unknown';
}

/** Sets `parent` of top-level child resources (`vaults/accessPolicies` named `kv/add`). */
function linkParents(dep: Deployment): void {
  for (const r of dep.instances) {
    if (r.parent || !r.name) continue;
    const typeSegs = r.type.split('/');
    if (typeSegs.length < 3) continue;
    const segs = segmentsOf(r.name);
    if (!segs || segs.length < 2) continue;
    const parentType = typeSegs.slice(0, -1).join('/');
    const parentName = joinNames(segs.slice(0, -1).map((s) => segmentValue(s)));
    const p = findDeclared(dep, parentType, parentName);
    if (p && p !== r) r.parent = p;
  }
}

const SKIP_BODY = new Set(['resources', 'copy', 'dependson', 'condition', 'comments']);

/** Evaluates an instance's body (once), and a deployment's nested template. */
export function ensureBody(r: ResourceInstance, dep: Deployment): void {
  const p = dep.pending.get(r);
  if (!p || p.state !== 0) return;
  p.state = 1;
  const { node, ctx } = p;
  const isDeployment = r.type.toLowerCase() === DEPLOYMENTS;
  try {
    const body = evalObject(node, ctx, (k) => {
      const l = k.toLowerCase();
      return SKIP_BODY.has(l) || (isDeployment && l === 'properties');
    });
    if (r.name) body.entries.set(nameKey(body) ?? 'name', r.name);
    const scopeKey = [...body.entries.keys()].find((k) => k.toLowerCase() === 'scope');
    if (scopeKey !== undefined && !r.scope && !isDeployment) {
      r.scope = normalizeScope(body.entries.get(scopeKey) as Value, ctx);
      body.entries.set(scopeKey, r.scope);
    }
    if (isDeployment) {
      const props = prop(node, 'properties');
      if (props && props.type === 'object') {
        const pk = member(node, 'properties')?.key ?? 'properties';
        body.entries.set(pk, evalObject(props, ctx, (k) => k.toLowerCase() === 'template'));
      }
    }
    r.body = body;
    if (isDeployment) runNested(r, node, ctx);
  } catch (e) {
    // One resource must not stop the analysis, nor fail without a word: it keeps what was
    // evaluated, and the failure is a finding at it.
    const report = ctx.session.report;
    if (!report) throw e;
    report(internalError(`the resource ${r.symbol ?? r.type}`, e, r.decl));
  }
  p.state = 2;
}

function nameKey(body: ObjectValue): string | undefined {
  return [...body.entries.keys()].find((k) => k.toLowerCase() === 'name');
}

// ---------------------------------------------------------------------------------------------
// Nested deployments

function nestedScope(r: ResourceInstance, ctx: Ctx, level: ScopeLevel | undefined): ScopeValue {
  const parent = ctx.targetScope;
  const rg = getProp(r.body, 'resourceGroup');
  const sub = getProp(r.body, 'subscriptionId');
  const scopeProp = getProp(r.body, 'scope');
  if (rg && rg.kind !== 'null') {
    if (rg.kind === 'scope' && rg.current && rg.level === 'resourceGroup' && rg.path.length === 1 && lower(rg.path[0]) === 'name' && !sub) {
      return parent;
    }
    const extra: { name: Value; subscriptionId?: Value } = { name: rg };
    if (sub && sub.kind !== 'null') extra.subscriptionId = sub;
    else if (parent.level === 'resourceGroup' && parent.subscriptionId) extra.subscriptionId = parent.subscriptionId;
    return scopeValue('resourceGroup', false, extra, rg.at);
  }
  if (sub && sub.kind !== 'null') {
    if (sub.kind === 'scope' && sub.current && sub.level === 'subscription') return level === 'subscription' || parent.level !== 'resourceGroup' ? scopeValue('subscription', true, {}, sub.at) : parent;
    if (parent.level === 'resourceGroup' && level !== 'subscription') return scopeValue('resourceGroup', false, { subscriptionId: sub }, sub.at);
    return scopeValue('subscription', false, { name: sub, subscriptionId: sub }, sub.at);
  }
  if (scopeProp && (scopeProp.kind === 'string' || scopeProp.kind === 'concat')) {
    const segs = segmentsOf(scopeProp) ?? [];
    const idx = segs.findIndex((s) => s.length === 1 && s[0].kind === 'string' && s[0].value.toLowerCase() === 'managementgroups');
    if (idx >= 0 && segs[idx + 1]) return scopeValue('managementGroup', false, { name: segmentValue(segs[idx + 1], scopeProp.at) }, scopeProp.at);
    if (scopeProp.kind === 'string' && scopeProp.value === '/') return scopeValue('tenant', true, {}, scopeProp.at);
  }
  if (level === 'subscription' && parent.level === 'managementGroup') return scopeValue('subscription', false, {}, r.decl);
  return parent;
}

/**
 * The local path inside an artifact-location link: `uri(deployment().properties.templateLink.uri,
 * 'nested/vm.json')` or `concat(parameters('_artifactsLocation'), '/nested/vm.json', sasToken)` —
 * the quickstart convention for templates shipped beside the caller. Only the literal `.json` path
 * part is used; the front end follows it when that file exists next to the caller.
 */
export function artifactPath(uri: Value | undefined): string | undefined {
  if (!uri || (uri.kind !== 'concat' && uri.kind !== 'call')) return undefined;
  const parts = uri.kind === 'concat' ? uri.parts : uri.fn === 'uri' || uri.fn === 'concat' || uri.fn === 'format' ? uri.args : [];
  for (let i = parts.length - 1; i >= 0; i--) {
    const p = parts[i];
    if (p.kind === 'string') {
      const m = /^\/?((?:[\w.-]+\/)*[\w.-]+\.json)(?:\?.*)?$/i.exec(p.value.trim());
      if (m && !m[1].split('/').includes('..')) return m[1];
    } else if (p.kind === 'concat' || p.kind === 'call') {
      const inner = artifactPath(p);
      if (inner) return inner;
    }
  }
  return undefined;
}

function runNested(r: ResourceInstance, node: JsonObject, ctx: Ctx): void {
  const dep = ctx.deployment;
  dep.nested.set(r, null);
  const session = ctx.session;
  if (dep.depth >= MAX_NESTING || session.budget.deployments <= 0) return;
  session.budget.deployments--;
  const props = prop(node, 'properties');
  let template = prop(props, 'template');
  let src = ctx.src;
  let pointer = `${declPointer(r)}/properties/template`;
  let inner = stringProp(prop(props, 'expressionEvaluationOptions'), 'scope')?.toLowerCase() === 'inner';
  let fileChain = ctx.fileChain;
  if (!template || template.type !== 'object') {
    const link = getProp(getProp(r.body, 'properties'), 'templateLink');
    const rel = getProp(link, 'relativePath');
    const relative = rel?.kind === 'string' ? rel.value : artifactPath(getProp(link, 'uri'));
    const external = (): void => {
      if (!link) return;
      const source = getProp(link, 'uri') ?? getProp(link, 'id') ?? rel;
      session.externalCalls?.push({
        format: 'arm',
        source: source?.kind === 'string' ? source.value : describeValue(source),
        at: r.decl,
        args: getProp(getProp(r.body, 'properties'), 'parameters') ?? { kind: 'object', entries: new Map() },
        callChain: ctx.callChain,
      });
    };
    if (relative === undefined) return external();
    const path = resolve(dirname(ctx.src.file), relative);
    const linkAt = (rel?.kind === 'string' ? rel.at : undefined) ?? r.decl;
    if (fileChain.includes(path)) {
      if (rel?.kind === 'string') session.report?.(moduleCycle(fileChain, path, linkAt));
      return;
    }
    const linked = session.loadLinked(path);
    if (!linked) {
      // A relativePath names a file beside the template; a local file guessed from an artifact
      // location `uri` may live elsewhere when deployed, so not finding it is no finding.
      const why = rel?.kind === 'string' ? session.readProblem?.(path) : undefined;
      if (why) session.report?.(unreadable('linked template', relative, why, linkAt));
      return external();
    }
    if (!linked.doc.root || linked.doc.root.type !== 'object') return external();
    session.onLinked?.(fileChain[0], path);
    src = linked;
    template = linked.doc.root;
    pointer = '';
    inner = true;
    fileChain = [...fileChain, path];
  }
  if (template.type !== 'object') return;
  const level = schemaLevel(stringProp(template, '$schema'));
  const targetScope = nestedScope(r, ctx, level);
  const callChain = [...ctx.callChain, r.decl];
  const child = new Deployment(dep, dep.depth + 1);
  const keyPrefix = `${r.key} > `;
  let nctx: Ctx;
  if (inner) {
    const given: ParamValues = new Map();
    const ps = getProp(getProp(r.body, 'properties'), 'parameters');
    if (ps && ps.kind === 'object') {
      for (const [k, v] of ps.entries) {
        const value = getProp(v, 'value');
        if (value) given.set(k.toLowerCase(), value);
        else if (getProp(v, 'reference')) given.set(k.toLowerCase(), unknownAt(v.at));
        // `[if(c, createObject('value', a), createObject('value', b))]`: a or b, not the default.
        else if (v.kind !== 'object') given.set(k.toLowerCase(), passedValue(v));
      }
    }
    const argNodes = prop(props, 'parameters');
    nctx = templateCtx({
      session,
      src,
      template,
      pointer,
      given,
      givenDependsOnInput: (name) => {
        const arg = argNodes?.type === 'object' ? argNodes.members.find((m) => m.key.toLowerCase() === name) : undefined;
        const value = arg && (arg.value.type === 'object' ? prop(arg.value, 'value') : arg.value);
        return !!value && templateDependsOnInput(value, ctx);
      },
      symbolBase: `${src.file}${pointer ? '#' + pointer : ''}`,
      exprScope: targetScope,
      targetScope,
      deployment: child,
      callChain,
      keyPrefix,
      fileChain,
    });
  } else {
    nctx = { ...ctx, template, pointer, deployment: child, callChain, keyPrefix, iterPath: '', targetScope, copy: new Map(), outputs: new Map() };
    // The nested template's own variables, where the parent has none of that name.
    const own = prop(template, 'variables');
    if (own && own.type === 'object') {
      nctx.vars = new Map(ctx.vars);
      const shadow = { ...nctx, vars: new Map<string, Slot>() };
      addVariables(shadow, own);
      for (const [k, v] of shadow.vars) if (!nctx.vars.has(k)) nctx.vars.set(k, v);
    }
    addOutputs(nctx, prop(template, 'outputs'));
  }
  dep.nested.set(r, nctx);
  runTemplate(nctx);
}

/** Whether a template value depends on a root's input (see inputs.ts). */
export function templateDependsOnInput(node: JsonNode, ctx: Ctx): boolean {
  return dependsOnInput(node, inputLookup(ctx));
}

function inputLookup(ctx: Ctx): InputLookup {
  return {
    param: (name) => ctx.paramDependsOnInput?.(name) ?? false,
    variable: (name) => {
      const slot = ctx.vars.get(name);
      if (!slot?.node) return false;
      if (slot.dependsOnInput === undefined) {
        slot.dependsOnInput = false; // a cycle depends on nothing more
        slot.dependsOnInput = templateDependsOnInput(slot.node, ctx);
      }
      return slot.dependsOnInput;
    },
  };
}

/** A nested deployment's parameter written as one expression: an `if()` of two `{ value }` objects is a conditional of the values. */
function passedValue(v: Value): Value {
  if (v.kind === 'call' && v.fn === 'if' && v.args.length === 3) {
    const a = getProp(v.args[1], 'value');
    const b = getProp(v.args[2], 'value');
    if (a && b) return sameValue(a, b) ? a : symbolicCall('if', [v.args[0], a, b], v.at);
  }
  return unknownAt(v.at);
}

function declPointer(r: ResourceInstance): string {
  const i = r.declKey.indexOf('#');
  return i < 0 ? '' : r.declKey.slice(i + 1);
}
