import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { summarizeGraph } from '../../src/graph/summary.js';
import { buildGraph } from '../../src/graph/build.js';
import { analyze, defaultRuleRuns } from '../../src/engine/lint.js';
import { runRules } from '../../src/engine/run-rules.js';
import { roleCatalog } from '../../src/graph/roles.js';
import type { IdentityGraph } from '../../src/graph/types.js';
import type { LoweredProgram } from '../../src/model/template.js';
import { sharedPath } from '../helpers/paths.js';
import { withoutExternalModules } from './external-modules.js';

/**
 * Bicep and ARM agree: for every main.bicep in the corpus with its compiled main.json beside it,
 * the identity graph summary and the core findings (rule, resource type) read from the Bicep file
 * equal those read from the JSON.
 *
 * One information difference is handled here rather than listed pair by pair: a registry or
 * template-spec module (`module x 'br:…'`, `'br/public:…'`, `'ts:…'`) is external to the Bicep
 * analysis — nothing inside it is analysed and its outputs are unknown — while the compiled JSON
 * inlines that module's template as a nested deployment. So the JSON side is read as the Bicep side
 * must read it:
 *  - the instances that lie inside a nested deployment compiled from an external module are left
 *    out. The deployment is found by following each instance's `callChain` through the Bicep files
 *    the Bicep analysis read: the JSON deployment resource's symbolic name (languageVersion 2.0) or
 *    its place among its template's deployments (1.0) names a module statement of the Bicep file that template was compiled from; a local
 *    module leads on to its own file, an external one ends the walk and excludes the instance;
 *  - the nested deployment compiled from an external module is, like the Bicep module call, a call
 *    grantlint cannot read, with the parameters it passes (`externalCalls`);
 *  - what those instances would give the rest of the deployment (the module's outputs, read with
 *    `reference(...)`) is unknown, as a Bicep module output of an external module is: every
 *    reference to a left-out instance in the remaining instances becomes an unknown.
 * Nothing else is adjusted: a grant, identity or finding outside external modules must agree.
 */
function pairsUnder(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) pairsUnder(path, out);
    else if (entry.name === 'main.bicep' && existsSync(join(dir, 'main.json'))) out.push(path);
  }
  return out;
}

function digestOf(graph: IdentityGraph, program: LoweredProgram): string[] {
  const findings = runRules(graph, defaultRuleRuns(), { roles: roleCatalog(), sourceText: () => undefined });
  const typeOf = new Map(graph.resources.map((r) => [r.decl.file + r.decl.range.start.line, r.type.toLowerCase()]));
  return [
    ...summarizeGraph(graph),
    ...findings.map((f) => `finding ${f.ruleId} ${typeOf.get(f.file + f.range.start.line) ?? 'module-call'}`),
    ...program.diagnostics.map((d) => `diagnostic ${d.code}`),
  ].sort();
}

async function digests(bicep: string): Promise<[string[], string[]]> {
  // The corpus is the repository: modules and scripts in a parent folder are inside it (--root).
  const root = sharedPath('corpus');
  const b = await analyze([bicep], { cwd: dirname(bicep), root });
  const json = join(dirname(bicep), 'main.json');
  const j = await analyze([json], { cwd: dirname(json), includeGenerated: true, root });
  const bicepFiles = b.program.files.filter((f) => f.toLowerCase().endsWith('.bicep'));
  const kept = withoutExternalModules(j.program, resolve(bicep), bicepFiles);
  const jsonGraph = kept.resources === j.program.resources && kept.externalCalls.length === 0 ? j.graph : buildGraph(kept.resources, roleCatalog(), undefined, { externalCalls: kept.externalCalls });
  return [digestOf(b.graph, b.program), digestOf(jsonGraph, j.program)];
}

/** The lines of `a` that `b` does not match, one for one (a count difference shows). */
function without(a: string[], b: string[]): string[] {
  const rest = [...b];
  return a.filter((x) => {
    const i = rest.indexOf(x);
    if (i < 0) return true;
    rest.splice(i, 1);
    return false;
  });
}

// Pairs where the two front ends read the same deployment differently for a reason that is not a
// bug in either (each with its reason). Keep this list short and explained.
const CALLER_FILE =
  'a privileged role is passed in by the caller of a local module: the engine points the finding at the ' +
  'module call when the value is written in another file than the assignment, and in the compiled ' +
  'template caller and module are one file, so the JSON finding points at the assignment (same rule, ' +
  'same grant; only the location differs)';
const COPY_PER_CALL =
  'a local module is called more than once: in Bicep its declarations are one (one finding per ' +
  'declaration), the compiled template holds one copy of the module per call, so the JSON has one ' +
  'declaration, and one finding, per call';
