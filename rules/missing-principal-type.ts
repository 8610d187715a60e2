import { describePrincipal, isSet, isTrue, isWorkloadPrincipal, describeRole } from '../src/graph/queries.js';
import type { Grant } from '../src/graph/types.js';
import { sameLocation } from '../src/model/location.js';
import type { FixFunction, Rule } from '../src/engine/types.js';
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
      addArm: "Add principalType: 'ServicePrincipal'",
      addTerraform: 'Add principal_type = "ServicePrincipal"',
      addAzapi: 'Add principalType = "ServicePrincipal" to body.properties',
      addIfServicePrincipal: "Add principalType: 'ServicePrincipal' (only if {{principal}} is a managed identity or service principal)",
      addForEveryCaller: "Add principalType: 'ServicePrincipal' (only if every caller of this module passes a managed identity or service principal)",
    },
    docs: 'docs/rules/missing-principal-type.md',
    fixable: true,
    hasSuggestions: true,
  },
  check(graph, context) {
    for (const grant of graph.grants) {
      if (grant.kind !== 'rbac' || !isWorkloadPrincipal(grant) || isSet(grant.principalType)) continue;
      const data = { role: describeRole(grant), principal: describePrincipal(grant) };
      // principalType written as a pass-through that gives nothing (`roleAssignment.?principalType`):
      // the caller that passes the principal left its type out, so the finding is at that call.
      const value = grant.principalType ? grant.principal.value : undefined;
      // A pass-through is the module's contract: no edit here (the caller is where a type is missing).
      const edit = value ? undefined : addPrincipalType(grant);
      // Known to be a service principal (a managed identity is one) where the assignment is written:
      // safe to write. A module's assignment to a principal its caller passes in is shared by every
      // caller, which may pass a user or a group: a person decides, as when the kind is unknown.
      const kindKnown = grant.principal.kind === 'managedIdentity' || grant.principal.kind === 'servicePrincipal';
      const known = kindKnown && decidedInModule(grant);
      const offer = (fixMessageId: string, suggestData?: Record<string, string>) => {
        if (!edit) return {};
        if (known) return { fix: edit, fixMessageId };
        if (kindKnown) return { suggest: [{ messageId: suggestData ? 'addForEveryCaller' : fixMessageId, fix: edit }] };
        return { suggest: [{ messageId: suggestData ? 'addIfServicePrincipal' : fixMessageId, data: suggestData, fix: edit }] };
      };
      if (grant.resource.format === 'terraform') {
        // Only a principal created in the same configuration races its own replication.
        if (isTrue(grant.skipPrincipalCheck) || !grant.principal.identity?.createdHere) continue;
        const azapi = grant.resource.type === 'azapi_resource';
        context.report({ node: grant, value, messageId: azapi ? 'azapi' : 'terraform', data, ...offer(azapi ? 'addAzapi' : 'addTerraform') });
      } else {
        const dialect = adviceDialect(grant.resource);
        if (dialect === 'azcli' || dialect === 'powershell') {
          context.report({ node: grant, value, messageId: dialect, data });
          continue;
        }
        // A principal of unknown kind may be a user or a group: its type comes from the caller.
        const unknownKind = !grant.principal.identity && grant.principal.kind === 'unknown';
        context.report({ node: grant, value, messageId: unknownKind ? 'armUnknownKind' : 'arm', data, ...offer('addArm', data) });
      }
    }
  },
};

/** The assignment is at a root, or its identity is declared in the same module instance as it. */
function decidedInModule(grant: Grant): boolean {
  const chain = grant.resource.callChain;
  if (chain.length === 0) return true;
  const other = grant.principal.identity?.resource?.callChain;
  return !!other && other.length === chain.length && other.every((c, i) => sameLocation(c, chain[i]));
}

/** The property in the assignment's own declaration: Bicep/ARM and azapi `properties`, azurerm's arguments. */
function addPrincipalType(grant: Grant): FixFunction {
  return (fixer) => {
    const body = fixer.object(grant.resource.body, grant.resource.decl);
    if (grant.resource.type === 'azurerm_role_assignment') return body?.set('principal_type', 'ServicePrincipal');
    const properties = grant.resource.type === 'azapi_resource' ? body?.object('body')?.object('properties') : body?.object('properties');
    return properties?.set('principalType', 'ServicePrincipal');
  };
}

export default rule;
