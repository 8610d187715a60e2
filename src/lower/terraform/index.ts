/**
 * The Terraform front end: `.tf` / `.tf.json` files grouped by folder (a folder is a module),
 * roots found (folders no analysed folder calls with a local source), variables bound from defaults,
 * `terraform.tfvars`, `*.auto.tfvars` and `--var-file` files, then every resource and data source
 * of every module instance evaluated (see evaluate.ts).
 */
import { basename, dirname } from 'node:path';
import type { Location } from '../../model/location.js';
import { LineMap } from '../../model/location.js';
import type { ExportedValue, LoweredProgram, ResourceInstance } from '../../model/template.js';
import { emptyProgram } from '../../model/template.js';
import type { Value } from '../../model/value.js';
import type { FrontEnd, FrontEndHost } from '../types.js';
import type { ModuleConfig } from './config.js';
import { loadModuleConfig, SourceCache } from './config.js';
import { Evaluator, ModuleInstance } from './evaluate.js';
import { parseTerraformFile } from './parse.js';
import { fromJs } from './values.js';
import { appendAll } from '../../util/arrays.js';
import { fileStart, internalError } from '../problems.js';
import { rootsOfCycles } from '../roots.js';

export function isConfigFile(path: string): boolean {
  return path.endsWith('.tf') || path.endsWith('.tf.json');
}

export function isVarFile(path: string): boolean {
  return path.endsWith('.tfvars') || path.endsWith('.tfvars.json');
}

/** The files of `folder` that hold configuration. */
function configFilesIn(host: FrontEndHost, folder: string): string[] {
  return host.listFolder(folder).filter(isConfigFile);
}

class TerraformAnalysis {
  readonly cache: SourceCache;
  readonly ev = new Evaluator();
  private readonly configs = new Map<string, ModuleConfig | null>();
  private readonly given = new Map<string, string[]>();
  private readonly varFileValues = new Map<string, Map<string, Value> | null>();
  /** Variable files read: auto-loaded, `--var-file`, and the ones given (checked for syntax errors). */
  readonly usedVarFiles = new Set<string>();

  constructor(
    private readonly host: FrontEndHost,
    configFiles: string[],
  ) {
    this.cache = new SourceCache((p) => host.readFile(p), parseTerraformFile, (p) => host.lineMap?.(p));
    for (const f of configFiles) {
      const dir = dirname(f);
      const list = this.given.get(dir) ?? [];
      list.push(f);
      this.given.set(dir, list);
    }
  }

  get givenFolders(): string[] {
    return [...this.given.keys()].sort();
  }

  loadModule(folder: string): ModuleConfig | undefined {
    const cached = this.configs.get(folder);
    if (cached !== undefined) return cached ?? undefined;
    this.configs.set(folder, null);
    const files = this.given.get(folder) ?? configFilesIn(this.host, folder);
    if (files.length === 0) return undefined;
    const config = loadModuleConfig(folder, files, this.cache);
    this.configs.set(folder, config);
    return config;
  }

  /** The local module folders each reached folder calls. */
  readonly callees = new Map<string, string[]>();

  /** Folders some analysed folder calls as a local module (transitively through reached modules). */
  calledFolders(): Set<string> {
    const called = new Set<string>();
    const queue = this.givenFolders;
    const seen = new Set(queue);
    while (queue.length > 0) {
      const folder = queue.shift()!;
      const config = this.loadModule(folder);
      if (!config) continue;
      const mine: string[] = [];
      this.callees.set(folder, mine);
      for (const call of config.modules.values()) {
        if (!call.localDir || call.localDir === folder) continue;
        mine.push(call.localDir);
        called.add(call.localDir);
        if (!seen.has(call.localDir)) {
          seen.add(call.localDir);
          queue.push(call.localDir);
        }
      }
    }
    return called;
  }

