/**
 * Applying edits to texts, as ESLint's source-code fixer does: each fix is applied whole or not at
 * all, fixes are taken in order of position, and one that overlaps a fix already taken waits for
 * the next pass (the caller re-lints and asks again).
 */
import { LineMap } from '../../model/location.js';
import type { TextEdit } from '../types.js';

interface OffsetEdit {
  file: string;
  start: number;
  end: number;
  text: string;
}

export interface ApplyResult {
  /** New text by file, for the files that changed. */
  outputs: Map<string, string>;
  /** How many of the given fixes were applied. */
  applied: number;
  /** Fixes left for a later pass (they overlap one applied in this pass). */
  skipped: number;
  /** Applied fixes by file they touch. */
  perFile: Map<string, number>;
}

/**
 * Applies groups of edits (one group per fix) to the texts `read` gives. Edits of one group may
 * touch several files. A group with an edit outside its file's text is skipped.
 */
export function applyFixes(groups: TextEdit[][], read: (file: string) => string | undefined): ApplyResult {
  const lineMaps = new Map<string, LineMap | null>();
  const toOffsets = (e: TextEdit): OffsetEdit | undefined => {
    if (!lineMaps.has(e.file)) {
      const text = read(e.file);
      lineMaps.set(e.file, text === undefined ? null : new LineMap(text));
    }
    const lines = lineMaps.get(e.file);
    if (!lines) return undefined;
    const start = lines.offset(e.range.start);
    const end = lines.offset(e.range.end);
    const length = read(e.file)!.length;
    if (start > end || end > length || e.range.start.line > lines.lineCount || e.range.end.line > lines.lineCount) return undefined;
    return { file: e.file, start, end, text: e.text };
  };
  const candidates = groups
    .map((g) => g.map(toOffsets))
    .filter((g): g is OffsetEdit[] => g.length > 0 && g.every((e) => e !== undefined))
    .sort((a, b) => compareGroups(a, b));
  const taken = new Map<string, OffsetEdit[]>();
  const perFile = new Map<string, number>();
  let applied = 0;
  let skipped = groups.length - candidates.length;
  for (const group of candidates) {
    if (group.some((e) => (taken.get(e.file) ?? []).some((t) => overlaps(t, e)) || group.some((o) => o !== e && o.file === e.file && overlaps(o, e)))) {
      skipped++;
      continue;
    }
    for (const e of group) {
      const list = taken.get(e.file) ?? [];
      list.push(e);
      taken.set(e.file, list);
    }
    for (const file of new Set(group.map((e) => e.file))) perFile.set(file, (perFile.get(file) ?? 0) + 1);
    applied++;
  }
  const outputs = new Map<string, string>();
  for (const [file, edits] of taken) {
    const text = read(file)!;
    let out = '';
    let cursor = 0;
    for (const e of edits.sort((a, b) => a.start - b.start || a.end - b.end)) {
      out += text.slice(cursor, e.start) + e.text;
      cursor = e.end;
    }
    out += text.slice(cursor);
    if (out !== text) outputs.set(file, out);
  }
  return { outputs, applied, skipped, perFile };
}

function compareGroups(a: OffsetEdit[], b: OffsetEdit[]): number {
  const x = a[0];
  const y = b[0];
  return x.file < y.file ? -1 : x.file > y.file ? 1 : x.start - y.start || x.end - y.end;
}

/** Two edits conflict when their ranges overlap, or both insert at one point (their order is unknown). */
function overlaps(a: OffsetEdit, b: OffsetEdit): boolean {
  if (a.file !== b.file) return false;
  if (a.start === a.end && b.start === b.end) return a.start === b.start;
  return a.start < b.end && b.start < a.end;
}

/** Edits of one fix applied to one text (tests and the editor's preview). */
export function applyEdits(text: string, file: string, edits: TextEdit[]): string {
  const result = applyFixes([edits], (f) => (f === file ? text : undefined));
  return result.outputs.get(file) ?? text;
}
