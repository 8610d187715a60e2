/**
 * Runs a parsed script symbolically: statements in order, variables assigned literally (or from a
 * command whose output grantlint knows) resolved, everything else unknown. Each simple command is
 * handed to the command layer (`commands.ts`) with its evaluated arguments; what a command
 * substitution captures is what that layer says the command prints.
 *
 * What decides whether a value can be read:
 * - an `if`/`case`/`switch` arm may run: its commands are read, and a variable it assigns keeps its
 *   value afterwards only when every way through assigns the same;
 * - a `for` loop over literal words runs once per word; over anything else (and `while read`, a
 *   PowerShell script block's `$_`) its variable is unreadable, and a command that uses an
 *   unreadable value is skipped without a word, never guessed;
 * - `eval`, `source`d files and functions called with unreadable arguments are not followed;
 * - shell functions and PowerShell functions run where they are called, with their arguments;
 *   a function never called is read once with unreadable arguments.
 */
import type { Location } from '../../model/location.js';
import { obj, sameValue, str, unknown, withAt, type ObjectValue, type Value } from '../../model/value.js';
import type { Assignment, ScriptAst, SimpleCommand, Statement, Word, WordPart } from '../../syntax/script/ast.js';
import { locationOf, type ScriptSource } from '../../syntax/script/source.js';

export type Language = 'shell' | 'powershell';

/** Marks a variable whose value grantlint must not read (a loop over unknown values). */
const UNREADABLE = Symbol('unreadable');
type Binding = Value | typeof UNREADABLE;

export interface Arg {
  value: Value;
  /** As written in the script. */
  text: string;
  at: Location;
  /** An unquoted expansion of unknown value: it may be zero or several arguments. */
  spread?: boolean;
}

export interface CommandCall {
  args: Arg[];
  at: Location;
  /** Unique for this execution of the command (loop iterations and function calls differ). */
  key: string;
  /** The same for every execution of the command written at one place. */
  declKey: string;
  /** The output is captured (`X=$(cmd)`, `$x = cmd`). */
  captured: boolean;
  language: Language;
}

/** What the command layer does with a command: lowers it, and says what it prints. */
export interface CommandHandler {
  run(call: CommandCall): Value | undefined;
  /** PowerShell: `$obj.Member` of an object a cmdlet returned. */
  member(value: Value, members: string[], at: Location): Value | undefined;
}

export interface EvaluatorOptions {
  /** Variables set before the script runs (workflow `env:`, deployment script environment). */
  variables?: Map<string, Value>;
  /** Azure Pipelines macros: `$(name)` is the pipeline variable, not a command. */
  macros?: Map<string, Value>;
  /** Distinguishes runs of one script (a deployment script in a module called twice). */
  keyPrefix?: string;
}

/**
 * Stands for text grantlint does not know, put in place of host-format expressions (`${{ ... }}`)
 * before a script is parsed, one for each character so positions do not move.
 */
export const OPAQUE_CHAR = '\uE000';

const MAX_CALL_DEPTH = 8;
const MAX_LOOP_ITEMS = 64;

export class ScriptEvaluator {
  private vars = new Map<string, Binding>();
  private readonly functions = new Map<string, Extract<Statement, { kind: 'function' }>>();
  private readonly called = new Set<string>();
  private suffix: string[] = [];
  private callDepth = 0;

  constructor(
    private readonly source: ScriptSource,
    private readonly language: Language,
    private readonly handler: CommandHandler,
    options: EvaluatorOptions = {},
  ) {
    for (const [k, v] of options.variables ?? []) this.vars.set(this.norm(k), v);
    this.macros = options.macros ?? new Map();
    this.keyPrefix = options.keyPrefix ?? '';
  }

  private readonly macros: Map<string, Value>;
  private readonly keyPrefix: string;

