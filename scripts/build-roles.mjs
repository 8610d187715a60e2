#!/usr/bin/env node
// Regenerates data/builtin-roles.json from the shared catalog (../shared/data/azure-builtin-roles.json).
// The package ships the compact copy so that an installed grantlint needs nothing outside itself.
// The snapshot date is read from the catalog's README (its sources table), so that `--version` can
// say which catalog a finding about roles was judged against. Each role's breadth (how many of the
// catalog's permission strings it allows, the measure of least privilege) is computed here by the
// permission model itself, from the built sources (dist/, `npm run build`), so that no run has to.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

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
const built = join(root, 'dist', 'src', 'graph', 'permissions.js');
if (!existsSync(built)) throw new Error(`${built} is missing: run npm run build first (the breadths are measured by the permission model)`);
const { catalogBreadths } = await import(pathToFileURL(built).href);
const { RoleCatalog } = await import(pathToFileURL(join(root, 'dist', 'src', 'graph', 'roles.js')).href);
const breadths = catalogBreadths(new RoleCatalog(compact.map((r) => ({ ...r }))));
for (const role of compact) role.breadth = breadths.get(role.id);
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
