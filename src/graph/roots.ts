import { dirname } from 'node:path';
import type { ResourceInstance } from '../model/template.js';

/**
 * The root deployment an instance belongs to: the root file (Bicep, ARM) or root folder
 * (Terraform) whose analysis produced it. Separate roots are separate deployments, which
 * grantlint cannot tell apart, and are analysed independently (closures, shards, the cache).
 */
export function deploymentRoot(r: ResourceInstance): string {
  const rootFile = (r.callChain[0] ?? r.decl).file;
  return r.format === 'terraform' ? dirname(rootFile) : rootFile;
}