  run(ast: ScriptAst): void {
    for (const p of ast.params ?? []) {
      if (this.vars.has(p.name)) continue;
      const at = locationOf(this.source, p.span);
      this.vars.set(p.name, p.default ? this.wordValue(p.default) : unknown(`param:${p.name}`, at, { kind: 'parameter', name: p.written, decl: at }));
    }
    this.block(ast.statements);
    // Functions nothing calls: read once, their arguments unreadable.
    for (const [name, def] of this.functions) {
      if (this.called.has(name)) continue;
      this.inScope(() => {
        for (let i = 1; i <= 9; i++) this.vars.set(String(i), UNREADABLE);
        for (const p of def.params ?? []) this.vars.set(p.name, UNREADABLE);
        this.vars.set('@', UNREADABLE);
        this.vars.set('*', UNREADABLE);
        this.block(def.body);
      });
    }
  }

  private norm(name: string): string {
    return this.language === 'powershell' ? name.toLowerCase() : name;
  }

  private at(span: { start: number; end: number }): Location {
    return locationOf(this.source, span);
  }

  // ---- statements ------------------------------------------------------------------------------

  private block(statements: Statement[]): Value | undefined {
    let last: Value | undefined;
    for (const s of statements) last = this.statement(s);
    return statements.length === 1 ? last : undefined;
  }

  /** Runs a statement; returns what it prints when grantlint knows it. */
  private statement(s: Statement): Value | undefined {
    switch (s.kind) {
      case 'command':
        return this.command(s, false);
      case 'assign':
        for (const a of s.assigns) this.assign(a);
        return undefined;
      case 'pipeline': {
        const outputs = s.stages.map((stage) => this.statement(stage));
        // `cmd | tr -d '\r'` and the like change nothing grantlint reads; anything else: unknown.
        return s.stages.slice(1).every(isPassThrough) ? outputs[0] : undefined;
      }
      case 'andor': {
        this.statement(s.items[0]);
        this.branches(s.items.slice(1).map((i) => [i]), false);
        return undefined;
      }
      case 'branch':
        for (const c of s.conditions) this.statement(c);
        this.branches(s.arms, s.exhaustive);
        return undefined;
      case 'for':
        this.forLoop(s);
        return undefined;
      case 'while': {
        for (const c of s.conditions) this.statement(c);
        // What `read` assigns in the condition changes on every iteration: a loop over unknown values.
        for (const v of s.readVariables) this.vars.set(this.norm(v), UNREADABLE);
        this.branches([s.body], false);
        return undefined;
      }
      case 'function':
        this.functions.set(this.norm(s.name), s);
        return undefined;
      case 'group':
        if (s.subshell) {
          const saved = this.vars;
          this.vars = new Map(saved);
          const out = this.block(s.body);
          this.vars = saved;
          return out;
        }
        return this.block(s.body);
      case 'opaque':
        return undefined;
    }
  }

  /** Runs each arm in its own copy of the variables and merges them. */
  private branches(arms: Statement[][], exhaustive: boolean): void {
    const before = this.vars;
    const results: Map<string, Binding>[] = [];
    for (const arm of arms) {
      this.vars = new Map(before);
      this.block(arm);
      results.push(this.vars);
    }
    if (!exhaustive || arms.length === 0) results.push(before);
    this.vars = mergeVariables(results);
  }

  private forLoop(s: Extract<Statement, { kind: 'for' }>): void {
    const name = s.variable ? this.norm(s.variable) : undefined;
    const items = s.items ? this.literalItems(s.items) : undefined;
    if (!items || !name) {
      this.inLoop(() => {
        if (name) this.vars.set(name, UNREADABLE);
        this.branches([s.body], false);
      }, 'loop');
      return;
    }
    const before = this.vars;
    items.forEach((item, i) => {
      this.suffix.push(`[${i}]`);
      this.vars.set(name, item);
      this.block(s.body);
      this.suffix.pop();
    });
    if (items.length === 0) this.vars = before;
  }

  private inLoop(f: () => void, tag: string): void {
    this.suffix.push(`[${tag}]`);
    try {
      f();
    } finally {
      this.suffix.pop();
    }
  }

