import { matchesPermission, patternsOf, suggestedRole } from '../src/graph/permissions.js';
import { describePrincipal, describeScope, roleSource } from '../src/graph/queries.js';
import { armTypeOfResource } from '../src/graph/targets.js';
import type { RoleDefinition } from '../src/graph/roles.js';
import type { Rule } from '../src/engine/types.js';
import { replaceRole } from '../src/engine/fix/role-assignment.js';

/**
 * Namespaces whose operations act on resources of every type, so a role that lists any of them
 * applies to any resource: role assignments, locks and policy (Authorization), diagnostic settings,
 * alerts and metrics (Insights), deployments and tags (Resources), support tickets, health, Defender
 * (Security), policy states, Advisor, and event subscriptions (Event Grid), from the acceptance
 * contract.
 */
const EVERYWHERE = [
  'Microsoft.Authorization',
  'Microsoft.Insights',
  'Microsoft.Resources',
  'Microsoft.Support',
  'Microsoft.ResourceHealth',
  'Microsoft.Security',
  'Microsoft.PolicyInsights',
  'Microsoft.Advisor',
  'Microsoft.EventGrid',
];

// Can a permission pattern act on a resource in the namespace? `*` (and `*/read`), the namespace's
// own, or a namespace that acts everywhere.
function applies(pattern: string, namespace: string): boolean {
  const first = pattern.split('/')[0].trim();
  return first === '*' || matchesPermission(first, namespace) || EVERYWHERE.some((ns) => matchesPermission(first, ns));
}

/** Whether any of a role's permissions can act on resources of a namespace, answered once per role and namespace. */
const actsOn = new WeakMap<RoleDefinition, Map<string, boolean>>();

function roleActsOn(role: RoleDefinition, patterns: string[], namespace: string): boolean {
  let answers = actsOn.get(role);
  if (!answers) actsOn.set(role, (answers = new Map()));
  let yes = answers.get(namespace);
  if (yes === undefined) answers.set(namespace, (yes = patterns.some((p) => applies(p, namespace))));
  return yes;
}

/**
 * A role assignment on a resource whose type the role's permissions cannot act on at all: Storage
 * Blob Data Reader on a key vault, AcrPull on a storage account. The assignment deploys and grants
 * nothing, and the workload that needed access still gets a 403 — usually a scope or role copied
 * from the assignment next to it.
 */
const rule: Rule = {
  meta: {
    id: 'role-target-mismatch',
    description: 'A role is granted on a resource whose type none of its permissions can act on.',
    severity: 'warning',
    messages: {
      mismatch:
        "Grants '{{role}}' to {{principal}} on {{scope}}, but none of the role's permissions apply to {{namespace}} resources: the assignment grants nothing there. Grant it on the resource it is meant for, or grant a role for this resource{{suggestion}}.",
      useRole:
        "Grant '{{suggestion}}' instead, if this resource is the one the assignment is meant for. The '{{role}}' assignment already deployed stays until you delete it",
    },
    hasSuggestions: true,
    docs: 'docs/rules/role-target-mismatch.md',
  },
  check(graph, context) {
    for (const grant of graph.grants) {
      if (grant.kind !== 'rbac' || grant.scope.kind !== 'resource' || !grant.role) continue;
      const type = grant.scope.resourceType ?? (grant.scope.resource ? armTypeOfResource(grant.scope.resource) : undefined);
      if (!type || !/^[A-Za-z][\w-]*\.[\w.-]+\//.test(type)) continue;
      const patterns = patternsOf(grant.role);
      if (!patterns || patterns.length === 0) continue;
      const namespace = type.split('/')[0];
      if (roleActsOn(grant.role, patterns, namespace)) continue;
      const narrow = suggestedRole(context.permissions, type);
      const source = roleSource(grant);
      const role = grant.role;
      context.report({
        node: grant,
        value: source,
        messageId: 'mismatch',
        data: {
          role: grant.role.roleName,
          principal: describePrincipal(grant),
          scope: describeScope(grant.scope),
          namespace,
          suggestion: narrow ? ` (such as '${narrow.roleName}')` : '',
        },
        // A suggestion, not a fix: the scope may be what is wrong, and only a person knows which.
        ...(narrow ? { suggest: [{ messageId: 'useRole', data: { role: role.roleName, suggestion: narrow.roleName }, fix: (fixer) => replaceRole(grant, source, narrow, fixer) }] } : {}),
      });
    }
  },
};

export default rule;
