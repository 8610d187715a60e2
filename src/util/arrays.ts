/**
 * Appends every item of `items` to `target`. `target.push(...items)` passes the items as call
 * arguments, which overflows the stack past about 100k of them (a large repository's resources,
 * a file of 200k comments); a loop has no such limit.
 */
export function appendAll<T>(target: T[], items: Iterable<T>): T[] {
  for (const item of items) target.push(item);
  return target;
}

/** `Math.max(...items)` without passing the items as call arguments (which overflows the stack). */
export function maxOf(items: Iterable<number>): number {
  let max = -Infinity;
  for (const n of items) {
    if (Number.isNaN(n)) return NaN;
    if (n > max) max = n;
  }
  return max;
}

/** `Math.min(...items)` without passing the items as call arguments. */
export function minOf(items: Iterable<number>): number {
  let min = Infinity;
  for (const n of items) {
    if (Number.isNaN(n)) return NaN;
    if (n < min) min = n;
  }
  return min;
}
