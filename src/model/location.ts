/** 1-based line and column, converted once at the parser boundary. */
export interface Position {
  line: number;
  column: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** A range in a file. `file` is an absolute path; formatters make it relative. */
export interface Location {
  file: string;
  range: Range;
}

export function location(file: string, range: Range): Location {
  return { file, range };
}

export function compareLocations(a: Location, b: Location): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return (
    a.range.start.line - b.range.start.line ||
    a.range.start.column - b.range.start.column ||
    a.range.end.line - b.range.end.line ||
    a.range.end.column - b.range.end.column
  );
}

/** Is `inner` written inside `outer` (the same file, its range within)? */
export function within(outer: Location, inner: Location): boolean {
  if (inner.file !== outer.file) return false;
  const { start, end } = outer.range;
  const a = inner.range.start;
  const b = inner.range.end;
  return (a.line > start.line || (a.line === start.line && a.column >= start.column)) && (b.line < end.line || (b.line === end.line && b.column <= end.column));
}

export function sameLocation(a: Location | undefined, b: Location | undefined): boolean {
  return !!a && !!b && compareLocations(a, b) === 0;
}

/**
 * Maps offsets to 1-based positions. Columns count UTF-16 code units, like the Bicep compiler's
 * spans and editors' columns.
 */
export class LineMap {
  private readonly starts: number[];

  constructor(text: string) {
    // By the native search for each line break (several times faster than a loop over characters):
    // LF, CR LF and a CR alone each end a line.
    const starts = [0];
    let lf = text.indexOf('\n');
    let cr = text.indexOf('\r');
    while (lf >= 0 || cr >= 0) {
      if (cr < 0 || (lf >= 0 && lf < cr)) {
        starts.push(lf + 1);
        lf = text.indexOf('\n', lf + 1);
      } else {
        const end = lf === cr + 1 ? lf : cr;
        starts.push(end + 1);
        if (end === lf) lf = text.indexOf('\n', lf + 1);
        cr = text.indexOf('\r', cr + 1);
      }
    }
    this.starts = starts;
  }

  /** The line of the last position asked for: lookups come mostly in order, often on one line. */
  private last = 0;

  position(offset: number): Position {
    const starts = this.starts;
    let lo = this.last;
    if (starts[lo] > offset || (lo + 1 < starts.length && starts[lo + 1] <= offset)) {
      lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid] <= offset) lo = mid;
        else hi = mid - 1;
      }
      this.last = lo;
    }
    return { line: lo + 1, column: offset - starts[lo] + 1 };
  }

  range(start: number, end: number): Range {
    return { start: this.position(start), end: this.position(end) };
  }

  offset(pos: Position): number {
    return (this.starts[pos.line - 1] ?? 0) + pos.column - 1;
  }

  get lineCount(): number {
    return this.starts.length;
  }
}
