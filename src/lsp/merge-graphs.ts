/**
 * The graphs of separate roots side by side, as one graph: every list joined, every index joined
 * (the first root's entry kept for a key two roots share, as one run over both would index it
 * first). Field by field over whatever the graph holds, so a field another part adds to
 * IdentityGraph is merged without a change here.
 */
import { buildGraph } from '../graph/build.js';
import { roleCatalog } from '../graph/roles.js';
import type { IdentityGraph } from '../graph/types.js';
import { appendAll } from '../util/arrays.js';

export function mergeGraphs(graphs: IdentityGraph[]): IdentityGraph {
  const out: Record<string, unknown> = {};
  for (const graph of graphs) {
    for (const [key, value] of Object.entries(graph)) {
      if (Array.isArray(value)) {
        const list = (out[key] ??= []) as unknown[];
        appendAll(list, value);
      } else if (value instanceof Map) {
        const map = (out[key] ??= new Map()) as Map<unknown, unknown>;
        for (const [k, v] of value) if (!map.has(k)) map.set(k, v);
      } else if (value !== undefined && !(key in out)) out[key] = value;
    }
  }
  return { ...emptyGraph(), ...out } as IdentityGraph;
}

/** A graph with nothing in it (no roots), as the graph builder makes it: every field there. */
function emptyGraph(): IdentityGraph {
  return buildGraph([], roleCatalog());
}
