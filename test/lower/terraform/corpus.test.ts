import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildGraph } from '../../../src/graph/build.js';
import { roleCatalog } from '../../../src/graph/roles.js';
import { terraformFrontEnd } from '../../../src/lower/terraform/index.js';
import { sharedPath } from '../../helpers/paths.js';
import { makeHost } from './host.js';

/** Robustness: every Terraform file of the shared corpus, per repository, as `grantlint <repo>` would see them. */
const corpus = sharedPath('corpus');

function terraformFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) out.push(...terraformFiles(p));
    else if (/\.(tf|tfvars)(\.json)?$/.test(name)) out.push(p);
  }
  return out;
}

const repos = readdirSync(corpus).filter((d) => statSync(join(corpus, d)).isDirectory());

describe('Terraform front end over the corpus', () => {
  it('never throws, lowers every folder, and is fast', () => {
    const report: string[] = [];
    let totalFiles = 0;
    let totalResources = 0;
    let totalDiagnostics = 0;
    const started = performance.now();
    for (const repo of repos) {
      const files = terraformFiles(join(corpus, repo));
      if (files.length === 0) continue;
      const t0 = performance.now();
      const program = terraformFrontEnd.analyze(files, makeHost());
      const graph = buildGraph(program.resources, roleCatalog());
      const ms = performance.now() - t0;
      totalFiles += files.length;
      totalResources += program.resources.length;
      totalDiagnostics += program.diagnostics.length;
      report.push(
        `${repo}: ${files.length} files, ${program.resources.length} instances, ${graph.workloads.length} workloads, ${graph.identities.length} identities, ${graph.grants.length} grants, ${program.diagnostics.length} diagnostics, ${ms.toFixed(0)} ms`,
      );
      for (const d of program.diagnostics.slice(0, 5)) report.push(`   ${d.code} ${d.at.file}:${d.at.range.start.line} ${d.message}`);
      for (const r of program.resources) {
        expect(r.key).toBeTruthy();
        expect(r.decl.file).toBeTruthy();
      }
      // keys are unique
      expect(new Set(program.resources.map((r) => r.key)).size).toBe(program.resources.length);
    }
    const total = performance.now() - started;
    console.log([...report, `total: ${totalFiles} files, ${totalResources} instances, ${totalDiagnostics} diagnostics, ${total.toFixed(0)} ms`].join('\n'));
    if (repos.length > 0) expect(totalResources).toBeGreaterThan(1000);
    expect(total).toBeLessThan(30_000);
  });
});
