/**
 * Deployment slots and their production apps, and what grants a slot lacks.
 *
 * A slot is `Microsoft.Web/sites/slots` (Bicep `parent:`, an ARM `app/slot` name or nested
 * resource, azapi `parent_id`) or an azurerm `azurerm_{linux,windows}_{web,function}_app_slot`
 * (`app_service_id` / `function_app_id`), `azurerm_app_service_slot` (`app_service_name`),
 * `azurerm_function_app_slot` (`function_app_name`). Managed identities stay with their slot when
 * slots swap: after a swap the production traffic runs as the slot's identities, so they need the
 * grants production's identities hold.
 */
import type { ResourceInstance } from '../model/template.js';
import { asString, getProp } from '../model/value.js';
import { armView } from './arm-view.js';
import { grantsOf } from './grant-index.js';
import { mayGiveSame, sameGrantKey } from './grant-keys.js';
import type { DeploymentSlot, Grant, Identity, IdentityGraph } from './types.js';
import { lowerPath, unwrap } from './values.js';

const SITE = 'microsoft.web/sites';
const SLOT = 'microsoft.web/sites/slots';

/** azurerm slot types and the argument naming their app: by ID, or by name. */
const AZURERM_SLOTS: Record<string, { arg: string; byName: boolean; app: RegExp }> = {
  azurerm_linux_web_app_slot: { arg: 'app_service_id', byName: false, app: /^azurerm_linux_web_app$/ },
  azurerm_windows_web_app_slot: { arg: 'app_service_id', byName: false, app: /^azurerm_windows_web_app$/ },
  azurerm_linux_function_app_slot: { arg: 'function_app_id', byName: false, app: /^azurerm_linux_function_app$/ },
  azurerm_windows_function_app_slot: { arg: 'function_app_id', byName: false, app: /^azurerm_windows_function_app$/ },
  azurerm_app_service_slot: { arg: 'app_service_name', byName: true, app: /^azurerm_app_service$/ },
  azurerm_function_app_slot: { arg: 'function_app_name', byName: true, app: /^azurerm_function_app$/ },
};

function isApp(r: ResourceInstance): boolean {
  return armView(r)?.type === SITE || /^azurerm_(?:(?:linux|windows)_(?:web|function)_app|app_service|function_app)$/.test(r.type);
}

/** The production app a slot belongs to, when it is declared here. */
function productionApp(slot: ResourceInstance, resources: ResourceInstance[]): ResourceInstance | undefined {
  const azurerm = AZURERM_SLOTS[slot.type];
  if (azurerm) {
    const v = unwrap(getProp(slot.body, azurerm.arg));
    if (v?.kind === 'ref' && azurerm.app.test(v.resource.type)) {
      const path = lowerPath(v.path);
      if (path === (azurerm.byName ? 'name' : 'id')) return v.resource;
    }
    const name = azurerm.byName ? asString(v) : undefined;
    if (name === undefined) return undefined;
    return resources.find((r) => azurerm.app.test(r.type) && sameRoot(r, slot) && asString(unwrap(r.name))?.toLowerCase() === name.toLowerCase());
  }
  if (slot.parent && isApp(slot.parent)) return slot.parent;
  if (slot.type === 'azapi_resource') {
    const v = unwrap(getProp(slot.body, 'parent_id'));
    if (v?.kind === 'ref' && isApp(v.resource) && ['id', ''].includes(lowerPath(v.path))) return v.resource;
  }
  return undefined;
}

function sameRoot(a: ResourceInstance, b: ResourceInstance): boolean {
  return (a.callChain[0] ?? a.decl).file === (b.callChain[0] ?? b.decl).file || (a.format === 'terraform' && a.key.split('#')[0] === b.key.split('#')[0]);
}

function isSlot(r: ResourceInstance): boolean {
  return AZURERM_SLOTS[r.type] !== undefined || armView(r)?.type === SLOT;
}

/** Every slot created here whose production app is declared here (an `existing` app included). */
export function findSlots(graph: IdentityGraph): DeploymentSlot[] {
  const workloads = new Map(graph.workloads.map((w) => [w.resource.key, w]));
  const slots: DeploymentSlot[] = [];
  for (const r of graph.resources) {
    if (r.existing || !isSlot(r)) continue;
    const app = productionApp(r, graph.resources);
    if (!app) continue;
    const slot: DeploymentSlot = { id: `slot:${r.key}`, resource: r, at: r.decl, app };
    const workload = workloads.get(r.key);
    if (workload) slot.workload = workload;
    const appWorkload = workloads.get(app.key);
    if (appWorkload) slot.appWorkload = appWorkload;
    slots.push(slot);
  }
  return slots;
}

export interface SlotDrift {
  slot: DeploymentSlot;
  /** Grants of the production app's identities that no identity of the slot holds (one per role and scope). */
  lacking: Grant[];
}

const driftCache = new WeakMap<IdentityGraph, Map<DeploymentSlot, SlotDrift | undefined>>();

/**
 * The production grants the slot's identities lack; undefined when there are none, or when the
 * slot carries an identity owned elsewhere (its grants are not all here: unknown, so no answer).
 * An identity shared by the slot and its app holds the app's grants by construction.
 */
export function slotDrift(graph: IdentityGraph, slot: DeploymentSlot): SlotDrift | undefined {
  let cache = driftCache.get(graph);
  if (!cache) {
    cache = new Map();
    driftCache.set(graph, cache);
  }
  if (cache.has(slot)) return cache.get(slot);
  const result = computeDrift(graph, slot);
  cache.set(slot, result);
  return result;
}

function computeDrift(graph: IdentityGraph, slot: DeploymentSlot): SlotDrift | undefined {
  const production = slot.appWorkload?.identities ?? [];
  const own = slot.workload?.identities ?? [];
  if (production.length === 0) return undefined;
  if (own.some((i) => !production.includes(i) && !i.createdHere)) return undefined;
  const ownGrants = own.flatMap((i) => grantsOf(graph, i));
  const lacking: Grant[] = [];
  for (const identity of production) {
    if (own.includes(identity)) continue;
    for (const grant of grantsOf(graph, identity)) {
      if (ownGrants.some((g) => mayGiveSame(grant, g))) continue;
      if (lacking.some((g) => sameGrantKey(g, grant))) continue;
      lacking.push(grant);
    }
  }
  return lacking.length > 0 ? { slot, lacking } : undefined;
}

/**
 * One mistake, one finding: an identity every workload of which is a slot that lacks its
 * production app's grants is slot-identity-drift's to report, whether it holds some grant or none.
 */
export function reportedAsSlotDrift(graph: IdentityGraph, identity: Identity): boolean {
  if (identity.workloads.length === 0) return false;
  return identity.workloads.every((w) => {
    const slot = graph.slots.find((s) => s.workload === w);
    return slot !== undefined && slotDrift(graph, slot) !== undefined;
  });
}

/**
 * Is the resource a slot of an app declared here? Its access is judged against its production
 * app's (slot-identity-drift), so rules about single uses leave it alone.
 */
export function isSlotOfDeclaredApp(r: ResourceInstance, graph: IdentityGraph): boolean {
  return isSlot(r) && productionApp(r, graph.resources) !== undefined;
}
