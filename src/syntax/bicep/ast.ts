/**
 * The Bicep syntax tree. Every node carries its source span as UTF-16 offsets `[start, end)` into
 * the file text (after a byte-order mark is removed, offsets still count it: the text given to the
 * parser is the file's text as read, and positions are derived with `LineMap`).
 */

export interface Span {
  start: number;
  end: number;
}

export interface SyntaxError extends Span {
  message: string;
  /** The Bicep compiler's diagnostic code for the same problem, where there is one (BCP018, ...). */
  code?: string;
  /**
   * grantlint's own nesting limit, not the template's mistake: reported, and the rest of the file
   * is still analysed (the too-deep value is an ErrorExpression, i.e. unknown).
   */
  limit?: boolean;
}

export interface Comment extends Span {
  text: string;
  block: boolean;
}

export interface BicepFile extends Span {
  kind: 'File';
  statements: Statement[];
  errors: SyntaxError[];
  comments: Comment[];
  /** `#disable-next-line` directives and the like, as written. */
  directives: Comment[];
}

export type Statement =
  | TargetScopeStatement
  | MetadataStatement
  | ParamStatement
  | VarStatement
  | ResourceStatement
  | ModuleStatement
  | OutputStatement
  | TypeStatement
  | FuncStatement
  | ImportStatement
  | UsingStatement
  | ExtensionStatement
  | ParamAssignmentStatement
  | AssertStatement
  | ExtendsStatement
  | TestStatement
  | ExtensionConfigStatement
  | ErrorStatement;

export interface Decorator extends Span {
  kind: 'Decorator';
  /** `@description('x')` is a Call; `@sys.description('x')` a Call whose callee is a Member. */
  expression: Expression;
}

interface Declaration extends Span {
  decorators: Decorator[];
  name: Identifier;
}

export interface TargetScopeStatement extends Span {
  kind: 'TargetScope';
  decorators: Decorator[];
  value: Expression;
}

export interface MetadataStatement extends Declaration {
  kind: 'Metadata';
  value: Expression;
}

export interface ParamStatement extends Declaration {
  kind: 'Param';
  type?: TypeExpression;
  defaultValue?: Expression;
}

/** `param x = value` in a `.bicepparam` file. */
export interface ParamAssignmentStatement extends Declaration {
  kind: 'ParamAssignment';
  value: Expression;
}

export interface VarStatement extends Declaration {
  kind: 'Var';
  type?: TypeExpression;
  value: Expression;
}

export interface ResourceStatement extends Declaration {
  kind: 'Resource';
  /** `'Microsoft.Web/sites@2023-01-01'` (for a nested child, the short type `'config@2023-01-01'` or `'config'`). */
  typeString: StringLiteral;
  existing: boolean;
  /** An Object, a For (loop) or an If (condition) whose body is an Object. */
  value: Expression;
}

export interface ModuleStatement extends Declaration {
  kind: 'Module';
  /** `'modules/x.bicep'`, `'br:...'`, `'br/public:...'`, `'ts:...'`. */
  path: StringLiteral;
  value: Expression;
}

export interface OutputStatement extends Declaration {
  kind: 'Output';
  /** `output x string = ...`; for `output x resource 'T@v' = ...`, `resourceType` is set instead. */
  type?: TypeExpression;
  resourceType?: StringLiteral;
  value: Expression;
}

export interface TypeStatement extends Declaration {
  kind: 'Type';
  value: TypeExpression;
}

export interface FuncStatement extends Declaration {
  kind: 'Func';
  lambda: TypedLambda;
}

export interface ImportStatement extends Span {
  kind: 'Import';
  decorators: Decorator[];
  /** `import * as x from 'p'`, `import {a, b as c} from 'p'`, or the older `import 'p' as x`. */
  wildcardAlias?: Identifier;
  items: { name: Identifier; alias?: Identifier; span: Span }[];
  from?: StringLiteral;
  /** `with {...}` of the older `import 'az@1.0.0' with {...} as x` form. */
  config?: Expression;
}

export interface UsingStatement extends Span {
  kind: 'Using';
  decorators: Decorator[];
  /** `using 'main.bicep'` or `using none`. */
  path?: StringLiteral;
  value?: Expression;
  /** `using 'main.bicep' with { ... }` */
  config?: Expression;
}

export interface ExtensionStatement extends Span {
  kind: 'Extension';
  decorators: Decorator[];
  /** `extension az`, `extension 'br:...' with {...} as x`. */
  specification: Expression;
  config?: Expression;
  alias?: Identifier;
}

export interface AssertStatement extends Declaration {
  kind: 'Assert';
  value: Expression;
}

/** `extends 'shared.bicepparam'` in a `.bicepparam` file. */
export interface ExtendsStatement extends Span {
  kind: 'Extends';
  decorators: Decorator[];
  path: StringLiteral;
}

/** `test name 'path.bicep' = { params: {...} }` (the test framework's declaration). */
export interface TestStatement extends Declaration {
  kind: 'Test';
  path: StringLiteral;
  value: Expression;
}

/** `extensionConfig alias with { ... }` in a `.bicepparam` file. */
export interface ExtensionConfigStatement extends Declaration {
  kind: 'ExtensionConfig';
  config?: Expression;
}

