/**
 * A workspace analysed incrementally, for the language server. The unit of work is a *candidate
 * root*: a Bicep or ARM file, or a Terraform folder. Each candidate is analysed on its own by its
 * front end, through a host that records every file (and folder listing) it read, with that file's
 * version: its *closure*. After an edit only the candidates whose closure holds the edited file are
 * analysed again; the rest keep their resources. A candidate is a root when no other candidate's
 * closure reads it, which is how the front ends decide roots over a whole run (a file no analysed
 * file calls as a module); a module's own analysis is kept only to know its closure.
 *
 * The graph, the rules and the filter stage then run over the union, exactly as `lint()` does, so
 * the editor shows what the CLI prints for the same files and texts.
 */
import { dirname, resolve } from 'node:path';
import { discover, fileKind } from '../discover/discover.js';
import { repositoryRoot } from '../discover/root.js';
import { LineMap } from '../model/location.js';
import type { ConfigResolver } from '../engine/config.js';
import { CachingHost } from '../engine/host.js';
import { runConfiguredRules } from '../engine/configured-rules.js';
import { defaultRuleRuns, lintAnalysis, programGraph } from '../engine/lint.js';
import { runRules } from '../engine/run-rules.js';
import type { Finding, LintResult } from '../engine/types.js';
import { roleCatalog } from '../graph/roles.js';
import type { IdentityGraph } from '../graph/types.js';
import { analyzeFiles } from '../engine/front-ends.js';
import type { FrontEndHost } from '../lower/types.js';
import type { LoweredProgram, SourceFormat } from '../model/template.js';
import { appendAll } from '../util/arrays.js';
import { mergeGraphs } from './merge-graphs.js';

/** A front end's format, or `yaml`: Kubernetes manifests (their service accounts). */
type Format = SourceFormat | 'yaml';

/**
 * What a candidate's reads can make a module: Bicep calls Bicep and ARM JSON modules, ARM links
 * JSON templates, Terraform calls folders. (The ARM front end also reads a `.bicep` file beside a
 * generated template, to skip it: that read calls nothing.) A script a workflow runs is linted on
 * its own too, as the scripts front end does for a file given to it.
 */
const CALLABLE: Record<Format, string[]> = { bicep: ['bicep', 'json'], arm: ['json'], terraform: ['terraform'], script: [], yaml: [] };

/** lint()'s front-end order (front-ends.ts): Bicep, ARM, Terraform, scripts. */
const ORDER: Record<Format, number> = { bicep: 0, arm: 1, terraform: 2, script: 3, yaml: 4 };

interface Candidate {
  key: string;
  format: Format;
  /** The files given to the front end (a Terraform folder's files). */
  inputs: string[];
  /** A `.bicepparam` file reads its template without making it a module. */
  paramFile: boolean;
}

interface Unit {
  /** path (or `dir:` + folder) → the version read. */
  closure: Map<string, number>;
  program: LoweredProgram;
  /** Quick mode: this root's own graph and rule findings, until the unit or the configuration changes. */
  graph?: IdentityGraph;
  findings?: Finding[];
  /** Files this candidate's reads can make modules (see CALLABLE), computed once per analysis. */
  calls: string[];
  /** Dedup keys of its diagnostics and comments, computed once per analysis. */
  diagnosticKeys: string[];
  commentKeys: string[];
}

/**
 * `exact`: one graph and one rule run over every root, as `lint()` does. `quick`: each root's graph
 * and findings on their own, cached, so an edit costs only the roots it reaches. The two differ only
 * where roots meet, which by design they rarely do (separate roots never share an Azure resource):
 * two roots' assignments with the same guid() name. The server runs `quick` after a keystroke
 * and `exact` once the editor is idle or the file is saved.
 */
export type AnalysisMode = 'quick' | 'exact';

export interface WorkspaceOptions {
  /** The configuration in force (severities, options, ignores); replaced with `setConfig`. */
  config?: ConfigResolver;
  varFiles?: string[];
  includeGenerated?: boolean;
}

