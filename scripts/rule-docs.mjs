#!/usr/bin/env node
// Rewrites what is derived from rule metadata: the generated header of every docs/rules/<id>.md,
// and the rule ids and descriptions listed in the configuration schema (for editors).
// Run after a build: `npm run build && node scripts/rule-docs.mjs`.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { builtinRules } = await import(join(root, 'dist/rules/index.js'));
const { DIAGNOSTIC_RULES } = await import(join(root, 'dist/src/engine/diagnostic-rules.js'));
const { withDocHeader } = await import(join(root, 'dist/src/engine/rule-docs.js'));

const metas = [...builtinRules.map((r) => r.meta), ...DIAGNOSTIC_RULES];
for (const meta of metas) {
  const file = join(root, meta.docs);
  writeFileSync(file, withDocHeader(readFileSync(file, 'utf8'), meta));
  console.log(`updated ${meta.docs}`);
}

const schemaFile = join(root, 'schemas/grantlint-config.schema.json');
const schema = JSON.parse(readFileSync(schemaFile, 'utf8'));
schema.definitions.rules.properties = Object.fromEntries(
  metas.map((m) => [m.id, { description: m.description, allOf: [{ $ref: '#/definitions/ruleEntry' }] }]),
);
writeFileSync(schemaFile, JSON.stringify(schema, null, 2) + '\n');
console.log('updated schemas/grantlint-config.schema.json');
