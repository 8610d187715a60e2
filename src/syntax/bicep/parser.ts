/**
 * A recursive-descent parser for Bicep and `.bicepparam` files: tokens -> the syntax tree of
 * `ast.ts`. It never throws: a syntax error is recorded (with the compiler's BCP code where there
 * is one) and the parser skips to a point it can resume from — the end of the line, or the bracket
 * that closes the construct it is in — so later statements, properties and items are still parsed.
 *
 * Bicep is newline-sensitive: statements, object properties and array items end at line breaks.
 * Inside parentheses (call arguments, parenthesised expressions, lambda parameters) line breaks
 * are ignored, and a line break may come before or after `?`/`:` of a ternary, after `=>`, before
 * a `|` of a union type and after `=` of a resource or module.
 */

import type {
  BicepFile,
  BinaryOperator,
  Comment,
  Decorator,
  ErrorStatement,
  Expression,
  ForExpression,
  Identifier,
  IfExpression,
  ImportStatement,
  MemberExpression,
  ObjectExpression,
  ObjectProperty,
  ResourceStatement,
  SpreadExpression,
  Statement,
  StringLiteral,
  SyntaxError,
  TypeExpression,
  TypedLambda,
} from './ast.js';
import { lex, type Token, type TokenKind } from './lexer.js';
import { MAX_NESTING, tooDeepMessage } from '../nesting.js';

export interface ParseOptions {
  /**
   * `bicepparam` reads `param x = value` as an assignment; `bicep` reads `param x type`. Left
   * unset, both forms are accepted (a `param` followed by `=` is an assignment).
   */
  fileKind?: 'bicep' | 'bicepparam';
}

export function parseBicep(text: string, options: ParseOptions = {}): BicepFile {
  const { tokens, comments, directives, errors } = lex(text);
  let file: BicepFile;
  try {
    file = new Parser(text, tokens, errors, options).parseFile(comments, directives);
  } catch (e) {
    // A defect in the parser must not take the linter down: report it as a syntax error.
    if (process.env.GRANTLINT_DEBUG) console.error((e as Error).stack);
    errors.push({ start: 0, end: 0, message: `Internal parser error: ${(e as Error).message}` });
    file = { kind: 'File', start: 0, end: text.length, statements: [], errors, comments, directives };
  }
  file.errors.sort((a, b) => a.start - b.start || a.end - b.end);
  return file;
}

const BINARY_PRECEDENCE: Partial<Record<TokenKind, [number, BinaryOperator]>> = {
  DoubleQuestion: [1, '??'],
  LogicalOr: [2, '||'],
  LogicalAnd: [3, '&&'],
  Equals: [4, '=='],
  NotEquals: [4, '!='],
  EqualsInsensitive: [4, '=~'],
  NotEqualsInsensitive: [4, '!~'],
  LeftChevron: [5, '<'],
  LessThanOrEqual: [5, '<='],
  RightChevron: [5, '>'],
  GreaterThanOrEqual: [5, '>='],
  Plus: [6, '+'],
  Minus: [6, '-'],
  Asterisk: [7, '*'],
  Slash: [7, '/'],
  Modulo: [7, '%'],
};

const MAX_IDENTIFIER_LENGTH = 255;
/** What a `.bicepparam` file may declare; another declaration keyword there is BCP337. */
const PARAMS_FILE_DECLARATIONS = new Set(['using', 'extends', 'param', 'var', 'type', 'import', 'func', 'extensionConfig']);
const MAX_INT64 = 9223372036854775807n;

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', "'": "'", $: '$' };

class Parser {
  private i = 0;
  /** > 0 inside parentheses, where line breaks are insignificant. */
  private nlSkip = 0;
  /** Start offset of the last error recorded; errors at the same place are reported once. */
  private lastErrorAt = -1;

  constructor(
    private readonly text: string,
    private readonly tokens: Token[],
    private readonly errors: SyntaxError[],
    private readonly options: ParseOptions,
  ) {}

  // ---- token access -------------------------------------------------------------------------

  private cur(): Token {
    if (this.nlSkip > 0) {
      while (this.tokens[this.i].kind === 'NewLine') this.i++;
    }
    return this.tokens[this.i];
  }

  private at(kind: TokenKind): boolean {
    return this.cur().kind === kind;
  }

  private atKeyword(word: string): boolean {
    const t = this.cur();
    return t.kind === 'Identifier' && t.text === word;
  }

  /** The kind of the first token after the current one that is not a line break. */
  private peekPastNewlines(): Token {
    let j = this.i;
    while (this.tokens[j].kind === 'NewLine') j++;
    return this.tokens[j];
  }

  private peek(offset = 1): Token {
    const j = Math.min(this.i + offset, this.tokens.length - 1);
    return this.tokens[j];
  }

  private next(): Token {
    const t = this.cur();
    if (t.kind !== 'EndOfFile') this.i++;
    return t;
  }

  private skipNewlines(): void {
    while (this.tokens[this.i].kind === 'NewLine') this.i++;
  }

  /** The end of the last token consumed. */
  private lastEnd(): number {
    let j = this.i - 1;
    while (j > 0 && this.tokens[j].kind === 'NewLine' && this.nlSkip > 0) j--;
    return j >= 0 ? this.tokens[j].end : 0;
  }

  private error(start: number, end: number, code: string | undefined, message: string): void {
    if (start === this.lastErrorAt) return;
    this.lastErrorAt = start;
    this.errors.push(code ? { start, end, code, message } : { start, end, message });
  }

  /** Reports an error at the current token (zero-width at a line break or the end of file). */
  private errorHere(code: string | undefined, message: string): void {
    const t = this.cur();
    if (t.kind === 'NewLine' || t.kind === 'EndOfFile') this.error(t.start, t.start, code, message);
    else this.error(t.start, t.end, code, message);
  }

  private expect(kind: TokenKind, char: string): Token | undefined {
    if (this.at(kind)) return this.next();
    this.errorHere('BCP018', `Expected the "${char}" character at this location.`);
    return undefined;
  }

  /**
   * Skips to the end of the line, jumping over bracketed groups (which may span lines), and stops
   * before a closing bracket that belongs to an enclosing construct.
   */
  private recover(): void {
    let depth = 0;
    for (;;) {
      const t = this.tokens[this.i];
      switch (t.kind) {
        case 'EndOfFile':
          return;
        case 'NewLine':
          if (depth === 0) return;
          break;
        case 'LeftBrace':
        case 'LeftParen':
        case 'LeftSquare':
          depth++;
          break;
        case 'RightBrace':
        case 'RightParen':
        case 'RightSquare':
          if (depth === 0) return;
          depth--;
          break;
        default:
          break;
      }
      this.i++;
    }
  }

