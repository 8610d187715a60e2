import type { IdentityGraph } from '../../graph/types.js';
import { renderDot } from './dot.js';
import { renderGraphJson } from './json.js';
import { renderMermaid } from './mermaid.js';

export type GraphRenderer = (graph: IdentityGraph, context: { cwd: string }) => string;

/** `grantlint graph --format <name>` renderers. */
export const GRAPH_RENDERERS: Record<string, GraphRenderer> = {
  mermaid: renderMermaid,
  dot: renderDot,
  json: renderGraphJson,
};
