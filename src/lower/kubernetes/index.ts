/**
 * Kubernetes manifests: the ServiceAccounts that ask for an Entra workload identity.
 *
 * Read: every document of a `.yaml`/`.yml` file that is a `v1` `ServiceAccount` with the
 * `azure.workload.identity/client-id` annotation — its `metadata.name`, `metadata.namespace` and
 * the annotation's value (a client ID, or a Helm `{{ ... }}` or Kustomize/envsubst `${...}`
 * placeholder, kept as written). Not read: anything else (Deployments, Helm values, pipelines,
 * configuration); a namespace set when applying (`kubectl -n`, a kustomization's `namespace:`);
 * names produced by templates. A file or document that is not valid YAML (a Helm template) is
 * skipped without a word: YAML that is not infrastructure as code is not grantlint's to report.
 */
import { lazyYaml } from '../../engine/lazy-deps.js';
import { LineMap, type Location } from '../../model/location.js';
import type { ServiceAccountManifest } from '../../model/kubernetes.js';
import type { SourceComment } from '../../model/template.js';
import type { FrontEndHost } from '../types.js';
import { appendAll } from '../../util/arrays.js';

const ANNOTATION = 'azure.workload.identity/client-id';
/** Cheap filter before parsing: most YAML in a repository is not a service account. */
const MAY_MATTER = /ServiceAccount[\s\S]*azure\.workload\.identity\/client-id|azure\.workload\.identity\/client-id[\s\S]*ServiceAccount/;
const TEMPLATED = /\{\{|\$\{|\$\(/;

// The YAML parser is loaded only when a file may hold a service account (start-up time), the way
// the bundles expect it (a utility of the engine's, not a step of its pipeline).
const parser = lazyYaml;

export interface KubernetesManifests {
  serviceAccounts: ServiceAccountManifest[];
  /** Files holding a service account (linted files), and their comments (for suppressions). */
  files: string[];
  comments: SourceComment[];
}

export function readServiceAccounts(files: string[], host: FrontEndHost): KubernetesManifests {
  const out: KubernetesManifests = { serviceAccounts: [], files: [], comments: [] };
  for (const file of files) {
    const text = host.readFile(file);
    if (text === undefined || !MAY_MATTER.test(text)) continue;
    const found = serviceAccountsIn(file, text);
    if (found.length === 0) continue;
    appendAll(out.serviceAccounts, found);
    out.files.push(file);
    appendAll(out.comments, lineComments(file, text));
  }
  return out;
}

function serviceAccountsIn(file: string, text: string): ServiceAccountManifest[] {
  const { parseAllDocuments, isMap, isScalar } = parser();
  const lines = new LineMap(text);
  const at = (start: number, end: number): Location => ({ file, range: lines.range(start, end) });
  const out: ServiceAccountManifest[] = [];
  // Errors are recorded per document, not thrown: a document that is not valid YAML is skipped below.
  const docs = parseAllDocuments(text, { uniqueKeys: false });
  if (!Array.isArray(docs)) return out;
  for (const doc of docs) {
    if (doc.errors.length > 0 || !isMap(doc.contents)) continue;
    const root = doc.contents;
    const scalar = (node: unknown): string | undefined => (isScalar(node) && typeof node.value === 'string' ? node.value : undefined);
    if (scalar(root.get('kind', true)) !== 'ServiceAccount' || scalar(root.get('apiVersion', true)) !== 'v1') continue;
    const metadata = root.get('metadata', true);
    if (!isMap(metadata)) continue;
    const annotations = metadata.get('annotations', true);
    if (!isMap(annotations)) continue;
    const pair = annotations.items.find((p) => isScalar(p.key) && p.key.value === ANNOTATION);
    if (!pair) continue;
    // A scalar's value; a Helm `{{ .Values.x }}` left unquoted parses as a flow map: its text.
    const node = (pair.value ?? pair.key) as { range?: [number, number, number] } | null;
    const valueRange = node?.range ?? [0, 0, 0];
    const clientId = scalar(pair.value) ?? text.slice(valueRange[0], valueRange[1]);
    const range = root.range;
    const account: ServiceAccountManifest = { file, at: at(range[0], range[1]), clientId: clientId.trim(), clientIdAt: at(valueRange[0], valueRange[1]) };
    const name = scalar(metadata.get('name', true));
    if (name !== undefined && !TEMPLATED.test(name)) account.name = name;
    const namespace = scalar(metadata.get('namespace', true));
    if (namespace !== undefined && !TEMPLATED.test(namespace)) account.namespace = namespace;
    out.push(account);
  }
  return out;
}

/** Full-line `#` comments (where suppression directives are written). */
function lineComments(file: string, text: string): SourceComment[] {
  const out: SourceComment[] = [];
  const lines = text.split(/\r\n|\r|\n/);
  lines.forEach((line, i) => {
    const start = line.search(/\S/);
    if (start < 0 || line[start] !== '#') return;
    out.push({ file, text: line.slice(start), at: { file, range: { start: { line: i + 1, column: start + 1 }, end: { line: i + 1, column: line.length + 1 } } } });
  });
  return out;
}