  private literalItems(words: Word[]): Value[] | undefined {
    const out: Value[] = [];
    for (const w of words) {
      const args = this.words([w]);
      if (args === UNREADABLE) return undefined;
      for (const a of args) {
        if (a.spread || a.value.kind !== 'string') return undefined;
        out.push(a.value);
      }
    }
    return out.length <= MAX_LOOP_ITEMS ? out : undefined;
  }

  private inScope(f: () => void): void {
    const saved = this.vars;
    this.vars = new Map(saved);
    try {
      f();
    } finally {
      this.vars = saved;
    }
  }

  private assign(a: Assignment, local = false): void {
    const name = this.norm(a.name);
    if (a.array || !a.value) {
      if (!a.value && !local) return;
      this.vars.set(name, unknown(undefined, this.at(a), { kind: 'variable', name: a.written }));
      return;
    }
    let v = this.wordBinding(a.value);
    if (v === UNREADABLE) {
      this.vars.set(name, UNREADABLE);
      return;
    }
    // An unknown (a command's output grantlint does not know) is named by the variable that holds it.
    if (v.kind === 'unknown' && !v.input) v = unknown(`var:${name}@${a.start}`, v.at ?? this.at(a), { kind: 'variable', name: a.written.replace(/^\$/, '') });
    if (a.append) {
      const prev = this.vars.get(name);
      if (prev === UNREADABLE) return;
      this.vars.set(name, prev ? concatValues([prev, v], this.at(a)) : v);
      return;
    }
    this.vars.set(name, v);
  }

  // ---- commands --------------------------------------------------------------------------------

  private command(s: SimpleCommand, captured: boolean): Value | undefined {
    if (s.expression) {
      const v = this.wordBinding(s.words[0]);
      return v === UNREADABLE ? undefined : v;
    }
    const nameWord = s.words[0];
    const head = this.words([nameWord]);
    if (head === UNREADABLE || head.length === 0) return undefined;
    const name = head[0].value.kind === 'string' ? head[0].value.value : undefined;
    if (name === undefined) return undefined;
    const lower = name.toLowerCase();
    if (this.language === 'shell' && ['export', 'local', 'declare', 'typeset', 'readonly'].includes(name)) {
      this.declaration(s, name === 'local');
      return undefined;
    }
    if (lower === 'eval' || lower === 'invoke-expression' || lower === 'iex') return undefined;
    if (this.language === 'shell' && name === 'read') {
      for (const w of s.words.slice(1)) {
        const t = w.parts.length === 1 && w.parts[0].kind === 'text' ? w.parts[0].text : undefined;
        if (t && /^[A-Za-z_]\w*$/.test(t)) this.vars.set(t, unknown(undefined, this.at(w), { kind: 'variable', name: t }));
      }
      return undefined;
    }
    if (lower === 'set-variable' || lower === 'new-variable') return undefined;
    const fn = this.functions.get(this.norm(name));
    if (fn) return this.callFunction(fn, s);
    // Prefix assignments (`X=1 cmd`) are the command's environment only.
    const saved = this.vars;
    if (s.assigns.length > 0) {
      this.vars = new Map(saved);
      for (const a of s.assigns) this.assign(a);
    }
    try {
      const args = this.words(s.words);
      if (args === UNREADABLE) return undefined;
      const declKey = `${this.source.file}#${this.source.id}@${s.start}`;
      const out = this.handler.run({
        args,
        at: this.at(s),
        key: `${this.keyPrefix}${declKey}${this.suffix.join('')}`,
        declKey,
        captured,
        language: this.language,
      });
      return out;
    } finally {
      this.vars = saved;
    }
  }

