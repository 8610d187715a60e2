/**
 * How identities are wired beyond attachments and grants, added to the graph once the builder has
 * its identities, workloads and grants: AKS clusters' control-plane and kubelet identities, grants
 * whose principal is written with another of the identity's IDs (still that identity, for the other
 * rules; `identity-id-mismatch` reports the ID), deployment slots, federated credentials and the
 * Kubernetes service accounts they trust.
 */
import { wireClusters, type ClusterWiring } from './aks.js';
import type { ServiceAccountManifest } from '../model/kubernetes.js';
import { findCredentials, linkServiceAccounts } from './federation.js';
import { identityIdOf } from './identity-ids.js';
import { findSlots } from './slots.js';
import type { IdentityGraph } from './types.js';

export function wireIdentities(graph: IdentityGraph, manifests: ServiceAccountManifest[], wiring: ClusterWiring): void {
  graph.clusters = wireClusters(graph, wiring);
  for (const grant of graph.grants) {
    if (grant.principal.identity) continue;
    const id = identityIdOf(graph, grant.principal.value);
    if (!id?.identity || (id.property !== 'principalId' && id.property !== 'clientId' && id.property !== 'resourceId')) continue;
    grant.principal.identity = id.identity;
    grant.principal.kind = 'managedIdentity';
  }
  graph.slots = findSlots(graph);
  graph.federatedCredentials = findCredentials(graph);
  graph.serviceAccounts = manifests.map((m) => ({ ...m, id: `serviceaccount:${m.file}:${m.at.range.start.line}`, trustedBy: [] }));
  linkServiceAccounts(graph.serviceAccounts, graph.federatedCredentials);
}
