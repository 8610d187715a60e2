/**
 * Whether anything in the analysed files uses a user-assigned identity beyond granting it: any
 * resource whose body names the identity (any of its IDs or its name: an attachment, a setting, a
 * credential's parent, a scope), a module call that receives it (readable or not: see also
 * `externalCallsPassing`), an output that
 * hands it on. A grant's own principal, its name seed and `dependsOn` are not uses. An identity
 * whose name grantlint cannot know may be the one another declaration or reference names by a name
 * grantlint cannot know either: that counts as a possible use.
 */
import { sameLocation, within, type Location } from '../model/location.js';
import type { ResourceInstance } from '../model/template.js';
import { asString, walkValue, type Value } from '../model/value.js';
import { parseResourceIdArgs, RESOURCE_ID_FUNCTIONS } from '../link/functions.js';
import { armTypeOfResource } from './arm-view.js';
import { azureResourceKey } from './build.js';
import type { Identity, IdentityGraph } from './types.js';

const UAMI = 'microsoft.managedidentity/userassignedidentities';
const UAMI_ID = /\/providers\/microsoft\.managedidentity\/userassignedidentities\/([^/]+)\/?$/i;
/** The shortest string UAMI_ID matches: shorter strings (nearly all) are not searched. */
const UAMI_ID_LENGTH = '/providers/microsoft.managedidentity/userassignedidentities/x'.length;
const SKIPPED_KEYS = new Set(['dependson', 'depends_on']);
const SKIPPED_LENGTHS = new Set([...SKIPPED_KEYS].map((k) => k.length));

interface Uses {
  /** `azureResourceKey` of every resource some value refers to. */
  resources: Set<string>;
  /** Lower-case names of user-assigned identities named by a resource ID string or a `resourceId()` call. */
  names: Set<string>;
  /** Lower-case strings passed to module calls, with the calls that pass them. */
  passed: Map<string, Location[]>;
  /** Some value names a user-assigned identity by a name grantlint cannot know (`resourceId()`, an assembled ID). */
  unknownName: boolean;
}

const cache = new WeakMap<IdentityGraph, Uses>();