  /** Variable values from one variable file (HCL or JSON), or null when it cannot be read or parsed. */
  varFile(path: string): Map<string, Value> | null {
    const cached = this.varFileValues.get(path);
    if (cached !== undefined) return cached;
    let values: Map<string, Value> | null = null;
    if (path.endsWith('.json')) {
      const text = this.host.readFile(path);
      if (text !== undefined) {
        const at: Location = { file: path, range: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } } };
        try {
          const data = JSON.parse(text) as unknown;
          values = new Map();
          if (data && typeof data === 'object' && !Array.isArray(data)) {
            for (const [k, v] of Object.entries(data as Record<string, unknown>)) values.set(k, fromJs(v, at));
          }
        } catch (e) {
          const lineMap = new LineMap(text);
          const m = /position (\d+)/.exec(e instanceof Error ? e.message : '');
          const offset = m ? Math.min(Number(m[1]), text.length) : 0;
          this.cache.diagnostics.push({
            code: 'parse-error',
            message: `invalid JSON: ${e instanceof Error ? e.message : String(e)}`,
            at: { file: path, range: lineMap.range(offset, offset) },
          });
        }
      }
    } else {
      const file = this.cache.get(path);
      if (file) {
        values = new Map();
        for (const item of file.ast.body.items) {
          if (item.kind !== 'Attribute') continue;
          values.set(item.name, this.ev.safe(item.value, { file, scope: new Map() }));
        }
      }
    }
    this.varFileValues.set(path, values);
    return values;
  }

  /** Root variable values: terraform.tfvars(.json), *.auto.tfvars(.json) in name order, then --var-file files. */
  rootInputs(folder: string): Map<string, () => Value> {
    const inFolder = this.host.listFolder(folder).filter(isVarFile);
    const auto = inFolder.filter((f) => {
      const b = basename(f);
      return b === 'terraform.tfvars' || b === 'terraform.tfvars.json';
    });
    auto.sort((a, b) => (a.endsWith('.json') ? 1 : 0) - (b.endsWith('.json') ? 1 : 0));
    const autoLoaded = inFolder.filter((f) => /\.auto\.tfvars(\.json)?$/.test(basename(f))).sort();
    const inputs = new Map<string, () => Value>();
    for (const path of [...auto, ...autoLoaded, ...(this.host.varFiles ?? [])]) {
      const values = this.varFile(path);
      if (!values) continue;
      this.usedVarFiles.add(path);
      for (const [k, v] of values) inputs.set(k, () => v);
    }
    return inputs;
  }
}

function analyze(files: string[], host: FrontEndHost): LoweredProgram {
  const program = emptyProgram();
  const configFiles = files.filter(isConfigFile);
  const analysis = new TerraformAnalysis(host, configFiles);
  const exports: ExportedValue[] = [];
  program.exports = exports;
  try {
    // Variable files given on the command line are reported when they do not parse.
    for (const f of files.filter(isVarFile)) {
      analysis.varFile(f);
      analysis.usedVarFiles.add(f);
    }
    const called = analysis.calledFolders();
    for (const f of rootsOfCycles(analysis.givenFolders, called, analysis.callees)) called.delete(f);
    const roots = analysis.givenFolders.filter((f) => !called.has(f));
    for (const root of roots) {
      const config = analysis.loadModule(root);
      if (!config) continue;
      analysis.ev.budget.reset((d) => analysis.cache.diagnostics.push(d));
      try {
        const instance = new ModuleInstance(
          analysis.ev,
          {
            rootFolder: root,
            loadModule: (folder) => analysis.loadModule(folder),
            readProblem: (folder) => host.readProblem?.(folder),
            report: (d) => analysis.cache.diagnostics.push(d),
            externalCalls: program.externalCalls,
          },
          config,
          '',
          [],
          analysis.rootInputs(root),
          [root],
          '.',
        );
        instance.materialize();
        const out: ResourceInstance[] = [];
        instance.collect(out);
        appendAll(program.resources, out);
        instance.exportsInto(exports);
      } catch (e) {
        // Outside the per-declaration guard (variable files, collecting): a finding on this root,
        // and the other roots go on.
        analysis.cache.diagnostics.push(internalError('this Terraform root module', e, fileStart(config.files[0]?.path ?? root)));
      }
    }
  } catch (e) {
    // Reading the folders and finding the roots failed: a finding, and what was lowered stays.
    analysis.cache.diagnostics.push(internalError('the Terraform configuration', e, fileStart(configFiles[0] ?? files[0] ?? '.')));
  }
  appendAll(program.diagnostics, analysis.cache.diagnostics);
  appendAll(program.comments, analysis.cache.comments);
  appendAll(program.files, new Set([...analysis.cache.read, ...analysis.usedVarFiles]));
  return program;
}

export const terraformFrontEnd: FrontEnd = {
  format: 'terraform',
  analyze,
};
