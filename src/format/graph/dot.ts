import type { IdentityGraph } from '../../graph/types.js';
import { graphView, type GraphView, type ViewNode } from './view.js';

/** A DOT double-quoted string: backslash and quote escaped (so `\l`, `\N` stay literal), newlines as `\n`. */
export function dotString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r\n|\r|\n/g, '\\n')}"`;
}

const STYLE: Record<ViewNode['kind'], string> = {
  workload: 'shape=box, style=filled, fillcolor="#e8f0fe"',
  identity: 'shape=ellipse, style=filled, fillcolor="#e6f4ea"',
  principal: 'shape=hexagon, style=filled, fillcolor="#fef7e0"',
  scope: 'shape=cylinder, style=filled, fillcolor="#fce8e6"',
};

/** Graphviz DOT: `grantlint graph --format dot | dot -Tsvg > graph.svg`. */
export function renderDotView(view: GraphView): string {
  const lines = ['digraph grantlint {', '  rankdir=LR;', '  node [fontname="Helvetica", fontsize=11];', '  edge [fontname="Helvetica", fontsize=10];'];
  for (const n of view.nodes) {
    const label = n.detail ? `${n.label}\n${n.detail}` : n.label;
    const tooltip = n.file ? `, tooltip=${dotString(`${n.file}:${n.line}`)}` : '';
    lines.push(`  ${dotString(n.id)} [label=${dotString(label)}, ${STYLE[n.kind]}${tooltip}];`);
  }
  for (const e of view.edges) {
    lines.push(
      e.kind === 'uses'
        ? `  ${dotString(e.from)} -> ${dotString(e.to)} [label="uses", style=dashed];`
        : `  ${dotString(e.from)} -> ${dotString(e.to)} [label=${dotString(e.label ?? 'grant')}${e.file ? `, tooltip=${dotString(`${e.file}:${e.line}`)}` : ''}];`,
    );
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}

export function renderDot(graph: IdentityGraph, { cwd }: { cwd: string }): string {
  return renderDotView(graphView(graph, cwd));
}
