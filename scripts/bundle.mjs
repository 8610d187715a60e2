#!/usr/bin/env node
// The one bundling script of the project (esbuild). The bundles from the same sources:
//
//   node scripts/bundle.mjs cli      dist/grantlint.cjs: the CLI in one CommonJS file, which
//                                    bin/grantlint.js loads when present (start-up: one file to read
//                                    instead of ~100 modules), with V8's code cache of a run over the
//                                    examples saved beside it (dist/grantlint.cjs.cache,
//                                    bin/load-bundle.js). Built by `npm run build`; shipped in the npm
//                                    package. yaml, ajv and re2js stay external: resolved from
//                                    node_modules, and only when a configuration file is read or a
//                                    Terraform regex runs.
//   node scripts/bundle.mjs lsp      dist/grantlint-lsp.mjs: `grantlint lsp`, beside the CLI bundle
//                                    (src/cli/main.ts loads it by URL), so linting never parses it.
//   node scripts/bundle.mjs worker   dist/grantlint-worker.mjs: the worker thread of --jobs, beside the
//                                    CLI bundle (src/engine/pool.ts looks for it there).
//   node scripts/bundle.mjs action   action/main.mjs: the GitHub Action, every dependency inside (the
//                                    runner has no node_modules and runs no `npm ci`). Committed;
//                                    yaml and ajv are inside but evaluated only on first use.
//   node scripts/bundle.mjs --check  exit 1 when the committed action/main.mjs is not byte-identical to
//                                    what the sources build (test/integrations/action-bundle.test.ts
//                                    runs the same comparison in CI).
//
// Both bundles find data/ and schemas/ the way the tsc output does: by walking up from the bundle
// to grantlint's package.json (src/util/package-root.ts), so they must stay inside the package.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Bundled CommonJS (yaml, ajv, @actions/core) calls require() for Node's built-ins; ESM has none. */
const BANNER = [
  '// Built by scripts/bundle.mjs from the sources in src/; do not edit.',
  "import { createRequire as __grantlintCreateRequire } from 'node:module';",
  'const require = __grantlintCreateRequire(import.meta.url);',
].join('\n');

const COMMON = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  banner: { js: BANNER },
  // Paths in the bundle's comments stay relative to the project: byte-identical on every machine.
  sourcemap: false,
  legalComments: 'eof',
  charset: 'utf8',
  logLevel: 'warning',
  metafile: true,
};

/**
 * The CLI is CommonJS so that bin/load-bundle.js can give V8 its code cache (vm.Script); the
 * bundle's own `import.meta.url` is its file's URL.
 */
const CLI_BANNER = [
  '// Built by scripts/bundle.mjs from the sources in src/; do not edit.',
  "const __grantlintImportMetaUrl = require('node:url').pathToFileURL(__filename).href;",
].join('\n');

export const TARGETS = {
  cli: {
    ...COMMON,
    format: 'cjs',
    banner: { js: CLI_BANNER },
    define: { 'import.meta.url': '__grantlintImportMetaUrl' },
    entryPoints: ['src/cli/bin.ts'],
    outfile: 'dist/grantlint.cjs',
    // ASCII only (other characters as escapes): V8 holds the source as a one-byte string, half the
    // size, and bin/load-bundle.js reads it without decoding UTF-8.
    charset: 'ascii',
    external: ['yaml', 'ajv', 're2js'],
  },
  // `grantlint lsp` (src/lsp/server.ts), loaded by URL beside dist/grantlint.cjs: linting from the
  // command line never parses the protocol library.
  lsp: { ...COMMON, entryPoints: ['src/lsp/server.ts'], outfile: 'dist/grantlint-lsp.mjs', external: ['yaml', 'ajv', 're2js'] },
  action: { ...COMMON, entryPoints: ['src/integrations/action-main.ts'], outfile: 'action/main.mjs' },
  // The front-end worker of `--jobs` (src/engine/pool.ts), loaded by URL beside dist/grantlint.cjs.
  worker: { ...COMMON, charset: 'ascii', entryPoints: ['src/engine/front-end-worker.ts'], outfile: 'dist/grantlint-worker.mjs', external: ['yaml', 'ajv', 're2js'] },
};

