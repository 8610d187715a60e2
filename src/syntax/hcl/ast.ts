/**
 * The HCL native-syntax tree (Terraform `.tf`, `.tfvars`). Spans are UTF-16 offsets `[start, end)`
 * into the file text; positions are derived with `LineMap` at the boundary.
 */

export interface Span {
  start: number;
  end: number;
}

export interface HclSyntaxError extends Span {
  message: string;
  /** grantlint's nesting limit, not the file's mistake: reported, and the file is still analysed. */
  limit?: boolean;
}

export interface HclComment extends Span {
  text: string;
}

export interface HclFile extends Span {
  kind: 'File';
  body: Body;
  errors: HclSyntaxError[];
  comments: HclComment[];
  /** Which syntax the file was written in (`.tf` or `.tf.json`); absent means native. */
  syntax?: 'native' | 'json';
}

export interface Body extends Span {
  kind: 'Body';
  /** Attributes and blocks in source order. */
  items: (Attribute | Block)[];
}

export interface Attribute extends Span {
  kind: 'Attribute';
  name: string;
  nameSpan: Span;
  value: Expression;
}

export interface BlockLabel extends Span {
  /** The label's value (quoted labels unquoted). */
  value: string;
}

export interface Block extends Span {
  kind: 'Block';
  type: string;
  typeSpan: Span;
  labels: BlockLabel[];
  body: Body;
}

export type Expression =
  | LiteralExpression
  | TemplateExpression
  | TupleExpression
  | ObjectExpression
  | VariableExpression
  | GetAttrExpression
  | IndexExpression
  | SplatExpression
  | FunctionCallExpression
  | ConditionalExpression
  | BinaryExpression
  | UnaryExpression
  | ForExpression
  | ParenExpression
  | ErrorExpression;

export interface LiteralExpression extends Span {
  kind: 'Literal';
  value: string | number | boolean | null;
}

/** A quoted string or a heredoc, with interpolations `${...}` and directives `%{...}`. */
export interface TemplateExpression extends Span {
  kind: 'Template';
  parts: TemplatePart[];
  heredoc?: { marker: string; indent: boolean };
}

export type TemplatePart =
  | { kind: 'Text'; value: string; start: number; end: number }
  | { kind: 'Interpolation'; expression: Expression; start: number; end: number }
  | TemplateIf
  | TemplateFor;

export interface TemplateIf extends Span {
  kind: 'If';
  condition: Expression;
  then: TemplatePart[];
  else?: TemplatePart[];
}

export interface TemplateFor extends Span {
  kind: 'For';
  keyVar?: string;
  valueVar: string;
  collection: Expression;
  body: TemplatePart[];
}

export interface TupleExpression extends Span {
  kind: 'Tuple';
  items: Expression[];
}

export interface ObjectItem extends Span {
  /** A bare identifier key is a Variable expression whose name is the key; `(expr)` keys are Paren. */
  key: Expression;
  value: Expression;
}

export interface ObjectExpression extends Span {
  kind: 'Object';
  items: ObjectItem[];
}

/** A root name: `var`, `local`, `each`, `count`, `azurerm_x`, `data`, `module`, a for variable. */
export interface VariableExpression extends Span {
  kind: 'Variable';
  name: string;
}

export interface GetAttrExpression extends Span {
  kind: 'GetAttr';
  object: Expression;
  name: string;
}

/** `x[key]` and the legacy `x.0`. */
export interface IndexExpression extends Span {
  kind: 'Index';
  object: Expression;
  key: Expression;
}

/**
 * `x[*].a.b` (full splat) or `x.*.a` (attribute-only splat). `each` is the traversal applied to
 * every element, written with a Variable named `*` as its root.
 */
export interface SplatExpression extends Span {
  kind: 'Splat';
  object: Expression;
  full: boolean;
  each: Expression;
}

export interface FunctionCallExpression extends Span {
  kind: 'FunctionCall';
  /** `merge`, or `provider::azurerm::normalise_resource_id`. */
  name: string;
  args: Expression[];
  /** `f(args...)` */
  expandFinal: boolean;
}

export interface ConditionalExpression extends Span {
  kind: 'Conditional';
  condition: Expression;
  trueResult: Expression;
  falseResult: Expression;
}

export type HclBinaryOperator =
  | '||'
  | '&&'
  | '=='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | '+'
  | '-'
  | '*'
  | '/'
  | '%';

export interface BinaryExpression extends Span {
  kind: 'Binary';
  operator: HclBinaryOperator;
  left: Expression;
  right: Expression;
}

export interface UnaryExpression extends Span {
  kind: 'Unary';
  operator: '!' | '-';
  operand: Expression;
}

/** `[for k, v in coll : value if cond]` and `{for k, v in coll : key => value... if cond}`. */
export interface ForExpression extends Span {
  kind: 'For';
  object: boolean;
  keyVar?: string;
  valueVar: string;
  collection: Expression;
  key?: Expression;
  value: Expression;
  condition?: Expression;
  grouping: boolean;
}

export interface ParenExpression extends Span {
  kind: 'Paren';
  expression: Expression;
}

export interface ErrorExpression extends Span {
  kind: 'ErrorExpression';
}
