/**
 * Access needs: what a workload reaches through one of its identities, as its configuration shows
 * (a Key Vault reference, an image pull by identity, Functions host storage on an identity, a
 * customer-managed key, ...). Each need names the identity used (or none, when it cannot be told),
 * the target (declared here, known by name only, or unknown), the operations the use performs, and
 * where the use is written. The shapes are read in `needs-arm.ts` (Bicep, ARM JSON, azapi bodies)
 * and `needs-azurerm.ts`; whether a need is met is `access.ts`'s question.
 */
import type { Location } from '../model/location.js';
import type { ResourceInstance } from '../model/template.js';
import { asString, type Value } from '../model/value.js';
import { azureResourceKey } from './build.js';
import { identityIdOf } from './identity-ids.js';
import { armNeeds } from './needs-arm.js';
import { azurermNeeds } from './needs-azurerm.js';
import type { Operation } from './permissions.js';
import { parseResourceIdShape } from './resource-id.js';
import { isManagedHsmKey, ResourceIndex, targetOf, type NeedTarget, type TargetQuery } from './targets.js';
import type { Identity, IdentityGraph } from './types.js';
import { unwrap } from './values.js';

export type NeedKind =
  | 'keyVaultReference'
  | 'keyVaultSecret'
  | 'keyVaultCertificate'
  | 'imagePull'
  | 'hostStorage'
  | 'deploymentStorage'
  | 'storageConnection'
  | 'messagingConnection'
  | 'customerManagedKey';

export interface AccessNeed {
  /** Unique in the graph: the declaration and where the use is written. */
  id: string;
  kind: NeedKind;
  /** The resource whose identity makes the call (the app, the container group, the storage account). */
  workload: ResourceInstance;
  /** The identity used, when it can be told. */
  identity?: Identity;
  /** The value that selects the identity, absent when the platform's default (the system-assigned identity) applies. */
  identityValue?: Value;
  /** The identity is attached to the workload (a selected identity that is not attached is another mistake). */
  attached: boolean;
  target: NeedTarget;
  operations: Operation[];
  /** `all`: every operation is needed; `any`: one suffices (a binding whose direction the configuration does not say). */
  requires: 'all' | 'any';
  /** The declaration in which the use is written (the app, or its `config` child). */
  resource: ResourceInstance;
  /** Where the use is written: the setting, the registry entry, the encryption block. */
  at: Location;
  /** The use in words, for messages: `the Key Vault reference in app setting 'Smtp__Password'`. */
  use: string;
  /** The value that names the target, as written: a finding points at the module call that passes it in. */
  value?: Value;
}

/** How a use selects its identity. */
export type IdentitySelector =
  /** A value: a user-assigned identity's resource or client ID, or a keyword (`system`, `SystemAssigned`). */
  | { value: Value }
  /** The workload's one identity, whichever kind (services that use "the" identity of the resource). */
  | { sole: true };

/** What a shape reader finds; needs.ts resolves the identity and the target against the graph. */
export interface NeedFacts {
  kind: NeedKind;
  workload: ResourceInstance;
  resource: ResourceInstance;
  at: Location;
  /** Absent: the workload's system-assigned identity. */
  identity?: IdentitySelector;
  target: Value | undefined;
  query: TargetQuery;
  operations: Operation[];
  requires?: 'all' | 'any';
  use: string;
}

const SYSTEM_KEYWORDS = new Set(['system', 'systemassigned', 'systemassignedidentity']);
const UAMI = 'Microsoft.ManagedIdentity/userAssignedIdentities';

/** Every access need the analysed files configure, in resource order. */
export function collectAccessNeeds(graph: IdentityGraph): AccessNeed[] {
  const found: NeedFacts[] = [];
  for (const r of graph.resources) {
    for (const facts of r.format === 'terraform' ? azurermNeeds(r, graph) : armNeeds(r, graph)) {
      if (!isManagedHsmKey(facts.target)) found.push(facts);
    }
    if (r.type === 'azapi_resource') found.push(...armNeeds(r, graph).filter((f) => !isManagedHsmKey(f.target)));
  }
  if (found.length === 0) return [];
  // Indexes only when there is something to resolve: most projects configure few uses.
  const index = new ResourceIndex(graph.resources);
  const attachments = new Map<string, Identity[]>();
  for (const w of graph.workloads) {
    const key = azureResourceKey(w.resource);
    attachments.set(key, [...(attachments.get(key) ?? []), ...w.identities]);
  }
  // A customer-managed key whose location is not known may be in a Managed HSM, whose local RBAC
  // grantlint does not read: such a key is no known need.
  return found.map((facts) => resolveNeed(facts, graph, index, attachments)).filter((n) => n.kind !== 'customerManagedKey' || n.target.kind !== 'unknown');
}

function resolveNeed(facts: NeedFacts, graph: IdentityGraph, index: ResourceIndex, attachments: Map<string, Identity[]>): AccessNeed {
  const attachedHere = attachments.get(azureResourceKey(facts.workload)) ?? [];
  const identity = selectIdentity(facts, graph, index, attachedHere);
  const target = targetOf(facts.target, facts.query, index, facts.resource);
  const need: AccessNeed = {
    id: `${facts.resource.key}@${facts.at.range.start.line}:${facts.at.range.start.column}`,
    kind: facts.kind,
    workload: facts.workload,
    attached: !!identity && attachedHere.includes(identity),
    target,
    operations: operationsFor(facts.operations, target),
    requires: facts.requires ?? 'all',
    resource: facts.resource,
    at: facts.at,
    use: facts.use,
  };
  if (identity) need.identity = identity;
  if (facts.target) need.value = facts.target;
  if (facts.identity && 'value' in facts.identity) need.identityValue = facts.identity.value;
  return need;
}

/** A messaging host names either service: once the target's type is known, only its operations count. */
function operationsFor(ops: Operation[], target: NeedTarget): Operation[] {
  if (!target.resourceType) return ops;
  const ns = `${target.resourceType.split('/')[0].toLowerCase()}/`;
  const mine = ops.filter((op) => op.name.toLowerCase().startsWith(ns));
  return mine.length > 0 ? mine : ops;
}

function selectIdentity(facts: NeedFacts, graph: IdentityGraph, index: ResourceIndex, attached: Identity[]): Identity | undefined {
  const system = (): Identity | undefined => graph.identityIndex.get(`system:${azureResourceKey(facts.workload)}`);
  const selector = facts.identity;
  if (!selector) return system();
  if ('sole' in selector) return attached.length === 1 ? attached[0] : undefined;
  const v = unwrap(selector.value);
  const text = asString(v);
  if (text !== undefined && SYSTEM_KEYWORDS.has(text.trim().toLowerCase())) return system();
  const id = identityIdOf(graph, v);
  if (id?.identity) return id.identity;
  if (id?.resource && id.system) return graph.identityIndex.get(`system:${azureResourceKey(id.resource)}`);
  // A user-assigned identity's resource ID written out: the identity of that name deployed here.
  if (text !== undefined && text.startsWith('/')) {
    const shape = parseResourceIdShape({ kind: 'string', value: text });
    if (shape?.resourceType?.toLowerCase() === UAMI.toLowerCase() && shape.label) {
      const [declared] = index.named(UAMI, shape.label, facts.resource);
      if (declared) return graph.identityIndex.get(`user:${azureResourceKey(declared)}`);
    }
  }
  return undefined;
}
