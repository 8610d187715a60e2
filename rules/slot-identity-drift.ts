import { describeRole, describeScope } from '../src/graph/queries.js';
import { slotDrift } from '../src/graph/slots.js';
import type { Rule } from '../src/engine/types.js';

/** At most this many missing grants are named in one message. */
const NAMED = 3;

/**
 * A deployment slot whose identities lack grants its production app's identities hold. Managed
 * identities do not swap with the slot: after a swap the app runs as the slot's identities, and
 * every call production could make and they cannot fails with a 403.
 */
const rule: Rule = {
  meta: {
    id: 'slot-identity-drift',
    description: "A deployment slot's identities do not hold the grants its production app's identities hold.",
    severity: 'warning',
    messages: {
      noIdentity:
        "Slot '{{slot}}' has no managed identity, while production '{{app}}' holds {{grants}}: after a swap the app runs without an identity. Give the slot the production app's user-assigned identity, or an identity of its own granted the same roles.",
      ownIdentity:
        "Slot '{{slot}}' runs as {{identities}}, which lack{{s}} {{grants}} that production '{{app}}' holds: managed identities do not swap, so after a swap these calls fail. Grant the slot's identity the same roles, or give slot and app one user-assigned identity.",
    },
    docs: 'docs/rules/slot-identity-drift.md',
  },
  check(graph, context) {
    for (const slot of graph.slots) {
      const drift = slotDrift(graph, slot);
      if (!drift) continue;
      const named = drift.lacking.slice(0, NAMED).map((g) => `${describeRole(g)} on ${describeScope(g.scope)}`);
      const more = drift.lacking.length - named.length;
      const grants = named.join(', ') + (more > 0 ? ` and ${more} more grant${more > 1 ? 's' : ''}` : '');
      const identities = slot.workload?.identities ?? [];
      const base = { slot: slot.resource.symbol, app: slot.app.symbol, grants };
      if (identities.length === 0) {
        context.report({ node: slot, messageId: 'noIdentity', data: base });
        continue;
      }
      const names = identities.map((i) => (i.kind === 'system' ? 'its system-assigned identity' : `'${i.label}'`));
      context.report({
        node: slot,
        messageId: 'ownIdentity',
        data: { ...base, identities: names.join(' and '), s: identities.length === 1 ? 's' : '' },
      });
    }
  },
};

export default rule;
