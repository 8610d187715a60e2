import { armExpression } from '../src/graph/id-expressions.js';
import { identityIdPlaces } from '../src/graph/id-places.js';
import { identityIdOf, type IdentityIdOf, type IdentityProperty } from '../src/graph/identity-ids.js';
import { describeIdentity, writtenText } from '../src/graph/queries.js';
import { unwrap } from '../src/graph/values.js';
import type { RefValue, Value } from '../src/model/value.js';
import type { Rule } from '../src/engine/types.js';

const WORDS: Record<IdentityProperty, string> = {
  principalId: 'principal (object) ID',
  clientId: 'client ID',
  resourceId: 'resource ID',
  tenantId: 'tenant ID',
  name: 'name',
};

const THREE = new Set<IdentityProperty>(['principalId', 'clientId', 'resourceId']);

/**
 * An identity's principal ID, client ID and resource ID have three jobs; one written where another
 * belongs grants nothing, selects no identity or attaches none — and fails only at run time.
 */
const rule: Rule = {
  meta: {
    id: 'identity-id-mismatch',
    description: "One of an identity's IDs (principal, client, resource) is written where another of them belongs.",
    severity: 'error',
    messages: {
      mismatch: '{{place}} takes the {{expected}} of an identity, but {{value}} is the {{actual}} of {{identity}}; write {{suggestion}}.',
      systemClientId:
        '{{place}} takes the client ID of a user-assigned identity, but {{value}} is the {{actual}} of {{identity}}, which needs no selecting: remove {{place}}, or set it to the client ID of the user-assigned identity the code should use.',
    },
    docs: 'docs/rules/identity-id-mismatch.md',
  },
  check(graph, context) {
    for (const place of identityIdPlaces(graph)) {
      const found = identityIdOf(graph, place.value);
      if (!found || !THREE.has(found.property) || found.property === place.expects) continue;
      const data = {
        place: place.place,
        expected: WORDS[place.expects],
        actual: WORDS[found.property],
        value: writtenText(place.value),
        identity: found.identity ? describeIdentity(found.identity) : 'a user-assigned identity',
      };
      let suggestion = rewrite(place.value, found, place.expects);
      // Written elsewhere (a module's output): the expression is only in scope where it is declared.
      if (suggestion && found.resource && found.resource.decl.file !== place.node.at.file) {
        suggestion = `its ${WORDS[place.expects]} (${suggestion} where the identity is declared)`;
      }
      if (suggestion === undefined && found.system && place.expects === 'clientId') {
        context.report({ node: place.node, value: place.value, messageId: 'systemClientId', data });
        continue;
      }
      context.report({
        node: place.node,
        value: place.value,
        messageId: 'mismatch',
        data: { ...data, suggestion: suggestion ?? `the identity's ${WORDS[place.expects]}` },
      });
    }
  },
};

/** ARM-shaped attribute paths of each ID (user-assigned identity; kubelet identity), by format. */
const UAMI_ARM: Partial<Record<IdentityProperty, (string | number)[]>> = { principalId: ['properties', 'principalId'], clientId: ['properties', 'clientId'], resourceId: ['id'] };
const UAMI_TF: Partial<Record<IdentityProperty, (string | number)[]>> = { principalId: ['principal_id'], clientId: ['client_id'], resourceId: ['id'] };
const KUBELET_ARM: Partial<Record<IdentityProperty, (string | number)[]>> = {
  principalId: ['properties', 'identityProfile', 'kubeletidentity', 'objectId'],
  clientId: ['properties', 'identityProfile', 'kubeletidentity', 'clientId'],
  resourceId: ['properties', 'identityProfile', 'kubeletidentity', 'resourceId'],
};
const KUBELET_TF: Partial<Record<IdentityProperty, (string | number)[]>> = {
  principalId: ['kubelet_identity', 0, 'object_id'],
  clientId: ['kubelet_identity', 0, 'client_id'],
  resourceId: ['kubelet_identity', 0, 'user_assigned_identity_id'],
};

/** The same reference, reading the expected ID instead; undefined when there is none to write. */
function rewrite(value: Value, found: IdentityIdOf, expects: IdentityProperty): string | undefined {
  const v = unwrap(value);
  if (v?.kind !== 'ref' || !found.resource || found.system) return undefined;
  const r = v.resource;
  const terraform = r.format === 'terraform' && r.type !== 'azapi_resource';
  const table = found.aks === 'kubelet' ? (terraform ? KUBELET_TF : KUBELET_ARM) : terraform ? UAMI_TF : UAMI_ARM;
  let path = table[expects];
  if (!path) return undefined;
  if (r.type === 'azapi_resource') path = path[0] === 'id' ? ['id'] : ['output', ...path];
  if (r.format === 'arm') return armText(v, expects, found.aks === 'kubelet');
  const ref: RefValue = { kind: 'ref', resource: r, path };
  return writtenText(ref);
}

/** ARM JSON has no symbols: the expressions that read each ID of a declared identity. */
function armText(v: RefValue, expects: IdentityProperty, kubelet: boolean): string {
  if (kubelet) return armExpression(v.resource.type, v.resource, `identityProfile.kubeletidentity.${expects === 'principalId' ? 'objectId' : expects}`, '2024-05-01');
  return armExpression(v.resource.type, v.resource, expects === 'resourceId' ? undefined : expects, '2023-01-31');
}

export default rule;
