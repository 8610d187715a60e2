import type { IdentityGraph } from '../../graph/types.js';
import { renderDot } from './dot.js';
import { renderGraphJson } from './json.js';
import { renderMermaid } from './mermaid.js';

import type { Finding } from '../../engine/types.js';

/** A picture of the graph; grants with findings are marked when the findings are given. */
export type GraphRenderer = (graph: IdentityGraph, context: { cwd: string; findings?: Finding[] }) => string;

/** `grantlint graph --format <name>` renderers. */
export const GRAPH_RENDERERS: Record<string, GraphRenderer> = {
  mermaid: renderMermaid,
  dot: renderDot,
  json: renderGraphJson,
};
