/**
 * The scripts front end: shell (`.sh`, `.bash`, `.azcli`) and PowerShell (`.ps1`) files, the `run:`
 * steps of GitHub workflows and composite actions, and the script steps of Azure Pipelines
 * (`script`/`bash`/`pwsh`/`powershell`, `AzureCLI@2`, `AzurePowerShell@5`, `Bash@3`, `PowerShell@2`
 * inline scripts and the script files they name). Each script is parsed (`src/syntax/shell`,
 * `src/syntax/powershell`), run symbolically (`evaluate.ts`) and its Azure commands lowered to
 * template-model instances (`commands.ts`), which the graph reads like any ARM resource.
 * Deployment scripts in Bicep and ARM are read by `deployment-scripts.ts` from the instances the
 * other front ends made.
 */
import { fileStart, internalError } from '../problems.js';
import { resolve } from 'node:path';
import { emptyProgram, type LoweredProgram } from '../../model/template.js';
import { fileSource } from '../../syntax/script/source.js';
import type { FrontEnd, FrontEndHost } from '../types.js';
import { languageOf, lowerScript, readScript } from './script.js';
import { analyzeWorkflowFile, isWorkflowPath } from './workflows.js';

export { deploymentScriptPrograms } from './deployment-scripts.js';

function analyzeScripts(files: string[], host: FrontEndHost): LoweredProgram {
  const out = emptyProgram();
  for (const raw of files) {
    const file = resolve(raw);
    if (host.scriptsEnabled && !host.scriptsEnabled(file)) continue;
    const language = languageOf(file);
    try {
      if (language) {
        const text = readScript(file, host);
        if (text === undefined) continue;
        out.files.push(file);
        lowerScript({ source: fileSource(file, text), language }, out);
      } else if (isWorkflowPath(file) || /\.ya?ml$/i.test(file)) {
        analyzeWorkflowFile(file, host, out, new Set(files.map((f) => resolve(f))));
      }
    } catch (e) {
      out.diagnostics.push(internalError('this script', e, fileStart(file)));
    }
  }
  return out;
}

export const scriptsFrontEnd: FrontEnd = {
  format: 'script',
  analyze: analyzeScripts,
};
