import { describePrincipal, describeScope, isWorkloadPrincipal, roleSource } from '../src/graph/queries.js';
import { suggestedRole } from '../src/graph/permissions.js';
import { PRIVILEGED_ROLE_NAMES } from '../src/graph/roles.js';
import type { Rule } from '../src/engine/types.js';

const PRIVILEGED = new Set<string>(PRIVILEGED_ROLE_NAMES.map((n) => n.toLowerCase()));

/**
 * Owner, Contributor, User Access Administrator or Role Based Access Control Administrator granted
 * to a workload identity (or a principal of unknown kind): the broad role that "makes the 403 go
 * away" and lets a compromised workload take over everything in scope.
 */
const rule: Rule = {
  meta: {
    id: 'privileged-role',
    description: 'A privileged role (Owner, Contributor, access administrators) is granted to a workload identity.',
    severity: 'error',
    messages: {
      withSuggestion: "Grants '{{role}}' to {{principal}} on {{scope}}; grant {{suggestion}} on the resource instead.",
      generic:
        "Grants '{{role}}' to {{principal}} on {{scope}}; grant a role with only the data-plane or control-plane actions the workload needs, on the resource it uses.",
    },
    docs: 'docs/rules/privileged-role.md',
  },
  check(graph, context) {
    for (const grant of graph.grants) {
      if (grant.kind !== 'rbac' || !grant.role || !PRIVILEGED.has(grant.role.roleName.toLowerCase())) continue;
      if (!isWorkloadPrincipal(grant)) continue;
      const narrow = suggestedRole(context.permissions, grant.scope.resourceType);
      const data = { role: grant.role.roleName, principal: describePrincipal(grant), scope: describeScope(grant.scope) };
      context.report({
        node: grant,
        value: roleSource(grant),
        ...(narrow
          ? { messageId: 'withSuggestion', data: { ...data, suggestion: `'${narrow.roleName}'` } }
          : { messageId: 'generic', data }),
      });
    }
  },
};

export default rule;
