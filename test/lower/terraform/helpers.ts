import { terraformFrontEnd } from '../../../src/lower/terraform/index.js';
import type { LoweredProgram, ResourceInstance } from '../../../src/model/template.js';
import { getPath, type Value } from '../../../src/model/value.js';
import { makeHost } from './host.js';

/** Lowers in-memory files (absolute paths → text); every `.tf`/`.tfvars` file is given to the front end. */
export function lower(files: Record<string, string>, varFiles?: string[]): LoweredProgram {
  const host = makeHost(files, varFiles);
  return terraformFrontEnd.analyze(Object.keys(files), host);
}

/** Lowers one main.tf in /mem/root. */
export function lowerMain(text: string): LoweredProgram {
  return lower({ '/mem/root/main.tf': text });
}

export function instances(p: LoweredProgram, symbol: string): ResourceInstance[] {
  return p.resources.filter((r) => r.symbol === symbol);
}

export function one(p: LoweredProgram, symbol: string): ResourceInstance {
  const found = instances(p, symbol);
  if (found.length !== 1) throw new Error(`${symbol}: ${found.length} instances (${p.resources.map((r) => r.key).join(', ')})`);
  return found[0];
}

export function prop(r: ResourceInstance, ...path: (string | number)[]): Value | undefined {
  return getPath(r.body, path);
}

/** A plain JS rendering of a value, for compact assertions: refs as `ref:<symbol>:<path>`. */
export function js(v: Value | undefined): unknown {
  if (!v) return undefined;
  switch (v.kind) {
    case 'string':
    case 'number':
    case 'bool':
      return v.value;
    case 'null':
      return null;
    case 'array':
      return v.items.map(js);
    case 'object':
      return Object.fromEntries([...v.entries].map(([k, x]) => [k, js(x)]));
    case 'ref':
      return `ref:${v.resource.symbol}:${v.path.join('.')}`;
    case 'unknown':
      return v.symbol ? `unknown:${v.symbol}` : 'unknown';
    case 'call':
      return `call:${v.fn}(${v.args.map((a) => JSON.stringify(js(a))).join(',')})`;
    case 'concat':
      return { concat: v.parts.map(js) };
    case 'scope':
      return `scope:${v.level}`;
  }
}

/** Evaluates one expression, as a local in a root module, and returns it rendered. */
export function evalExpr(expr: string, prelude = ''): unknown {
  const p = lowerMain(`${prelude}\nlocals {\n  probe = ${expr}\n}\nresource "probe" "x" {\n  v = local.probe\n}\n`);
  return js(prop(one(p, 'probe.x'), 'v'));
}