  private declaration(s: SimpleCommand, local: boolean): void {
    for (const w of s.words.slice(1)) {
      const first = w.parts[0];
      if (!first || first.kind !== 'text' || first.quoted) continue;
      if (first.text.startsWith('-')) continue;
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(\+?)=/.exec(first.text);
      if (!m) {
        if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(first.text) && local) this.vars.set(first.text, unknown(undefined, this.at(w), { kind: 'variable', name: first.text }));
        continue;
      }
      const rest: WordPart[] = [{ ...first, text: first.text.slice(m[0].length), start: first.start + m[0].length }, ...w.parts.slice(1)];
      const value: Word = { parts: rest, start: first.start + m[0].length, end: w.end };
      this.assign({ name: m[1], written: m[1], value, append: m[2] === '+', start: w.start, end: w.end }, local);
    }
  }

  private callFunction(fn: Extract<Statement, { kind: 'function' }>, s: SimpleCommand): Value | undefined {
    this.called.add(this.norm(fn.name));
    if (this.callDepth >= MAX_CALL_DEPTH) return undefined;
    const args = this.words(s.words.slice(1));
    const bindings = new Map<string, Binding>();
    if (this.language === 'shell') {
      const list = args === UNREADABLE ? undefined : args;
      for (let i = 1; i <= 9; i++) {
        const a = list?.[i - 1];
        bindings.set(String(i), list === undefined || list.some((x, j) => x.spread && j < i) ? UNREADABLE : a ? a.value : str('', this.at(s)));
      }
      const all = list && !list.some((x) => x.spread) ? undefined : UNREADABLE;
      bindings.set('@', all ?? UNREADABLE);
      bindings.set('*', all ?? UNREADABLE);
    } else {
      bindPowerShellParams(fn.params ?? [], args === UNREADABLE ? undefined : args, bindings, (w) => this.wordBinding(w));
    }
    const saved = this.vars;
    this.vars = new Map(saved);
    for (const [k, v] of bindings) this.vars.set(k, v);
    this.callDepth++;
    this.suffix.push(`{${s.start}}`);
    try {
      return this.block(fn.body);
    } finally {
      this.suffix.pop();
      this.callDepth--;
      if (this.language === 'shell') {
        // Shell functions assign the script's variables (save the positional ones).
        const after = this.vars;
        this.vars = saved;
        for (const [k, v] of after) if (!bindings.has(k)) this.vars.set(k, v);
      } else this.vars = saved;
    }
  }

  // ---- words -----------------------------------------------------------------------------------

  /** The arguments words make: splatting and word splitting applied. */
  private words(words: Word[]): Arg[] | typeof UNREADABLE {
    const out: Arg[] = [];
    for (const w of words) {
      const at = this.at(w);
      const text = this.source.text.slice(w.start, w.end);
      const only = w.parts.length === 1 ? w.parts[0] : undefined;
      if (only?.kind === 'variable' && only.splat) {
        const v = this.variable(only);
        if (v === UNREADABLE) return UNREADABLE;
        if (v.kind !== 'object') {
          out.push({ value: v, text, at, spread: true });
          continue;
        }
        for (const [k, value] of v.entries) {
          out.push({ value: str(`-${k}`, at), text: `-${k}`, at });
          out.push({ value, text: `${text}.${k}`, at: value.at ?? at });
        }
        continue;
      }
      const value = this.wordBinding(w);
      if (value === UNREADABLE) return UNREADABLE;
      const unquotedExpansion = only && (only.kind === 'variable' || only.kind === 'substitution') && !only.quoted;
      if (unquotedExpansion && this.language === 'shell' && value.kind === 'string' && /\s/.test(value.value.trim())) {
        for (const piece of value.value.trim().split(/\s+/)) out.push({ value: str(piece, at), text, at });
        continue;
      }
      const arg: Arg = { value, text, at };
      if (unquotedExpansion && value.kind !== 'string' && (this.language === 'shell' || value.kind === 'unknown')) arg.spread = true;
      out.push(arg);
    }
    return out;
  }

  private wordValue(w: Word): Value {
    const v = this.wordBinding(w);
    return v === UNREADABLE ? unknown(undefined, this.at(w)) : v;
  }

  private wordBinding(w: Word): Binding {
    const at = this.at(w);
    const parts: Value[] = [];
    for (const p of w.parts) {
      const v = this.part(p);
      if (v === UNREADABLE) return UNREADABLE;
      parts.push(v);
    }
    if (parts.length === 0) return str('', at);
    return concatValues(parts, at);
  }

  private part(p: WordPart): Binding {
    switch (p.kind) {
      case 'text':
        return p.text.includes(OPAQUE_CHAR) ? this.withOpaque(p) : str(p.text, this.at(p));
      case 'variable':
        return this.variable(p);
      case 'substitution': {
        const out = this.substitution(p.body);
        const value = out ?? unknown(undefined, this.at(p));
        if (!p.members) return value;
        return this.handler.member(value, p.members, this.at(p)) ?? unknown(undefined, this.at(p));
      }
      case 'hash': {
        const entries: [string, Value][] = [];
        for (const e of p.entries) {
          const v = this.wordBinding(e.value);
          if (v === UNREADABLE) return UNREADABLE;
          entries.push([e.key, v]);
        }
        return obj(entries, this.at(p)) as ObjectValue;
      }
      case 'opaque':
        return unknown(undefined, this.at(p));
    }
  }

  /** Text holding host-format expressions: known pieces and unknowns. */
  private withOpaque(p: Extract<WordPart, { kind: 'text' }>): Value {
    const at = this.at(p);
    const pieces = p.text.split(new RegExp(`${OPAQUE_CHAR}+`));
    const parts: Value[] = [];
    pieces.forEach((piece, i) => {
      if (i > 0) parts.push(unknown(undefined, at));
      if (piece) parts.push(str(piece, at));
    });
    return concatValues(parts, at);
  }

  private substitution(body: Statement[]): Value | undefined {
    const macro = this.macro(body);
    if (macro) return macro;
    if (body.length !== 1) {
      this.block(body);
      return undefined;
    }
    const s = body[0];
    if (s.kind === 'command') return this.command(s, true);
    return this.statement(s);
  }

  /** `$(name)` naming an Azure Pipelines variable. */
  private macro(body: Statement[]): Value | undefined {
    if (this.macros.size === 0 || body.length !== 1) return undefined;
    const s = body[0];
    if (s.kind !== 'command' || s.words.length !== 1 || s.assigns.length > 0) return undefined;
    const w = s.words[0];
    const t = w.parts.length === 1 && w.parts[0].kind === 'text' && !w.parts[0].quoted ? w.parts[0].text : undefined;
    return t === undefined ? undefined : this.macros.get(t.toLowerCase());
  }

  private variable(p: Extract<WordPart, { kind: 'variable' }>): Binding {
    const at = this.at(p);
    const name = p.name;
    if (this.language === 'powershell') {
      if (name === 'true' || name === 'false') return { kind: 'bool', value: name === 'true', at };
      if (name === 'null') return { kind: 'null', at };
    }
    let bound = this.vars.get(name);
    if (bound === undefined && p.env) bound = this.vars.get(name.slice(4));
    if (bound === UNREADABLE) return UNREADABLE;
    const written = p.written;
    const external = (): Value => unknown(`env:${name}`, at, { kind: 'external', name: written });
    let value: Value;
    if (p.op !== undefined) {
      // ${X:-default}, ${X:?msg}, ${X:=default}: X's value when the script sets it, else unknown.
      if (p.op === ':?' || p.op === '?') value = bound ?? external();
      else if ((p.op === ':-' || p.op === '-' || p.op === ':=' || p.op === '=') && bound && isNonEmpty(bound)) value = bound;
      else value = unknown(undefined, at, { kind: 'variable', name: written });
      if (p.op === ':=' || p.op === '=') this.vars.set(name, value);
    } else value = bound ? withAt(bound, at) : external();
    if (p.members) return this.handler.member(value, p.members, at) ?? unknown(undefined, at);
    return value;
  }
}

