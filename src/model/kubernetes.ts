import type { Location } from './location.js';

/**
 * A Kubernetes ServiceAccount manifest that asks for an Entra workload identity: its
 * `azure.workload.identity/client-id` annotation names the identity (by client ID, or through a
 * Helm or Kustomize placeholder) whose token its pods exchange theirs for.
 */
export interface ServiceAccountManifest {
  file: string;
  /** The manifest document. */
  at: Location;
  /** `metadata.name`; absent when templated. */
  name?: string;
  /** `metadata.namespace`; absent when not written (set when applied) or templated. */
  namespace?: string;
  /** The annotation's value as written. */
  clientId: string;
  clientIdAt: Location;
}
