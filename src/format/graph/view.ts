import { describeScope, roleName, SCOPE_WORDS } from '../../graph/queries.js';
import type { Grant, GrantScope, Identity, IdentityGraph } from '../../graph/types.js';
import { unwrap } from '../../graph/values.js';
import { describeValue } from '../../model/value.js';
import type { Location } from '../../model/location.js';
import { displayPath } from '../paths.js';

export type ViewNodeKind = 'workload' | 'identity' | 'principal' | 'scope';

export interface ViewNode {
  /** Deterministic and readable: kind prefix and the symbol, numbered on a clash. */
  id: string;
  kind: ViewNodeKind;
  /** The symbol or name people recognise (`site`, `azurerm_user_assigned_identity.jobs`). */
  label: string;
  /** A second line: resource type, identity kind, scope kind. */
  detail?: string;
  file?: string;
  line?: number;
}

export interface ViewEdge {
  from: string;
  to: string;
  kind: 'uses' | 'grant';
  /** For a grant: the role name (or `access policy`, or the role expression when not resolved). */
  label?: string;
  file?: string;
  line?: number;
}

/** The identity graph as people read it: who (workload, identity) can do what (role) where (scope). */
export interface GraphView {
  nodes: ViewNode[];
  edges: ViewEdge[];
}

const KIND_ORDER: Record<ViewNodeKind, number> = { workload: 0, identity: 1, principal: 2, scope: 3 };
const PREFIX: Record<ViewNodeKind, string> = { workload: 'w', identity: 'i', principal: 'p', scope: 's' };

interface Draft {
  key: string;
  kind: ViewNodeKind;
  label: string;
  detail?: string;
  at?: Location;
}

/**
 * Projects the graph onto nodes and edges with relative paths and ids that depend only on the
 * input, never on absolute paths or traversal order, so that renderings are stable in reviews.
 * Loop instances of one grant that say the same thing collapse into one edge.
 */
