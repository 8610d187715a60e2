import { buildGraph, SHAPES } from '../graph/build.js';
import { roleCatalog } from '../graph/roles.js';
import type { IdentityGraph } from '../graph/types.js';
import { withSourceText } from '../graph/written.js';
import type { LoweredProgram } from '../model/template.js';

/** The identity graph of a lowered program (lint's batches and the language server build theirs with this). */
export function programGraph(program: LoweredProgram, readFile: (path: string) => string | undefined): IdentityGraph {
  // Labels in the graph quote values as written (see src/graph/written.ts).
  const inputs = { externalCalls: program.externalCalls, exports: program.exports, serviceAccounts: program.serviceAccounts };
  return withSourceText(readFile, () => buildGraph(program.resources, roleCatalog(), SHAPES, inputs));
}
