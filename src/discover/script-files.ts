import { closeSync, openSync, readSync } from 'node:fs';
import { languageOf } from '../lower/scripts/script.js';
import { isWorkflowPath, looksLikePipeline } from '../lower/scripts/workflows.js';

/** How much of a YAML file is read to tell an Azure Pipelines definition from other YAML. */
const SNIFF_BYTES = 64 * 1024;

/**
 * Scripts the scripts front end reads: shell and PowerShell files by extension, workflow and
 * pipeline YAML by path (`.github/workflows/`, `action.yml`, `azure-pipelines*.yml`), and other
 * YAML whose first 64 KB look like an Azure Pipelines definition. Other YAML (Kubernetes, Compose,
 * GitLab CI) is not a script.
 */
export function scriptKind(path: string): 'script' | undefined {
  if (languageOf(path)) return 'script';
  if (!/\.ya?ml$/i.test(path)) return undefined;
  if (isWorkflowPath(path)) return 'script';
  if (/(^|[\\/])\.gitlab-ci\.ya?ml$/i.test(path)) return undefined;
  return looksLikePipeline(head(path)) ? 'script' : undefined;
}

function head(path: string): string {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const n = readSync(fd, buffer, 0, SNIFF_BYTES, 0);
    return buffer.subarray(0, n).toString('utf8');
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