  /** Recovery at statement level: a stray closing bracket there is skipped too. */
  private recoverLine(): void {
    for (;;) {
      this.recover();
      const k = this.tokens[this.i].kind;
      if (k === 'NewLine' || k === 'EndOfFile') return;
      this.i++;
    }
  }

  // ---- file and statements ------------------------------------------------------------------

  parseFile(comments: Comment[], directives: Comment[]): BicepFile {
    const statements: Statement[] = [];
    for (;;) {
      this.skipNewlines();
      if (this.at('EndOfFile')) break;
      const before = this.i;
      const statement = this.parseStatement();
      statements.push(statement);
      const t = this.tokens[this.i];
      if (t.kind !== 'NewLine' && t.kind !== 'EndOfFile') {
        this.error(t.start, t.end, 'BCP019', 'Expected a new line character at this location.');
        this.recoverLine();
      }
      if (this.i === before) this.i++;
    }
    return {
      kind: 'File',
      start: 0,
      end: this.text.length,
      statements,
      errors: this.errors,
      comments,
      directives,
    };
  }

  private parseDecorators(): Decorator[] {
    const decorators: Decorator[] = [];
    while (this.at('At')) {
      const at = this.next();
      let expression: Expression;
      if (!this.at('Identifier')) {
        this.errorHere('BCP123', 'Expected a namespace or decorator name at this location.');
        expression = this.errorExpression(this.cur().start);
        this.recover();
      } else {
        expression = this.parsePostfix(this.parsePrimary());
      }
      decorators.push({ kind: 'Decorator', start: at.start, end: this.lastEnd(), expression });
      if (!this.at('NewLine') && !this.at('EndOfFile')) {
        this.errorHere('BCP019', 'Expected a new line character at this location.');
        this.recover();
      }
      this.skipNewlines();
    }
    return decorators;
  }

  private parseStatement(): Statement {
    const start = this.cur().start;
    const decorators = this.parseDecorators();
    const t = this.cur();
    if (t.kind === 'EndOfFile' && decorators.length > 0) {
      const last = decorators[decorators.length - 1];
      this.error(last.start, last.end, 'BCP132', 'Expected a declaration after the decorator.');
      return { kind: 'ErrorStatement', decorators, start, end: this.lastEnd() };
    }
    if (t.kind === 'Identifier' && this.options.fileKind === 'bicepparam' && !PARAMS_FILE_DECLARATIONS.has(t.text)) {
      this.errorHere('BCP337', 'This declaration type is not valid for a Bicep Parameters file. Supported declarations: "using", "extends", "param", "var", "type", "import", "func", "extensionConfig".');
      this.recoverLine();
      return { kind: 'ErrorStatement', decorators, start, end: Math.max(start, this.lastEnd()) };
    }
    if (t.kind === 'Identifier') {
      switch (t.text) {
        case 'targetScope':
          return this.parseTargetScope(start, decorators);
        case 'metadata':
          return this.parseSimpleDeclaration('Metadata', start, decorators, 'BCP266', 'Expected a metadata identifier at this location.');
        case 'param':
          return this.parseParam(start, decorators);
        case 'var':
          return this.parseVar(start, decorators);
        case 'resource':
          return this.parseResource(start, decorators);
        case 'module':
          return this.parseModule(start, decorators);
        case 'output':
          return this.parseOutput(start, decorators);
        case 'type':
          return this.parseType(start, decorators);
        case 'func':
          return this.parseFunc(start, decorators);
        case 'import':
          return this.parseImport(start, decorators);
        case 'using':
          return this.parseUsing(start, decorators);
        case 'extends':
          return this.parseExtends(start, decorators);
        case 'extension':
        case 'provider':
          return this.parseExtension(start, decorators);
        case 'assert':
          return this.parseSimpleDeclaration('Assert', start, decorators, 'BCP346', 'Expected an assert identifier at this location.');
        case 'test':
          return this.parseTest(start, decorators);
        case 'extensionConfig':
          return this.parseExtensionConfig(start, decorators);
        default:
          break;
      }
    }
    this.errorHere('BCP007', 'This declaration type is not recognized. Specify a metadata, parameter, variable, resource, or output declaration.');
    this.recoverLine();
    return { kind: 'ErrorStatement', decorators, start, end: Math.max(start, this.lastEnd()) };
  }

  private identifier(code: string, message: string): Identifier {
    const t = this.cur();
    if (t.kind !== 'Identifier') {
      this.errorHere(code, message);
      return { kind: 'Identifier', name: '', start: t.start, end: t.start };
    }
    this.next();
    if (t.text.length > MAX_IDENTIFIER_LENGTH) {
      this.error(t.start, t.end, 'BCP024', `The identifier exceeds the limit of ${MAX_IDENTIFIER_LENGTH}. Reduce the length of the identifier.`);
    }
    return { kind: 'Identifier', name: t.text, start: t.start, end: t.end };
  }

  private errorStatementAfter(start: number, decorators: Decorator[]): ErrorStatement {
    this.recoverLine();
    return { kind: 'ErrorStatement', decorators, start, end: Math.max(start, this.lastEnd()) };
  }

  private parseTargetScope(start: number, decorators: Decorator[]): Statement {
    this.next();
    this.expect('Assignment', '=');
    const value = this.parseExpression();
    return { kind: 'TargetScope', decorators, value, start, end: this.lastEnd() };
  }

  private parseSimpleDeclaration(kind: 'Metadata' | 'Assert', start: number, decorators: Decorator[], code: string, message: string): Statement {
    this.next();
    const name = this.identifier(code, message);
    if (!name.name) return this.errorStatementAfter(start, decorators);
    this.expect('Assignment', '=');
    const value = this.parseExpression();
    return { kind, decorators, name, value, start, end: this.lastEnd() };
  }

  private parseParam(start: number, decorators: Decorator[]): Statement {
    this.next();
    const name = this.identifier('BCP013', 'Expected a parameter identifier at this location.');
    if (!name.name) return this.errorStatementAfter(start, decorators);
    if (this.at('Assignment') && this.options.fileKind !== 'bicep') {
      this.next();
      const value = this.parseExpression();
      return { kind: 'ParamAssignment', decorators, name, value, start, end: this.lastEnd() };
    }
    if (this.options.fileKind === 'bicepparam') {
      // `param x type = value` is not a .bicepparam form; keep going as a declaration.
      this.errorHere('BCP018', 'Expected the "=" character at this location.');
    }
    const type = this.parseTypeExpression();
    let defaultValue: Expression | undefined;
    if (this.at('Assignment')) {
      this.next();
      defaultValue = this.parseExpression();
    } else if (!this.at('NewLine') && !this.at('EndOfFile')) {
      this.errorHere('BCP008', 'Expected the "=" token, or a newline at this location.');
      this.recover();
    }
    return defaultValue
      ? { kind: 'Param', decorators, name, type, defaultValue, start, end: this.lastEnd() }
      : { kind: 'Param', decorators, name, type, start, end: this.lastEnd() };
  }

