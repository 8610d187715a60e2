import { assessNeed } from '../../graph/access.js';
import { describeTarget } from '../../graph/need-messages.js';
import type { AccessNeed } from '../../graph/needs.js';
import { describeScope, roleName, SCOPE_WORDS } from '../../graph/queries.js';
import type { Finding, Severity } from '../../engine/types.js';
import type { Grant, Identity, IdentityGraph } from '../../graph/types.js';
import { unwrap } from '../../graph/values.js';
import { describeValue } from '../../model/value.js';
import type { Location, Position, Range } from '../../model/location.js';
import type { ResourceInstance } from '../../model/template.js';
import { displayPath } from '../paths.js';

/** `credential`: a federated identity credential, which an identity trusts. */
export type ViewNodeKind = 'workload' | 'identity' | 'principal' | 'scope' | 'credential';

export interface ViewNode {
  /** Deterministic and readable: kind prefix and the symbol, numbered on a clash. */
  id: string;
  kind: ViewNodeKind;
  /**
   * The symbol or name people recognise, with the module path that reached it
   * (`site`, `appA/site` for a Bicep module call, `module.aks.azurerm_kubernetes_cluster.main`).
   */
  label: string;
  /** A second line: resource type, identity kind, scope kind. */
  detail?: string;
  file?: string;
  line?: number;
  /** Instances (loop copies) that look the same and are drawn as this one node, when more than one. */
  count?: number;
}

export interface ViewEdge {
  from: string;
  to: string;
  /** `slot`: a deployment slot to its production app; `trusts`: an identity to a federated credential; `needs`: an access need to its target. */
  kind: 'uses' | 'grant' | 'needs' | 'slot' | 'trusts';
  /** For a grant: the role name (or `access policy`, or the role expression when not resolved). For a need: what it needs and whether a grant meets it. */
  label?: string;
  /** For a need: whether a grant meets it (absent when the identity cannot be told). */
  met?: boolean;
  file?: string;
  line?: number;
  /** For a grant: the most severe finding reported on it, and the rules that reported. */
  severity?: Severity;
  rules?: string[];
}

/** The identity graph as people read it: who (workload, identity) can do what (role) where (scope). */
export interface GraphView {
  nodes: ViewNode[];
  edges: ViewEdge[];
}

const KIND_ORDER: Record<ViewNodeKind, number> = { workload: 0, identity: 1, principal: 2, scope: 3, credential: 4 };
const PREFIX: Record<ViewNodeKind, string> = { workload: 'w', identity: 'i', principal: 'p', scope: 's', credential: 'c' };

interface Draft {
  key: string;
  kind: ViewNodeKind;
  label: string;
  detail?: string;
  at?: Location;
  /** The root deployment (file or Terraform root folder) the node belongs to. */
  root?: string;
}

const RANK: Record<Severity, number> = { info: 1, warning: 2, error: 3 };

/** Colours of a grant by the most severe finding on it, shared by the renderers and their legends. */
export const FINDING_COLORS: Record<Severity, string> = { error: '#d93025', warning: '#e37400', info: '#1a73e8' };

/** The second line of a node: its detail, and how many instances it stands for. */
export function nodeDetail(n: ViewNode): string | undefined {
  const count = n.count ? `×${n.count}` : undefined;
  return [n.detail, count].filter(Boolean).join(' ') || undefined;
}

/** A grant's label: the role, and the rules that report it. */
export function edgeLines(e: ViewEdge): string[] {
  return [e.label ?? 'grant', ...(e.rules && e.rules.length > 0 ? [`✖ ${e.rules.join(', ')}`] : [])];
}

/**
 * Projects the graph onto nodes and edges with relative paths and ids that depend only on the
 * input, never on absolute paths or traversal order, so that renderings are stable in reviews.
 * Loop instances of one grant that say the same thing collapse into one edge, and nodes that would
 * be drawn the same (loop copies, one data source read per instance) into one node. A grant on which
 * a finding is reported carries the finding's severity, so the picture shows the bad grants.
 */
