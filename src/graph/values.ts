import type { Value } from '../model/value.js';

/**
 * Strips what does not change what a value points at: an interpolation with one expression and no
 * text (`'${uami.id}'`), and `format('{0}', x)`-style single-part concats.
 */
export function unwrap(v: Value | undefined): Value | undefined {
  let cur = v;
  while (cur && cur.kind === 'concat') {
    const parts = cur.parts.filter((p) => !(p.kind === 'string' && p.value === ''));
    if (parts.length !== 1) break;
    cur = parts[0];
  }
  return cur;
}

/** Every string literal inside a value (call arguments, concat parts), in order. */
export function stringsIn(v: Value | undefined): string[] {
  const out: string[] = [];
  const visit = (x: Value | undefined): void => {
    if (!x) return;
    switch (x.kind) {
      case 'string':
        out.push(x.value);
        break;
      case 'call':
        x.args.forEach(visit);
        break;
      case 'concat':
        x.parts.forEach(visit);
        break;
      default:
        break;
    }
  };
  visit(v);
  return out;
}

export function lowerPath(path: (string | number)[]): string {
  return path.map((p) => String(p).toLowerCase()).join('.');
}
