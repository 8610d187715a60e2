/**
 * Files that only modules in a cycle call (a.bicep ↔ b.bicep, Terraform folders or ARM templates
 * that call each other, with no other caller) would have no root
 * and be analysed by nothing: the first of them in path order becomes a root, and so on until every
 * file is reached. The cycle itself is reported where it closes.
 */
export function rootsOfCycles(files: string[], called: Set<string>, callees: Map<string, string[]>): string[] {
  const reached = new Set<string>();
  const reach = (start: string): void => {
    const stack = [start];
    while (stack.length > 0) {
      const f = stack.pop()!;
      if (reached.has(f)) continue;
      reached.add(f);
      for (const c of callees.get(f) ?? []) stack.push(c);
    }
  };
  for (const f of files) if (!called.has(f)) reach(f);
  const extra: string[] = [];
  for (const f of [...files].sort()) {
    if (reached.has(f)) continue;
    extra.push(f);
    reach(f);
  }
  return extra;
}
