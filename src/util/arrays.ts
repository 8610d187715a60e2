/**
 * Appends every item of `items` to `target`. `target.push(...items)` passes the items as call
 * arguments, which overflows the stack past about 100k of them (a large repository's resources,
 * a file of 200k comments); a loop has no such limit.
 */
export function appendAll<T>(target: T[], items: Iterable<T>): T[] {
  for (const item of items) target.push(item);
  return target;
}
