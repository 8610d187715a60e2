/**
 * The syntax both script front ends (shell and PowerShell) produce: statements made of words, each
 * word made of parts, with offsets into the script text. It keeps what decides which commands run
 * and with which arguments — literal text, variable expansions, command substitutions, control flow
 * — and nothing about redirections, arithmetic or patterns, which become opaque parts.
 */

export interface Span {
  /** Offset of the first character in the script text. */
  start: number;
  /** Offset after the last character. */
  end: number;
}

export type WordPart = TextPart | VariablePart | SubstitutionPart | HashPart | OpaquePart;

/** Literal text after quote removal and escapes. */
export interface TextPart extends Span {
  kind: 'text';
  text: string;
  /** Written inside quotes (no word splitting, no assignment syntax). */
  quoted: boolean;
}

/**
 * `$NAME`, `${NAME}`, `${NAME:-default}` (shell); `$name`, `$env:NAME`, `$x.Prop.Sub` (PowerShell).
 * `name` is as the language compares it: shell names are case-sensitive, PowerShell's are not (the
 * PowerShell parser lower-cases them and keeps `written` for messages).
 */
export interface VariablePart extends Span {
  kind: 'variable';
  name: string;
  /** The name as written, for messages. */
  written: string;
  quoted: boolean;
  /** Shell parameter expansion operator (`:-`, `-`, `:=`, `:?`, `?`, `:+`, `#`, `%`, ...). */
  op?: string;
  operand?: Word;
  /** PowerShell member access: `$app.Identity.PrincipalId` has ['Identity', 'PrincipalId']. */
  members?: string[];
  /** PowerShell splatting: `@params`. */
  splat?: boolean;
  /** PowerShell `$env:NAME`. */
  env?: boolean;
}

/** `$(...)` or backquotes (shell), `$(...)` or `(...)` (PowerShell): the output of the statements. */
export interface SubstitutionPart extends Span {
  kind: 'substitution';
  body: Statement[];
  quoted: boolean;
  /** PowerShell: members read from the result, `(Get-AzWebApp ...).Identity.PrincipalId`. */
  members?: string[];
}

/** PowerShell hashtable literal `@{ Key = value; ... }` (splatting source). */
export interface HashPart extends Span {
  kind: 'hash';
  entries: { key: string; value: Word }[];
}

/** Something whose value grantlint does not compute: arithmetic, globs, process substitution, `${{ }}`. */
export interface OpaquePart extends Span {
  kind: 'opaque';
}

export interface Word extends Span {
  parts: WordPart[];
}

export interface Assignment extends Span {
  /** As the language compares it (see VariablePart.name). */
  name: string;
  written: string;
  /** Absent for `declare X` / `local X` without a value. */
  value?: Word;
  append?: boolean;
  /** Shell arrays `X=(a b)`: the value is not read. */
  array?: boolean;
}

export type Statement =
  | SimpleCommand
  | AssignmentStatement
  | Pipeline
  | AndOr
  | Branch
  | ForLoop
  | WhileLoop
  | FunctionDefinition
  | Group
  | OpaqueStatement;

/** A command with its arguments; `assigns` are prefix assignments (`X=1 cmd`: for that command only). */
export interface SimpleCommand extends Span {
  kind: 'command';
  words: Word[];
  assigns: Assignment[];
  /** PowerShell: an expression statement (`$x`, `'text'`, `(...)`): its value is its one word. */
  expression?: boolean;
}

/** Assignments alone (`X=1 Y=2`, PowerShell `$x = ...`): they change the script's variables. */
export interface AssignmentStatement extends Span {
  kind: 'assign';
  assigns: Assignment[];
}

/** `a | b`: the output is the last stage's. */
export interface Pipeline extends Span {
  kind: 'pipeline';
  stages: Statement[];
}

/** `a && b || c`: the first runs, the others may. */
export interface AndOr extends Span {
  kind: 'andor';
  items: Statement[];
}

/**
 * `if`/`case`/`switch`/`try`: `conditions` run, then at most one arm (exactly one when
 * `exhaustive`: an `else`, a `*)` pattern).
 */
export interface Branch extends Span {
  kind: 'branch';
  conditions: Statement[];
  arms: Statement[][];
  exhaustive: boolean;
}

/** `for x in a b c` / PowerShell `foreach ($x in ...)`: `items` undefined when not a literal list. */
export interface ForLoop extends Span {
  kind: 'for';
  variable?: string;
  items?: Word[];
  body: Statement[];
}

/** `while`/`until`/`do`: the body may run any number of times; `readVariables` come from `read` in the condition. */
export interface WhileLoop extends Span {
  kind: 'while';
  conditions: Statement[];
  body: Statement[];
  readVariables: string[];
}

export interface FunctionDefinition extends Span {
  kind: 'function';
  name: string;
  body: Statement[];
  /** PowerShell `param($a, $b)` names, in order (lower case). */
  params?: { name: string; default?: Word }[];
}

/** `{ ...; }` (shell braces: variables leak out) or `( ... )` (subshell: they do not). */
export interface Group extends Span {
  kind: 'group';
  body: Statement[];
  subshell: boolean;
}

/** A construct grantlint does not read (`[[ ... ]]`, arithmetic commands). It runs no Azure command it can see. */
export interface OpaqueStatement extends Span {
  kind: 'opaque';
}

/** A script as parsed: statements, comments (for suppressions) and the script's own parameters. */
export interface ScriptAst {
  statements: Statement[];
  comments: Span[];
  /** PowerShell `param(...)` at the top of the script. */
  params?: { name: string; written: string; default?: Word; span: Span }[];
}

/** The text of a word when it is all literal, else undefined. */
export function literalText(word: Word): string | undefined {
  let out = '';
  for (const p of word.parts) {
    if (p.kind !== 'text') return undefined;
    out += p.text;
  }
  return out;
}
