/**
 * Reading a compiled ARM template as the Bicep front end reads its source: registry and
 * template-spec modules are external to the Bicep analysis (see test/agreement/bicep-arm.test.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Location } from '../../src/model/location.js';
import type { ExternalCall, LoweredProgram, ResourceInstance } from '../../src/model/template.js';
import { getProp, type Value } from '../../src/model/value.js';
import { parseBicep } from '../../src/syntax/bicep/parser.js';
import { literalText } from '../../src/lower/bicep/source.js';

// ---------------------------------------------------------------------------------------------
// Module statements of the Bicep files, to recognise the JSON's nested deployments

interface ModuleInfo {
  symbol: string;
  external: boolean;
  /** A local Bicep module: its file. */
  target?: string;
}

interface BicepDeployments {
  modules: ModuleInfo[];
  /** `resource x 'Microsoft.Resources/deployments@…'` declarations (not `existing`): deployments too. */
  deploymentResources: number;
}

const isExternalPath = (p: string): boolean => /^(br|ts)[:/]/i.test(p);

function modulesOf(file: string, cache: Map<string, BicepDeployments>): BicepDeployments {
  let found = cache.get(file);
  if (found) return found;
  found = { modules: [], deploymentResources: 0 };
  cache.set(file, found);
  if (!existsSync(file)) return found;
  for (const st of parseBicep(readFileSync(file, 'utf8')).statements) {
    if (st.kind === 'Resource' && !st.existing && /^microsoft\.resources\/deployments@/i.test(st.typeString.parts.join(''))) found.deploymentResources++;
    if (st.kind !== 'Module') continue;
    const path = literalText(st.path) ?? '';
    const info: ModuleInfo = { symbol: st.name.name, external: isExternalPath(path) };
    if (!info.external && path.toLowerCase().endsWith('.bicep')) info.target = resolve(dirname(file), path);
    found.modules.push(info);
  }
  return found;
}

/**
 * languageVersion 1.0 has no symbolic names: the compiler writes a file's deployment resources
 * first, then its modules, each in source order. The module a JSON deployment resource was
 * compiled from is the one at its place among its template's deployment resources.
 */
function moduleByPosition(dep: ResourceInstance, bicep: BicepDeployments, raw: Map<string, unknown>): ModuleInfo | undefined {
  const hash = dep.declKey.indexOf('#');
  const file = dep.declKey.slice(0, hash);
  if (!raw.has(file)) raw.set(file, JSON.parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, '')));
  const segs = dep.declKey.slice(hash + 1).split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  let node: unknown = raw.get(file);
  for (const s of segs.slice(0, -1)) node = (node as Record<string, unknown> | undefined)?.[s];
  if (!Array.isArray(node)) return undefined;
  const isDeployment = (x: unknown): boolean => String((x as { type?: unknown } | undefined)?.type).toLowerCase() === 'microsoft.resources/deployments';
  const siblings = node.filter(isDeployment);
  if (siblings.length !== bicep.deploymentResources + bicep.modules.length) return undefined;
  const at = siblings.indexOf(node[Number(segs[segs.length - 1])]) - bicep.deploymentResources;
  return at >= 0 ? bicep.modules[at] : undefined;
}

const locKey = (l: Location): string => `${l.file}:${l.range.start.line}:${l.range.start.column}`;

/** Whether a JSON instance lies inside a nested deployment compiled from an external Bicep module. */
function insideExternalModule(
  r: ResourceInstance,
  bicepRoot: string,
  deployments: Map<string, ResourceInstance>,
  cache: Map<string, BicepDeployments>,
  raw: Map<string, unknown>,
): boolean {
  let file: string | undefined = bicepRoot;
  for (const call of r.callChain) {
    const dep = deployments.get(locKey(call));
    if (!dep || !file) return false;
    const bicep = modulesOf(file, cache);
    const mod = bicep.modules.find((m) => m.symbol.toLowerCase() === dep.symbol.toLowerCase()) ?? moduleByPosition(dep, bicep, raw);
    if (!mod) return false;
    if (mod.external) return true;
    file = mod.target;
  }
  return false;
}

/** The value with every reference to a left-out instance made unknown (an external module's output). */
function forgetRefs(v: Value, gone: Set<ResourceInstance>): Value {
  switch (v.kind) {
    case 'ref':
      if (!gone.has(v.resource)) return v;
      // The same attribute read twice is the same unknown (guid seeds still cover it).
      return { kind: 'unknown', at: v.at, symbol: `external:${v.resource.key}#${v.path.join('.')}`, input: { kind: 'output', name: v.resource.symbol } };
    case 'array':
      return { ...v, items: v.items.map((x) => forgetRefs(x, gone)) };
    case 'object': {
      const out: Value = { ...v, entries: new Map([...v.entries].map(([k, x]) => [k, forgetRefs(x, gone)])) };
      if (v.keyValues) out.keyValues = new Map([...v.keyValues].map(([k, x]) => [k, forgetRefs(x, gone)]));
      return out;
    }
    case 'call':
      return { ...v, args: v.args.map((x) => forgetRefs(x, gone)) };
    case 'concat':
      return { ...v, parts: v.parts.map((x) => forgetRefs(x, gone)) };
    default:
      return v;
  }
}

/**
 * The JSON program as the Bicep analysis can see it (see above): the instances outside external
 * modules, and the nested deployments compiled from external modules as the calls grantlint cannot
 * read, with the parameters they pass.
 */
export function withoutExternalModules(program: LoweredProgram, bicepRoot: string, bicepFiles: string[]): { resources: ResourceInstance[]; externalCalls: ExternalCall[] } {
  const cache = new Map<string, BicepDeployments>();
  if (!bicepFiles.some((f) => modulesOf(f, cache).modules.some((m) => m.external))) return { resources: program.resources, externalCalls: [] };
  const deployments = new Map(
    program.resources.filter((r) => r.type.toLowerCase() === 'microsoft.resources/deployments').map((r) => [locKey(r.decl), r]),
  );
  const raw = new Map<string, unknown>();
  const gone = new Set(program.resources.filter((r) => insideExternalModule(r, bicepRoot, deployments, cache, raw)));
  const kept = program.resources.filter((r) => !gone.has(r));
  for (const r of kept) {
    r.body = forgetRefs(r.body, gone) as typeof r.body;
    if (r.scope) r.scope = forgetRefs(r.scope, gone);
    if (r.name) r.name = forgetRefs(r.name, gone);
  }
  const externalCalls: ExternalCall[] = kept
    .filter((d) => d.type.toLowerCase() === 'microsoft.resources/deployments')
    .filter((d) => insideExternalModule({ ...d, callChain: [...d.callChain, d.decl] }, bicepRoot, deployments, cache, raw))
    .map((d) => ({
      format: 'arm',
      source: d.symbol,
      at: d.decl,
      args: getProp(getProp(d.body, 'properties'), 'parameters') ?? { kind: 'object', entries: new Map() },
      callChain: d.callChain,
    }));
  return { resources: gone.size === 0 ? program.resources : kept, externalCalls };
}
