// The server entry point bundled into the extension (server/grantlint.mjs).
import { runLanguageServer } from '../../../src/lsp/server.js';

void runLanguageServer();
