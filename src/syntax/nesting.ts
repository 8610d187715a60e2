/**
 * How deep the parsers read brackets. Recursive-descent parsers (and momoa's JSON parser) overflow
 * the stack on a few thousand nested brackets, which used to turn a file into one parse-error at
 * 1:1 and drop everything else in it. Past this depth the construct is skipped, reported where it
 * starts, and read as unknown; the rest of the file is linted. No real template nests this deep.
 */
export const MAX_NESTING = 128;

export function tooDeepMessage(): string {
  return `Brackets nested deeper than ${MAX_NESTING} levels start here; grantlint does not read them (their value is unknown) and lints the rest of the file`;
}
