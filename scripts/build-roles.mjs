#!/usr/bin/env node
// Regenerates data/builtin-roles.json from the shared catalog (../shared/data/azure-builtin-roles.json).
// The package ships the compact copy so that an installed grantlint needs nothing outside itself.
// The snapshot date is read from the catalog's README (its sources table), so that `--version` can
// say which catalog a finding about roles was judged against.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');
const source = process.argv.slice(2).find((a) => a !== '--check') ?? join(root, '..', 'shared', 'data', 'azure-builtin-roles.json');
const roles = JSON.parse(readFileSync(source, 'utf8'));

const readme = join(dirname(source), 'README.md');
const snapshot = existsSync(readme) ? /azure-builtin-roles\)[^|]*\|[^|]*\|\s*(\d{4}-\d{2}-\d{2})\s*\|/.exec(readFileSync(readme, 'utf8'))?.[1] : undefined;
if (!snapshot) throw new Error(`cannot read the catalog's snapshot date from ${readme}`);

const compact = roles.map((r) => {
  const role = {
    id: r.id,
    roleName: r.roleName,
    category: r.category,
    actions: r.actions,
    notActions: r.notActions,
    dataActions: r.dataActions,
    notDataActions: r.notDataActions,
  };
  // Blocks matter when the flat union loses information: a block's notActions subtract from it alone.
  if (r.permissionBlocks) {
    role.permissionBlocks = r.permissionBlocks.map((b) => ({
      actions: b.actions ?? [],
      notActions: b.notActions ?? [],
      dataActions: b.dataActions ?? [],
      notDataActions: b.notDataActions ?? [],
      ...(b.condition ? { condition: true } : {}),
    }));
  }
  return role;
});
const target = join(root, 'data', 'builtin-roles.json');
const text = JSON.stringify({ snapshot, roles: compact }) + '\n';
if (check) {
  // CI: the shipped copy must be what the shared catalog generates.
  if (!existsSync(target) || readFileSync(target, 'utf8') !== text) {
    console.error(`${target} is out of date with ${source}: run node scripts/build-roles.mjs`);
    process.exit(1);
  }
  console.log(`up to date: ${compact.length} roles (snapshot ${snapshot})`);
} else {
  writeFileSync(target, text);
  console.log(`wrote ${compact.length} roles (snapshot ${snapshot})`);
}
