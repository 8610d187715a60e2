/**
 * `grantlint lsp`: a Language Server Protocol server on stdio (vscode-languageserver). Diagnostics
 * for open documents, computed over the whole workspace from the editor's buffers; quick fixes for
 * fixes and suggestions; a "fix all" source action; hovers that say who is granted what, where.
 */
import { dirname, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CodeActionKind,
  createConnection,
  DiagnosticSeverity,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  MarkupKind,
  TextDocuments,
  TextDocumentSyncKind,
  type CodeAction,
  type Connection,
  type Diagnostic,
  type InitializeParams,
  type InitializeResult,
  type Range as LspRange,
  type TextEdit as LspTextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { applyFixes } from '../engine/fix/apply.js';
import { ConfigError, ConfigResolver } from '../engine/config.js';
import type { Finding, RuleMeta, SeveritySetting, TextEdit } from '../engine/types.js';
import { ruleDocsUrl } from '../format/links.js';
import { packageVersion } from '../util/package-root.js';
import type { Position, Range } from '../model/location.js';
import { hoverText } from './hover.js';
import { Workspace, type AnalysisMode } from './workspace.js';

export interface ServerSettings {
  /** A configuration file to use instead of the nearest `.grantlint.yaml` (relative to the workspace). */
  configFile?: string;
  /** Severity overrides by rule id (`off` silences a rule in the editor). */
  rules?: Record<string, SeveritySetting>;
  /** Milliseconds after the last keystroke before the buffer is linted (default 150). */
  debounceMs?: number;
  /** Milliseconds of quiet before the exact whole-workspace pass (default 1000). */
  idleMs?: number;
}

const SEVERITY = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information } as const;
const FIX_ALL = `${CodeActionKind.SourceFixAll}.grantlint`;

const toPath = (uri: string): string => resolve(fileURLToPath(uri));
const toUri = (path: string): string => pathToFileURL(path).href;
const lspPosition = (p: Position) => ({ line: p.line - 1, character: p.column - 1 });
const lspRange = (r: Range): LspRange => ({ start: lspPosition(r.start), end: lspPosition(r.end) });

export class GrantlintServer {
  private readonly documents = new TextDocuments(TextDocument);
  private readonly workspaces: Workspace[] = [];
  private settings: ServerSettings = {};
  private metas = new Map<string, RuleMeta>();
  /** Per workspace root: the last results, and the document versions they were computed from. */
  private readonly results = new Map<Workspace, { findings: Finding[]; versions: Map<string, number> }>();
  /** Per open document: `uri@version` when that version was answered with no diagnostics. */
  private readonly published = new Map<string, string>();
  private quickTimer?: NodeJS.Timeout;
  private idleTimer?: NodeJS.Timeout;
  private running: Promise<void> = Promise.resolve();
  private watchedFiles = false;
  /** Latency of each analysis after an edit (ms), for benchmarks and the `grantlint/stats` request. */
  readonly latencies: number[] = [];

  constructor(private readonly connection: Connection) {}

  start(): void {
    const c = this.connection;
    c.onInitialize((params) => this.initialize(params));
    c.onInitialized(() => {
      if (this.watchedFiles) {
        void c.client.register(DidChangeWatchedFilesNotification.type, {
          watchers: [{ globPattern: '**/*.{bicep,bicepparam,tf,tfvars,json,jsonc}' }, { globPattern: '**/.grantlint.{yaml,yml,json}' }],
        });
      }
    });
    c.onDidChangeConfiguration((change) => {
      const s = (change.settings as { grantlint?: ServerSettings } | undefined)?.grantlint;
      if (s) this.applySettings(s);
    });
    c.onDidChangeWatchedFiles((params) => {
      let config = false;
      for (const change of params.changes) {
        const path = toPath(change.uri);
        if (/[\\/]\.grantlint\.(ya?ml|json)$/.test(path)) config = true;
        else if (!this.documents.get(change.uri)) {
          for (const ws of this.workspaces) ws.fileChanged(path, change.type !== FileChangeType.Changed);
        }
      }
      if (config) this.reloadConfig();
      this.schedule('exact', 0);
    });
    this.documents.onDidOpen((e) => {
      this.workspaceFor(toPath(e.document.uri)).setBuffer(toPath(e.document.uri), e.document.getText());
      this.schedule('quick', 0);
    });
    this.documents.onDidChangeContent((e) => {
      this.workspaceFor(toPath(e.document.uri)).setBuffer(toPath(e.document.uri), e.document.getText());
      this.schedule('quick', this.settings.debounceMs ?? 150);
    });
    this.documents.onDidSave((e) => {
      if (/[\\/]\.grantlint\.(ya?ml|json)$/.test(toPath(e.document.uri))) this.reloadConfig();
      this.schedule('exact', 0);
    });
    this.documents.onDidClose((e) => {
      const path = toPath(e.document.uri);
      this.workspaceFor(path).closeBuffer(path);
      this.published.delete(e.document.uri);
      void c.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
      this.schedule('quick', 0);
    });
    c.onCodeAction(async (params) => {
      const doc = this.documents.get(params.textDocument.uri);
      if (!doc) return [];
      const findings = await this.currentFindings(doc);
      return this.codeActions(doc, findings, params.range, params.context.only);
    });
    c.onHover(async (params) => {
      const doc = this.documents.get(params.textDocument.uri);
      if (!doc) return null;
      const path = toPath(doc.uri);
      const ws = this.workspaceFor(path);
      await this.currentFindings(doc);
      const text = ws.lastGraph ? hoverText(ws.lastGraph, path, { line: params.position.line + 1, column: params.position.character + 1 }, ws.root) : undefined;
      return text ? { contents: { kind: MarkupKind.Markdown, value: text } } : null;
    });
    c.onRequest('grantlint/stats', () => ({ latencies: this.latencies, workspaces: this.workspaces.map((w) => ({ root: w.root, stats: w.lastStats })) }));
    this.documents.listen(c);
    c.listen();
  }