export interface AnalysisStats {
  /** Candidates analysed again in this call, and all of them. */
  analysed: number;
  candidates: number;
  roots: number;
  ms: { frontEnds: number; graph: number; rules: number };
}

export class Workspace {
  private readonly buffers = new Map<string, string>();
  /** Disk texts, read once; replaced (emptied) when a file changes on disk. */
  private disk: CachingHost;
  /** Reads stay inside this folder, as lint() confines them for the workspace folder (its git top level). */
  private readonly readRoot: string;
  /** Line indexes of the texts last analysed (fingerprints), by path. */
  private readonly lineMaps = new Map<string, { text: string; map: LineMap }>();
  private readonly versions = new Map<string, number>();
  private readonly units = new Map<string, Unit>();
  private files?: string[];
  private config?: ConfigResolver;
  lastStats?: AnalysisStats;
  lastGraph?: IdentityGraph;

  constructor(
    readonly root: string,
    private readonly options: WorkspaceOptions = {},
  ) {
    this.config = options.config;
    this.readRoot = repositoryRoot([root], root);
    this.disk = new CachingHost({ root: this.readRoot });
  }

  setConfig(config: ConfigResolver | undefined): void {
    this.config = config;
    // The configuration also decides what front ends read (`scripts: false`): everything is analysed again.
    this.units.clear();
    // Ignores may have changed: which files are candidates is decided again.
    this.files = undefined;
  }

  /** An editor buffer: linted instead of the file on disk until it is closed. */
  setBuffer(path: string, text: string): void {
    if (this.buffers.get(path) === text) return;
    const known = this.buffers.has(path) || this.files?.includes(path);
    this.buffers.set(path, text);
    this.bump(path);
    if (!known) this.files = undefined;
  }

  closeBuffer(path: string): void {
    if (!this.buffers.delete(path)) return;
    this.bump(path);
  }

  /** A file changed, appeared or went away on disk. */
  fileChanged(path: string, created = false): void {
    this.disk = new CachingHost({ root: this.readRoot });
    this.bump(path);
    if (created) {
      this.bump(`dir:${dirname(path)}`);
      this.files = undefined;
    }
  }

  fileDeleted(path: string): void {
    this.fileChanged(path, true);
  }

  /** The text a file has for the analysis: the buffer when open, else the disk copy. */
  read(path: string): string | undefined {
    return this.buffers.get(path) ?? this.disk.readFile(path);
  }

  /** The line index of the text read(path) gives, built once per text. */
  lineMap(path: string): LineMap | undefined {
    const text = this.read(path);
    if (text === undefined) return undefined;
    const known = this.lineMaps.get(path);
    if (known?.text === text) return known.map;
    const map = new LineMap(text);
    this.lineMaps.set(path, { text, map });
    return map;
  }

  private bump(key: string): void {
    this.versions.set(key, (this.versions.get(key) ?? 0) + 1);
  }

  private version(key: string): number {
    return this.versions.get(key) ?? 0;
  }

  private async candidates(): Promise<Candidate[]> {
    if (!this.files) {
      let found = (await discover([this.root], { cwd: this.root })).map((f) => f.path);
      for (const path of this.buffers.keys()) if (!found.includes(path) && fileKind(path) && path.startsWith(this.root)) found.push(path);
      if (this.config) {
        const config = this.config;
        found = found.filter((f) => !config.isIgnored(f));
      }
      this.files = found.sort();
    }
    const out: Candidate[] = [];
    const folders = new Map<string, string[]>();
    const scripts: string[] = [];
    const manifests: string[] = [];
    for (const path of this.files) {
      const kind = fileKind(path);
      if (kind === 'terraform') {
        const dir = dirname(path);
        folders.set(dir, [...(folders.get(dir) ?? []), path]);
      } else if (kind === 'bicep') out.push({ key: path, format: 'bicep', inputs: [path], paramFile: path.toLowerCase().endsWith('.bicepparam') });
      else if (kind === 'json') out.push({ key: path, format: 'arm', inputs: [path], paramFile: false });
      else if (kind === 'script') scripts.push(path);
      else if (kind === 'yaml') manifests.push(path);
    }
    for (const [dir, inputs] of folders) out.push({ key: `tf:${dir}`, format: 'terraform', inputs, paramFile: false });
    // Scripts are analysed together, as lint() gives them to the scripts front end: a script that a
    // workflow or pipeline runs is then read as a file of its own, not again inside the workflow.
    if (scripts.length > 0) out.push({ key: 'scripts:', format: 'script', inputs: scripts, paramFile: false });
    if (manifests.length > 0) out.push({ key: 'yaml:', format: 'yaml', inputs: manifests, paramFile: false });
    return out;
  }

