/**
 * Identities and grants whose shape the platform documents: a VM or scale set's system identity used
 * by the Guest Configuration extension (Azure Policy's machine configuration), which authenticates to
 * the Guest Configuration service and needs no Azure role (`missing-role-grant` leaves it out), and
 * a Backup vault's roles on its snapshot resource group (`broad-scope` leaves them out).
 */
import type { ResourceInstance } from '../model/template.js';
import { asString, getPath, getProp, type Value } from '../model/value.js';
import type { Grant, Identity, IdentityGraph } from './types.js';
import { unwrap } from './values.js';

const GUEST_CONFIGURATION = 'microsoft.guestconfiguration';

const cache = new WeakMap<IdentityGraph, Set<string>>();

/** Whether the identity is a machine's system identity that the Guest Configuration extension uses. */
export function usedByGuestConfiguration(identity: Identity, graph: IdentityGraph): boolean {
  if (identity.kind !== 'system' || !identity.resource) return false;
  return machinesWithGuestConfiguration(graph).has(identity.resource.key);
}

function machinesWithGuestConfiguration(graph: IdentityGraph): Set<string> {
  let set = cache.get(graph);
  if (set) return set;
  set = new Set();
  for (const r of graph.resources) {
    if (inlineExtensions(r).some(isGuestConfiguration)) set.add(r.key);
    const machine = extensionTarget(r);
    if (machine && isGuestConfiguration(r.format === 'terraform' ? r.body : getProp(r.body, 'properties'))) set.add(machine.key);
  }
  cache.set(graph, set);
  return set;
}

/** Extensions written inside a scale set's profile. */
function inlineExtensions(r: ResourceInstance): Value[] {
  const list = getPath(r.body, ['properties', 'virtualMachineProfile', 'extensionProfile', 'extensions']);
  if (!list || list.kind !== 'array') return [];
  return list.items.map((e) => getProp(e, 'properties') ?? e);
}

/** The machine an extension resource belongs to (a child resource, or azurerm's `virtual_machine_id`). */
function extensionTarget(r: ResourceInstance): ResourceInstance | undefined {
  if (r.format !== 'terraform') return /\/extensions$/i.test(r.type) ? r.parent : undefined;
  if (r.type !== 'azurerm_virtual_machine_extension' && r.type !== 'azurerm_virtual_machine_scale_set_extension') return undefined;
  const id = unwrap(getProp(r.body, r.type === 'azurerm_virtual_machine_extension' ? 'virtual_machine_id' : 'virtual_machine_scale_set_id'));
  return id?.kind === 'ref' ? id.resource : undefined;
}

function isGuestConfiguration(settings: Value | undefined): boolean {
  return asString(getProp(settings, 'publisher'))?.toLowerCase() === GUEST_CONFIGURATION;
}

/** Backup vault types whose disk and AKS backups work in a snapshot resource group. */
const BACKUP_VAULTS = new Set(['microsoft.dataprotection/backupvaults', 'azurerm_data_protection_backup_vault']);
/** Roles Azure Backup documents on the snapshot resource group (disk and AKS backups). */
const SNAPSHOT_GROUP_ROLES = new Set(['disk snapshot contributor', 'data operator for managed disks']);

/**
 * A Backup vault's identity granted Disk Snapshot Contributor (or Data Operator for Managed Disks)
 * on a resource group: Azure Backup creates the snapshots in that group, so the group is the target.
 */
export function isSnapshotGroupGrant(grant: Grant): boolean {
  if (grant.scope.kind !== 'resourceGroup' || !grant.role || !SNAPSHOT_GROUP_ROLES.has(grant.role.roleName.toLowerCase())) return false;
  const identity = grant.principal.identity;
  return !!identity && identity.workloads.some((w) => BACKUP_VAULTS.has(w.resource.type.toLowerCase()));
}
