import type { IdentityGraph } from '../../graph/types.js';
import { graphView } from './view.js';

/** `{ version, nodes, edges }` with relative paths: for scripts and other visualisers. */
export function renderGraphJson(graph: IdentityGraph, { cwd }: { cwd: string }): string {
  return JSON.stringify({ version: 1, ...graphView(graph, cwd) }, null, 2) + '\n';
}