  private fresh(unit: Unit | undefined): boolean {
    if (!unit) return false;
    for (const [key, version] of unit.closure) if (this.version(key) !== version) return false;
    return true;
  }

  private run(c: Candidate): Unit {
    const closure = new Map<string, number>();
    const host: FrontEndHost = {
      readFile: (path) => {
        closure.set(path, this.version(path));
        return this.read(path);
      },
      readProblem: (path) => (this.buffers.has(path) ? undefined : this.disk.readProblem(path)),
      listFolder: (path) => {
        closure.set(`dir:${path}`, this.version(`dir:${path}`));
        return this.disk.listFolder(path);
      },
    };
    if (this.options.varFiles) host.varFiles = this.options.varFiles.map((f) => resolve(this.root, f));
    if (this.options.includeGenerated) host.includeGeneratedTemplates = true;
    const config = this.config;
    if (config) host.scriptsEnabled = (file) => config.scriptsEnabled(file);
    for (const input of c.inputs) closure.set(input, this.version(input));
    // lint()'s front-end step for one batch (front ends, deployment scripts, directive comments).
    const program = analyzeFiles(
      c.inputs.map((path) => ({ path, kind: fileKind(path)! })),
      host,
    );
    const own = new Set(c.inputs);
    const callable = CALLABLE[c.format];
    const calls = [...closure.keys()].filter((key) => {
      if (key.startsWith('dir:') || own.has(key)) return false;
      const kind = fileKind(key);
      return !!kind && callable.includes(kind);
    });
    const unit: Unit = {
      closure,
      program,
      calls,
      diagnosticKeys: program.diagnostics.map((d) => `${d.code}|${d.at.file}|${JSON.stringify(d.at.range)}|${d.message}`),
      commentKeys: program.comments.map((comment) => `${comment.file}|${JSON.stringify(comment.at.range)}`),
    };
    this.units.set(c.key, unit);
    return unit;
  }