  private parseVar(start: number, decorators: Decorator[]): Statement {
    this.next();
    const name = this.identifier('BCP015', 'Expected a variable identifier at this location.');
    if (!name.name) return this.errorStatementAfter(start, decorators);
    let type: TypeExpression | undefined;
    if (!this.at('Assignment') && !this.at('NewLine') && !this.at('EndOfFile')) type = this.parseTypeExpression();
    this.expect('Assignment', '=');
    const value = this.parseExpression();
    return type
      ? { kind: 'Var', decorators, name, type, value, start, end: this.lastEnd() }
      : { kind: 'Var', decorators, name, value, start, end: this.lastEnd() };
  }

  private parseStringToken(code: string, message: string): StringLiteral | undefined {
    const t = this.cur();
    if (t.kind === 'StringComplete' || t.kind === 'StringLeftPiece') return this.parseString();
    this.errorHere(code, message);
    return undefined;
  }

  /** The body of a resource or module: an object, a `[for ...]` loop, or `if (...) {...}`. */
  private parseDeclarationBody(): Expression {
    if (this.at('NewLine')) {
      const after = this.peekPastNewlines();
      if (after.kind === 'LeftBrace' || after.kind === 'LeftSquare' || (after.kind === 'Identifier' && after.text === 'if')) this.skipNewlines();
    }
    const t = this.cur();
    if (t.kind === 'LeftBrace') return this.parseObject();
    if (t.kind === 'LeftSquare') return this.parseArrayOrFor();
    if (this.atKeyword('if')) return this.parseIf();
    this.errorHere('BCP118', 'Expected the "{" character, the "[" character, or the "if" keyword at this location.');
    const e = this.errorExpression(t.start);
    this.recover();
    return e;
  }

  private parseResource(start: number, decorators: Decorator[]): ResourceStatement | ErrorStatement {
    this.next();
    const name = this.identifier('BCP017', 'Expected a resource identifier at this location.');
    if (!name.name) return this.errorStatementAfter(start, decorators);
    const typeString = this.parseStringToken('BCP068', 'Expected a resource type string. Specify a valid resource type of format "<types>@<apiVersion>".');
    if (!typeString) return this.errorStatementAfter(start, decorators);
    let existing = false;
    if (this.atKeyword('existing')) {
      this.next();
      existing = true;
    }
    if (!this.expect('Assignment', '=')) return this.errorStatementAfter(start, decorators);
    const value = this.parseDeclarationBody();
    return { kind: 'Resource', decorators, name, typeString, existing, value, start, end: this.lastEnd() };
  }

  private parseModule(start: number, decorators: Decorator[]): Statement {
    this.next();
    const name = this.identifier('BCP096', 'Expected a module identifier at this location.');
    if (!name.name) return this.errorStatementAfter(start, decorators);
    const path = this.parseStringToken('BCP097', 'Expected a module path string. This should be a relative path to another bicep file, e.g. \'myModule.bicep\' or \'../parent/myModule.bicep\'');
    if (!path) return this.errorStatementAfter(start, decorators);
    if (!this.expect('Assignment', '=')) return this.errorStatementAfter(start, decorators);
    const value = this.parseDeclarationBody();
    return { kind: 'Module', decorators, name, path, value, start, end: this.lastEnd() };
  }

  private parseTest(start: number, decorators: Decorator[]): Statement {
    this.next();
    const name = this.identifier('BCP346', 'Expected a test identifier at this location.');
    if (!name.name) return this.errorStatementAfter(start, decorators);
    const path = this.parseStringToken('BCP347', 'Expected a test path string at this location.');
    if (!path) return this.errorStatementAfter(start, decorators);
    if (!this.expect('Assignment', '=')) return this.errorStatementAfter(start, decorators);
    const value = this.parseDeclarationBody();
    return { kind: 'Test', decorators, name, path, value, start, end: this.lastEnd() };
  }

  private parseOutput(start: number, decorators: Decorator[]): Statement {
    this.next();
    const name = this.identifier('BCP016', 'Expected an output identifier at this location.');
    if (!name.name) return this.errorStatementAfter(start, decorators);
    let type: TypeExpression | undefined;
    let resourceType: StringLiteral | undefined;
    if (this.atKeyword('resource') && (this.peek().kind === 'StringComplete' || this.peek().kind === 'StringLeftPiece')) {
      this.next();
      resourceType = this.parseString();
    } else {
      type = this.parseTypeExpression();
    }
    this.expect('Assignment', '=');
    const value = this.parseExpression();
    return resourceType
      ? { kind: 'Output', decorators, name, resourceType, value, start, end: this.lastEnd() }
      : { kind: 'Output', decorators, name, type, value, start, end: this.lastEnd() };
  }

  private parseType(start: number, decorators: Decorator[]): Statement {
    this.next();
    const name = this.identifier('BCP325', 'Expected a type identifier at this location.');
    if (!name.name) return this.errorStatementAfter(start, decorators);
    this.expect('Assignment', '=');
    const value = this.parseTypeExpression();
    return { kind: 'Type', decorators, name, value, start, end: this.lastEnd() };
  }

  private parseFunc(start: number, decorators: Decorator[]): Statement {
    this.next();
    const name = this.identifier('BCP015', 'Expected a function identifier at this location.');
    if (!name.name) return this.errorStatementAfter(start, decorators);
    const lambdaStart = this.cur().start;
    const params: TypedLambda['params'] = [];
    if (this.expect('LeftParen', '(')) {
      this.nlSkip++;
      while (!this.at('RightParen') && !this.at('EndOfFile')) {
        const before = this.i;
        const pname = this.identifier('BCP015', 'Expected a parameter identifier at this location.');
        const ptype = this.parseTypeExpression();
        params.push({ name: pname, type: ptype, span: { start: pname.start, end: ptype.end } });
        if (this.at('Comma')) this.next();
        else if (!this.at('RightParen')) {
          this.errorHere('BCP018', 'Expected the ")" character at this location.');
          break;
        }
        if (this.i === before) break;
      }
      this.nlSkip--;
      if (this.at('RightParen')) this.next();
      else return this.errorStatementAfter(start, decorators);
    }
    const returnType = this.parseTypeExpression();
    let body: Expression;
    if (this.expect('Arrow', '=>')) {
      this.skipNewlines();
      body = this.parseExpression();
    } else {
      body = this.errorExpression(this.cur().start);
      this.recover();
    }
    const lambda: TypedLambda = { kind: 'TypedLambda', params, returnType, body, start: lambdaStart, end: this.lastEnd() };
    return { kind: 'Func', decorators, name, lambda, start, end: this.lastEnd() };
  }

