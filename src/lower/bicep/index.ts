/**
 * The Bicep front end: parses `.bicep` / `.bicepparam` files, finds the roots (files no analysed
 * file calls as a module), and evaluates each root — and each module call reaching a local module —
 * into linked resource instances.
 */
import * as nodePath from 'node:path';
import type { LoweredProgram } from '../../model/template.js';
import { parseBicep } from '../../syntax/bicep/parser.js';
import type { FrontEnd, FrontEndHost } from '../types.js';
import { DEFAULT_LIMITS, FileInstance, Run, type Limits, type ParseFn } from './evaluator.js';
import { literalText } from './source.js';
import { fileStart, internalError } from '../problems.js';
import { rootsOfCycles } from '../roots.js';

export { FileInstance, Run, DEFAULT_LIMITS } from './evaluator.js';
export type { Limits, ParseFn } from './evaluator.js';

function defaultParse(text: string, path: string) {
  return parseBicep(text, { fileKind: path.toLowerCase().endsWith('.bicepparam') ? 'bicepparam' : 'bicep' });
}

function isLocalBicep(p: string | undefined): p is string {
  return !!p && !/^(br|ts)[:/]/i.test(p) && p.toLowerCase().endsWith('.bicep');
}

/** Analyses Bicep files; `parse` and `limits` can be swapped for tests. */
export function analyzeBicep(files: string[], host: FrontEndHost, parse?: ParseFn, limits: Limits = DEFAULT_LIMITS): LoweredProgram {
  // The host keeps the trees it can for the fixes, which parse as defaultParse does.
  const keep = host.syntaxTree?.bind(host);
  const run = new Run(host, parse ?? (keep ? (text, path) => keep(path, 'bicep', text, (t) => defaultParse(t, path)) : defaultParse), limits);
  const abs = files.map((f) => nodePath.resolve(f));
  const templates = abs.filter((f) => f.toLowerCase().endsWith('.bicep'));
  const paramFiles = abs.filter((f) => f.toLowerCase().endsWith('.bicepparam'));

  // Every file reached through module calls from the given templates is a module, not a root.
  const called = new Set<string>();
  const callees = new Map<string, string[]>();
  const seen = new Set(templates);
  const queue = [...templates];
  while (queue.length) {
    const file = queue.shift() as string;
    const src = run.source(file);
    if (!src) continue;
    const mine: string[] = [];
    callees.set(file, mine);
    for (const st of src.ast.statements) {
      if (st.kind !== 'Module') continue;
      const p = literalText(st.path);
      if (!isLocalBicep(p)) continue;
      const target = nodePath.resolve(nodePath.dirname(file), p);
      mine.push(target);
      if (target !== file) called.add(target);
      if (!seen.has(target)) {
        seen.add(target);
        queue.push(target);
      }
    }
  }
  for (const f of rootsOfCycles(templates, called, callees)) called.delete(f);

  const guarded = (what: string, file: string, fn: () => void): void => {
    run.resetBudget();
    run.evalDepth = 0;
    try {
      fn();
    } catch (e) {
      run.diagnostics.push(internalError(what, e, fileStart(file)));
    }
  };

  for (const root of templates) {
    if (called.has(root)) continue;
    const src = run.source(root);
    if (!src || src.failed) continue;
    guarded('this file', root, () => new FileInstance(run, src, { key: root }).runAll());
  }

  for (const pf of paramFiles) {
    const psrc = run.source(pf);
    if (!psrc || psrc.failed || !isLocalBicep(psrc.usingPath)) continue;
    const target = nodePath.resolve(nodePath.dirname(pf), psrc.usingPath);
    const tsrc = run.source(target);
    if (!tsrc || tsrc.failed) continue;
    guarded('this parameter file', pf, () => {
      const paramsInstance = new FileInstance(run, psrc, { key: `${pf}#params` });
      new FileInstance(run, tsrc, {
        key: `${target}?${pf}`,
        binding: (name) => (psrc.params.has(name) ? paramsInstance.paramValue(name) : undefined),
      }).runAll();
    });
  }

  return { resources: run.resources, exports: run.exports, diagnostics: run.diagnostics, comments: run.comments, files: run.files, externalCalls: run.externalCalls };
}

export const bicepFrontEnd: FrontEnd = {
  format: 'bicep',
  analyze: (files, host) => analyzeBicep(files, host),
};