const NOTICES = 'action/THIRD-PARTY-NOTICES.txt';

/** Builds a target in memory: its text and the npm packages inside it. */
export async function build(name) {
  const result = await esbuild.build({ ...TARGETS[name], write: false });
  let text = result.outputFiles[0].text;
  // esbuild escapes every other character in code, not in the comments it keeps (in class bodies).
  if (TARGETS[name].charset === 'ascii') text = text.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const packages = new Set();
  for (const input of Object.keys(result.metafile.inputs)) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (m) packages.add(m[1]);
  }
  return { text, packages: [...packages].sort() };
}

/** The licence texts of the packages a committed bundle carries (MIT and ISC ask for their notice). */
function thirdPartyNotices(packages) {
  const parts = ['Packages bundled into action/main.mjs, with their licences.', ''];
  for (const name of packages) {
    const dir = join(root, 'node_modules', name);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const licenceFile = ['LICENSE', 'LICENSE.md', 'LICENSE.txt', 'license', 'LICENCE'].map((f) => join(dir, f)).find((f) => {
      try {
        readFileSync(f);
        return true;
      } catch {
        return false;
      }
    });
    parts.push(`${'-'.repeat(78)}`, `${name}@${manifest.version} (${manifest.license ?? 'see below'})`, '');
    parts.push(licenceFile ? readFileSync(licenceFile, 'utf8').trim() : `License: ${manifest.license}`, '');
  }
  return parts.join('\n');
}

/** What differs between the committed Action bundle (and its notices) and what the sources build. */
export async function staleActionFiles() {
  const { text, packages } = await build('action');
  const expected = { [TARGETS.action.outfile]: text, [NOTICES]: thirdPartyNotices(packages) };
  return Object.entries(expected)
    .filter(([file, content]) => {
      try {
        return readFileSync(join(root, file), 'utf8') !== content;
      } catch {
        return true;
      }
    })
    .map(([file]) => file);
}

async function main(args) {
  if (args.includes('--check')) {
    const stale = await staleActionFiles();
    if (stale.length > 0) {
      console.error(`${stale.join(' and ')} ${stale.length === 1 ? 'is' : 'are'} not what the sources build; run \`npm run bundle:action\` and commit the result.`);
      process.exit(1);
    }
    return;
  }
  for (const name of args.length > 0 ? args : ['cli']) {
    if (!TARGETS[name]) throw new Error(`unknown bundle '${name}': cli, lsp, worker or action`);
    const { text, packages } = await build(name);
    const out = join(root, TARGETS[name].outfile);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, text);
    if (name === 'action') writeFileSync(join(root, NOTICES), thirdPartyNotices(packages));
    if (name === 'cli') writeCodeCache(out);
  }
}

/**
 * Runs the new CLI bundle over the examples so that V8 saves the code cache of what a run compiles
 * (bin/load-bundle.js). Without the examples (or should the run fail) there is no cache: the
 * bundle then compiles as usual on every run.
 */
function writeCodeCache(bundle) {
  const cache = `${bundle}.cache`;
  rmSync(cache, { force: true });
  const examples = ['examples/webapp/main.bicep', 'examples/terraform/main.tf'];
  const r = spawnSync(process.execPath, [join(root, 'bin', 'grantlint.js'), '--format', 'json', '--fail-on', 'never', '--no-error-on-unmatched-pattern', ...examples], {
    cwd: root,
    env: { ...process.env, GRANTLINT_WRITE_CODE_CACHE: '1' },
    encoding: 'utf8',
  });
  if (r.status !== 0) console.warn(`no code cache for ${bundle}: the run over the examples failed (${r.stderr.trim() || `exit ${r.status}`})`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).catch((e) => {
    console.error(e.message);
    process.exit(1);
  });
}