  private parseImport(start: number, decorators: Decorator[]): ImportStatement | ErrorStatement {
    this.next();
    const node: ImportStatement = { kind: 'Import', decorators, items: [], start, end: start };
    const t = this.cur();
    if (t.kind === 'Asterisk') {
      this.next();
      if (!this.atKeyword('as')) {
        this.errorHere('BCP012', 'Expected the "as" keyword at this location.');
        return this.errorStatementAfter(start, decorators);
      }
      this.next();
      node.wildcardAlias = this.identifier('BCP202', 'Expected an import alias name at this location.');
    } else if (t.kind === 'LeftBrace') {
      this.next();
      for (;;) {
        this.skipNewlines();
        if (this.at('RightBrace') || this.at('EndOfFile')) break;
        const before = this.i;
        const itemStart = this.cur().start;
        let name: Identifier;
        if (this.at('StringComplete')) {
          const s = this.next();
          name = { kind: 'Identifier', name: cookPiece(s.text, 'StringComplete'), start: s.start, end: s.end };
        } else {
          name = this.identifier('BCP022', 'Expected a property name at this location.');
        }
        let alias: Identifier | undefined;
        if (this.atKeyword('as')) {
          this.next();
          alias = this.identifier('BCP202', 'Expected an import alias name at this location.');
        }
        node.items.push(alias ? { name, alias, span: { start: itemStart, end: this.lastEnd() } } : { name, span: { start: itemStart, end: this.lastEnd() } });
        if (this.at('Comma')) this.next();
        else if (!this.at('NewLine') && !this.at('RightBrace')) {
          this.errorHere('BCP236', 'Expected a new line or comma character at this location.');
          this.recover();
        }
        if (this.i === before) this.next();
      }
      this.expect('RightBrace', '}');
    } else if (t.kind === 'StringComplete' || t.kind === 'StringLeftPiece') {
      // The older `import 'az@1.0.0' [with {...}] [as x]` form of an extension.
      node.from = this.parseString();
      if (this.atKeyword('with')) {
        this.next();
        node.config = this.parseExpression();
      }
      if (this.atKeyword('as')) {
        this.next();
        node.wildcardAlias = this.identifier('BCP202', 'Expected an import alias name at this location.');
      }
      node.end = this.lastEnd();
      return node;
    } else {
      this.errorHere('BCP018', 'Expected the "{" character at this location.');
      return this.errorStatementAfter(start, decorators);
    }
    if (this.atKeyword('from')) {
      this.next();
      node.from = this.parseStringToken('BCP018', 'Expected an import path string at this location.');
    } else {
      this.errorHere('BCP012', 'Expected the "from" keyword at this location.');
    }
    node.end = this.lastEnd();
    return node;
  }

  private parseUsing(start: number, decorators: Decorator[]): Statement {
    this.next();
    if (this.atKeyword('none')) {
      const t = this.next();
      const value: Identifier = { kind: 'Identifier', name: 'none', start: t.start, end: t.end };
      const node = { kind: 'Using' as const, decorators, value, start, end: t.end, config: undefined as Expression | undefined };
      if (this.atKeyword('with')) {
        this.next();
        node.config = this.parseExpression();
      }
      node.end = this.lastEnd();
      if (!node.config) delete node.config;
      return node;
    }
    const path = this.parseStringToken('BCP018', 'Expected a file path string at this location.');
    if (!path) return this.errorStatementAfter(start, decorators);
    let config: Expression | undefined;
    if (this.atKeyword('with')) {
      this.next();
      config = this.parseExpression();
    }
    return config
      ? { kind: 'Using', decorators, path, config, start, end: this.lastEnd() }
      : { kind: 'Using', decorators, path, start, end: this.lastEnd() };
  }

  private parseExtends(start: number, decorators: Decorator[]): Statement {
    this.next();
    const path = this.parseStringToken('BCP404', 'Expected a file path string at this location.');
    if (!path) return this.errorStatementAfter(start, decorators);
    return { kind: 'Extends', decorators, path, start, end: this.lastEnd() };
  }

  private parseExtensionConfig(start: number, decorators: Decorator[]): Statement {
    this.next();
    const name = this.identifier('BCP202', 'Expected an extension alias name at this location.');
    if (!name.name) return this.errorStatementAfter(start, decorators);
    if (!this.atKeyword('with')) {
      this.errorHere('BCP012', 'Expected the "with" keyword at this location.');
      return { kind: 'ExtensionConfig', decorators, name, start, end: this.lastEnd() };
    }
    this.next();
    const config = this.parseExpression();
    return { kind: 'ExtensionConfig', decorators, name, config, start, end: this.lastEnd() };
  }

  private parseExtension(start: number, decorators: Decorator[]): Statement {
    this.next();
    let specification: Expression;
    const t = this.cur();
    if (t.kind === 'StringComplete' || t.kind === 'StringLeftPiece') specification = this.parseString();
    else if (t.kind === 'Identifier') specification = this.identifier('', '');
    else {
      this.errorHere('BCP201', 'Expected an extension specification string or identifier at this location.');
      return this.errorStatementAfter(start, decorators);
    }
    const node: { config?: Expression; alias?: Identifier } = {};
    if (this.atKeyword('with')) {
      this.next();
      node.config = this.parseExpression();
    }
    if (this.atKeyword('as')) {
      this.next();
      node.alias = this.identifier('BCP202', 'Expected an extension alias name at this location.');
    }
    return { kind: 'Extension', decorators, specification, ...node, start, end: this.lastEnd() };
  }

  // ---- types --------------------------------------------------------------------------------

  /** A type expression, kept as its source text (plus the resource type of `resourceInput<...>`). */
  private parseTypeExpression(): TypeExpression {
    if (this.depth >= MAX_NESTING) {
      // Types nest through tuples and objects too: past the limit, skipped like expressions.
      const skipped = this.skipTooDeep();
      return { kind: 'TypeExpression', text: this.text.slice(skipped.start, skipped.end), start: skipped.start, end: skipped.end };
    }
    this.depth++;
    try {
      return this.parseTypeExpressionAt();
    } finally {
      this.depth--;
    }
  }

