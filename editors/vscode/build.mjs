#!/usr/bin/env node
// Bundles the VS Code extension with esbuild, the way scripts/bundle.mjs bundles the CLI and the
// Action (same esbuild, same Node target), so the .vsix needs no `npm ci`:
//
//   dist/extension.js        the extension (CommonJS, as VS Code loads it; `vscode` is external)
//   server/grantlint.mjs     grantlint's language server with every dependency inside
//   server/package.json      named `grantlint`: how the server finds its data/ and schemas/
//   server/data, schemas     the role catalog and the configuration schema
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

const BANNER = [
  '// Built by editors/vscode/build.mjs from the sources in src/; do not edit.',
  "import { createRequire as __grantlintCreateRequire } from 'node:module';",
  'const require = __grantlintCreateRequire(import.meta.url);',
].join('\n');

export async function build() {
  rmSync(join(here, 'dist'), { recursive: true, force: true });
  rmSync(join(here, 'server'), { recursive: true, force: true });
  const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: false, legalComments: 'eof', charset: 'utf8', logLevel: 'warning', absWorkingDir: root };
  await esbuild.build({ ...common, entryPoints: [join(here, 'src', 'extension.ts')], outfile: join(here, 'dist', 'extension.js'), format: 'cjs', external: ['vscode'] });
  await esbuild.build({ ...common, entryPoints: [join(here, 'src', 'server.ts')], outfile: join(here, 'server', 'grantlint.mjs'), format: 'esm', banner: { js: BANNER } });
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  writeFileSync(join(here, 'server', 'package.json'), JSON.stringify({ name: 'grantlint', version: manifest.version, private: true, type: 'module' }, null, 2) + '\n');
  mkdirSync(join(here, 'server', 'data'), { recursive: true });
  cpSync(join(root, 'data', 'builtin-roles.json'), join(here, 'server', 'data', 'builtin-roles.json'));
  cpSync(join(root, 'schemas'), join(here, 'server', 'schemas'), { recursive: true });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  build().catch((e) => {
    console.error(e.message);
    process.exit(1);
  });
}