/** Text the parser skipped while recovering from a syntax error. */
export interface ErrorStatement extends Span {
  kind: 'ErrorStatement';
  decorators: Decorator[];
}

export type Expression =
  | StringLiteral
  | IntegerLiteral
  | BooleanLiteral
  | NullLiteral
  | ArrayExpression
  | ObjectExpression
  | Identifier
  | MemberExpression
  | IndexExpression
  | ResourceAccessExpression
  | CallExpression
  | UnaryExpression
  | NonNullExpression
  | BinaryExpression
  | TernaryExpression
  | ParenExpression
  | LambdaExpression
  | ForExpression
  | IfExpression
  | SpreadExpression
  | ErrorExpression;

export interface StringLiteral extends Span {
  kind: 'String';
  /**
   * Cooked text segments: `parts.length === expressions.length + 1`. A plain string has one part.
   * Multi-line strings (`'''...'''`) have one part and `multiline` set.
   */
  parts: string[];
  expressions: Expression[];
  multiline?: boolean;
}

export interface IntegerLiteral extends Span {
  kind: 'Integer';
  value: number;
}

export interface BooleanLiteral extends Span {
  kind: 'Boolean';
  value: boolean;
}

export interface NullLiteral extends Span {
  kind: 'Null';
}

export interface ArrayExpression extends Span {
  kind: 'Array';
  items: Expression[];
}

export interface ObjectProperty extends Span {
  kind: 'Property';
  decorators: Decorator[];
  /** Identifier key (`name:`) or string key (`'${x}':`, interpolation allowed). */
  key: Identifier | StringLiteral;
  value: Expression;
}

export interface ObjectExpression extends Span {
  kind: 'Object';
  /** Properties, spreads (`...x`), and nested child resources (`resource x 'T' = {...}`). */
  properties: (ObjectProperty | SpreadExpression | ResourceStatement)[];
}

export interface Identifier extends Span {
  kind: 'Identifier';
  name: string;
}

export interface MemberExpression extends Span {
  kind: 'Member';
  object: Expression;
  property: Identifier;
  /** `.?` */
  safe: boolean;
}

export interface IndexExpression extends Span {
  kind: 'Index';
  object: Expression;
  index: Expression;
  /** `[?...]` */
  safe: boolean;
  /** `[^n]` */
  fromEnd: boolean;
}

/** `parent::child` */
export interface ResourceAccessExpression extends Span {
  kind: 'ResourceAccess';
  object: Expression;
  property: Identifier;
}

export interface CallExpression extends Span {
  kind: 'Call';
  /** An Identifier (`guid`) or a Member for namespaced calls (`az.resourceGroup`, `sys.guid`, `x.listKeys`). */
  callee: Identifier | MemberExpression;
  args: Expression[];
}

export interface UnaryExpression extends Span {
  kind: 'Unary';
  operator: '!' | '-';
  operand: Expression;
}

/** Postfix `!` (non-null assertion). */
export interface NonNullExpression extends Span {
  kind: 'NonNull';
  expression: Expression;
}

export type BinaryOperator =
  | '||'
  | '&&'
  | '=='
  | '!='
  | '=~'
  | '!~'
  | '<'
  | '<='
  | '>'
  | '>='
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | '??';

export interface BinaryExpression extends Span {
  kind: 'Binary';
  operator: BinaryOperator;
  left: Expression;
  right: Expression;
}

export interface TernaryExpression extends Span {
  kind: 'Ternary';
  condition: Expression;
  consequent: Expression;
  alternate: Expression;
}

export interface ParenExpression extends Span {
  kind: 'Paren';
  expression: Expression;
}

export interface LambdaExpression extends Span {
  kind: 'Lambda';
  params: Identifier[];
  body: Expression;
}

/** `func f(a string, b int) string => body` */
export interface TypedLambda extends Span {
  kind: 'TypedLambda';
  params: { name: Identifier; type: TypeExpression; span: Span }[];
  returnType: TypeExpression;
  body: Expression;
}

/** `[for item in items: body]`, `[for (item, i) in items: body]`, `[for i in range(0, 3): body]`. */
export interface ForExpression extends Span {
  kind: 'For';
  item?: Identifier;
  index?: Identifier;
  iterable: Expression;
  body: Expression;
}

/** `if (cond) { ... }` as a resource or module body, or inside a `for` body. */
export interface IfExpression extends Span {
  kind: 'If';
  condition: Expression;
  body: Expression;
}

/** `...x` in an object or array literal. */
export interface SpreadExpression extends Span {
  kind: 'Spread';
  expression: Expression;
}

/** A placeholder where an expression was expected and could not be parsed. */
export interface ErrorExpression extends Span {
  kind: 'ErrorExpression';
}

/**
 * Type expressions are kept coarse: grantlint needs to know they are there and where, not to
 * check them. `text` is the source text of the type.
 */
export interface TypeExpression extends Span {
  kind: 'TypeExpression';
  text: string;
  /** `resourceInput<'T@v'>`, `resourceOutput<...>`, `resource<...>`: the type string. */
  resourceType?: StringLiteral;
}