  private parseTypeExpressionAt(): TypeExpression {
    const node: TypeExpression = { kind: 'TypeExpression', text: '', start: this.cur().start, end: this.cur().start };
    // A union may start on the next line with a leading `|`.
    if (this.at('NewLine') && this.peekPastNewlines().kind === 'Pipe') this.skipNewlines();
    node.start = this.cur().start;
    if (this.at('Pipe')) this.next();
    this.parseTypeMember(node);
    for (;;) {
      if (this.at('NewLine') && this.peekPastNewlines().kind === 'Pipe') this.skipNewlines();
      if (!this.at('Pipe')) break;
      this.next();
      this.parseTypeMember(node);
    }
    node.end = Math.max(node.start, this.lastEnd());
    node.text = this.text.slice(node.start, node.end);
    return node;
  }

  private parseTypeMember(node: TypeExpression): void {
    const t = this.cur();
    switch (t.kind) {
      case 'Identifier':
        this.next();
        this.parseTypeArguments(node);
        break;
      case 'StringComplete':
      case 'StringLeftPiece':
        this.parseString();
        break;
      case 'Integer':
      case 'TrueKeyword':
      case 'FalseKeyword':
      case 'NullKeyword':
        this.next();
        break;
      case 'Minus':
      case 'Exclamation':
        this.next();
        this.parseTypeMember(node);
        return;
      case 'LeftParen':
        this.next();
        this.nlSkip++;
        this.parseTypeExpressionInto(node);
        this.nlSkip--;
        this.expect('RightParen', ')');
        break;
      case 'LeftBrace':
        this.parseObjectType(node);
        break;
      case 'LeftSquare':
        this.parseTupleType(node);
        break;
      default:
        this.errorHere('BCP279', 'Expected a type at this location. Please specify a valid type expression or one of the following types: "array", "bool", "int", "object", "string".');
        return;
    }
    // Postfix: `[]` (array of), `?` (nullable), `.prop`, `[*]`, `[0]`, `!`.
    for (;;) {
      const p = this.cur();
      if (p.kind === 'LeftSquare') {
        this.next();
        if (this.at('RightSquare')) {
          this.next();
          continue;
        }
        if (this.at('Asterisk')) this.next();
        else this.parseExpression();
        this.expect('RightSquare', ']');
      } else if (p.kind === 'Question' || p.kind === 'Exclamation') {
        this.next();
      } else if (p.kind === 'Dot') {
        this.next();
        if (this.at('Asterisk')) this.next();
        else {
          this.identifier('BCP020', 'Expected a function or property name at this location.');
          this.parseTypeArguments(node);
        }
      } else {
        return;
      }
    }
  }

  /** `<'T@v'>` after `resourceInput`, `resourceOutput`, `resource` (or `sys.resourceInput`). */
  private parseTypeArguments(node: TypeExpression): void {
    if (!this.at('LeftChevron')) return;
    this.next();
    this.nlSkip++;
    while (!this.at('RightChevron') && !this.at('EndOfFile')) {
      const before = this.i;
      if ((this.at('StringComplete') || this.at('StringLeftPiece')) && !node.resourceType) node.resourceType = this.parseString();
      else this.parseTypeMember(node);
      if (this.at('Comma')) this.next();
      else if (!this.at('RightChevron')) break;
      if (this.i === before) break;
    }
    this.expect('RightChevron', '>');
    this.nlSkip--;
  }

  private parseTypeExpressionInto(node: TypeExpression): void {
    const inner = this.parseTypeExpression();
    if (inner.resourceType && !node.resourceType) node.resourceType = inner.resourceType;
  }

  private parseObjectType(node: TypeExpression): void {
    this.next();
    const saved = this.nlSkip;
    this.nlSkip = 0;
    for (;;) {
      this.skipNewlines();
      if (this.at('RightBrace') || this.at('EndOfFile')) break;
      const before = this.i;
      this.parseDecorators();
      const k = this.cur();
      if (k.kind === 'Identifier' || k.kind === 'StringComplete' || k.kind === 'Asterisk' || k.kind === 'TrueKeyword' || k.kind === 'FalseKeyword' || k.kind === 'NullKeyword') {
        this.next();
      } else if (k.kind === 'StringLeftPiece') {
        this.parseString();
      } else {
        this.errorHere('BCP022', 'Expected a property name at this location.');
        this.recover();
        if (this.i === before) this.next();
        continue;
      }
      if (this.at('Question')) this.next();
      if (this.expect('Colon', ':')) this.parseTypeExpressionInto(node);
      else this.recover();
      this.endOfItem('RightBrace');
      if (this.i === before) this.next();
    }
    this.nlSkip = saved;
    this.expect('RightBrace', '}');
  }

  private parseTupleType(node: TypeExpression): void {
    this.next();
    const saved = this.nlSkip;
    this.nlSkip = 0;
    for (;;) {
      this.skipNewlines();
      if (this.at('RightSquare') || this.at('EndOfFile')) break;
      const before = this.i;
      this.parseDecorators();
      this.parseTypeExpressionInto(node);
      this.endOfItem('RightSquare');
      if (this.i === before) this.next();
    }
    this.nlSkip = saved;
    this.expect('RightSquare', ']');
  }

  /** After an object property or array item: a comma, a line break, or the closing bracket. */
  private endOfItem(close: TokenKind): void {
    const t = this.cur();
    if (t.kind === 'Comma') {
      this.next();
      if (this.at('NewLine')) {
        this.errorHere('BCP238', 'Unexpected new line character after a comma.');
        return;
      }
      if (this.at('Comma')) {
        this.errorHere(close === 'RightBrace' ? 'BCP022' : 'BCP009', close === 'RightBrace' ? 'Expected a property name at this location.' : 'Expected a literal value, an array, an object, a parenthesized expression, or a function call at this location.');
        while (this.at('Comma')) this.next();
      }
      return;
    }
    if (t.kind === 'NewLine' || t.kind === close || t.kind === 'EndOfFile') return;
    this.errorHere('BCP236', 'Expected a new line or comma character at this location.');
    this.recover();
  }

  // ---- expressions --------------------------------------------------------------------------

  private errorExpression(at: number): Expression {
    return { kind: 'ErrorExpression', start: at, end: at };
  }

  /** At a `?` or `:` of a ternary, possibly on the next line. */
  private atTernaryPart(kind: TokenKind): boolean {
    if (this.at(kind)) return true;
    if (this.at('NewLine') && this.peekPastNewlines().kind === kind) {
      this.skipNewlines();
      return true;
    }
    return false;
  }

