/**
 * Hovers: on an identity, a workload or a role assignment, who is granted what, where — read from
 * the identity graph the diagnostics came from.
 */
import { relative } from 'node:path';
import { describeIdentity, describePrincipal, describeRole, describeScope, grantsTo } from '../graph/queries.js';
import type { Grant, Identity, IdentityGraph, Workload } from '../graph/types.js';
import type { Location, Position } from '../model/location.js';

function contains(at: Location, file: string, p: Position): boolean {
  if (at.file !== file) return false;
  const { start, end } = at.range;
  const afterStart = p.line > start.line || (p.line === start.line && p.column >= start.column);
  const beforeEnd = p.line < end.line || (p.line === end.line && p.column <= end.column);
  return afterStart && beforeEnd;
}

function size(at: Location): number {
  return (at.range.end.line - at.range.start.line) * 10_000 + (at.range.end.column - at.range.start.column);
}

/** The markdown for the innermost node declared at the position, or undefined. */
export function hoverText(graph: IdentityGraph, file: string, p: Position, root: string): string | undefined {
  const where = (at: Location) => `${relative(root, at.file).split('\\').join('/')}:${at.range.start.line}`;
  type Hit = { at: Location; text: () => string };
  const hits: Hit[] = [];
  const grantLine = (g: Grant) => `- ${describeRole(g)} on ${describeScope(g.scope)} — ${where(g.at)}`;
  const identityText = (identity: Identity): string => {
    const grants = grantsTo(identity, graph.grants);
    const lines = [`**${describeIdentity(identity)}**`, ''];
    if (identity.workloads.length > 0) lines.push(`Attached to: ${identity.workloads.map((w) => `\`${w.resource.symbol}\` (${where(w.resource.decl)})`).join(', ')}`, '');
    if (grants.length === 0) lines.push(identity.createdHere ? 'Granted nothing in the analysed files.' : 'Granted nothing here (it is owned elsewhere).');
    else lines.push('Granted:', ...grants.map(grantLine));
    return lines.join('\n');
  };
  for (const g of graph.grants) {
    if (!contains(g.at, file, p)) continue;
    hits.push({
      at: g.at,
      text: () => [`**Role assignment \`${g.resource.symbol}\`**`, '', `Grants ${describeRole(g)} to ${describePrincipal(g)} on ${describeScope(g.scope)}.`].join('\n'),
    });
  }
  for (const identity of graph.identities) {
    if (identity.kind === 'user' && identity.resource && contains(identity.resource.decl, file, p)) hits.push({ at: identity.resource.decl, text: () => identityText(identity) });
  }
  const seen = new Set<string>();
  for (const w of graph.workloads) {
    if (!contains(w.resource.decl, file, p) || seen.has(w.resource.declKey)) continue;
    seen.add(w.resource.declKey);
    hits.push({ at: w.resource.decl, text: () => workloadText(w, identityText) });
  }
  if (hits.length === 0) return undefined;
  hits.sort((a, b) => size(a.at) - size(b.at));
  return hits[0].text();
}

function workloadText(w: Workload, identityText: (i: Identity) => string): string {
  const parts = [`**\`${w.resource.symbol}\`** (${w.resource.type}) holds ${w.identities.length === 1 ? 'one identity' : `${w.identities.length} identities`}:`];
  for (const identity of w.identities) parts.push('', identityText(identity));
  return parts.join('\n');
}
