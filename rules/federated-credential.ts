import { clusterFederation } from '../src/graph/federation.js';
import type { FederatedCredential, IdentityGraph, ServiceAccount } from '../src/graph/types.js';
import { unwrap } from '../src/graph/values.js';
import { writtenText } from '../src/graph/queries.js';
import type { Value } from '../src/model/value.js';
import type { Rule } from '../src/engine/types.js';

/** Entra ID's token exchange audience, per cloud: public, US Government, China, US Nat, US Sec. */
export const TOKEN_EXCHANGE_AUDIENCES = [
  'api://AzureADTokenExchange',
  'api://AzureADTokenExchangeUSGov',
  'api://AzureADTokenExchangeChina',
  'api://AzureADTokenExchangeUSNat',
  'api://AzureADTokenExchangeUSSec',
];
const AUDIENCES = new Set(TOKEN_EXCHANGE_AUDIENCES.map((a) => a.toLowerCase()));

const GITHUB_ISSUER = /^https:\/\/token\.actions\.githubusercontent\.com(\/[^/]+)?$/i;
const AKS_ISSUER = /^https:\/\/([a-z0-9-]+\.)?oic\.prod-aks\.azure\.com\/|^https:\/\/oidc\.prod-aks\.azure\.com\//i;

const SA_SUBJECT = /^system:serviceaccount:[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?:[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const GITHUB_SUBJECT = /^repo:[^/:\s]+\/[^/:\s]+:(ref:refs\/\S+|environment:.+|pull_request|job_workflow_ref:\S+)$/;
const GITHUB_KINDS = ['ref:refs/', 'environment:', 'pull_request', 'job_workflow_ref:'];

/**
 * A federated identity credential whose tokens can never match: an audience other than Entra's
 * token exchange audience, an AKS issuer whose cluster does not issue service-account tokens for
 * workload identity, a subject malformed for its issuer. And a Kubernetes service account asking
 * for a workload identity that no credential declared here trusts.
 */
const rule: Rule = {
  meta: {
    id: 'federated-credential',
    description: 'A federated identity credential can never match a token: wrong audience, an issuer without workload identity, or a malformed subject.',
    severity: 'error',
    messages: {
      problems: 'This federated credential never matches a token: {{problems}}.',
      untrusted:
        "Service account '{{account}}' asks for a workload identity, but no federated credential declared here trusts it: token exchange fails. Add a credential with subject 'system:serviceaccount:{{namespace}}:{{account}}' and the cluster's OIDC issuer to the identity its client ID names.",
    },
    docs: 'docs/rules/federated-credential.md',
  },
  check(graph, context) {
    for (const credential of graph.federatedCredentials) {
      const problems = [audienceProblem(credential), issuerProblem(credential), subjectProblem(credential)].filter((p): p is string => p !== undefined);
      if (problems.length === 0) continue;
      context.report({ node: credential, messageId: 'problems', data: { problems: problems.join('; ') } });
    }
    for (const account of untrustedAccounts(graph)) {
      context.report({ node: account, messageId: 'untrusted', data: { account: account.name ?? '', namespace: account.namespace ?? '<namespace>' } });
    }
  },
};

function audienceProblem(credential: FederatedCredential): string | undefined {
  const v = unwrap(credential.audiences);
  const items = v?.kind === 'array' ? v.items.map(unwrap) : v?.kind === 'string' ? [v] : undefined;
  if (!items) return undefined;
  const wrong = items.filter((x) => x?.kind === 'string' && !AUDIENCES.has(x.value.toLowerCase()));
  const allKnown = items.every((x) => x?.kind === 'string');
  if (wrong.length === 0 && (!allKnown || items.length === 1)) return undefined;
  const written = items.map((x) => writtenText(x)).join(', ');
  // The fix as the credential's own language writes a string.
  const q = credential.resource.format === 'bicep' ? "'" : '"';
  return `its audiences are [${written}], not exactly [${q}api://AzureADTokenExchange${q}] (public cloud; the other clouds have their own), so Entra ID rejects every token`;
}

function issuerProblem(credential: FederatedCredential): string | undefined {
  const cluster = credential.issuerCluster;
  if (!cluster) return undefined;
  const { oidcIssuer, workloadIdentity } = clusterFederation(cluster);
  const off = [oidcIssuer === false ? 'the OIDC issuer' : undefined, workloadIdentity === false ? 'workload identity' : undefined].filter(Boolean);
  if (off.length === 0) return undefined;
  const terraform = cluster.format === 'terraform' && cluster.type !== 'azapi_resource';
  const fix = [
    oidcIssuer === false ? (terraform ? 'oidc_issuer_enabled = true' : 'oidcIssuerProfile.enabled: true') : undefined,
    workloadIdentity === false ? (terraform ? 'workload_identity_enabled = true' : 'securityProfile.workloadIdentity.enabled: true') : undefined,
  ].filter(Boolean);
  return `its issuer is AKS cluster '${cluster.symbol}', which has ${off.join(' and ')} turned off, so no pod gets a token to exchange (set ${fix.join(' and ')})`;
}

/** The subject's known text up to its first unknown part, and whether that is all of it. */
function knownText(subject: Value | undefined): { text: string; complete: boolean } | undefined {
  const v = unwrap(subject);
  if (v?.kind === 'string') return { text: v.value, complete: true };
  if (v?.kind !== 'concat') return undefined;
  let text = '';
  for (const p of v.parts) {
    if (p.kind !== 'string') return { text, complete: false };
    text += p.value;
  }
  return { text, complete: true };
}

function issuerKind(credential: FederatedCredential): 'aks' | 'github' | undefined {
  if (credential.issuerCluster) return 'aks';
  const issuer = unwrap(credential.issuer);
  if (issuer?.kind !== 'string') return undefined;
  if (GITHUB_ISSUER.test(issuer.value)) return 'github';
  return AKS_ISSUER.test(issuer.value) ? 'aks' : undefined;
}

function subjectProblem(credential: FederatedCredential): string | undefined {
  const kind = issuerKind(credential);
  const known = knownText(credential.subject);
  if (!kind || !known) return undefined;
  const { text, complete } = known;
  if (kind === 'aks') {
    const ok = complete ? SA_SUBJECT.test(text) : compatible(text, 'system:serviceaccount:');
    return ok ? undefined : `its subject '${text}${complete ? '' : '…'}' is not system:serviceaccount:<namespace>:<name>, the only subject an AKS issuer signs`;
  }
  // A subject that does not start with repo: may come from a customised subject claim: not judged.
  if (!text.startsWith('repo:')) return undefined;
  const m = /^repo:[^/:\s]+\/[^/:\s]+:/.exec(text);
  if (!m) return complete ? githubProblem(text) : undefined;
  const rest = text.slice(m[0].length);
  const ok = complete ? GITHUB_SUBJECT.test(text) : GITHUB_KINDS.some((k) => compatible(rest, k));
  return ok ? undefined : githubProblem(`${text}${complete ? '' : '…'}`);
}

function githubProblem(text: string): string {
  return `its subject '${text}' is not a GitHub Actions subject: repo:<owner>/<repo>: followed by ref:refs/heads/<branch> (or refs/tags/…), environment:<name>, pull_request or job_workflow_ref:…`;
}

/** Could a string that starts with `prefix` still start with `start`? */
function compatible(prefix: string, start: string): boolean {
  return start.startsWith(prefix) || prefix.startsWith(start);
}

/**
 * Service accounts no credential trusts, judged only where credentials for AKS service accounts
 * are declared here and every credential's subject is known (one we cannot read may be the one).
 */
function untrustedAccounts(graph: IdentityGraph): ServiceAccount[] {
  if (graph.serviceAccounts.length === 0) return [];
  const credentials = graph.federatedCredentials;
  if (credentials.some((c) => knownText(c.subject)?.complete !== true)) return [];
  if (!credentials.some((c) => knownText(c.subject)?.text.startsWith('system:serviceaccount:'))) return [];
  return graph.serviceAccounts.filter((a) => a.name !== undefined && a.trustedBy.length === 0);
}

export default rule;
