import { readFileSync, writeFileSync } from 'node:fs';
import { lint, type LintOptions } from '../lint.js';
import type { Finding, FixedFile, LintResult, TextEdit } from '../types.js';
import { applyFixes } from './apply.js';

export type FixKind = 'fix' | 'suggestion';

export interface FixOptions {
  /** What to apply: fixes, and suggestions where a finding has exactly one (default: fixes only). */
  kinds?: FixKind[];
  /** Only the fixes of these rules (default: every rule's). */
  rules?: Set<string>;
  /** Write the fixed files (`--fix`); otherwise only report them (`--fix-dry-run`). */
  write: boolean;
}

/** ESLint's limit: fixes that keep producing fixes stop here. */
const MAX_PASSES = 10;

/** The edits `--fix` would apply for a finding under these options, if any. */
export function selectedEdits(f: Finding, options: Pick<FixOptions, 'kinds' | 'rules'>): TextEdit[] | undefined {
  if (options.rules && !options.rules.has(f.ruleId)) return undefined;
  const kinds = options.kinds ?? ['fix'];
  if (kinds.includes('fix') && f.fix) return f.fix.edits;
  // Several suggestions are a choice for a person; one that is the only way out may be asked for.
  if (kinds.includes('suggestion') && f.suggestions?.length === 1) return f.suggestions[0].edits;
  return undefined;
}

/**
 * Lints, applies the selected fixes, and lints again until no fix is left (at most ten passes):
 * the findings returned are what remains; `fixed` holds each changed file's new text. Files are
 * written only when asked, with the text as it was read otherwise (line endings, BOM).
 */
export async function lintAndFix(paths: string[], lintOptions: LintOptions, options: FixOptions): Promise<LintResult> {
  const overrides = new Map(lintOptions.overrides ?? []);
  const originals = new Map<string, string>();
  const counts = new Map<string, number>();
  const read = (file: string): string | undefined => {
    if (overrides.has(file)) return overrides.get(file);
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  };
  let result = await lint(paths, { ...lintOptions, overrides });
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const chosen = result.findings.map((f) => selectedEdits(f, options)).filter((e): e is TextEdit[] => !!e);
    if (chosen.length === 0) break;
    const applied = applyFixes(chosen, read);
    if (applied.applied === 0) break;
    for (const [file, text] of applied.outputs) {
      if (!originals.has(file)) originals.set(file, read(file)!);
      overrides.set(file, text);
    }
    for (const [file, n] of applied.perFile) counts.set(file, (counts.get(file) ?? 0) + n);
    result = await lint(paths, { ...lintOptions, overrides });
  }
  const fixed: FixedFile[] = [];
  for (const [file, original] of originals) {
    const output = overrides.get(file)!;
    if (output === original) continue;
    fixed.push({ file, output, fixes: counts.get(file) ?? 0 });
    if (options.write) writeFileSync(file, output, 'utf8');
  }
  fixed.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { ...result, fixed };
}
