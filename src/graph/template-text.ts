/**
 * Strings with unknown parts, read as text with holes: `'@Microsoft.KeyVault(SecretUri=${vault.properties.vaultUri}secrets/x/)'`
 * is the text `@Microsoft.KeyVault(SecretUri=\uE000secrets/x/)` with one hole, so a setting's syntax can
 * be read with ordinary string operations and the pieces turned back into values.
 */
import type { Location } from '../model/location.js';
import type { Value } from '../model/value.js';
import { unwrap } from './values.js';

const HOLE = 0xe000;

export interface TemplateText {
  text: string;
  holes: Value[];
  at?: Location;
}

/** A string or concat value as text with holes; undefined for other values. */
export function templateOf(value: Value | undefined): TemplateText | undefined {
  const v = unwrap(value);
  if (!v) return undefined;
  if (v.kind === 'string') return { text: v.value, holes: [], ...(v.at ? { at: v.at } : {}) };
  if (v.kind !== 'concat') return undefined;
  let text = '';
  const holes: Value[] = [];
  for (const p of v.parts) {
    if (p.kind === 'string') text += p.value;
    else {
      text += String.fromCharCode(HOLE + holes.length);
      holes.push(p);
    }
  }
  return { text, holes, ...(v.at ? { at: v.at } : {}) };
}

/** A piece of a template's text as a value again: a string, one hole, or a concat of both. */
export function valueOf(t: TemplateText, piece: string): Value {
  const parts: Value[] = [];
  let literal = '';
  for (const ch of piece) {
    const code = ch.charCodeAt(0);
    if (code >= HOLE && code < HOLE + t.holes.length) {
      if (literal) parts.push({ kind: 'string', value: literal });
      literal = '';
      parts.push(t.holes[code - HOLE]);
    } else literal += ch;
  }
  if (literal || parts.length === 0) parts.push({ kind: 'string', value: literal });
  const at = t.at ? { at: t.at } : {};
  if (parts.length === 1) return parts[0].kind === 'string' ? { ...parts[0], ...at } : parts[0];
  return { kind: 'concat', parts, ...at };
}

/** The value after a known prefix (`DOCKER|`), case-insensitively; undefined when it does not start so. */
export function afterPrefix(value: Value | undefined, prefix: string): Value | undefined {
  const t = templateOf(value);
  if (!t || !t.text.toLowerCase().startsWith(prefix.toLowerCase())) return undefined;
  return valueOf(t, t.text.slice(prefix.length));
}
