import { armTypeOfResource } from '../src/graph/arm-view.js';
import { grantsOf } from '../src/graph/grant-index.js';
import { mayGiveSame } from '../src/graph/grant-keys.js';
import { userIdentityExpression } from '../src/graph/id-expressions.js';
import { identityIdPlaces } from '../src/graph/id-places.js';
import { identityIdOf } from '../src/graph/identity-ids.js';
import { describeIdentity, describeRole, describeScope } from '../src/graph/queries.js';
import { findSetting } from '../src/graph/settings.js';
import type { Grant, Identity, IdentityGraph, Workload } from '../src/graph/types.js';
import { unwrap } from '../src/graph/values.js';
import { asString } from '../src/model/value.js';
import type { Rule } from '../src/engine/types.js';

/** Where the Azure SDKs' managed identity credential picks an identity only by AZURE_CLIENT_ID. */
const ARM_TYPES = new Set(['microsoft.web/sites', 'microsoft.web/sites/slots', 'microsoft.app/containerapps', 'microsoft.app/jobs', 'microsoft.containerinstance/containergroups']);

/** Settings that select an identity for the platform (a binding's connection), not for the code. */
const PLATFORM_SETTING = /__(clientid|managedidentityresourceid|credential)$/i;

/**
 * An app that carries several identities and does not say which one its code uses: without
 * AZURE_CLIENT_ID, the token request either cannot choose (two user-assigned identities, no
 * system one) or gets the system-assigned identity, which may lack the grants the user-assigned
 * one holds.
 */
const rule: Rule = {
  meta: {
    id: 'ambiguous-identity',
    description: 'An app carries several managed identities and no AZURE_CLIENT_ID says which one its code uses.',
    severity: 'warning',
    messages: {
      noSystem:
        "'{{workload}}' carries the user-assigned identities {{identities}} and no system-assigned one, and sets no AZURE_CLIENT_ID: a token request without a client ID cannot choose between them. Set AZURE_CLIENT_ID to the client ID of the one its code uses ({{example}}).",
      systemFirst:
        "'{{workload}}' carries a system-assigned identity and {{identity}}, and sets no AZURE_CLIENT_ID, so its code gets the system-assigned identity, which lacks the {{grant}} that {{identity}} holds. Set AZURE_CLIENT_ID to {{example}}, or grant the system-assigned identity what the code needs.",
    },
    docs: 'docs/rules/ambiguous-identity.md',
  },
  check(graph, context) {
    for (const workload of graph.workloads) {
      const r = workload.resource;
      if (r.existing || !ARM_TYPES.has(armTypeOfResource(r) ?? '')) continue;
      const settings = workload.settings;
      if (!settings || !settings.complete || findSetting(settings, 'AZURE_CLIENT_ID')) continue;
      const users = workload.identities.filter((i) => i.kind === 'user' || i.kind === 'external');
      const system = workload.identities.find((i) => i.kind === 'system');
      if (selectedInCode(graph, workload, users)) continue;
      if (!system) {
        if (users.length < 2) continue;
        context.report({
          node: workload,
          messageId: 'noSystem',
          data: { workload: r.symbol, identities: users.map((u) => `'${u.label}'`).join(' and '), example: clientIdExample(users) },
        });
        continue;
      }
      const selected = selectedForPlatform(graph, workload, identityIdPlaces(graph));
      if (selected === 'unknown') continue;
      for (const user of users) {
        if (user.kind !== 'user' || selected.has(user)) continue;
        const lacking = lackingGrant(graph, user, system);
        if (!lacking) continue;
        context.report({
          node: workload,
          messageId: 'systemFirst',
          data: {
            workload: r.symbol,
            identity: describeIdentity(user),
            grant: `${describeRole(lacking)} on ${describeScope(lacking.scope)}`,
            example: clientIdExample([user]),
          },
        });
        break;
      }
    }
  },
};

/** A setting other than AZURE_CLIENT_ID and the bindings' own holds a carried identity's client ID: the code selects by it. */
function selectedInCode(graph: IdentityGraph, workload: Workload, users: Identity[]): boolean {
  return (workload.settings?.entries ?? []).some((s) => {
    if (PLATFORM_SETTING.test(s.name)) return false;
    const id = identityIdOf(graph, s.value);
    return id?.property === 'clientId' && id.identity !== undefined && users.includes(id.identity);
  });
}

/**
 * Identities the app selects for the platform's own use (image pulls, Key Vault references,
 * registries, secrets, scale rules, customer-managed keys, bindings' connections): their grants
 * serve that use, not the code. 'unknown' when a selection may name any identity (a parameter, an
 * identity read only by a name grantlint cannot know).
 */
function selectedForPlatform(graph: IdentityGraph, workload: Workload, places: ReturnType<typeof identityIdPlaces>): Set<Identity> | 'unknown' {
  const out = new Set<Identity>();
  for (const p of places) {
    if (p.node.resource?.key !== workload.resource.key || p.place === 'userAssignedIdentities' || p.place === 'identity_ids') continue;
    if (p.place.toUpperCase() === 'AZURE_CLIENT_ID') continue;
    const v = unwrap(p.value);
    if (!v || v.kind === 'null' || (v.kind === 'string' && !/[0-9a-f]{8}-|\/userassignedidentities\//i.test(v.value))) continue;
    const identity = identityIdOf(graph, p.value)?.identity;
    if (!identity || (identity.resource?.existing && asString(unwrap(identity.resource.name)) === undefined)) return 'unknown';
    out.add(identity);
  }
  return out;
}

/** A grant of the user-assigned identity that no grant of the system-assigned one may match. */
function lackingGrant(graph: IdentityGraph, user: Identity, system: Identity): Grant | undefined {
  const own = grantsOf(graph, system);
  return grantsOf(graph, user).find((g) => !own.some((s) => mayGiveSame(g, s)));
}

function clientIdExample(users: Identity[]): string {
  const declared = users.find((u) => u.kind === 'user' && u.resource);
  return declared?.resource ? userIdentityExpression(declared.resource, 'clientId') : "the identity's client ID";
}

export default rule;
