import type { IdentityGraph } from '../../graph/types.js';
import type { Finding } from '../../engine/types.js';
import { edgeLines, FINDING_COLORS, graphView, nodeDetail, type GraphView, type ViewNode } from './view.js';
import { appendAll } from '../../util/arrays.js';

/**
 * Text inside a quoted Mermaid label. Mermaid decodes `#<code>;` entities, so the characters that
 * could end the quote, open HTML, start an entity or close a Markdown code fence (a summary embeds
 * the diagram in one) are written as entities; line breaks become spaces.
 */
export function mermaidText(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/[#"<>&`|\\]/g, (c) => `#${c.charCodeAt(0)};`);
}

const SHAPES: Record<ViewNode['kind'], [string, string]> = {
  workload: ['[', ']'],
  identity: ['([', '])'],
  principal: ['{{', '}}'],
  scope: ['[(', ')]'],
  credential: ['>', ']'],
};

/** A deployment slot to its production app, an identity to a federated credential it trusts. */
const ARROWS: Record<'slot' | 'trusts', string> = { slot: '==>', trusts: '-.->' };

const CLASS_DEFS = [
  '  classDef workload fill:#e8f0fe,stroke:#1a73e8',
  '  classDef identity fill:#e6f4ea,stroke:#188038',
  '  classDef principal fill:#fef7e0,stroke:#b06000',
  '  classDef scope fill:#fce8e6,stroke:#c5221f',
];

const linkStyle = (index: number, color: string): string => `  linkStyle ${index} stroke:${color},stroke-width:3px,color:${color}`;

/**
 * A Mermaid flowchart: workload -> identity (uses), identity -> scope labelled with the role; a
 * grant with a finding is drawn in the colour of its most severe one and names the rules; a legend
 * says what shapes, lines and colours mean.
 */
export function renderMermaidView(view: GraphView): string {
  const lines = ['flowchart LR'];
  for (const n of view.nodes) {
    const [open, close] = SHAPES[n.kind];
    const detail = nodeDetail(n);
    const text = detail ? `${mermaidText(n.label)}<br/>${mermaidText(detail)}` : mermaidText(n.label);
    lines.push(`  ${n.id}${open}"${text}"${close}`);
  }
  const styles: string[] = [];
  view.edges.forEach((e, i) => {
    if (e.kind === 'needs') {
      // An access need: dotted, in the warning colour when no grant meets it.
      lines.push(`  ${e.from} -.->|"${mermaidText(e.label ?? 'needs')}"| ${e.to}`);
      if (e.met === false) styles.push(linkStyle(i, FINDING_COLORS.warning));
      return;
    }
    if (e.kind === 'slot' || e.kind === 'trusts') lines.push(`  ${e.from} ${ARROWS[e.kind]}|"${mermaidText(e.label ?? e.kind)}"| ${e.to}`);
    else lines.push(e.kind === 'uses' ? `  ${e.from} -.->|"uses"| ${e.to}` : `  ${e.from} -->|"${edgeLines(e).map(mermaidText).join('<br/>')}"| ${e.to}`);
    if (e.severity) styles.push(linkStyle(i, FINDING_COLORS[e.severity]));
  });
  if (view.nodes.length === 0) return lines.join('\n') + '\n';
  // The legend: one node of each kind, and the lines, after the graph's own edges (linkStyle counts them).
  let index = view.edges.length;
  lines.push(
    '  subgraph legend ["Legend"]',
    '    direction LR',
    '    legend_workload["workload"] -.->|"uses"| legend_identity(["identity"])',
    '    legend_identity -->|"grant: role"| legend_scope[("scope")]',
    '    legend_principal{{"principal passed in"}} -->|"grant with an error"| legend_error[("scope")]',
    '    legend_identity -->|"grant with a warning"| legend_warning[("scope")]',
    '  end',
  );
  styles.push(linkStyle(index + 2, FINDING_COLORS.error), linkStyle(index + 3, FINDING_COLORS.warning));
  index += 4;
  appendAll(lines, styles);
  const legend: Record<ViewNode['kind'], string[]> = {
    workload: ['legend_workload'],
    identity: ['legend_identity'],
    principal: ['legend_principal'],
    scope: ['legend_scope', 'legend_error', 'legend_warning'],
    credential: [],
  };
  for (const kind of Object.keys(legend) as ViewNode['kind'][]) {
    const members = [...view.nodes.filter((n) => n.kind === kind).map((n) => n.id), ...legend[kind]];
    if (members.length > 0) lines.push(`  class ${members.join(',')} ${kind}`);
  }
  lines.push(...CLASS_DEFS);
  if (view.nodes.some((n) => n.kind === 'credential')) lines.push('  classDef credential fill:#f3e8fd,stroke:#8430ce');
  return lines.join('\n') + '\n';
}

export function renderMermaid(graph: IdentityGraph, { cwd, findings }: { cwd: string; findings?: Finding[] }): string {
  return renderMermaidView(graphView(graph, cwd, findings));
}
