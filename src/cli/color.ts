/**
 * Whether to colour output. An explicit `--color`/`--no-color` wins; then FORCE_COLOR (set and not
 * `0`/`false`: on, as Node and chalk read it; it outranks NO_COLOR, as in Node), then NO_COLOR (set
 * and not empty: off, per no-color.org); otherwise colour on a terminal that is not `dumb`. CI
 * services set FORCE_COLOR because their logs render colour though stdout is not a terminal.
 */
export function useColor(flag: boolean | undefined, env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  if (flag !== undefined) return flag;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return !['0', 'false'].includes(force.trim().toLowerCase());
  if (env.NO_COLOR) return false;
  return isTTY && env.TERM !== 'dumb';
}