function collect(graph: IdentityGraph): Uses {
  const uses: Uses = { resources: new Set(), names: new Set(), passed: new Map(), unknownName: false };
  // Instances first, keys once each: a corpus holds millions of references to far fewer resources.
  const referenced = new Set<ResourceInstance>();
  const notUses = new Set<Value>();
  const granting = new Set<ResourceInstance>();
  for (const g of graph.grants) {
    notUses.add(g.principal.value);
    granting.add(g.resource);
  }
  const visit = (v: Value): void => {
    walkValue(v, (x) => {
      if (x.kind === 'ref') referenced.add(x.resource);
      else if (x.kind === 'string') {
        const m = x.value.length >= UAMI_ID_LENGTH ? UAMI_ID.exec(x.value) : null;
        if (m) uses.names.add(m[1].toLowerCase());
      } else if (x.kind === 'call' && RESOURCE_ID_FUNCTIONS.has(x.fn)) {
        const q = parseResourceIdArgs(x.fn, x.args);
        if (!q || q.type.toLowerCase() !== UAMI) return;
        const name = asString(q.names[q.names.length - 1]);
        if (name) uses.names.add(name.toLowerCase());
        else uses.unknownName = true;
      } else if (x.kind === 'concat' && x.parts.some((p) => p.kind === 'string' && /\/userassignedidentities\//i.test(p.value))) {
        uses.unknownName = true;
      }
    });
  };
  const visitBody = (v: Value, r: ResourceInstance, depth: number): void => {
    if (notUses.has(v)) return;
    if (v.kind === 'object') {
      for (const [k, x] of v.entries) {
        // Only keys as long as a skipped one or `name` are lower-cased to be compared.
        const key = k.length === 4 || SKIPPED_LENGTHS.has(k.length) ? k.toLowerCase() : '';
        if (SKIPPED_KEYS.has(key) || (depth === 0 && key === 'name' && granting.has(r))) continue;
        const keyValue = v.keyValues?.get(k);
        if (keyValue) visit(keyValue);
        visitBody(x, r, depth + 1);
      }
    } else if (v.kind === 'array') {
      for (const x of v.items) visitBody(x, r, depth + 1);
    } else visit(v);
  };
  for (const r of graph.resources) {
    // A grant's assignment name (a guid() seed) names its principal without using it.
    visitBody(r.body, r, 0);
    if (r.scope) visit(r.scope);
  }
  // A module may look an identity up by the name it is given.
  const passedTo = (v: Value, call: Location): void =>
    walkValue(v, (x) => {
      if (x.kind !== 'string') return;
      const key = x.value.toLowerCase();
      const calls = uses.passed.get(key);
      if (calls) calls.push(call);
      else uses.passed.set(key, [call]);
    });
  for (const e of graph.exports) {
    visit(e.value);
    if (e.kind === 'moduleArgument') passedTo(e.value, e.at);
  }
  // Calls to modules grantlint cannot read: `externalCallsPassing` finds the IDs; names here.
  for (const call of graph.externalCalls ?? []) passedTo(call.args, call.at);
  for (const r of referenced) uses.resources.add(azureResourceKey(r));
  return uses;
}

/** Something other than its grants uses the identity (see above). */
export function isUsed(graph: IdentityGraph, identity: Identity): boolean {
  const r = identity.resource;
  if (!r) return true;
  let uses = cache.get(graph);
  if (!uses) {
    uses = collect(graph);
    cache.set(graph, uses);
  }
  if (uses.resources.has(azureResourceKey(r))) return true;
  const name = asString(r.name)?.toLowerCase();
  // A name grantlint cannot know may be the one another declaration or reference uses.
  if (name === undefined) return uses.unknownName || unknownNamedElsewhere(graph, r);
  if (uses.names.has(name)) return true;
  // The name handed to the module that declares the identity creates it: that is no use.
  return (uses.passed.get(name) ?? []).some((call) => !r.callChain.some((c) => sameLocation(c, call) || within(call, c)));
}

/**
 * What one analysis unit (a batch of module closures) holds that may use a user-assigned identity
 * declared in another unit: names by which values refer to such identities, names passed to module
 * calls, names of identities declared there, and whether any of these names is unknown. lint()
 * joins the units' evidence so that `orphaned-identity` judges over the whole run, however it is
 * split into batches, shards or cached closures.
 */
export interface UseEvidence {
  names: string[];
  passed: string[];
  declared: string[];
  unknownName: boolean;
  unknownDeclared: boolean;
}

export function useEvidence(graph: IdentityGraph): UseEvidence {
  let uses = cache.get(graph);
  if (!uses) {
    uses = collect(graph);
    cache.set(graph, uses);
  }
  const declared = new Set<string>();
  let unknownDeclared = false;
  for (const r of graph.resources) {
    if (armTypeOfResource(r) !== UAMI) continue;
    const name = asString(r.name)?.toLowerCase();
    if (name === undefined) unknownDeclared = true;
    else declared.add(name);
  }
  return { names: [...uses.names].sort(), passed: [...uses.passed.keys()].sort(), declared: [...declared].sort(), unknownName: uses.unknownName, unknownDeclared };
}

/**
 * Whether another unit may use an identity that its own unit does not use: one named `name` (lower
 * case; undefined when grantlint cannot know it), judged as `isUsed` and `orphaned-identity` judge
 * within a graph.
 */
export function usedElsewhere(name: string | undefined, others: UseEvidence[]): boolean {
  if (name === undefined) return others.some((e) => e.unknownName || e.unknownDeclared);
  return others.some((e) => e.names.includes(name) || e.passed.includes(name) || e.declared.includes(name));
}

/** Another user-assigned identity declared with a name grantlint cannot know: it may be this one. */
function unknownNamedElsewhere(graph: IdentityGraph, r: ResourceInstance): boolean {
  const key = azureResourceKey(r);
  return graph.resources.some((o) => armTypeOfResource(o) === UAMI && asString(o.name) === undefined && azureResourceKey(o) !== key);
}
