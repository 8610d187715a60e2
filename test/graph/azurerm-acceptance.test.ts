import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { builtinRules } from '../../rules/index.js';
import { runRules } from '../../src/engine/run-rules.js';
import { buildGraph } from '../../src/graph/build.js';
import { roleCatalog } from '../../src/graph/roles.js';
import { terraformFrontEnd } from '../../src/lower/terraform/index.js';
import { sharedPath } from '../helpers/paths.js';
import { diskHost } from '../lower/terraform/host.js';

/**
 * The Terraform acceptance cases, in process: the Terraform front end, the graph builder (with the
 * azurerm adapter) and the core rules must give exactly the findings expected in Terraform files.
 */
const CORE = ['missing-role-grant', 'privileged-role', 'broad-scope', 'missing-principal-type', 'non-idempotent-assignment-name'];
const CASES = ['09-terraform-seed', '10-terraform-identity-never-granted', '11-terraform-owner-on-subscription', '12-terraform-for-each-roles', '13-terraform-module-grant', '18-mixed-bad-input'];

function tfFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...tfFiles(p));
    else if (/\.tf(vars)?(\.json)?$/.test(name)) out.push(p);
  }
  return out;
}

describe('Terraform acceptance cases through the azurerm adapter', () => {
  for (const name of CASES) {
    it(name, () => {
      const dir = sharedPath('acceptance', name);
      const doc = parse(readFileSync(join(dir, 'expected.yaml'), 'utf8')) as { findings: { rule: string; file: string; lines: [number, number] }[]; checked?: string[] };
      const expected = doc.findings.filter((f) => /\.tf$/.test(f.file));
      // These cases check the core rules (and those they name), as the acceptance README says.
      const checked = new Set([...CORE, ...(doc.checked ?? [])]);
      const program = terraformFrontEnd.analyze(tfFiles(dir), diskHost);
      const graph = buildGraph(program.resources, roleCatalog());
      const findings = runRules(
        graph,
        builtinRules.map((rule) => ({ rule, severity: rule.meta.severity, options: { ...(rule.meta.defaultOptions ?? {}) } })),
        { roles: roleCatalog(), sourceText: (f) => diskHost.readFile(f) },
      );
      const got = [
        ...findings.filter((f) => checked.has(f.ruleId)).map((f) => ({ rule: f.ruleId, file: relative(dir, f.file), line: f.range.start.line })),
        ...program.diagnostics.map((d) => ({ rule: d.code, file: relative(dir, d.at.file), line: d.at.range.start.line })),
      ];
      const unmatched = [...got];
      const missing: string[] = [];
      for (const e of expected) {
        const hit = unmatched.findIndex((g) => g.rule === e.rule && g.file === e.file && g.line >= e.lines[0] && g.line <= e.lines[1]);
        if (hit >= 0) unmatched.splice(hit, 1);
        else missing.push(`${e.rule}@${e.file}:${e.lines[0]}-${e.lines[1]}`);
      }
      expect({ missing, unexpected: unmatched.map((g) => `${g.rule}@${g.file}:${g.line}`) }).toEqual({ missing: [], unexpected: [] });
    });
  }
});
