import type { IdentityGraph } from './types.js';

/**
 * A format-neutral digest of an identity graph: what two front ends must agree on when they read
 * the same deployment (a Bicep file and the ARM JSON compiled from it). Sorted lines.
 */
export function summarizeGraph(graph: IdentityGraph): string[] {
  const lines: string[] = [];
  for (const identity of graph.identities) {
    // An identity nothing here creates or attaches is only a reference: nothing to agree on (an
    // ARM template of languageVersion 1.0 does not even keep `existing` declarations).
    if (identity.workloads.length === 0 && (identity.kind !== 'user' || !identity.createdHere)) continue;
    lines.push(`identity ${identity.kind} created=${identity.createdHere} workloads=${identity.workloads.length}`);
  }
  for (const grant of graph.grants) {
    // An unresolved role is just that: how each front end renders the unknown is not the point.
    const role = grant.role?.id ?? (grant.roleValue ? 'unresolved' : 'none');
    lines.push(`grant ${grant.kind} role=${role} scope=${grant.scope.kind} principal=${grant.principal.kind}${grant.principal.identity ? `/${grant.principal.identity.kind}` : ''}`);
  }
  return lines.sort();
}
