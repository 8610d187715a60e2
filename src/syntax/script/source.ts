/**
 * Where a script's text lies in the file that holds it. A script file maps offsets one to one; a
 * script embedded in another file (a workflow's `run:` block scalar, a Bicep `'''` string, an ARM
 * JSON string with `\n` escapes) is text after the host format removed indentation, folded lines or
 * decoded escapes, so each of its lines is found again in the host file's text, in order.
 */
import { LineMap, type Location, type Position } from '../../model/location.js';
import type { Span } from './ast.js';

export interface ScriptSource {
  /** The file findings point into (absolute path). */
  file: string;
  /** The script's text. */
  text: string;
  /** Distinguishes the scripts of one file (instance keys include it). */
  id: string;
  /** The position in `file` of an offset in `text`. */
  position(offset: number): Position;
}

export function locationOf(source: ScriptSource, span: Span): Location {
  return { file: source.file, range: { start: source.position(span.start), end: source.position(span.end) } };
}

/** A script that is the whole file. */
export function fileSource(file: string, text: string): ScriptSource {
  const lines = new LineMap(text);
  return { file, text, id: '', position: (offset) => lines.position(offset) };
}

interface LineAnchor {
  /** Offset in the host text where the script line starts (or the best guess). */
  hostOffset: number;
  /** False when the line was not found: every offset on it maps to `hostOffset`. */
  exact: boolean;
}

const PROBE = 40;

/**
 * A script embedded in `hostText` between `regionStart` and `regionEnd` (the string or block
 * scalar that holds it). Linear: each line is looked for in a bounded window after the previous one.
 */
export function embeddedSource(
  file: string,
  id: string,
  text: string,
  hostText: string,
  hostLines: LineMap,
  regionStart: number,
  regionEnd: number,
  /** The text as the host file holds it, when `text` had parts replaced (of the same length). */
  alignText: string = text,
): ScriptSource {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  const anchors: LineAnchor[] = [];
  let cursor = regionStart;
  for (let i = 0; i < starts.length; i++) {
    const lineEnd = i + 1 < starts.length ? starts[i + 1] - 1 : text.length;
    const line = alignText.slice(starts[i], lineEnd).replace(/\r$/, '');
    const body = line.trimStart();
    const lead = line.length - body.length;
    if (body === '') {
      anchors.push({ hostOffset: Math.min(cursor, regionEnd), exact: false });
      continue;
    }
    const window = hostText.slice(cursor, Math.min(regionEnd, cursor + line.length * 2 + 512));
    let found = -1;
    let matched = 0;
    for (const probe of probes(body)) {
      const at = window.indexOf(probe);
      if (at >= 0) {
        found = cursor + at;
        matched = probe.length;
        break;
      }
    }
    if (found < 0) {
      anchors.push({ hostOffset: Math.min(cursor, regionEnd), exact: false });
      continue;
    }
    anchors.push({ hostOffset: Math.max(regionStart, found - lead), exact: true });
    cursor = found + matched;
  }
  const position = (offset: number): Position => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    const a = anchors[lo];
    return hostLines.position(a.exact ? a.hostOffset + (offset - starts[lo]) : a.hostOffset);
  };
  return { file, text, id, position };
}

/** What to look for of a script line in the host text: the line itself, then shorter pieces of it. */
function probes(body: string): string[] {
  const out = [body.slice(0, PROBE)];
  const plain = /^[A-Za-z0-9_.\-/]{3,}/.exec(body);
  if (plain && plain[0].length < out[0].length) out.push(plain[0]);
  return out;
}
