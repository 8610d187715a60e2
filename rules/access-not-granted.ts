import { assessNeed, type NeedAssessment } from '../src/graph/access.js';
import { azureResourceKey } from '../src/graph/build.js';
import { assignmentHint, describeOperations, describeRoles, describeTarget, suggestedRoles, targetWords } from '../src/graph/need-messages.js';
import type { AccessNeed } from '../src/graph/needs.js';
import { allows, hasDataActions } from '../src/graph/permissions.js';
import { describeIdentity, describeRole, describeScope, grantsTo } from '../src/graph/queries.js';
import { isSlotOfDeclaredApp } from '../src/graph/slots.js';
import type { Grant } from '../src/graph/types.js';
import { externalCallsPassing } from '../src/graph/external.js';
import { compareLocations } from '../src/model/location.js';
import type { Rule } from '../src/engine/types.js';

/**
 * Configuration shows a workload reaching a target through an identity (a Key Vault reference, an
 * image pull, host storage, a customer-managed key, ...), and no grant to that identity allows it:
 * the use fails at run time (the reference shows an error, the pull is denied, the host does not
 * start). Identities with no grant at all are missing-role-grant's; a vault whose access model
 * ignores the grant that would meet the need is keyvault-access-model's.
 */
const rule: Rule = {
  meta: {
    id: 'access-not-granted',
    description: 'A workload uses an identity to reach a resource, but no grant to that identity allows that access.',
    severity: 'warning',
    messages: {
      unmet:
        "'{{workload}}' uses {{identity}} for {{use}}, which needs {{operations}} on {{target}}, but no grant to that identity allows it{{why}}. Grant {{role}} on the {{targetWords}}: {{hint}}.",
    },
    docs: 'docs/rules/access-not-granted.md',
  },
  check(graph, context) {
    const groups = new Map<string, { need: AccessNeed; assessment: NeedAssessment }[]>();
    for (const need of graph.needs) {
      const identity = need.identity;
      if (!identity || !need.attached || !identity.createdHere || identity.platformManaged) continue;
      // A slot is judged against its production app by slot-identity-drift.
      if (isSlotOfDeclaredApp(need.workload, graph)) continue;
      if (grantsTo(identity, graph.grants).length === 0) continue;
      // Its principal ID passed to a module grantlint cannot read: it may be granted there.
      if (externalCallsPassing(identity, graph).length > 0) continue;
      const assessment = assessNeed(need, graph.grants, graph);
      if (assessment.verdict !== 'unmet') continue;
      const key = `${identity.id}|${targetKey(need)}`;
      groups.set(key, [...(groups.get(key) ?? []), { need, assessment }]);
    }
    for (const group of groups.values()) {
      group.sort((a, b) => compareLocations(a.need.at, b.need.at));
      const [{ need, assessment }, ...others] = group;
      const roles = suggestedRoles(need, context.permissions);
      context.report({
        node: need,
        // Only a value written in another file moves the finding (to the module call that passes it).
        ...(need.value?.at && need.value.at.file !== need.at.file ? { value: need.value } : {}),
        messageId: 'unmet',
        data: {
          use: need.use,
          workload: need.workload.symbol,
          operations: describeOperations(need),
          target: describeTarget(need.target),
          identity: need.identity!.kind === 'system' && need.identity!.resource === need.workload ? 'its system-assigned identity' : describeIdentity(need.identity!),
          why: why(assessment.insufficient, need),
          role: describeRoles(roles),
          targetWords: targetWords(need.target),
          hint: roles[0] ? assignmentHint(need, need.identity!, roles[0]) : 'grant a role whose permissions cover it',
        },
        related: others.map((o) => ({ message: `Also ${o.need.use}, through the same identity to the same target.`, at: o.need.at })),
      });
    }
  },
};

function targetKey(need: AccessNeed): string {
  const t = need.target;
  if (t.kind === 'declared') return `d:${azureResourceKey(t.resources[0])}`;
  if (t.kind === 'named') return `n:${(t.resourceType ?? '').toLowerCase()}|${(t.name ?? '').toLowerCase()}`;
  return `u:${need.id}`;
}

/** `: it holds 'Contributor' on 'shop-kv', which carries no data actions`. */
function why(insufficient: Grant[], need: AccessNeed): string {
  if (insufficient.length === 0) return ': its grants are on other resources';
  const dataOnly = need.operations.every((op) => op.kind === 'dataAction');
  const shown = insufficient.slice(0, 2).map((g) => {
    const held = `${describeRole(g)} on ${describeScope(g.scope)}`;
    if (g.role && dataOnly && hasDataActions(g.role) === false) return `${held}, which carries no data actions`;
    const missing = g.role ? need.operations.find((op) => allows(g.role!, op) === false) : undefined;
    return missing ? `${held}, which does not allow ${missing.name}` : held;
  });
  return `: it holds ${shown.join('; and ')}`;
}

export default rule;
