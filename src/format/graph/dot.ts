import type { Finding } from '../../engine/types.js';
import type { IdentityGraph } from '../../graph/types.js';
import { edgeLines, FINDING_COLORS, graphView, nodeDetail, type GraphView, type ViewNode } from './view.js';

/** A DOT double-quoted string: backslash and quote escaped (so `\l`, `\N` stay literal), newlines as `\n`. */
export function dotString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r\n|\r|\n/g, '\\n')}"`;
}

const STYLE: Record<ViewNode['kind'], string> = {
  workload: 'shape=box, style=filled, fillcolor="#e8f0fe"',
  identity: 'shape=ellipse, style=filled, fillcolor="#e6f4ea"',
  principal: 'shape=hexagon, style=filled, fillcolor="#fef7e0"',
  scope: 'shape=cylinder, style=filled, fillcolor="#fce8e6"',
  credential: 'shape=note, style=filled, fillcolor="#f3e8fd"',
};

const findingStyle = (color: string): string => `color="${color}", fontcolor="${color}", penwidth=2.5`;

/**
 * Graphviz DOT: `grantlint graph --format dot | dot -Tpng > graph.png`. A grant with a finding is
 * drawn in the colour of its most severe one and names the rules; a legend explains the picture.
 */
export function renderDotView(view: GraphView): string {
  const lines = ['digraph grantlint {', '  rankdir=LR;', '  node [fontname="Helvetica", fontsize=11];', '  edge [fontname="Helvetica", fontsize=10];'];
  for (const n of view.nodes) {
    const detail = nodeDetail(n);
    const label = detail ? `${n.label}\n${detail}` : n.label;
    const tooltip = n.file ? `, tooltip=${dotString(`${n.file}:${n.line}`)}` : '';
    lines.push(`  ${dotString(n.id)} [label=${dotString(label)}, ${STYLE[n.kind]}${tooltip}];`);
  }
  for (const e of view.edges) {
    if (e.kind === 'uses') {
      lines.push(`  ${dotString(e.from)} -> ${dotString(e.to)} [label="uses", style=dashed];`);
      continue;
    }
    if (e.kind === 'needs') {
      // An access need: dotted, in the warning colour when no grant meets it.
      const attrs = [`label=${dotString(e.label ?? 'needs')}`, 'style=dotted'];
      if (e.file) attrs.push(`tooltip=${dotString(`${e.file}:${e.line}`)}`);
      if (e.met === false) attrs.push(`color="${FINDING_COLORS.warning}"`, `fontcolor="${FINDING_COLORS.warning}"`);
      lines.push(`  ${dotString(e.from)} -> ${dotString(e.to)} [${attrs.join(', ')}];`);
      continue;
    }
    if (e.kind === 'slot' || e.kind === 'trusts') {
      lines.push(`  ${dotString(e.from)} -> ${dotString(e.to)} [label=${dotString(e.label ?? e.kind)}, style=${e.kind === 'slot' ? 'bold' : 'dotted'}];`);
      continue;
    }
    const attrs = [`label=${dotString(edgeLines(e).join('\n'))}`];
    if (e.file) attrs.push(`tooltip=${dotString(`${e.file}:${e.line}`)}`);
    if (e.severity) attrs.push(findingStyle(FINDING_COLORS[e.severity]));
    lines.push(`  ${dotString(e.from)} -> ${dotString(e.to)} [${attrs.join(', ')}];`);
  }
  if (view.nodes.length > 0) {
    lines.push(
      '  subgraph cluster_legend {',
      '    label="Legend"; style=dashed; color="#9aa0a6"; fontname="Helvetica"; fontsize=10;',
      `    "legend_workload" [label="workload", ${STYLE.workload}];`,
      `    "legend_identity" [label="identity", ${STYLE.identity}];`,
      `    "legend_principal" [label="principal passed in", ${STYLE.principal}];`,
      `    "legend_scope" [label="scope", ${STYLE.scope}];`,
      `    "legend_error" [label="scope", ${STYLE.scope}];`,
      `    "legend_warning" [label="scope", ${STYLE.scope}];`,
      '    "legend_workload" -> "legend_identity" [label="uses", style=dashed];',
      '    "legend_identity" -> "legend_scope" [label="grant: role"];',
      `    "legend_principal" -> "legend_error" [label="grant with an error", ${findingStyle(FINDING_COLORS.error)}];`,
      `    "legend_identity" -> "legend_warning" [label="grant with a warning", ${findingStyle(FINDING_COLORS.warning)}];`,
      '  }',
    );
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}

export function renderDot(graph: IdentityGraph, { cwd, findings }: { cwd: string; findings?: Finding[] }): string {
  return renderDotView(graphView(graph, cwd, findings));
}