export function graphView(graph: IdentityGraph, cwd: string): GraphView {
  const drafts = new Map<string, Draft>();
  const add = (d: Draft): string => {
    if (!drafts.has(d.key)) drafts.set(d.key, d);
    return d.key;
  };
  const identityNode = (identity: Identity): string =>
    add({
      key: `identity:${identity.id}`,
      kind: 'identity',
      label: identity.label,
      detail: identity.kind === 'system' ? 'system-assigned identity' : identity.kind === 'user' ? (identity.createdHere ? 'user-assigned identity' : 'user-assigned identity (existing)') : 'identity passed in',
      at: identity.kind === 'user' ? identity.resource?.decl : undefined,
    });

  const edges: { from: string; to: string; kind: ViewEdge['kind']; label?: string; at?: Location }[] = [];
  for (const w of graph.workloads) {
    const from = add({ key: `workload:${w.resource.key}`, kind: 'workload', label: w.resource.symbol, detail: w.resource.type, at: w.resource.decl });
    for (const identity of w.identities) edges.push({ from, to: identityNode(identity), kind: 'uses' });
  }
  for (const identity of graph.identities) identityNode(identity);
  for (const g of graph.grants) {
    const from = g.principal.identity ? identityNode(g.principal.identity) : principalNode(g, add);
    edges.push({ from, to: scopeNode(g.scope, add, drafts), kind: 'grant', label: grantLabel(g), at: g.at });
  }

  const rel = (at: Location | undefined): { file?: string; line?: number } => (at ? { file: displayPath(at.file, cwd), line: at.range.start.line } : {});
  const sorted = [...drafts.values()].sort(
    (a, b) =>
      KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
      cmp(rel(a.at).file ?? '~', rel(b.at).file ?? '~') ||
      (a.at?.range.start.line ?? 0) - (b.at?.range.start.line ?? 0) ||
      (a.at?.range.start.column ?? 0) - (b.at?.range.start.column ?? 0) ||
      cmp(a.label, b.label) ||
      cmp(a.detail ?? '', b.detail ?? ''),
  );
  const ids = new Map<string, string>();
  const used = new Set<string>();
  const nodes: ViewNode[] = sorted.map((d) => {
    const base = `${PREFIX[d.kind]}_${slug(d.label)}`;
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base}_${n}`;
    used.add(id);
    ids.set(d.key, id);
    const node: ViewNode = { id, kind: d.kind, label: d.label };
    if (d.detail) node.detail = d.detail;
    return { ...node, ...rel(d.at) };
  });

  const seen = new Set<string>();
  const viewEdges: ViewEdge[] = [];
  for (const e of edges) {
    const edge: ViewEdge = { from: ids.get(e.from)!, to: ids.get(e.to)!, kind: e.kind };
    if (e.label) edge.label = e.label;
    Object.assign(edge, rel(e.at));
    const key = `${edge.from}|${edge.to}|${edge.kind}|${edge.label ?? ''}|${edge.file ?? ''}:${edge.line ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    viewEdges.push(edge);
  }
  viewEdges.sort((a, b) => cmp(a.from, b.from) || cmp(a.to, b.to) || cmp(a.kind, b.kind) || cmp(a.label ?? '', b.label ?? '') || cmp(a.file ?? '', b.file ?? '') || (a.line ?? 0) - (b.line ?? 0));
  return { nodes, edges: viewEdges };
}

/**
 * The part of the view that touches the given files (relative paths): nodes declared there, grants
 * written there, and everything one edge away from those — what a reviewer of a change needs.
 */
export function focusView(view: GraphView, files: Set<string>): GraphView {
  const seeds = new Set(view.nodes.filter((n) => n.file && files.has(n.file)).map((n) => n.id));
  for (const e of view.edges) {
    if (e.file && files.has(e.file)) {
      seeds.add(e.from);
      seeds.add(e.to);
    }
  }
  const edges = view.edges.filter((e) => seeds.has(e.from) || seeds.has(e.to));
  const keep = new Set([...seeds, ...edges.flatMap((e) => [e.from, e.to])]);
  return { nodes: view.nodes.filter((n) => keep.has(n.id)), edges };
}

function principalNode(g: Grant, add: (d: Draft) => string): string {
  const v = unwrap(g.principal.value);
  const label = v?.kind === 'unknown' && v.input ? v.input.name : describeValue(v);
  const detail = g.principal.kind === 'unknown' ? 'principal (kind unknown)' : g.principal.kind;
  return add({ key: `principal:${g.principal.kind}:${label}`, kind: 'principal', label, detail });
}

function scopeNode(scope: GrantScope, add: (d: Draft) => string, drafts: Map<string, Draft>): string {
  if (scope.resource) {
    // A grant on a workload (one app reading another) points at the workload's own node.
    const workload = `workload:${scope.resource.key}`;
    if (drafts.has(workload)) return workload;
    return add({
      key: `scope:${scope.resource.key}`,
      kind: 'scope',
      label: scope.label ?? scope.resource.symbol,
      detail: scope.kind === 'resource' ? (scope.resourceType ?? scope.resource.type) : SCOPE_WORDS[scope.kind],
      at: scope.resource.decl,
    });
  }
  const label = scope.kind === 'resource' ? (scope.label ?? 'a resource') : describeScope(scope);
  const detail = scope.kind === 'resource' ? scope.resourceType : undefined;
  return add({ key: `scope:${scope.kind}:${scope.resourceType ?? ''}:${label}`, kind: 'scope', label, ...(detail ? { detail } : {}) });
}

function grantLabel(g: Grant): string {
  if (g.kind === 'accessPolicy') return 'Key Vault access policy';
  const role = roleName(g);
  return g.kind === 'dataPlane' ? `${role} (data plane)` : role;
}

function slug(text: string): string {
  const s = text
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 40);
  return s || 'node';
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
