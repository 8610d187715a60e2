import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { describeFsError, EnvironmentError } from '../util/fs-errors.js';
import { ConfigError } from './config-file.js';
import type { Finding } from './types.js';

export const BASELINE_VERSION = 1;

/**
 * One accepted finding. It matches a later finding with the same file, rule and fingerprint (the
 * fingerprint has no line numbers in it: it changes when the declaration's text changes, not when
 * lines move). `symbol` and `message` are there for people reviewing the file.
 */
export interface BaselineEntry {
  /** Relative to the baseline file's folder, forward slashes. */
  file: string;
  ruleId: string;
  fingerprint: string;
  symbol?: string;
  message: string;
}

export interface BaselineDocument {
  version: number;
  findings: BaselineEntry[];
}

function relativeTo(dir: string, file: string): string {
  return relative(dir, file).split('\\').join('/');
}

function key(file: string, ruleId: string, fingerprint: string): string {
  return `${file}\u0000${ruleId}\u0000${fingerprint}`;
}

function compareEntries(a: BaselineEntry, b: BaselineEntry): number {
  for (const k of ['file', 'ruleId', 'symbol', 'fingerprint', 'message'] as const) {
    const x = a[k] ?? '';
    const y = b[k] ?? '';
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** The baseline document for these findings, sorted so that it diffs well. */
export function baselineDocument(findings: Finding[], baselinePath: string): BaselineDocument {
  const dir = dirname(resolve(baselinePath));
  const entries = findings.map((f) => {
    const entry: BaselineEntry = { file: relativeTo(dir, f.file), ruleId: f.ruleId, fingerprint: f.fingerprint, message: f.message };
    if (f.symbol) entry.symbol = f.symbol;
    return entry;
  });
  entries.sort(compareEntries);
  // Fixed key order in the file, whatever order the entries were built in.
  const ordered = entries.map(({ file, ruleId, symbol, fingerprint, message }) => (symbol ? { file, ruleId, symbol, fingerprint, message } : { file, ruleId, fingerprint, message }));
  return { version: BASELINE_VERSION, findings: ordered };
}

/**
 * Writes the baseline file; returns the number of entries. A path that cannot be written (a missing
 * or read-only folder, a folder, a full disk) is an EnvironmentError naming `shown` and the reason.
 */
export function writeBaseline(baselinePath: string, findings: Finding[], shown: string = baselinePath): number {
  const doc = baselineDocument(findings, baselinePath);
  try {
    writeFileSync(baselinePath, JSON.stringify(doc, null, 2) + '\n');
  } catch (e) {
    const folder = dirname(resolve(baselinePath));
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' && !existsSync(folder) ? `the folder ${dirname(shown)} does not exist` : describeFsError(e);
    throw new EnvironmentError(`cannot write the baseline ${shown}: ${why}`);
  }
  return doc.findings.length;
}

export interface BaselineOutcome {
  kept: Finding[];
  /** Findings silenced by the baseline. */
  matched: Finding[];
  /** Entries nothing matched any more: fixed (or changed) since the baseline was written. */
  stale: BaselineEntry[];
}

/** A baseline read from disk: a multiset of (file, rule, fingerprint). */
export class Baseline {
  private constructor(
    readonly path: string,
    private readonly entries: BaselineEntry[],
  ) {}

  /** Reads a baseline file; a missing or malformed file is a ConfigError (exit 2). */
  static read(path: string, cwd: string): Baseline {
    const abs = resolve(cwd, path);
    let doc: unknown;
    try {
      doc = JSON.parse(readFileSync(abs, 'utf8'));
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      throw new ConfigError(`${path}: cannot read the baseline (${err.code ?? err.message}); write one with --write-baseline ${path}`);
    }
    return new Baseline(abs, validateBaseline(doc, path));
  }

  static fromDocument(path: string, doc: BaselineDocument): Baseline {
    return new Baseline(resolve(path), validateBaseline(doc, path));
  }

  apply(findings: Finding[]): BaselineOutcome {
    const dir = dirname(this.path);
    const remaining = new Map<string, BaselineEntry[]>();
    for (const e of this.entries) {
      const k = key(e.file, e.ruleId, e.fingerprint);
      remaining.set(k, [...(remaining.get(k) ?? []), e]);
    }
    const outcome: BaselineOutcome = { kept: [], matched: [], stale: [] };
    for (const f of findings) {
      const list = remaining.get(key(relativeTo(dir, f.file), f.ruleId, f.fingerprint));
      if (list && list.length > 0) {
        list.pop();
        outcome.matched.push(f);
      } else outcome.kept.push(f);
    }
    outcome.stale = [...remaining.values()].flat().sort(compareEntries);
    return outcome;
  }
}

function validateBaseline(doc: unknown, shownPath: string): BaselineEntry[] {
  const bad = (why: string): ConfigError => new ConfigError(`${shownPath}: not a grantlint baseline: ${why}`);
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw bad('expected an object { "version": 1, "findings": [...] }');
  const { version, findings } = doc as Partial<BaselineDocument>;
  if (version !== BASELINE_VERSION) throw bad(`version must be ${BASELINE_VERSION} (found ${JSON.stringify(version)})`);
  if (!Array.isArray(findings)) throw bad('findings must be an array');
  findings.forEach((e, i) => {
    const entry = e as unknown as Record<string, unknown>;
    for (const k of ['file', 'ruleId', 'fingerprint'] as const) {
      if (typeof entry?.[k] !== 'string') throw bad(`findings[${i}].${k} must be a string`);
    }
  });
  return findings;
}
