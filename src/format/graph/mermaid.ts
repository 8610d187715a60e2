import type { IdentityGraph } from '../../graph/types.js';
import { graphView, type GraphView, type ViewNode } from './view.js';

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
};

/** A Mermaid flowchart: workload -> identity (uses), identity -> scope labelled with the role. */
export function renderMermaidView(view: GraphView): string {
  const lines = ['flowchart LR'];
  for (const n of view.nodes) {
    const [open, close] = SHAPES[n.kind];
    const text = n.detail ? `${mermaidText(n.label)}<br/>${mermaidText(n.detail)}` : mermaidText(n.label);
    lines.push(`  ${n.id}${open}"${text}"${close}`);
  }
  for (const e of view.edges) {
    lines.push(e.kind === 'uses' ? `  ${e.from} -.->|"uses"| ${e.to}` : `  ${e.from} -->|"${mermaidText(e.label ?? 'grant')}"| ${e.to}`);
  }
  const kinds = [...new Set(view.nodes.map((n) => n.kind))];
  for (const kind of kinds) {
    lines.push(`  class ${view.nodes.filter((n) => n.kind === kind).map((n) => n.id).join(',')} ${kind}`);
  }
  if (kinds.length > 0) {
    lines.push(
      '  classDef workload fill:#e8f0fe,stroke:#1a73e8',
      '  classDef identity fill:#e6f4ea,stroke:#188038',
      '  classDef principal fill:#fef7e0,stroke:#b06000',
      '  classDef scope fill:#fce8e6,stroke:#c5221f',
    );
  }
  return lines.join('\n') + '\n';
}

export function renderMermaid(graph: IdentityGraph, { cwd }: { cwd: string }): string {
  return renderMermaidView(graphView(graph, cwd));
}
