/**
 * Reads the Bicep compiler's baseline dumps (the oracle): `main.tokens.bicep` and
 * `main.diagnostics.bicep` beside each sample under `Bicep.Core.Samples/Files/baselines*`.
 *
 * A dump reproduces the source (without its byte-order mark) line by line; after each source line
 * come annotation lines `//@[start:end) ...` for the tokens (or diagnostics) that START on that
 * line. `start` is the column of the token's start within that line and `end` is `start` plus the
 * token's length, so a token that spans lines (a multi-line string, a run of newlines) has an `end`
 * beyond its line's length. Column numbers are zero-padded to a varying width.
 */
import fs from 'node:fs';
import path from 'node:path';
import { sharedPath, sharedRoot } from '../../helpers/paths.js';

export { repoRoot } from '../../helpers/paths.js';
export const sharedDir = sharedRoot;
export const bicepRepo = sharedPath('corpus', 'Azure+bicep');
export const samplesDir = path.join(bicepRepo, 'src', 'Bicep.Core.Samples', 'Files');

export interface Sample {
  /** e.g. `baselines/Parameters_CRLF/main.bicep` */
  name: string;
  file: string;
  ext: 'bicep' | 'bicepparam';
  tokensFile: string;
  diagnosticsFile: string;
}

/** Every baseline sample that has a token dump. */
export function listSamples(): Sample[] {
  const out: Sample[] = [];
  for (const group of fs.readdirSync(samplesDir).filter((d) => d.startsWith('baselines')).sort()) {
    const groupDir = path.join(samplesDir, group);
    for (const sample of fs.readdirSync(groupDir).sort()) {
      const dir = path.join(groupDir, sample);
      if (!fs.statSync(dir).isDirectory()) continue;
      for (const f of fs.readdirSync(dir).sort()) {
        const m = /^([^.]+)\.tokens\.(bicep|bicepparam)$/.exec(f);
        if (!m) continue;
        const ext = m[2] as 'bicep' | 'bicepparam';
        out.push({
          name: `${group}/${sample}/${m[1]}.${ext}`,
          file: path.join(dir, `${m[1]}.${ext}`),
          ext,
          tokensFile: path.join(dir, f),
          diagnosticsFile: path.join(dir, `${m[1]}.diagnostics.${ext}`),
        });
      }
    }
  }
  return out;
}

export interface Annotation {
  /** Offsets into the source text WITHOUT its byte-order mark. */
  start: number;
  end: number;
  /** Token kind, or diagnostic code. */
  kind: string;
  /** The rest of the annotation line. */
  rest: string;
  line: number;
}

/**
 * The dump splits the source into lines at the separator it ends its annotation lines with (the
 * platform's, not the sample's): a `_CRLF` sample whose text has only LF line breaks is dumped as a
 * single line, and a CRLF `.bicepparam` sample dumped with LF keeps a CR at the end of each line.
 */
function lineStarts(text: string, separator: string): number[] {
  const starts = [0];
  for (let i = text.indexOf(separator); i >= 0; i = text.indexOf(separator, i + separator.length)) {
    starts.push(i + separator.length);
  }
  return starts;
}

const TOKEN_LINE = /^\/\/@\[(\d+):(\d+)\) (\w+) \|(.*)\|$/;
const DIAG_LINE = /^\/\/@\[(\d+):(\d+)\) \[([\w-]+) \((\w+)\)\] (.*)$/;

function readAnnotations(source: string, dump: string, pattern: RegExp): Annotation[] {
  const first = dump.search(/^\/\/@\[/m);
  const eol = first < 0 ? -1 : dump.indexOf('\n', first);
  const separator = eol > 0 && dump.charCodeAt(eol - 1) === 13 ? '\r\n' : '\n';
  const starts = lineStarts(source, separator);
  const out: Annotation[] = [];
  let line = -1;
  for (const l of dump.split(separator)) {
    const m = pattern.exec(l);
    if (!m) {
      line++;
      continue;
    }
    const col = Number(m[1]);
    const len = Number(m[2]) - col;
    const base = starts[Math.max(0, line)] ?? source.length;
    out.push({ start: base + col, end: base + col + len, kind: m[3], rest: m.slice(4).join(' '), line: Math.max(0, line) });
  }
  return out;
}

export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export function readTokenDump(sample: Sample): Annotation[] {
  const source = stripBom(fs.readFileSync(sample.file, 'utf8'));
  return readAnnotations(source, stripBom(fs.readFileSync(sample.tokensFile, 'utf8')), TOKEN_LINE);
}

export function readDiagnosticsDump(sample: Sample): Annotation[] {
  if (!fs.existsSync(sample.diagnosticsFile)) return [];
  const source = stripBom(fs.readFileSync(sample.file, 'utf8'));
  return readAnnotations(source, stripBom(fs.readFileSync(sample.diagnosticsFile, 'utf8')), DIAG_LINE);
}
