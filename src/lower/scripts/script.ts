/** One script run: parse, evaluate, lower (shared by script files, workflows and deployment scripts). */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { Location } from '../../model/location.js';
import type { LoweredProgram } from '../../model/template.js';
import { parsePowerShell } from '../../syntax/powershell/parser.js';
import type { ScriptAst } from '../../syntax/script/ast.js';
import { locationOf, type ScriptSource } from '../../syntax/script/source.js';
import { parseShell } from '../../syntax/shell/parser.js';
import { appendAll } from '../../util/arrays.js';
import type { FrontEndHost } from '../types.js';
import { ScriptLowering } from './commands.js';
import { ScriptEvaluator, type EvaluatorOptions, type Language } from './evaluate.js';

export interface ScriptRun {
  source: ScriptSource;
  language: Language;
  options?: EvaluatorOptions;
  /** Module calls that led to it (deployment scripts in modules). */
  callChain?: Location[];
  /** False when the host file's own comments are collected already (YAML). */
  comments?: boolean;
}

/** Parses, runs and lowers one script into `out`. */
export function lowerScript(run: ScriptRun, out: LoweredProgram): void {
  const ast: ScriptAst = run.language === 'powershell' ? parsePowerShell(run.source.text) : parseShell(run.source.text);
  for (const c of run.comments === false ? [] : ast.comments) {
    out.comments.push({ file: run.source.file, text: run.source.text.slice(c.start, c.end), at: locationOf(run.source, c) });
  }
  const lowering = new ScriptLowering(`${run.source.file}#${run.source.id}${run.options?.keyPrefix ?? ''}`, run.callChain);
  new ScriptEvaluator(run.source, run.language, lowering, run.options).run(ast);
  appendAll(out.resources, lowering.finish());
}

export function languageOf(path: string): Language | undefined {
  const ext = extname(path).toLowerCase();
  if (ext === '.sh' || ext === '.bash' || ext === '.azcli' || ext === '.zsh') return 'shell';
  if (ext === '.ps1' || ext === '.psm1') return 'powershell';
  return undefined;
}

/**
 * A script file's text. Windows PowerShell often saves UTF-16 with a byte-order mark: read as
 * UTF-8 it would be unreadable, so such a file is decoded by its mark. Other bytes that are not
 * UTF-8 become U+FFFD and the rest of the file is still read.
 */
export function readScript(path: string, host: FrontEndHost): string | undefined {
  const text = host.readFile(path);
  if (text === undefined) return undefined;
  if (!text.startsWith('\uFFFD\uFFFD') || !text.includes('\u0000')) return text.replace(/^\uFEFF/, '');
  try {
    const bytes = readFileSync(path);
    if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
    if (bytes[0] === 0xfe && bytes[1] === 0xff) {
      const swapped = Buffer.from(bytes.subarray(2));
      swapped.swap16();
      return swapped.toString('utf16le');
    }
  } catch {
    // The text as read stands: unreadable bytes are not a finding, only what is read.
  }
  return text;
}