  private initialize(params: InitializeParams): InitializeResult {
    const folders = params.workspaceFolders?.map((f) => toPath(f.uri)) ?? (params.rootUri ? [toPath(params.rootUri)] : []);
    this.settings = (params.initializationOptions as ServerSettings | undefined) ?? {};
    for (const folder of folders) this.workspaces.push(new Workspace(folder));
    this.watchedFiles = !!params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration;
    this.reloadConfig();
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL] },
        hoverProvider: true,
      },
      serverInfo: { name: 'grantlint' },
    };
  }

  private applySettings(s: ServerSettings): void {
    const configChanged = s.configFile !== this.settings.configFile;
    this.settings = { ...this.settings, ...s };
    if (configChanged) this.reloadConfig();
    this.schedule('exact', 0);
  }

  /** A new resolver per workspace: the configuration files are read again. */
  private reloadConfig(): void {
    for (const ws of this.workspaces) {
      try {
        const config = new ConfigResolver({ cwd: ws.root, configFile: this.settings.configFile });
        ws.setConfig(config);
        for (const m of config.ruleMetas()) this.metas.set(m.id, m);
      } catch (e) {
        ws.setConfig(undefined);
        if (e instanceof ConfigError) void this.connection.window.showErrorMessage(`grantlint: ${e.message}`);
        else throw e;
      }
    }
  }

  private workspaceFor(path: string): Workspace {
    let best: Workspace | undefined;
    for (const ws of this.workspaces) if ((path + sep).startsWith(ws.root + sep) && (!best || ws.root.length > best.root.length)) best = ws;
    if (best) return best;
    const ws = new Workspace(dirname(path));
    this.workspaces.push(ws);
    try {
      ws.setConfig(new ConfigResolver({ cwd: ws.root, configFile: this.settings.configFile }));
    } catch {
      ws.setConfig(undefined);
    }
    return ws;
  }

  private schedule(mode: AnalysisMode, delay: number): void {
    clearTimeout(this.quickTimer);
    clearTimeout(this.idleTimer);
    const edited = performance.now();
    this.quickTimer = setTimeout(() => {
      this.enqueue(mode, edited);
      if (mode === 'quick') this.idleTimer = setTimeout(() => this.enqueue('exact', undefined), this.settings.idleMs ?? 1000);
    }, delay);
  }

  private enqueue(mode: AnalysisMode, editedAt: number | undefined): Promise<void> {
    this.running = this.running.then(() => this.analyseAll(mode, editedAt)).catch((e: unknown) => {
      this.connection.console.error(`grantlint: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    });
    return this.running;
  }

  private async analyseAll(mode: AnalysisMode, editedAt: number | undefined): Promise<void> {
    const open = this.documents.all();
    const active = new Set(open.map((d) => this.workspaceFor(toPath(d.uri))));
    for (const ws of active) {
      const versions = new Map(open.filter((d) => this.workspaceFor(toPath(d.uri)) === ws).map((d) => [d.uri, d.version]));
      const result = await ws.analyze(mode);
      this.results.set(ws, { findings: this.withSettings(result.findings), versions });
    }
    if (editedAt !== undefined) this.latencies.push(performance.now() - editedAt);
    this.publish();
  }

  /** The editor's severity overrides. */
  private withSettings(findings: Finding[]): Finding[] {
    const rules = this.settings.rules;
    if (!rules) return findings;
    return findings.flatMap((f) => {
      const s = rules[f.ruleId];
      if (!s) return [f];
      return s === 'off' ? [] : [{ ...f, severity: s }];
    });
  }

  private findingsFor(uri: string): Finding[] {
    const path = toPath(uri);
    const entry = this.results.get(this.workspaceFor(path));
    return entry ? entry.findings.filter((f) => f.file === path) : [];
  }

  private publish(): void {
    for (const doc of this.documents.all()) {
      const diagnostics = this.findingsFor(doc.uri).map((f) => this.diagnostic(f));
      // Every version of an open document gets an answer, an empty one too: a client waiting for this
      // version's diagnostics (and the bench) learns the file is clean. A version already answered
      // with nothing is not answered again.
      const key = `${doc.uri}@${doc.version}`;
      if (diagnostics.length === 0 && this.published.get(doc.uri) === key) continue;
      this.published.set(doc.uri, diagnostics.length === 0 ? key : '');
      void this.connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics });
    }
  }

  diagnostic(f: Finding): Diagnostic {
    const meta = this.metas.get(f.ruleId);
    const d: Diagnostic = {
      range: lspRange(f.range),
      severity: SEVERITY[f.severity],
      code: f.ruleId,
      source: 'grantlint',
      message: f.message,
    };
    const href = meta ? ruleDocsUrl(meta, packageVersion()) : undefined;
    if (href) d.codeDescription = { href };
    if (f.related.length > 0) {
      d.relatedInformation = f.related.map((r) => ({ location: { uri: toUri(r.file), range: lspRange(r.range) }, message: r.message }));
    }
    return d;
  }

  /** Findings computed from this version of the document (analysing now when they are older). */
  private async currentFindings(doc: TextDocument): Promise<Finding[]> {
    const path = toPath(doc.uri);
    const ws = this.workspaceFor(path);
    await this.running;
    if (this.results.get(ws)?.versions.get(doc.uri) !== doc.version) {
      ws.setBuffer(path, doc.getText());
      await this.enqueue('quick', undefined);
    }
    return this.findingsFor(doc.uri);
  }

  private codeActions(doc: TextDocument, findings: Finding[], range: LspRange, only: string[] | undefined): CodeAction[] {
    const wants = (kind: string) => !only || only.some((o) => kind === o || kind.startsWith(`${o}.`));
    const actions: CodeAction[] = [];
    if (wants(CodeActionKind.QuickFix)) {
      for (const f of findings) {
        const r = lspRange(f.range);
        if (!overlaps(r, range)) continue;
        const diagnostic = this.diagnostic(f);
        if (f.fix) {
          actions.push({ title: f.fix.message ?? `Fix this ${f.ruleId} finding`, kind: CodeActionKind.QuickFix, isPreferred: true, diagnostics: [diagnostic], edit: workspaceEdit(f.fix.edits) });
        }
        for (const s of f.suggestions ?? []) actions.push({ title: s.message, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], edit: workspaceEdit(s.edits) });
      }
    }
    if (wants(FIX_ALL)) {
      const path = toPath(doc.uri);
      const groups = findings.filter((f) => f.fix && f.fix.edits.every((e) => e.file === path)).map((f) => f.fix!.edits);
      const applied = applyFixes(groups, (file) => (file === path ? doc.getText() : undefined));
      const output = applied.outputs.get(path);
      if (output !== undefined) {
        const whole = { start: { line: 0, character: 0 }, end: doc.positionAt(doc.getText().length) };
        actions.push({ title: 'Fix all grantlint findings with a safe fix', kind: FIX_ALL, edit: { changes: { [doc.uri]: [{ range: whole, newText: output }] } } });
      }
    }
    return actions;
  }
}

function overlaps(a: LspRange, b: LspRange): boolean {
  const before = (x: { line: number; character: number }, y: { line: number; character: number }) => x.line < y.line || (x.line === y.line && x.character <= y.character);
  return before(a.start, b.end) && before(b.start, a.end);
}

function workspaceEdit(edits: TextEdit[]): WorkspaceEdit {
  const changes: Record<string, LspTextEdit[]> = {};
  for (const e of edits) (changes[toUri(e.file)] ??= []).push({ range: lspRange(e.range), newText: e.text });
  return { changes };
}

/** Runs the server on stdio until the client says exit. */
export function runLanguageServer(): Promise<never> {
  const connection = createConnection(process.stdin, process.stdout);
  new GrantlintServer(connection).start();
  return new Promise<never>(() => {
    connection.onExit(() => process.exit(0));
  });
}
