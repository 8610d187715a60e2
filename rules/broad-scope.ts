import { onOwnNodeResourceGroup } from '../src/graph/aks.js';
import { isSnapshotGroupGrant } from '../src/graph/platform.js';
import { remediationGrant } from '../src/graph/policy.js';
import { describePrincipal, describeScope, isBroad, isWorkloadPrincipal, describeRole } from '../src/graph/queries.js';
import type { Rule } from '../src/engine/types.js';
import { adviceDialect, writtenArgument } from '../src/graph/dialect.js';

/**
 * A role granted on a whole resource group, subscription or management group instead of the
 * resource the workload uses: every resource there, today's and tomorrow's, is in reach. Two broad
 * grants are the platform's design and left out: a policy assignment's remediation identity at the
 * assignment's own scope (or inside it), an AKS cluster's own identity on its node resource group,
 * and a Backup vault's snapshot roles on the resource group where it keeps snapshots.
 */
const rule: Rule = {
  meta: {
    id: 'broad-scope',
    description: 'A role is granted on a resource group, subscription or management group rather than on the target resource.',
    severity: 'warning',
    messages: {
      deploymentScope:
        'Grants {{role}} to {{principal}} on {{scope}}, because the assignment has no scope; set its scope to the resource the identity uses.',
      explicitScope: 'Grants {{role}} to {{principal}} on {{scope}}; grant it on the resource it needs instead.',
      azcli: 'Grants {{role}} to {{principal}} on {{scope}}; pass --scope <resource id> of the resource it needs{{instead}}.',
      powershell: 'Grants {{role}} to {{principal}} on {{scope}}; pass -Scope <resource id> of the resource it needs{{instead}}.',
    },
    docs: 'docs/rules/broad-scope.md',
  },
  check(graph, context) {
    for (const grant of graph.grants) {
      if (grant.kind !== 'rbac' || !isBroad(grant.scope) || !isWorkloadPrincipal(grant)) continue;
      if (remediationGrant(grant)?.withinScope || onOwnNodeResourceGroup(grant) || isSnapshotGroupGrant(grant)) continue;
      const data = { role: describeRole(grant), principal: describePrincipal(grant), scope: describeScope(grant.scope) };
      const dialect = adviceDialect(grant.resource);
      if (dialect === 'azcli' || dialect === 'powershell') {
        const written = writtenArgument(grant.resource, '--scope', '-Scope', '--resource-group', '-g', '-ResourceGroupName');
        const instead = written ? ` instead of ${written.flag} ${written.text}` : '';
        context.report({ node: grant, value: grant.scope.value, messageId: dialect, data: { ...data, instead } });
        continue;
      }
      context.report({
        node: grant,
        value: grant.scope.value,
        messageId: grant.scope.value ? 'explicitScope' : 'deploymentScope',
        data,
      });
    }
  },
};

export default rule;