/** A filter that passes its input through for what grantlint reads (`tr -d '\r'`, `Out-String`). */
function isPassThrough(s: Statement): boolean {
  if (s.kind !== 'command') return false;
  const first = s.words[0]?.parts[0];
  if (!first || first.kind !== 'text') return false;
  const name = first.text.toLowerCase();
  const args = s.words.slice(1).map((w) => (w.parts.length === 1 && w.parts[0].kind === 'text' ? w.parts[0].text : '?'));
  if (name === 'tr') return args.length === 2 && args[0] === '-d';
  if (name === 'head' || name === 'tail') return args.join(' ') === '-n1' || args.join(' ') === '-n 1' || args.join(' ') === '-1';
  return name === 'xargs' && args.length === 0;
}

function isNonEmpty(v: Value): boolean {
  return v.kind !== 'string' || v.value !== '';
}

/** The parts of a word as one value: a string, one expansion, or a concat. */
export function concatValues(parts: Value[], at: Location): Value {
  const merged: Value[] = [];
  for (const p of parts) {
    if (p.kind === 'concat') {
      for (const q of p.parts) pushPart(merged, q);
    } else pushPart(merged, p);
  }
  const nonEmpty = merged.filter((p) => !(p.kind === 'string' && p.value === ''));
  if (nonEmpty.length === 0) return str('', at);
  if (nonEmpty.length === 1) return nonEmpty[0].kind === 'string' ? str(nonEmpty[0].value, at) : nonEmpty[0];
  return { kind: 'concat', parts: nonEmpty, at };
}