  /** Analyses what changed since the last call and lints the whole workspace. */
  async analyze(mode: AnalysisMode = 'exact'): Promise<LintResult> {
    const t0 = performance.now();
    const candidates = await this.candidates();
    const live = new Set(candidates.map((c) => c.key));
    for (const key of [...this.units.keys()]) if (!live.has(key)) this.units.delete(key);
    let analysed = 0;
    const wasRoot = (key: string) => this.roots?.has(key) ?? true;
    // Roots and new candidates that are stale are analysed now; a stale module waits until it may be a root.
    const unknown = new Set<string>();
    for (const c of candidates) {
      if (this.fresh(this.units.get(c.key))) continue;
      if (this.units.has(c.key) && !wasRoot(c.key)) {
        unknown.add(c.key);
        continue;
      }
      this.run(c);
      analysed++;
    }
    let called = this.calledFiles(candidates, unknown);
    for (let round = 0; round < 5 && unknown.size > 0; round++) {
      const now = candidates.filter((c) => unknown.has(c.key) && !c.inputs.some((i) => called.has(i)));
      if (now.length === 0) break;
      for (const c of now) {
        this.run(c);
        analysed++;
        unknown.delete(c.key);
      }
      called = this.calledFiles(candidates, unknown);
    }
    const roots = candidates.filter((c) => !unknown.has(c.key) && !c.inputs.some((i) => called.has(i)));
    this.roots = new Set(roots.map((c) => c.key));
    const t1 = performance.now();

    const program: LoweredProgram = { resources: [], diagnostics: [], comments: [], files: [], externalCalls: [], exports: [] };
    const seenDiagnostics = new Set<string>();
    const seenComments = new Set<string>();
    const seenFiles = new Set<string>();
    // The order of lint(): Bicep, then ARM, then Terraform, then scripts, each in file order.
    roots.sort((a, b) => ORDER[a.format] - ORDER[b.format] || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (const c of roots) {
      const part = this.units.get(c.key)!.program;
      appendAll(program.resources, part.resources);
      appendAll(program.externalCalls!, part.externalCalls ?? []);
      appendAll(program.exports!, part.exports ?? []);
      if (part.serviceAccounts) appendAll((program.serviceAccounts ??= []), part.serviceAccounts);
      const unit = this.units.get(c.key)!;
      part.diagnostics.forEach((d, i) => {
        const key = unit.diagnosticKeys[i];
        if (!seenDiagnostics.has(key)) {
          seenDiagnostics.add(key);
          program.diagnostics.push(d);
        }
      });
      part.comments.forEach((comment, i) => {
        const key = unit.commentKeys[i];
        if (!seenComments.has(key)) {
          seenComments.add(key);
          program.comments.push(comment);
        }
      });
      for (const f of part.files) {
        if (!seenFiles.has(f)) {
          seenFiles.add(f);
          program.files.push(f);
        }
      }
    }
    const host = { readFile: (f: string) => this.read(f), readUncached: (f: string) => this.read(f), lineMap: (f: string) => this.lineMap(f) };
    let graph: IdentityGraph;
    let ruleFindings: Finding[] | undefined;
    if (mode === 'exact') graph = this.graphOf(program);
    else {
      ruleFindings = [];
      const seen = new Set<string>();
      const graphs: IdentityGraph[] = [];
      for (const c of roots) {
        const unit = this.units.get(c.key)!;
        if (!unit.findings || !unit.graph) {
          unit.graph = this.graphOf(unit.program);
          unit.findings = await this.ruleFindings(unit.graph, unit.program.files);
        }
        graphs.push(unit.graph);
        // One finding per rule and declaration, however many roots reach it (the first, as in one run).
        for (const f of unit.findings) {
          const key = `${f.ruleId}|${f.file}|${f.range.start.line}:${f.range.start.column}|${f.fingerprint}`;
          if (seen.has(key)) continue;
          seen.add(key);
          ruleFindings.push(f);
        }
      }
      // Hover and the rest read one graph: the roots' graphs side by side, the resources as merged above.
      graph = { ...mergeGraphs(graphs), resources: program.resources, externalCalls: program.externalCalls ?? [] };
    }
    const t2 = performance.now();
    const result = await lintAnalysis({ graph, program, host }, { cwd: this.root, config: this.config }, ruleFindings);
    const t3 = performance.now();
    this.lastGraph = graph;
    this.lastStats = {
      analysed,
      candidates: candidates.length,
      roots: roots.length,
      ms: { frontEnds: t1 - t0, graph: t2 - t1, rules: t3 - t2 },
    };
    return result;
  }

  private roots?: Set<string>;

  /** As analyze() in lint.ts builds it: messages read the source text as written. */
  private graphOf(program: LoweredProgram): IdentityGraph {
    return programGraph(program, (f) => this.read(f));
  }

  private async ruleFindings(graph: IdentityGraph, files: string[]): Promise<Finding[]> {
    const runOptions = { roles: roleCatalog(), sourceText: (f: string) => this.read(f), sourceLines: (f: string) => this.lineMap(f) };
    if (!this.config) return runRules(graph, defaultRuleRuns(), runOptions);
    await this.config.load(files);
    return runConfiguredRules(graph, this.config, files, runOptions);
  }

  /** Files some candidate reads other than its own inputs (`.bicepparam` files excepted). */
  private calledFiles(candidates: Candidate[], unknown: Set<string>): Set<string> {
    const called = new Set<string>();
    for (const c of candidates) {
      if (c.paramFile || unknown.has(c.key)) continue;
      const unit = this.units.get(c.key);
      if (!unit) continue;
      for (const key of unit.calls) called.add(key);
    }
    return called;
  }
}
