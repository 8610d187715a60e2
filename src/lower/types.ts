import type { LineMap } from '../model/location.js';
import type { LoweredProgram, SourceFormat } from '../model/template.js';

/** File access for front ends: module sources may lie outside the files given on the command line. */
/** The parses a host keeps: `parseBicep` (its file kind by extension) and `parseJson`. */
export type ParseKind = 'bicep' | 'json';

export interface FrontEndHost {
  /** The file's text, or undefined when it cannot be read. Cached by the host. */
  readFile(path: string): string | undefined;
  /** Whether a readable file is there, without reading it (default: `readFile` is asked). */
  fileExists?(path: string): boolean;
  /** Absolute paths of the files in a folder (Terraform modules), or [] when it cannot be read. */
  listFolder(path: string): string[];
  /** Why reading or listing `path` failed or was refused (outside the root, not a regular file...). */
  readProblem?(path: string): string | undefined;
  /** The line index of the text `readFile` gives, built once for the front ends and the rules. */
  lineMap?(path: string): LineMap | undefined;
  /**
   * `parse(text)`, once per host for this file, kind of parse and text: the front end's tree is the
   * one the rules' fixes edit by (src/engine/fix/syntax-objects.ts), not parsed a second time.
   * `kind` names the parse (`bicep`, `json`); a caller that has no such host parses itself.
   */
  syntaxTree?<T>(path: string, kind: ParseKind, text: string, parse: (text: string) => T): T;
  /** Terraform variable files given with `--var-file` (absolute paths), applied to every root. */
  varFiles?: string[];
  /** Lint ARM templates generated from a Bicep file lying beside them (skipped by default). */
  includeGeneratedTemplates?: boolean;
  /** Whether scripts in or named by this file are read (`scripts: false` in `.grantlint.yaml`); default yes. */
  scriptsEnabled?(file: string): boolean;
}

/**
 * A front end turns the files of its format into linked resource instances. It receives every
 * discovered file of its format (absolute paths) and decides itself which are roots: a file (or a
 * Terraform folder) that no other analysed file calls as a module.
 */
export interface FrontEnd {
  format: SourceFormat;
  analyze(files: string[], host: FrontEndHost): LoweredProgram;
}