function pushPart(out: Value[], p: Value): void {
  const last = out[out.length - 1];
  if (p.kind === 'string' && last?.kind === 'string') out[out.length - 1] = str(last.value + p.value, last.at);
  else out.push(p);
}

function mergeVariables(results: Map<string, Binding>[]): Map<string, Binding> {
  const merged = new Map<string, Binding>();
  const names = new Set<string>();
  for (const r of results) for (const k of r.keys()) names.add(k);
  for (const name of names) {
    const values = results.map((r) => r.get(name));
    const first = values[0];
    if (values.some((v) => v === UNREADABLE)) {
      merged.set(name, UNREADABLE);
      continue;
    }
    if (values.every((v) => v === first || (v !== undefined && first !== undefined && v !== UNREADABLE && first !== UNREADABLE && sameValue(v, first)))) {
      if (first !== undefined) merged.set(name, first);
      continue;
    }
    const some = values.find((v): v is Value => v !== undefined && v !== UNREADABLE);
    merged.set(name, unknown(undefined, some?.at, { kind: 'variable', name }));
  }
  return merged;
}

/** PowerShell function parameters from `-Name value` and positional arguments. */
function bindPowerShellParams(
  params: { name: string; default?: Word }[],
  args: Arg[] | undefined,
  out: Map<string, Binding>,
  evalWord: (w: Word) => Binding,
): void {
  if (!args || args.some((a) => a.spread)) {
    for (const p of params) out.set(p.name, UNREADABLE);
    out.set('args', UNREADABLE);
    return;
  }
  const positional: Arg[] = [];
  const named = new Map<string, Arg>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const t = a.value.kind === 'string' && /^-[A-Za-z_]\w*$/.test(a.value.value) ? a.value.value.slice(1).toLowerCase() : undefined;
    const param = t === undefined ? undefined : params.find((p) => p.name === t) ?? uniquePrefix(params, t);
    if (param && i + 1 < args.length) {
      named.set(param.name, args[++i]);
      continue;
    }
    positional.push(a);
  }
  for (const p of params) {
    const a = named.get(p.name) ?? positional.shift();
    if (a) out.set(p.name, a.value);
    else out.set(p.name, p.default ? evalWord(p.default) : UNREADABLE);
  }
}

function uniquePrefix<T extends { name: string }>(params: T[], prefix: string): T | undefined {
  const matches = params.filter((p) => p.name.startsWith(prefix));
  return matches.length === 1 ? matches[0] : undefined;
}