export function graphView(graph: IdentityGraph, cwd: string, findings: Finding[] = []): GraphView {
  const drafts = new Map<string, Draft>();
  const add = (d: Draft): string => {
    if (!drafts.has(d.key)) drafts.set(d.key, d);
    return d.key;
  };
  const identityNode = (identity: Identity): string =>
    add({
      key: `identity:${identity.id}`,
      kind: 'identity',
      label: identity.resource ? withModulePath(identity.resource, identity.label) : identity.label,
      root: identity.resource ? rootOf(identity.resource) : undefined,
      detail: identity.kind === 'system' ? 'system-assigned identity' : identity.kind === 'user' ? (identity.createdHere ? 'user-assigned identity' : 'user-assigned identity (existing)') : identity.kind === 'kubelet' ? 'kubelet identity (created by AKS)' : 'identity passed in',
      at: identity.kind === 'user' ? identity.resource?.decl : undefined,
    });

  const edges: { from: string; to: string; kind: ViewEdge['kind']; label?: string; at?: Location; findings?: Finding[]; met?: boolean }[] = [];
  for (const w of graph.workloads) {
    const from = add({
      key: `workload:${w.resource.key}`,
      kind: 'workload',
      label: withModulePath(w.resource, w.resource.symbol),
      detail: w.resource.type,
      at: w.resource.decl,
      root: rootOf(w.resource),
    });
    for (const identity of w.identities) edges.push({ from, to: identityNode(identity), kind: 'uses' });
  }
  for (const identity of graph.identities) identityNode(identity);
  const resourceNode = (r: ResourceInstance): string =>
    add({ key: `workload:${r.key}`, kind: 'workload', label: withModulePath(r, r.symbol), detail: r.type, at: r.decl, root: rootOf(r) });
  for (const slot of graph.slots) edges.push({ from: resourceNode(slot.resource), to: resourceNode(slot.app), kind: 'slot', label: 'slot of' });
  for (const c of graph.federatedCredentials) {
    const subject = unwrap(c.subject);
    const node = add({
      key: `credential:${c.resource.key}`,
      kind: 'credential',
      label: withModulePath(c.resource, c.resource.symbol),
      detail: subject ? `subject ${describeValue(subject)}` : 'federated credential',
      at: c.at,
      root: rootOf(c.resource),
    });
    if (c.identity) edges.push({ from: identityNode(c.identity), to: node, kind: 'trusts', label: 'trusts' });
  }
  for (const g of graph.grants) {
    const from = g.principal.identity ? identityNode(g.principal.identity) : principalNode(g, add);
    edges.push({ from, to: scopeNode(g, add, drafts, cwd), kind: 'grant', label: grantLabel(g), at: g.at, findings: findingsOn(g, findings) });
  }
  for (const n of graph.needs) {
    const from = n.identity ? identityNode(n.identity) : `workload:${n.workload.key}`;
    if (!drafts.has(from)) continue;
    const need = needEdge(n, graph);
    edges.push({ from, to: needTargetNode(n, add, drafts), kind: 'needs', label: need.label, at: n.at, ...(need.met === undefined ? {} : { met: need.met }) });
  }
  const instanceCounts = mergeLookAlikes(drafts, edges);


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
  // Nodes that look alike but belong to different root deployments (one module called from two
  // roots) say which root they belong to; the others stay short.
  const look = (d: Draft): string => `${d.kind}|${d.label}|${d.detail ?? ''}`;
  const rootsByLook = new Map<string, Set<string | undefined>>();
  for (const d of drafts.values()) rootsByLook.set(look(d), (rootsByLook.get(look(d)) ?? new Set()).add(d.root));
  const counts = instanceCounts;
  const ids = new Map<string, string>();
  const used = new Set<string>();
  const nodes: ViewNode[] = sorted.map((d) => {
    const base = `${PREFIX[d.kind]}_${slug(d.label)}`;
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base}_${n}`;
    used.add(id);
    ids.set(d.key, id);
    const node: ViewNode = { id, kind: d.kind, label: d.label };
    const detail = [d.detail, rootsByLook.get(look(d))!.size > 1 && d.root ? `in ${displayPath(d.root, cwd)}` : undefined].filter(Boolean).join(' · ');
    if (detail) node.detail = detail;
    const count = counts.get(d.key);
    return { ...node, ...rel(d.at), ...(count && count > 1 ? { count } : {}) };
  });

  const seen = new Map<string, ViewEdge>();
  const viewEdges: ViewEdge[] = [];
  for (const e of edges) {
    const edge: ViewEdge = { from: ids.get(e.from)!, to: ids.get(e.to)!, kind: e.kind };
    if (e.label) edge.label = e.label;
    if (e.met !== undefined) edge.met = e.met;
    Object.assign(edge, rel(e.at));
    const key = `${edge.from}|${edge.to}|${edge.kind}|${edge.label ?? ''}|${edge.file ?? ''}:${edge.line ?? ''}`;
    const found = e.findings ?? [];
    const existing = seen.get(key);
    const target = existing ?? edge;
    if (found.length > 0) {
      const severity = found.reduce<Severity>((s, f) => (RANK[f.severity] > RANK[s] ? f.severity : s), found[0].severity);
      if (!target.severity || RANK[severity] > RANK[target.severity]) target.severity = severity;
      target.rules = [...new Set([...(target.rules ?? []), ...found.map((f) => f.ruleId)])].sort();
    }
    if (existing) continue;
    seen.set(key, edge);
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

function scopeNode(g: Grant, add: (d: Draft) => string, drafts: Map<string, Draft>, cwd: string): string {
  const scope = g.scope;
  if (scope.resource) {
    // A grant on a workload (one app reading another) points at the workload's own node.
    const workload = `workload:${scope.resource.key}`;
    if (drafts.has(workload)) return workload;
    return add({
      key: `scope:${scope.resource.key}`,
      kind: 'scope',
      label: scope.label ?? withModulePath(scope.resource, scope.resource.symbol),
      detail: scope.kind === 'resource' ? (scope.resourceType ?? scope.resource.type) : SCOPE_WORDS[scope.kind],
      at: scope.resource.decl,
      root: rootOf(scope.resource),
    });
  }
  const label = scope.kind === 'resource' ? (scope.label ?? 'a resource') : scope.kind === 'unknown' ? unknownScopeLabel(g, cwd) : describeScope(scope);
  const detail = scope.kind === 'resource' ? scope.resourceType : undefined;
  return add({ key: `scope:${scope.kind}:${scope.resourceType ?? ''}:${label}`, kind: 'scope', label, ...(detail ? { detail } : {}) });
}

const NEED_WORDS: Record<AccessNeed['kind'], string> = {
  keyVaultReference: 'Key Vault secret',
  keyVaultSecret: 'Key Vault secret',
  keyVaultCertificate: 'Key Vault certificate',
  imagePull: 'image pull',
  hostStorage: 'host storage',
  deploymentStorage: 'deployment storage',
  storageConnection: 'storage connection',
  messagingConnection: 'messaging connection',
  customerManagedKey: 'customer-managed key',
};

/** `needs Key Vault secret (granted)`: what the use needs and whether a grant meets it. */
function needEdge(n: AccessNeed, graph: IdentityGraph): { label: string; met?: boolean } {
  const what = `needs ${NEED_WORDS[n.kind]}`;
  if (!n.identity) return { label: `${what} (identity unknown)` };
  const verdict = assessNeed(n, graph.grants, graph).verdict;
  if (verdict === 'met') return { label: `${what} (granted)`, met: true };
  return { label: `${what} (${verdict === 'model' ? 'grant ignored by the vault' : 'not granted'})`, met: false };
}

/**
 * The target of a need as a node: the declared resource's node (the one its grants point at), or a
 * resource scope of the name the configuration writes, keyed as scopeNode keys such scopes.
 */
function needTargetNode(n: AccessNeed, add: (d: Draft) => string, drafts: Map<string, Draft>): string {
  const r = n.target.resources[0];
  const type = n.target.resourceType;
  if (r) {
    const workload = `workload:${r.key}`;
    if (drafts.has(workload)) return workload;
    return add({ key: `scope:${r.key}`, kind: 'scope', label: n.target.name ?? withModulePath(r, r.symbol), detail: type ?? r.type, at: r.decl, root: rootOf(r) });
  }
  const label = n.target.name ?? describeTarget(n.target);
  return add({ key: `scope:resource:${type ?? ''}:${label}`, kind: 'scope', label, ...(type ? { detail: type } : {}) });
}

/**
 * A scope grantlint cannot resolve is named by the input that sets it, or else by where it is
 * written, so two such scopes are two nodes (not one shared "its scope") and each leads back to a
 * line of the user's code.
 */
function unknownScopeLabel(g: Grant, cwd: string): string {
  const v = unwrap(g.scope.value);
  // As written: Terraform's `var.x`, Bicep's and ARM's parameter name.
  if (v?.kind === 'unknown' && v.input) return `scope from ${g.resource.format === 'terraform' ? `var.${v.input.name}` : v.input.name}`;
  const at = g.scope.value?.at ?? g.at;
  return `scope set at ${displayPath(at.file, cwd)}:${at.range.start.line}`;
}

/** The findings reported on a grant: at its declaration, or at a module call on the way to it. */
function findingsOn(g: Grant, findings: Finding[]): Finding[] {
  const places = [g.at, g.resource.decl, ...g.resource.callChain];
  return findings.filter((f) => places.some((at) => at.file === f.file && overlaps(at.range, f.range)));
}

function overlaps(a: Range, b: Range): boolean {
  const before = (x: Position, y: Position): boolean => x.line < y.line || (x.line === y.line && x.column < y.column);
  return !before(a.end, b.start) && !before(b.end, a.start);
}

/**
 * The module path that led to a resource, in the words of its language: Terraform's address
 * (`module.aks.azurerm_kubernetes_cluster.main`), Bicep's module symbols (`appA/site`). Read from
 * the instance key, which the front ends build as file or root folder, module path and symbol.
 * ARM nested deployments have no names to show: the symbol alone.
 */
export function withModulePath(resource: ResourceInstance, label: string): string {
  if (resource.callChain.length === 0) return label;
  const hash = resource.key.lastIndexOf('#');
  if (resource.format === 'terraform') {
    const address = resource.key.slice(hash + 1).replace(/\[[^\]]*\]/g, '');
    const prefix = /^((?:module\.[^.]+\.)+)/.exec(address)?.[1];
    return prefix ? `${prefix}${label}` : label;
  }
  if (resource.format === 'bicep') {
    const modules = resource.key.slice(0, hash).split('>').slice(1).map((m) => m.replace(/\[[^\]]*\]$/, ''));
    return modules.length > 0 ? [...modules, label].join('/') : label;
  }
  return label;
}

/** The root deployment of an instance: the file (Bicep, ARM) or folder (Terraform) that no file calls. */
function rootOf(resource: ResourceInstance): string {
  return resource.key.split(/[#>]/)[0].trim();
}

/**
 * Nodes that would be drawn alike (same kind, label, detail and root) become one: loop copies of
 * one declaration, one data source read per instance. Edges move to the kept node. Returns how
 * many nodes each kept one stands for.
 */
function mergeLookAlikes(drafts: Map<string, Draft>, edges: { from: string; to: string }[]): Map<string, number> {
  const keptBy = new Map<string, string>();
  const into = new Map<string, string>();
  const counts = new Map<string, number>();
  for (const d of drafts.values()) {
    const look = `${d.kind}|${d.label}|${d.detail ?? ''}|${d.root ?? ''}`;
    const kept = keptBy.get(look);
    if (!kept) {
      keptBy.set(look, d.key);
      counts.set(d.key, 1);
      continue;
    }
    into.set(d.key, kept);
    counts.set(kept, counts.get(kept)! + 1);
    const k = drafts.get(kept)!;
    // The earliest declaration stands for the group, whatever order the instances came in.
    if (d.at && (!k.at || cmp(`${d.at.file}:${String(d.at.range.start.line).padStart(8, '0')}`, `${k.at.file}:${String(k.at.range.start.line).padStart(8, '0')}`) < 0)) k.at = d.at;
  }
  for (const key of into.keys()) drafts.delete(key);
  for (const e of edges) {
    e.from = into.get(e.from) ?? e.from;
    e.to = into.get(e.to) ?? e.to;
  }
  return counts;
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
