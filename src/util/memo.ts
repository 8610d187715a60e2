/**
 * The value of `compute` for `key`, computed once: while it is being computed (a cycle through the
 * same key) the key reads as `whileBusy`. For analyses over declarations that may refer to
 * themselves (a variable whose value depends on itself depends on nothing more).
 */
export function memoized<K, V>(cache: Map<K, V>, key: K, whileBusy: V, compute: () => V): V {
  if (cache.has(key)) return cache.get(key)!;
  cache.set(key, whileBusy);
  const value = compute();
  cache.set(key, value);
  return value;
}
