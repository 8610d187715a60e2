/**
 * The VS Code extension: starts grantlint's language server (bundled with the extension, or the
 * executable `grantlint.path` names) for Bicep, Terraform and ARM JSON files.
 */
import * as path from 'node:path';
import { workspace, type ExtensionContext } from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

function settings() {
  const c = workspace.getConfiguration('grantlint');
  const configFile = c.get<string>('configFile') || undefined;
  return { configFile, rules: c.get<Record<string, string>>('rules') ?? {}, debounceMs: c.get<number>('debounceMs') ?? 150 };
}

export async function activate(context: ExtensionContext): Promise<void> {
  if (!workspace.getConfiguration('grantlint').get<boolean>('enable', true)) return;
  const custom = workspace.getConfiguration('grantlint').get<string>('path');
  const bundled = context.asAbsolutePath(path.join('server', 'grantlint.mjs'));
  const serverOptions: ServerOptions = custom
    ? { command: custom, args: ['lsp'], transport: TransportKind.stdio }
    : { module: bundled, transport: TransportKind.stdio };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', pattern: '**/*.{bicep,bicepparam}' },
      { scheme: 'file', pattern: '**/*.{tf,tfvars}' },
      { scheme: 'file', pattern: '**/*.{json,jsonc}' },
    ],
    initializationOptions: settings(),
    synchronize: {
      configurationSection: 'grantlint',
      fileEvents: workspace.createFileSystemWatcher('**/{*.bicep,*.bicepparam,*.tf,*.tfvars,*.json,*.jsonc,.grantlint.yaml,.grantlint.yml}'),
    },
  };
  client = new LanguageClient('grantlint', 'grantlint', serverOptions, clientOptions);
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
