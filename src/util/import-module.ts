/**
 * `import()` of an ES module by URL (a plugin, the language server's bundle). The CLI bundle runs
 * as a script restored from V8's code cache (bin/load-bundle.js), and in Node 20 a dynamic
 * `import()` in a function restored from the cache finds no module loader: the loader, itself an ES
 * module, hands in its own `import` as `globalThis.__grantlintImport`. Elsewhere (tsc output, the
 * Action, tests) it is the plain `import()`.
 */
type Importer = (specifier: string) => Promise<unknown>;

export function importModule(specifier: string): Promise<unknown> {
  const given = (globalThis as { __grantlintImport?: Importer }).__grantlintImport;
  return given ? given(specifier) : import(specifier);
}
