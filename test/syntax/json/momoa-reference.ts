/**
 * The JSON front end grantlint used before its own scanner: momoa in `jsonc` mode with trailing
 * commas, converted to `JsonNode`. Kept only as the reference the scanner is checked against
 * (identical trees on the corpus, same accept/reject on mutated inputs).
 */
import { parse as momoaParse } from '@humanwhocodes/momoa';
import type { AnyNode as MomoaNode, ValueNode as MomoaValue } from '@humanwhocodes/momoa';
import type { JsonNode, Span } from '../../../src/syntax/json/index.js';

export interface ReferenceResult {
  root?: JsonNode;
  /** momoa's offset of the error, when the text does not parse. */
  errorOffset?: number;
}

export function referenceParse(text: string): ReferenceResult {
  const source = text.charCodeAt(0) === 0xfeff ? ' ' + text.slice(1) : text;
  try {
    return { root: convert(momoaParse(source, { mode: 'jsonc', ranges: true, allowTrailingCommas: true }).body) };
  } catch (e) {
    const offset = (e as { offset?: unknown }).offset;
    return { errorOffset: typeof offset === 'number' ? offset : 0 };
  }
}

function span(n: MomoaNode): Span {
  const r = n.range ?? [n.loc.start.offset, n.loc.end.offset];
  return { start: r[0], end: r[1] };
}

function convert(n: MomoaValue): JsonNode {
  const s = span(n);
  switch (n.type) {
    case 'Object':
      return {
        type: 'object',
        ...s,
        members: n.members.map((m) => ({
          key: m.name.type === 'String' ? m.name.value : m.name.name,
          keySpan: span(m.name),
          value: convert(m.value),
          ...span(m),
        })),
      };
    case 'Array':
      return { type: 'array', ...s, items: n.elements.map((e) => convert(e.value)) };
    case 'String':
      return { type: 'string', ...s, value: n.value };
    case 'Number':
      return { type: 'number', ...s, value: n.value };
    case 'Boolean':
      return { type: 'bool', ...s, value: n.value };
    case 'Null':
      return { type: 'null', ...s };
    default:
      throw new Error(`momoa gave a ${n.type} node in jsonc mode`);
  }
}
