import { dirname, relative } from 'node:path';
import type { Location } from '../model/location.js';
import type { ResourceInstance } from '../model/template.js';

/**
 * A finding about a declaration inside a module, pointed at the module call that passes the
 * offending value: the path from that call down to the declaration, so that two findings at one
 * call can be told apart (`Reached through module 'roles' → module 'assign' → 'grant' in
 * modules/assign.bicep.`). Undefined when the finding points at the declaration itself.
 */
export function callPathNote(resource: ResourceInstance | undefined, primary: Location, sourceText: (file: string) => string | undefined): string | undefined {
  if (!resource) return undefined;
  const chain = resource.callChain;
  const from = chain.findIndex((c) => c === primary || (c.file === primary.file && c.range.start.line === primary.range.start.line && c.range.start.column === primary.range.start.column));
  if (from < 0) return undefined;
  const steps = chain.slice(from).map((call) => callName(call, sourceText));
  const file = relative(dirname(primary.file), resource.decl.file).split('\\').join('/');
  return `Reached through ${steps.join(' → ')} → '${resource.symbol}' in ${file}.`;
}

/** `module 'name'` as the call is written (Bicep, Terraform), or the nested deployment's name (ARM). */
function callName(call: Location, sourceText: (file: string) => string | undefined): string {
  const text = sourceText(call.file);
  const line = text?.split(/\r\n|\r|\n/)[call.range.start.line - 1]?.slice(call.range.start.column - 1) ?? '';
  const bicep = /^module\s+([A-Za-z_]\w*)/.exec(line);
  if (bicep) return `module '${bicep[1]}'`;
  const terraform = /^module\s+"([^"]+)"/.exec(line);
  if (terraform) return `module '${terraform[1]}'`;
  const arm = text ? /"name"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(sliceFrom(text, call)) : null;
  if (arm) return `deployment '${arm[1].replace(/^\[(.*)\]$/, '$1')}'`;
  return `the call on line ${call.range.start.line}`;
}

/** The text of the call's first lines (enough to hold a deployment's name). */
function sliceFrom(text: string, call: Location): string {
  const lines = text.split(/\r\n|\r|\n/).slice(call.range.start.line - 1, Math.min(call.range.end.line, call.range.start.line + 8));
  return lines.join('\n');
}