  parseExpression(): Expression {
    const t = this.cur();
    // Lambdas: `x => ...`, `(a, b) => ...`, `() => ...`
    if (t.kind === 'Identifier' && this.peek().kind === 'Arrow') {
      this.next();
      this.next();
      const body = this.parseExpression();
      return { kind: 'Lambda', params: [{ kind: 'Identifier', name: t.text, start: t.start, end: t.end }], body, start: t.start, end: this.lastEnd() };
    }
    if (t.kind === 'LeftParen' && this.isLambdaParams()) return this.parseLambda();
    const condition = this.parseBinary(1);
    if (!this.atTernaryPart('Question')) return condition;
    this.next();
    this.skipNewlines();
    const consequent = this.parseExpression();
    let alternate: Expression;
    if (this.atTernaryPart('Colon')) {
      this.next();
      this.skipNewlines();
      alternate = this.parseExpression();
    } else {
      this.errorHere('BCP018', 'Expected the ":" character at this location.');
      alternate = this.errorExpression(this.cur().start);
    }
    return { kind: 'Ternary', condition, consequent, alternate, start: condition.start, end: this.lastEnd() };
  }

  /** At `(`: is this the parameter list of a lambda (`(a, b) =>`)? */
  private isLambdaParams(): boolean {
    let depth = 0;
    for (let j = this.i; j < this.tokens.length; j++) {
      const k = this.tokens[j].kind;
      if (k === 'LeftParen') depth++;
      else if (k === 'RightParen') {
        depth--;
        if (depth === 0) {
          let n = j + 1;
          while (this.tokens[n].kind === 'NewLine') n++;
          return this.tokens[n].kind === 'Arrow';
        }
      } else if (k !== 'Identifier' && k !== 'Comma' && k !== 'NewLine') {
        return false;
      }
    }
    return false;
  }

  private parseLambda(): Expression {
    const open = this.next();
    this.nlSkip++;
    const params: Identifier[] = [];
    while (this.at('Identifier')) {
      const p = this.next();
      params.push({ kind: 'Identifier', name: p.text, start: p.start, end: p.end });
      if (this.at('Comma')) this.next();
    }
    this.nlSkip--;
    this.expect('RightParen', ')');
    this.skipNewlines();
    this.expect('Arrow', '=>');
    const body = this.parseExpression();
    return { kind: 'Lambda', params, body, start: open.start, end: this.lastEnd() };
  }

  private parseBinary(minPrecedence: number): Expression {
    let left = this.parseUnary();
    for (;;) {
      const op = BINARY_PRECEDENCE[this.cur().kind];
      if (!op || op[0] < minPrecedence) return left;
      this.next();
      const right = this.parseBinary(op[0] + 1);
      left = { kind: 'Binary', operator: op[1], left, right, start: left.start, end: this.lastEnd() };
    }
  }

  private parseUnary(): Expression {
    const t = this.cur();
    if (t.kind === 'Exclamation' || t.kind === 'Minus') {
      this.next();
      const operand = this.parseUnary();
      return { kind: 'Unary', operator: t.kind === 'Minus' ? '-' : '!', operand, start: t.start, end: this.lastEnd() };
    }
    return this.parsePostfix(this.parsePrimary());
  }

  private parsePostfix(expr: Expression): Expression {
    for (;;) {
      const t = this.cur();
      switch (t.kind) {
        case 'Dot': {
          this.next();
          let safe = false;
          if (this.at('Question')) {
            this.next();
            safe = true;
          }
          const property = this.identifier('BCP020', 'Expected a function or property name at this location.');
          if (!property.name) {
            return { kind: 'Member', object: expr, property, safe, start: expr.start, end: this.lastEnd() };
          }
          const member: MemberExpression = { kind: 'Member', object: expr, property, safe, start: expr.start, end: this.lastEnd() };
          expr = this.at('LeftParen') ? this.parseCall(member) : member;
          break;
        }
        case 'LeftSquare': {
          this.next();
          let safe = false;
          let fromEnd = false;
          if (this.at('Question')) {
            this.next();
            safe = true;
          }
          if (this.at('Hat')) {
            this.next();
            fromEnd = true;
          }
          let index: Expression;
          if (this.at('RightSquare')) {
            this.errorHere('BCP117', 'An empty indexer is not allowed. Specify a valid expression.');
            index = this.errorExpression(this.cur().start);
          } else {
            this.nlSkip++;
            index = this.parseExpression();
            this.nlSkip--;
          }
          if (!this.expect('RightSquare', ']')) {
            this.recover();
            return { kind: 'Index', object: expr, index, safe, fromEnd, start: expr.start, end: this.lastEnd() };
          }
          expr = { kind: 'Index', object: expr, index, safe, fromEnd, start: expr.start, end: this.lastEnd() };
          break;
        }
        case 'DoubleColon': {
          this.next();
          const property = this.identifier('BCP020', 'Expected a function or property name at this location.');
          expr = { kind: 'ResourceAccess', object: expr, property, start: expr.start, end: this.lastEnd() };
          if (!property.name) return expr;
          break;
        }
        case 'Exclamation':
          this.next();
          expr = { kind: 'NonNull', expression: expr, start: expr.start, end: t.end };
          break;
        default:
          return expr;
      }
    }
  }

  private parseCall(callee: Identifier | MemberExpression): Expression {
    const args: Expression[] = [];
    this.next(); // (
    this.nlSkip++;
    if (!this.at('RightParen')) {
      for (;;) {
        const before = this.i;
        args.push(this.parseExpression());
        if (this.at('Comma')) {
          this.next();
          continue;
        }
        if (this.at('RightParen') || this.at('EndOfFile')) break;
        this.errorHere('BCP236', 'Expected a new line or comma character at this location.');
        this.nlSkip--;
        this.recover();
        this.nlSkip++;
        if (this.i === before || !this.at('Comma')) break;
      }
    }
    this.nlSkip--;
    this.expect('RightParen', ')');
    return {
      kind: 'Call',
      callee,
      args,
      start: callee.start,
      end: this.lastEnd(),
    };
  }

  private depth = 0;

  /**
   * Brackets nested past MAX_NESTING are not parsed (a recursive parser would overflow the stack):
   * the construct is skipped to its closing bracket, reported where it starts, and unknown.
   */
  private parsePrimary(): Expression {
    const k = this.cur().kind;
    if (k !== 'LeftBrace' && k !== 'LeftSquare' && k !== 'LeftParen') return this.parsePrimaryInner();
    if (this.depth >= MAX_NESTING) return this.skipTooDeep();
    this.depth++;
    try {
      return this.parsePrimaryInner();
    } finally {
      this.depth--;
    }
  }

