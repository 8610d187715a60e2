#!/usr/bin/env node
// Regenerates data/builtin-roles.json from the shared catalog (../shared/data/azure-builtin-roles.json).
// The package ships the compact copy so that an installed grantlint needs nothing outside itself.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = process.argv[2] ?? join(root, '..', 'shared', 'data', 'azure-builtin-roles.json');
const roles = JSON.parse(readFileSync(source, 'utf8'));
const compact = roles.map((r) => ({
  id: r.id,
  roleName: r.roleName,
  category: r.category,
  actions: r.actions,
  notActions: r.notActions,
  dataActions: r.dataActions,
  notDataActions: r.notDataActions,
}));
writeFileSync(join(root, 'data', 'builtin-roles.json'), JSON.stringify(compact) + '\n');
console.log(`wrote ${compact.length} roles`);
