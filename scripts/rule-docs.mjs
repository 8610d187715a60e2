#!/usr/bin/env node
// Rewrites the generated header of every docs/rules/<id>.md from the rule's metadata.
// Run after a build: `npm run docs`.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { builtinRules } = await import(join(root, 'dist/rules/index.js'));
const { PARSE_ERROR_RULE } = await import(join(root, 'dist/src/engine/diagnostic-rules.js'));
const { withDocHeader } = await import(join(root, 'dist/src/engine/rule-docs.js'));

for (const meta of [...builtinRules.map((r) => r.meta), PARSE_ERROR_RULE]) {
  const file = join(root, meta.docs);
  writeFileSync(file, withDocHeader(readFileSync(file, 'utf8'), meta));
  console.log(`updated ${meta.docs}`);
}
