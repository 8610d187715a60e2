/**
 * The Bicep compiler's diagnostic codes that are SYNTACTIC: raised by its lexer or parser (or, for
 * the decorator codes, by a declaration the parser found missing), so a file that has one does not
 * parse. Every other BCP code is semantic (names, types, scopes, files) and is not grantlint's
 * parser's business.
 *
 * How the list was established:
 * 1. From the compiler's baselines (`Bicep.Core.Samples/Files/baselines*`): for every diagnostic in
 *    `main.diagnostics.bicep`, whether the syntax dump `main.syntax.bicep` has a
 *    `SkippedTriviaSyntax` node (the parser's error recovery) starting at the same position. Codes
 *    that always coincide with skipped trivia are parser codes; codes that never do are semantic.
 *    A few codes coincide only incidentally because they are reported on a node the parser already
 *    skipped (BCP090 and BCP358 "missing a file path reference", BCP094 self-reference, BCP087,
 *    BCP055, BCP205): these are semantic follow-ups and are left out.
 * 2. Lexer errors leave no skipped trivia (they sit on tokens): those were taken from the codes'
 *    messages in the Bicep core diagnostics documentation (BCP001-BCP006 unrecognised tokens,
 *    unterminated comments and strings, bad escapes; BCP103 a double quote; BCP140 an unterminated
 *    multi-line string; BCP226 a `#disable-next-line` without codes).
 * 3. Decorators followed by no declaration (BCP132, BCP290-BCP292) come from the parser's missing
 *    declaration node; they are kept because the file is syntactically incomplete there.
 */
export const SYNTAX_DIAGNOSTIC_CODES: ReadonlySet<string> = new Set([
  // lexer
  'BCP001', // The following token is not recognized
  'BCP002', // The multi-line comment at this location is not terminated
  'BCP003', // The string at this location is not terminated
  'BCP004', // ... not terminated due to an unexpected new line character
  'BCP005', // ... not terminated: complete the escape sequence
  'BCP006', // The specified escape sequence is not recognized
  'BCP103', // The following token is not recognized: '"'. Strings use single quotes
  'BCP140', // The multi-line string at this location is not terminated
  'BCP226', // Expected at least one diagnostic code (#disable-next-line)
  // parser
  'BCP007', // This declaration type is not recognized
  'BCP008', // Expected the "=" token, or a newline
  'BCP009', // Expected a literal value, an array, an object, a parenthesized expression, or a function call
  'BCP010', // Expected a valid 64-bit signed integer
  'BCP012', // Expected the "{keyword}" keyword
  'BCP013', // Expected a parameter identifier
  'BCP015', // Expected a variable identifier
  'BCP016', // Expected an output identifier
  'BCP017', // Expected a resource identifier
  'BCP018', // Expected the "{char}" character
  'BCP019', // Expected a new line character
  'BCP020', // Expected a function or property name
  'BCP022', // Expected a property name
  'BCP023', // Expected a variable or function name
  'BCP024', // The identifier exceeds the limit of 255
  'BCP064', // Found unexpected tokens in interpolated expression
  'BCP068', // Expected a resource type string
  'BCP096', // Expected a module identifier
  'BCP097', // Expected a module path string
  'BCP117', // An empty indexer is not allowed
  'BCP118', // Expected the "{" character, the "[" character, or the "if" keyword
  'BCP123', // Expected a namespace or decorator name
  'BCP132', // Expected a declaration after the decorator
  'BCP162', // Expected a loop item variable identifier or "("
  'BCP167', // Expected the "{" character or the "if" keyword
  'BCP202', // Expected an import/extension alias name
  'BCP236', // Expected a new line or comma character
  'BCP238', // Unexpected new line character after a comma
  'BCP243', // Parentheses must contain exactly one expression
  'BCP249', // Expected loop variable block to consist of exactly 2 elements
  'BCP266', // Expected a metadata identifier
  'BCP279', // Expected a type
  'BCP290', // Expected a parameter or type declaration after the decorator
  'BCP291', // Expected a parameter or output declaration after the decorator
  'BCP292', // Expected a parameter, output, or type declaration after the decorator
  'BCP325', // Expected a type identifier
  'BCP337', // This declaration type is not valid for a Bicep Parameters file
  'BCP346', // Expected a test identifier
  'BCP347', // Expected a test path string
]);
