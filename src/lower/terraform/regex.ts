/**
 * Terraform's regular expressions (`regex`, `regexall`, `replace` with `/pattern/`) are Go's RE2
 * syntax, and a template can hold any pattern: on a backtracking engine `regex("^(a+)+$", ...)` over
 * 32 characters took 98 s. re2js is a pure-JavaScript port of RE2 (no native addon, no download at
 * install), so patterns mean what they mean to Terraform (`(?P<name>...)`, `(?i)`, no lookaround,
 * no backreferences) and matching takes time linear in the text.
 */
import type { RE2JS } from 're2js';
import { lazyRe2 } from '../../engine/lazy-deps.js';

/** Longer patterns are not compiled (the value is unknown; compiling is linear but not free). */
export const MAX_PATTERN_LENGTH = 10_000;

const compiled = new Map<string, RE2JS | null>();

/** The compiled pattern, or undefined when it is not valid RE2 or too long. */
export function compileRe2(pattern: string): RE2JS | undefined {
  let re = compiled.get(pattern);
  if (re === undefined) {
    re = null;
    if (pattern.length <= MAX_PATTERN_LENGTH) {
      try {
        re = lazyRe2().RE2JS.compile(pattern);
      } catch {
        // Not RE2 syntax: Terraform fails the call, so the value is unknown (the caller decides).
        re = null;
      }
    }
    if (compiled.size > 1000) compiled.clear();
    compiled.set(pattern, re);
  }
  return re ?? undefined;
}

/** One match: the whole text matched, and each group's text (null when the group took no part). */
export interface Re2Match {
  text: string;
  groups: (string | null)[];
  named: [string, string | null][];
}

function matchOf(re: RE2JS, m: ReturnType<RE2JS['matcher']>): Re2Match {
  const groups: (string | null)[] = [];
  for (let i = 1; i <= re.groupCount(); i++) groups.push(m.group(i));
  const named = Object.entries(re.namedGroups()).map(([name, index]) => [name, m.group(index as number)] as [string, string | null]);
  return { text: m.group(0) ?? '', groups, named };
}

export function firstMatch(re: RE2JS, text: string): Re2Match | undefined {
  const m = re.matcher(text);
  return m.find() ? matchOf(re, m) : undefined;
}

export function allMatches(re: RE2JS, text: string): Re2Match[] {
  const m = re.matcher(text);
  const out: Re2Match[] = [];
  while (m.find()) out.push(matchOf(re, m));
  return out;
}

/** Go's ReplaceAllString: `$1`, `${1}`, `$name`, `${name}` in the replacement. */
export function replaceAllRe2(re: RE2JS, text: string, replacement: string): string {
  return re.matcher(text).replaceAll(replacement, true);
}
