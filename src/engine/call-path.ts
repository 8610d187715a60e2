import { dirname, relative } from 'node:path';
import { LineMap, type Location } from '../model/location.js';
import type { ResourceInstance } from '../model/template.js';

/**
 * A finding about a declaration inside a module, pointed at the module call that passes the
 * offending value: the path from that call down to the declaration, so that two findings at one
 * call can be told apart (`Reached through module 'roles' → module 'assign' → 'grant' in
 * modules/assign.bicep.`). Undefined when the finding points at the declaration itself.
 */
export function callPathNote(
  resource: ResourceInstance | undefined,
  primary: Location,
  sourceText: (file: string) => string | undefined,
  sourceLines?: (file: string) => LineMap | undefined,
): string | undefined {
  if (!resource) return undefined;
  const chain = resource.callChain;
  const from = chain.findIndex((c) => c === primary || (c.file === primary.file && c.range.start.line === primary.range.start.line && c.range.start.column === primary.range.start.column));
  if (from < 0) return undefined;
  const steps = chain.slice(from).map((call) => callName(call, sourceText, sourceLines));
  const file = relative(dirname(primary.file), resource.decl.file).split('\\').join('/');
  return `Reached through ${steps.join(' → ')} → '${resource.symbol}' in ${file}.`;
}

/** `module 'name'` as the call is written (Bicep, Terraform), or the nested deployment's name (ARM). */
function callName(call: Location, sourceText: (file: string) => string | undefined, sourceLines?: (file: string) => LineMap | undefined): string {
  const text = sourceText(call.file);
  const lines = text === undefined ? undefined : (sourceLines?.(call.file) ?? new LineMap(text));
  const first = call.range.start.line;
  const line = text && lines ? linesOf(text, lines, first, first).slice(call.range.start.column - 1) : '';
  const bicep = /^module\s+([A-Za-z_]\w*)/.exec(line);
  if (bicep) return `module '${bicep[1]}'`;
  const terraform = /^module\s+"([^"]+)"/.exec(line);
  if (terraform) return `module '${terraform[1]}'`;
  // The call's first lines hold a deployment's name.
  const head = text && lines ? linesOf(text, lines, first, Math.min(call.range.end.line, first + 8)) : undefined;
  const arm = head ? /"name"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(head) : null;
  if (arm) return `deployment '${arm[1].replace(/^\[(.*)\]$/, '$1')}'`;
  return `the call on line ${call.range.start.line}`;
}

/** Lines `from` to `to` (1-based) of the text, joined by `\n`; empty past the end. */
function linesOf(text: string, lines: LineMap, from: number, to: number): string {
  if (from > lines.lineCount) return '';
  const start = lines.offset({ line: from, column: 1 });
  const end = to >= lines.lineCount ? text.length : lines.offset({ line: to + 1, column: 1 });
  return text.slice(start, end).split(/\r\n|\r|\n/).slice(0, to - from + 1).join('\n');
}