  private skipTooDeep(): Expression {
    const start = this.cur().start;
    if (!this.errors.some((e) => e.limit)) this.errors.push({ start, end: this.cur().end, message: tooDeepMessage(), limit: true });
    let open = 0;
    do {
      const t = this.next();
      if (t.kind === 'LeftBrace' || t.kind === 'LeftSquare' || t.kind === 'LeftParen') open++;
      else if (t.kind === 'RightBrace' || t.kind === 'RightSquare' || t.kind === 'RightParen') open--;
      else if (t.kind === 'EndOfFile') break;
    } while (open > 0);
    return { kind: 'ErrorExpression', start, end: this.lastEnd() };
  }

  private parsePrimaryInner(): Expression {
    const t = this.cur();
    switch (t.kind) {
      case 'Identifier': {
        this.next();
        if (t.text.length > MAX_IDENTIFIER_LENGTH) {
          this.error(t.start, t.end, 'BCP024', `The identifier exceeds the limit of ${MAX_IDENTIFIER_LENGTH}. Reduce the length of the identifier.`);
        }
        const id: Identifier = { kind: 'Identifier', name: t.text, start: t.start, end: t.end };
        if (this.at('LeftParen')) return this.parseCall(id);
        return id;
      }
      case 'Integer': {
        this.next();
        let value = Number(t.text);
        if (t.text.length >= 19 && BigInt(t.text) > MAX_INT64 + (this.tokens[this.i - 2]?.kind === 'Minus' ? 1n : 0n)) {
          this.error(t.start, t.end, 'BCP010', 'Expected a valid 64-bit signed integer.');
          value = Number.NaN;
        }
        return { kind: 'Integer', value, start: t.start, end: t.end };
      }
      case 'TrueKeyword':
      case 'FalseKeyword':
        this.next();
        return { kind: 'Boolean', value: t.kind === 'TrueKeyword', start: t.start, end: t.end };
      case 'NullKeyword':
        this.next();
        return { kind: 'Null', start: t.start, end: t.end };
      case 'StringComplete':
      case 'StringLeftPiece':
        return this.parseString();
      case 'LeftBrace':
        return this.parseObject();
      case 'LeftSquare':
        return this.parseArrayOrFor();
      case 'LeftParen': {
        this.next();
        this.nlSkip++;
        const expression = this.parseExpression();
        if (this.at('Comma')) {
          this.errorHere('BCP243', 'Parentheses must contain exactly one expression.');
          while (!this.at('RightParen') && !this.at('EndOfFile')) {
            const before = this.i;
            this.next();
            this.parseExpression();
            if (this.i === before) break;
          }
        }
        this.nlSkip--;
        this.expect('RightParen', ')');
        return { kind: 'Paren', expression, start: t.start, end: this.lastEnd() };
      }
      default: {
        this.errorHere('BCP009', 'Expected a literal value, an array, an object, a parenthesized expression, or a function call at this location.');
        // Skip the offending token unless it ends or closes something.
        switch (t.kind) {
          case 'NewLine':
          case 'EndOfFile':
          case 'RightBrace':
          case 'RightParen':
          case 'RightSquare':
          case 'Comma':
          case 'Colon':
          case 'StringMiddlePiece':
          case 'StringRightPiece':
            return this.errorExpression(t.start);
          default:
            this.next();
            return { kind: 'ErrorExpression', start: t.start, end: t.end };
        }
      }
    }
  }

  parseString(): StringLiteral {
    const first = this.next();
    const dollars = stringDollars(first.text);
    const parts: string[] = [cookPiece(first.text, first.kind, dollars)];
    const expressions: Expression[] = [];
    if (first.kind === 'StringLeftPiece') {
      const saved = this.nlSkip;
      this.nlSkip = 0;
      for (;;) {
        expressions.push(this.parseExpression());
        const t = this.cur();
        if (t.kind === 'StringMiddlePiece') {
          this.next();
          parts.push(cookPiece(t.text, t.kind, dollars));
          continue;
        }
        if (t.kind === 'StringRightPiece') {
          this.next();
          parts.push(cookPiece(t.text, t.kind, dollars));
          if (t.start === t.end) this.error(first.start, t.start, 'BCP004', 'The string at this location is not terminated due to an unexpected new line character.');
          break;
        }
        this.errorHere('BCP064', 'Found unexpected tokens in interpolated expression.');
        parts.push('');
        // Skip to the piece that resumes the string, or give up at the end of the line.
        while (!this.at('StringRightPiece') && !this.at('NewLine') && !this.at('EndOfFile') && !this.at('StringMiddlePiece')) this.next();
        if (this.at('StringRightPiece')) this.next();
        break;
      }
      this.nlSkip = saved;
    }
    const node: StringLiteral = { kind: 'String', parts, expressions, start: first.start, end: this.lastEnd() };
    if (dollars >= 0) node.multiline = true;
    return node;
  }

  private parseObject(): ObjectExpression {
    const open = this.next();
    const properties: ObjectExpression['properties'] = [];
    const saved = this.nlSkip;
    this.nlSkip = 0;
    for (;;) {
      this.skipNewlines();
      const t = this.cur();
      if (t.kind === 'RightBrace' || t.kind === 'EndOfFile') break;
      const before = this.i;
      const itemStart = t.start;
      const decorators = this.parseDecorators();
      const k = this.cur();
      if (k.kind === 'Ellipsis') {
        properties.push(this.parseSpread());
      } else if (k.kind === 'Identifier' && k.text === 'resource' && this.peek().kind === 'Identifier') {
        properties.push(this.parseResource(itemStart, decorators) as ResourceStatement);
      } else if (k.kind === 'Identifier' || k.kind === 'StringComplete' || k.kind === 'StringLeftPiece' || k.kind === 'TrueKeyword' || k.kind === 'FalseKeyword' || k.kind === 'NullKeyword') {
        let key: Identifier | StringLiteral;
        if (k.kind === 'StringComplete' || k.kind === 'StringLeftPiece') key = this.parseString();
        else {
          this.next();
          key = { kind: 'Identifier', name: k.text, start: k.start, end: k.end };
        }
        let value: Expression;
        if (this.expect('Colon', ':')) value = this.parseExpression();
        else {
          value = this.errorExpression(this.cur().start);
          this.recover();
        }
        const property: ObjectProperty = { kind: 'Property', decorators, key, value, start: itemStart, end: this.lastEnd() };
        properties.push(property);
      } else {
        this.errorHere('BCP022', 'Expected a property name at this location.');
        this.recover();
        if (this.at('Comma')) this.next();
        if (this.i === before) this.next();
        continue;
      }
      this.endOfItem('RightBrace');
      if (this.i === before) this.next();
    }
    this.nlSkip = saved;
    this.expect('RightBrace', '}');
    return { kind: 'Object', properties, start: open.start, end: this.lastEnd() };
  }

  private parseSpread(): SpreadExpression {
    const dots = this.next();
    const expression = this.parseExpression();
    return { kind: 'Spread', expression, start: dots.start, end: this.lastEnd() };
  }