const MISSING_FROM_CORPUS =
  'the Bicep file reads a file the corpus does not hold (a deployment script or module of the original ' +
  'repository); the compiled JSON has its content inline, and the Bicep side reports the file it cannot ' +
  'read (unreadable-file) instead of leaving it out without a word';
const KNOWN_DIFFERENCES: Record<string, string> = {
  'Azure+bicep-registry-modules/avm/ptn/aca-lza/hosting-environment/main.bicep': `${MISSING_FROM_CORPUS} (utilities/e2e-template-assets/scripts/*.ps1)`,
  'Azure+bicep-registry-modules/avm/res/azure-stack-hci/cluster/main.bicep': `${MISSING_FROM_CORPUS} (src/deploy.sh)`,
  'Azure+bicep/src/Bicep.Decompiler.IntegrationTests/Files/Working/modules/main.bicep': `${MISSING_FROM_CORPUS} (nested/module2.jsonc)`,
  'Azure+bicep-registry-modules/avm/ptn/sa/content-processing/main.bicep': CALLER_FILE,
  'Azure+bicep/src/Bicep.Core.Samples/Files/user_submitted/101/create-rg-lock-role-assignment/main.bicep': CALLER_FILE,
  'Azure+bicep-registry-modules/avm/ptn/sa/conversation-knowledge-mining/main.bicep': `${COPY_PER_CALL} (modules/web-sites.bicep, a system identity nothing grants)`,
  'Azure+bicep-registry-modules/avm/ptn/sa/customer-chatbot/main.bicep': `${COPY_PER_CALL} (modules/role-assignment.bicep, an assignment on the resource group)`,
  'Azure+bicep/src/Bicep.Core.Samples/Files/baselines/InvalidLambdas_LF/main.bicep':
    'a compiler test of invalid syntax: the Bicep file does not parse (one parse-error, nothing lowered); the JSON was written by the error-tolerant emitter',
  'Azure+bicep/src/Bicep.Decompiler.IntegrationTests/Files/Working/issue5455/main.bicep':
    'decompiler output: nested_StorageRoleDeploymentResource.bicep has `param x ? /* TODO */` and does not parse, so the Bicep side lowers nothing from it; the JSON is the original template',
  'Azure+bicep/src/Bicep.Decompiler.IntegrationTests/Files/Working/issue12197/main.bicep':
    'the Bicep file does not compile (BCP053: `reference(appServiceModule.id, ...)` — a module has no `id`), so the Bicep side reads an unknown principal; the JSON reads the module output through resourceId(\'Microsoft.Resources/deployments\', ...)',
  'Azure+bicep/src/Bicep.Core.Samples/Files/user_submitted/201/avd-backplane-with-network-and-storage-and-monitoring/main.bicep':
    'languageVersion 1.0 JSON keeps no `existing` declarations: the Bicep side knows the attached identity is an existing user-assigned identity, the JSON only sees its resourceId(...) (an external principal)',
};

describe('Bicep and ARM agree on the corpus pairs', () => {
  it('graph summaries and core findings match for at least 99% of pairs', async () => {
    const corpus = sharedPath('corpus');
    const pairs = [...pairsUnder(join(corpus, 'Azure+bicep-registry-modules')), ...pairsUnder(join(corpus, 'Azure+bicep'))].sort();
    expect(pairs.length).toBeGreaterThan(700);
    const disagreements: string[] = [];
    const known: string[] = [];
    let nonTrivial = 0;
    for (const bicep of pairs) {
      const [a, b] = await digests(bicep);
      if (a.length > 0) nonTrivial++;
      const rel = bicep.slice(corpus.length + 1);
      const agree = JSON.stringify(a) === JSON.stringify(b);
      if (rel in KNOWN_DIFFERENCES) {
        if (agree) disagreements.push(`${rel}\n    listed in KNOWN_DIFFERENCES but agrees now: take it off the list`);
        else known.push(rel);
      } else if (!agree) {
        const onlyBicep = without(a, b);
        const onlyJson = without(b, a);
        disagreements.push(`${rel}\n    bicep only: ${onlyBicep.join('; ')}\n    json only:  ${onlyJson.join('; ')}`);
      }
    }
    const rate = 1 - disagreements.length / pairs.length;
    const agreeing = pairs.length - disagreements.length - known.length;
    console.log(
      `Bicep/ARM agreement: ${agreeing}/${pairs.length} pairs agree (${((agreeing / pairs.length) * 100).toFixed(2)}%), ` +
        `${known.length} known differences (explained above), ${disagreements.length} unexplained; ` +
        `${nonTrivial} pairs with identities or grants\n` +
        disagreements.join('\n'),
    );
    expect(rate).toBeGreaterThanOrEqual(0.99);
  }, 600_000);
});
