import { listsRole, remediationGrant } from '../src/graph/policy.js';
import { describePrincipal, describeScope, isWorkloadPrincipal, roleSource } from '../src/graph/queries.js';
import { suggestedRole } from '../src/graph/permissions.js';
import { PRIVILEGED_ROLE_NAMES } from '../src/graph/roles.js';
import type { Rule } from '../src/engine/types.js';
import { replaceRole } from '../src/engine/fix/role-assignment.js';

const PRIVILEGED = new Set<string>(PRIVILEGED_ROLE_NAMES.map((n) => n.toLowerCase()));

/**
 * Owner, Contributor, User Access Administrator or Role Based Access Control Administrator granted
 * to a workload identity (or a principal of unknown kind): the broad role that "makes the 403 go
 * away" and lets a compromised workload take over everything in scope. A policy assignment's
 * remediation identity holds what its definition lists at the assignment's scope: there, only a
 * role that a definition declared here does not list is reported.
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
      notListed:
        "Grants '{{role}}' to {{principal}} on {{scope}}, a role its policy definition does not list; grant the roles in the definition's roleDefinitionIds ({{listed}}) instead.",
      useRole:
        "Grant '{{suggestion}}' instead, if that is all the workload needs. The '{{role}}' assignment already deployed stays until you delete it",
    },
    hasSuggestions: true,
    docs: 'docs/rules/privileged-role.md',
  },
  check(graph, context) {
    for (const grant of graph.grants) {
      if (grant.kind !== 'rbac' || !grant.role || !PRIVILEGED.has(grant.role.roleName.toLowerCase())) continue;
      if (!isWorkloadPrincipal(grant)) continue;
      const data = { role: grant.role.roleName, principal: describePrincipal(grant), scope: describeScope(grant.scope) };
      const remediation = remediationGrant(grant);
      if (remediation?.withinScope) {
        // A built-in or unseen definition may list this role: nothing to say.
        if (!remediation.listedRoles || listsRole(remediation, grant)) continue;
        const listed = [...remediation.listedRoles].map((guid) => {
          const role = context.roles.byGuid(guid);
          return role ? `'${role.roleName}'` : `'${guid}'`;
        });
        context.report({ node: grant, value: roleSource(grant), messageId: 'notListed', data: { ...data, listed: listed.join(', ') || 'none' } });
        continue;
      }
      const narrow = suggestedRole(context.permissions, grant.scope.resourceType);
      const source = roleSource(grant);
      context.report({
        node: grant,
        value: source,
        ...(narrow
          ? {
              messageId: 'withSuggestion',
              data: { ...data, suggestion: `'${narrow.roleName}'` },
              suggest: [{ messageId: 'useRole', data: { role: grant.role.roleName, suggestion: narrow.roleName }, fix: (fixer) => replaceRole(grant, source, narrow, fixer) }],
            }
          : { messageId: 'generic', data }),
      });
    }
  },
};

export default rule;