  private parseArrayOrFor(): Expression {
    const open = this.next();
    const saved = this.nlSkip;
    this.nlSkip = 0;
    if (this.at('NewLine')) {
      const after = this.peekPastNewlines();
      if (after.kind === 'Identifier' && after.text === 'for') this.skipNewlines();
    }
    if (this.atKeyword('for')) {
      const node = this.parseForRest(open.start);
      this.nlSkip = saved;
      return node;
    }
    const items: Expression[] = [];
    for (;;) {
      this.skipNewlines();
      const t = this.cur();
      if (t.kind === 'RightSquare' || t.kind === 'EndOfFile') break;
      const before = this.i;
      if (t.kind === 'Comma') {
        this.errorHere('BCP009', 'Expected a literal value, an array, an object, a parenthesized expression, or a function call at this location.');
        this.next();
        continue;
      }
      this.parseDecorators();
      items.push(this.at('Ellipsis') ? this.parseSpread() : this.parseExpression());
      this.endOfItem('RightSquare');
      if (this.i === before) this.next();
    }
    this.nlSkip = saved;
    this.expect('RightSquare', ']');
    return { kind: 'Array', items, start: open.start, end: this.lastEnd() };
  }

  /** After `[`, at `for`: `for x in xs: body]`, `for (x, i) in xs: body]`. */
  private parseForRest(start: number): Expression {
    this.next(); // for
    let item: Identifier | undefined;
    let index: Identifier | undefined;
    if (this.at('Identifier')) {
      item = this.identifier('', '');
    } else if (this.at('LeftParen')) {
      const open = this.next();
      this.nlSkip++;
      const names: Identifier[] = [];
      while (this.at('Identifier')) {
        names.push(this.identifier('', ''));
        if (this.at('Comma')) this.next();
        else break;
      }
      this.nlSkip--;
      if (this.expect('RightParen', ')') && names.length !== 2) {
        this.error(open.start, this.lastEnd(), 'BCP249', `Expected loop variable block to consist of exactly 2 elements (item variable and index variable), but found ${names.length}.`);
      }
      item = names[0];
      index = names[1];
    } else {
      this.errorHere('BCP162', 'Expected a loop item variable identifier or "(" at this location.');
    }
    let iterable: Expression;
    if (this.atKeyword('in')) {
      this.next();
      iterable = this.parseExpression();
    } else {
      this.errorHere('BCP012', 'Expected the "in" keyword at this location.');
      iterable = this.errorExpression(this.cur().start);
    }
    let body: Expression;
    if (this.expect('Colon', ':')) {
      body = this.atKeyword('if') ? this.parseIf() : this.parseExpression();
    } else {
      body = this.errorExpression(this.cur().start);
    }
    if (!this.at('RightSquare')) {
      if (!(this.at('NewLine') && this.peekPastNewlines().kind === 'RightSquare')) {
        this.errorHere('BCP018', 'Expected the "]" character at this location.');
        this.recover();
      }
      this.skipNewlines();
    }
    if (this.at('RightSquare')) this.next();
    const node: ForExpression = { kind: 'For', iterable, body, start, end: this.lastEnd() };
    if (item) node.item = item;
    if (index) node.index = index;
    return node;
  }

  private parseIf(): IfExpression {
    const kw = this.next();
    let condition: Expression;
    if (this.at('LeftParen')) {
      condition = this.parsePrimary();
    } else {
      this.errorHere('BCP018', 'Expected the "(" character at this location.');
      condition = this.errorExpression(this.cur().start);
    }
    let body: Expression;
    if (this.at('LeftBrace')) body = this.parseObject();
    else {
      this.errorHere('BCP018', 'Expected the "{" character at this location.');
      body = this.errorExpression(this.cur().start);
      this.recover();
    }
    return { kind: 'If', condition, body, start: kw.start, end: this.lastEnd() };
  }
}

/**
 * How a string's pieces are delimited: `-1` for a single-quoted string (escapes apply), otherwise
 * the number of `$` before a multi-line string's `'''` (0: no interpolation; no escapes either).
 */
function stringDollars(first: string): number {
  let i = 0;
  while (first.charCodeAt(i) === 36) i++;
  return first.startsWith("'''", i) ? i : -1;
}

/**
 * The cooked text of one piece of a string: `'a${`, `}b${`, `}c'`, `'''...'''`, `$'''...${`.
 * `dollars` comes from the string's first piece (see `stringDollars`).
 */
export function cookPiece(text: string, kind: TokenKind, dollars = stringDollars(text)): string {
  const opening = kind === 'StringComplete' || kind === 'StringLeftPiece';
  const closing = kind === 'StringComplete' || kind === 'StringRightPiece';
  if (dollars >= 0) {
    let start = opening ? dollars + 3 : 1;
    let end = text.length;
    if (closing) {
      if (end - 3 >= start && text.endsWith("'''")) end -= 3;
    } else {
      end -= dollars + 1;
    }
    if (opening) {
      // A line break right after the opening quotes is not part of the value.
      if (text.charCodeAt(start) === 13 && text.charCodeAt(start + 1) === 10) start += 2;
      else if (text.charCodeAt(start) === 10) start += 1;
    }
    return end > start ? text.slice(start, end) : '';
  }
  const start = 1;
  let end = text.length;
  if (!closing) end -= 2;
  else if (end - 1 >= start && text.charCodeAt(end - 1) === 39 && !escapedAt(text, end - 1)) end -= 1;
  const first = text.indexOf('\\', start);
  if (first < 0 || first >= end) return end > start ? text.slice(start, end) : '';
  let out = '';
  let run = start;
  for (let i = first; i < end; i++) {
    if (text.charCodeAt(i) !== 92) continue;
    out += text.slice(run, i);
    const e = text[i + 1];
    if (e === 'u' && text[i + 2] === '{') {
      const close = text.indexOf('}', i + 3);
      const code = close > 0 ? parseInt(text.slice(i + 3, close), 16) : Number.NaN;
      if (Number.isFinite(code) && code <= 0x10ffff) {
        out += String.fromCodePoint(code);
        i = close;
        run = i + 1;
        continue;
      }
    }
    out += e !== undefined && e in ESCAPES ? ESCAPES[e] : (e ?? '');
    i++;
    run = i + 1;
  }
  return out + (end > run ? text.slice(run, end) : '');
}

/** Is the character at `i` escaped by an odd run of backslashes before it? */
function escapedAt(text: string, i: number): boolean {
  let n = 0;
  while (i - 1 - n >= 0 && text.charCodeAt(i - 1 - n) === 92) n++;
  return n % 2 === 1;
}
