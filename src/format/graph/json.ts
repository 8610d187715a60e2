import type { Finding } from '../../engine/types.js';
import type { IdentityGraph } from '../../graph/types.js';
import { graphView } from './view.js';

/** `{ version, nodes, edges }` with relative paths: for scripts and other visualisers. */
export function renderGraphJson(graph: IdentityGraph, { cwd, findings }: { cwd: string; findings?: Finding[] }): string {
  return JSON.stringify({ version: 1, ...graphView(graph, cwd, findings) }, null, 2) + '\n';
}
