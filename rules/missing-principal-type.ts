import { describePrincipal, isSet, isTrue, isWorkloadPrincipal, describeRole } from '../src/graph/queries.js';
import type { Rule } from '../src/engine/types.js';
import { adviceDialect } from '../src/graph/dialect.js';

/**
 * A role assignment to a service principal without `principalType: 'ServicePrincipal'`: Azure then
 * looks the principal up in Entra ID, and a managed identity created seconds earlier may not have
 * replicated yet, so the deployment fails intermittently with PrincipalNotFound.
 */
const rule: Rule = {
  meta: {
    id: 'missing-principal-type',
    description: "A role assignment to a service principal does not set principalType: 'ServicePrincipal'.",
    severity: 'warning',
    messages: {
      arm: "The assignment of {{role}} to {{principal}} does not set principalType; add principalType: 'ServicePrincipal' so it does not race the identity's replication.",
      armUnknownKind:
        "The assignment of {{role}} to {{principal}} does not set principalType; take the principal's type as a parameter beside its ID and pass it to principalType, so an assignment to a new service principal does not race its replication.",
      terraform:
        "The assignment of {{role}} to {{principal}}, created in this configuration, sets neither principal_type nor skip_service_principal_aad_check; add principal_type = \"ServicePrincipal\" so it does not race the identity's replication.",
      azapi:
        "The assignment of {{role}} to {{principal}}, created in this configuration, does not set principalType; add principalType = \"ServicePrincipal\" to body.properties so it does not race the identity's replication.",
      azcli:
        "The assignment of {{role}} to {{principal}} does not pass both --assignee-object-id and --assignee-principal-type, so the CLI looks the principal up in Microsoft Graph, which fails with 'principal not found' while a new identity replicates; pass --assignee-object-id <object id> --assignee-principal-type ServicePrincipal.",
      powershell:
        "The assignment of {{role}} to {{principal}} does not pass -ObjectId with -ObjectType, so New-AzRoleAssignment looks the principal up in Microsoft Graph, which fails while a new identity replicates; pass -ObjectId <object id> -ObjectType ServicePrincipal.",
    },
    docs: 'docs/rules/missing-principal-type.md',
  },
  check(graph, context) {
    for (const grant of graph.grants) {
      if (grant.kind !== 'rbac' || !isWorkloadPrincipal(grant) || isSet(grant.principalType)) continue;
      const data = { role: describeRole(grant), principal: describePrincipal(grant) };
      // principalType written as a pass-through that gives nothing (`roleAssignment.?principalType`):
      // the caller that passes the principal left its type out, so the finding is at that call.
      const value = grant.principalType ? grant.principal.value : undefined;
      if (grant.resource.format === 'terraform') {
        // Only a principal created in the same configuration races its own replication.
        if (isTrue(grant.skipPrincipalCheck) || !grant.principal.identity?.createdHere) continue;
        context.report({ node: grant, value, messageId: grant.resource.type === 'azapi_resource' ? 'azapi' : 'terraform', data });
      } else {
        const dialect = adviceDialect(grant.resource);
        if (dialect === 'azcli' || dialect === 'powershell') {
          context.report({ node: grant, value, messageId: dialect, data });
          continue;
        }
        // A principal of unknown kind may be a user or a group: its type comes from the caller.
        const unknownKind = !grant.principal.identity && grant.principal.kind === 'unknown';
        context.report({ node: grant, value, messageId: unknownKind ? 'armUnknownKind' : 'arm', data });
      }
    }
  },
};

export default rule;
