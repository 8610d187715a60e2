/**
 * parse → lower → link for one batch of discovered files: every front end over the files of its
 * format. Runs in the main thread (`--jobs 1`, small runs) or in a worker (pool.ts).
 */
import type { DiscoveredFile } from '../discover/discover.js';
import { armFrontEnd } from '../lower/arm/index.js';
import { bicepFrontEnd } from '../lower/bicep/index.js';
import { readServiceAccounts } from '../lower/kubernetes/index.js';
import { deploymentScriptPrograms, scriptsFrontEnd } from '../lower/scripts/index.js';
import { terraformFrontEnd } from '../lower/terraform/index.js';
import type { FrontEnd, FrontEndHost } from '../lower/types.js';
import { emptyProgram, type LoweredProgram, type SourceComment, type SourceFormat } from '../model/template.js';
import { appendAll } from '../util/arrays.js';
import { fileStart, internalError } from '../lower/problems.js';

const FRONT_ENDS: Record<SourceFormat, FrontEnd> = {
  bicep: bicepFrontEnd,
  terraform: terraformFrontEnd,
  arm: armFrontEnd,
  script: scriptsFrontEnd,
};

/** The template front end of each kind of file; YAML (Kubernetes manifests) is read beside them. */
export const KIND_TO_FORMAT: Partial<Record<DiscoveredFile['kind'], SourceFormat>> = { bicep: 'bicep', terraform: 'terraform', json: 'arm', script: 'script' };

/** Front ends in the order they run: a Bicep module written as ARM JSON is reached from Bicep first. */
const ORDER = ['bicep', 'arm', 'terraform', 'script'] as const;

export function analyzeFiles(files: DiscoveredFile[], host: FrontEndHost, onFormat?: (format: SourceFormat, files: number) => void): LoweredProgram {
  const program = emptyProgram();
  for (const format of ORDER) {
    if (!files.some((f) => KIND_TO_FORMAT[f.kind] === format)) continue;
    // A file an earlier front end already analysed as a module (a Bicep module written as ARM
    // JSON) is analysed through its callers, not again as a root.
    const reached = new Set(program.files);
    const mine = files.filter((f) => KIND_TO_FORMAT[f.kind] === format && !reached.has(f.path)).map((f) => f.path);
    onFormat?.(format, mine.length);
    const part = guarded(`the ${format === 'arm' ? 'ARM' : format} files of this run`, () => mine, () => FRONT_ENDS[format].analyze(mine, host));
    appendAll(program.resources, part.resources);
    appendAll((program.exports ??= []), part.exports ?? []);
    appendAll(program.diagnostics, part.diagnostics);
    appendAll(program.comments, directiveComments(part.comments, host));
    appendAll(program.files, part.files);
    appendAll(program.externalCalls!, part.externalCalls ?? []);
  }
  // Deployment scripts are scripts too: read from the Bicep and ARM instances above.
  const holders = (): string[] => [...new Set(program.resources.filter((r) => r.type.toLowerCase() === 'microsoft.resources/deploymentscripts').map((r) => r.decl.file))];
  const scripts = guarded('the deployment scripts of these templates', holders, () => deploymentScriptPrograms(program.resources, host));
  appendAll(program.resources, scripts.resources);
  appendAll(program.diagnostics, scripts.diagnostics);
  appendAll(program.comments, directiveComments(scripts.comments, host));
  appendAll(program.files, scripts.files);
  // Kubernetes manifests: the service accounts that ask for a workload identity (other YAML is skipped).
  const manifests = readServiceAccounts(files.filter((f) => f.kind === 'yaml').map((f) => f.path), host);
  if (manifests.serviceAccounts.length > 0) {
    appendAll((program.serviceAccounts ??= []), manifests.serviceAccounts);
    appendAll(program.files, manifests.files);
    appendAll(program.comments, directiveComments(manifests.comments, host));
  }
  return program;
}

/**
 * A front end catches a defect per root and reports it there; should one escape (a defect in the
 * front end's own loop), its files get an internal-error finding each instead of the whole run or
 * batch being lost, and the other front ends still run.
 */
function guarded(what: string, files: () => string[], analyze: () => LoweredProgram): LoweredProgram {
  try {
    return analyze();
  } catch (e) {
    return failedProgram(files(), what, e);
  }
}

/** The program of files whose analysis failed: an internal-error finding at the start of each. */
export function failedProgram(files: string[], what: string, e: unknown): LoweredProgram {
  const program = emptyProgram();
  for (const file of files) program.diagnostics.push(internalError(what, e, fileStart(file)));
  // Linted, with that finding: a run whose only files failed so has not "matched nothing".
  appendAll(program.files, files);
  return program;
}

/**
 * Comments matter only as directives (`grantlint-disable-next-line ...`) and as the comment lines
 * a directive skips: a file whose text holds no `grantlint-` keeps none of them.
 */
function directiveComments(comments: SourceComment[], host: FrontEndHost): SourceComment[] {
  const mayDirect = new Map<string, boolean>();
  return comments.filter((c) => {
    let yes = mayDirect.get(c.at.file);
    if (yes === undefined) mayDirect.set(c.at.file, (yes = host.readFile(c.at.file)?.includes('grantlint-') ?? true));
    return yes;
  });
}

/** Appends `part` to `program` (batches are merged in their fixed order). */
export function mergeProgram(program: LoweredProgram, part: LoweredProgram): void {
  appendAll(program.resources, part.resources);
  appendAll((program.exports ??= []), part.exports ?? []);
  appendAll(program.diagnostics, part.diagnostics);
  appendAll(program.comments, part.comments);
  appendAll(program.files, part.files);
  appendAll((program.externalCalls ??= []), part.externalCalls ?? []);
  if (part.serviceAccounts) appendAll((program.serviceAccounts ??= []), part.serviceAccounts);
}
