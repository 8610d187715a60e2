/**
 * Identities and grants whose shape the platform documents: a machine's identity used by the Guest
 * Configuration extension (Azure Policy's machine configuration) or the Azure Monitor Agent, which
 * authenticate to their services and need no Azure role (`missing-role-grant` leaves it out), and
 * a Backup vault's roles on its snapshot resource group (`broad-scope` leaves them out).
 */
import type { ResourceInstance } from '../model/template.js';
import { asString, getPath, getProp, type Value } from '../model/value.js';
import type { Grant, Identity, IdentityGraph } from './types.js';
import { unwrap } from './values.js';

/** Extensions whose agents authenticate with the machine's managed identity and need no Azure role. */
const AGENT_EXTENSIONS: Record<string, RegExp> = {
  // Azure Policy's machine configuration.
  'microsoft.guestconfiguration': /.*/,
  // The Azure Monitor Agent: data collection rules authorise what it sends.
  'microsoft.azure.monitor': /^azuremonitor(windows|linux)agent$/i,
};

const cache = new WeakMap<IdentityGraph, Set<string>>();

/**
 * Whether the identity exists for a platform agent: every workload it is attached to is a machine
 * that carries the Guest Configuration or the Azure Monitor Agent extension.
 */
export function usedByPlatformAgent(identity: Identity, graph: IdentityGraph): boolean {
  if (identity.workloads.length === 0) return false;
  const machines = machinesWithAgents(graph);
  return identity.workloads.every((w) => machines.has(w.resource.key));
}

function machinesWithAgents(graph: IdentityGraph): Set<string> {
  let set = cache.get(graph);
  if (set) return set;
  set = new Set();
  for (const r of graph.resources) {
    if (inlineExtensions(r).some(isAgent)) set.add(r.key);
    const machine = extensionTarget(r);
    if (machine && isAgent(r.format === 'terraform' ? r.body : getProp(r.body, 'properties'))) set.add(machine.key);
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

function isAgent(settings: Value | undefined): boolean {
  const publisher = asString(getProp(settings, 'publisher'))?.toLowerCase();
  const type = asString(getProp(settings, 'type')) ?? '';
  return publisher !== undefined && publisher in AGENT_EXTENSIONS && AGENT_EXTENSIONS[publisher].test(type);
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
