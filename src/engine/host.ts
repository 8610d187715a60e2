import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { isInside as inside, isNormalizedAbsolute } from '../discover/root.js';
import type { FrontEndHost, ParseKind } from '../lower/types.js';
import { LineMap } from '../model/location.js';
import { describeFsError } from '../util/fs-errors.js';

/** Larger files are not read: a template that size is generated, or not a template. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

export interface HostOptions {
  /** Text to use instead of a file's content on disk (unsaved editor buffers), by absolute path. */
  overrides?: Map<string, string>;
  /**
   * Reads stay inside this folder (absolute): a module source or linked template path written in a
   * template cannot make grantlint open `/etc/passwd`. Undefined: no confinement.
   */
  root?: string;
  maxFileBytes?: number;
  /** Files the user named (`--var-file`): read wherever they are. */
  allow?: string[];
  /**
   * Texts another host of the run read already, under the same root and limits (the closure scan
   * hands each batch its files' texts): not read again.
   */
  preloaded?: Iterable<[string, string]>;
  /**
   * Keep the syntax trees the front ends parse (`syntaxTree`) until the host is dropped, for the
   * rules' fixes: a batch's host, released with its batch. Off for a host that outlives one run.
   */
  keepSyntaxTrees?: boolean;
}

/**
 * Reads files once per run. Only regular files are read (a FIFO, a device such as /dev/zero or a
 * folder is refused without blocking), up to a size limit, and inside the root; why a read failed
 * is kept for the front ends to report where the file was asked for.
 */
export class CachingHost implements FrontEndHost {
  private readonly texts = new Map<string, string | undefined>();
  private readonly problems = new Map<string, string>();
  private readonly lineMaps = new Map<string, LineMap | undefined>();
  private readonly trees?: Map<string, { text: string; tree: unknown }>;
  private readonly root?: string;
  private realRoot?: string;
  /** Real paths of the folders files were read from: one resolution per folder, not per file. */
  private readonly realFolders = new Map<string, string | undefined>();
  private readonly maxBytes: number;
  varFiles?: string[];
  includeGeneratedTemplates?: boolean;
  scriptsEnabled?: (file: string) => boolean;

  constructor(options: HostOptions | Map<string, string> = {}) {
    const opts: HostOptions = options instanceof Map ? { overrides: options } : options;
    for (const [path, text] of opts.overrides ?? []) this.texts.set(path, text);
    for (const [path, text] of opts.preloaded ?? []) if (!this.texts.has(path)) this.texts.set(path, text);
    this.root = opts.root ? resolve(opts.root) : undefined;
    this.maxBytes = opts.maxFileBytes ?? MAX_FILE_BYTES;
    this.allowed = new Set(opts.allow ?? []);
    if (opts.keepSyntaxTrees) this.trees = new Map();
  }

  private readonly allowed: Set<string>;

  readFile(path: string): string | undefined {
    if (!this.texts.has(path)) {
      let text: string | undefined;
      try {
        text = this.read(path);
      } catch (e) {
        this.failed(path, e);
      }
      this.texts.set(path, text);
    }
    return this.texts.get(path);
  }

  /** Why `readFile(path)` or `listFolder(path)` gave nothing, when it was refused or failed. */
  readProblem(path: string): string | undefined {
    return this.problems.get(path);
  }

  /** Why a read of `path` in another thread of the run failed (the workers' closure scan), as if it were this one's. */
  noteProblem(path: string, why: string): void {
    this.problems.set(path, why);
  }

  /** The file's line index, built once. */
  lineMap(path: string): LineMap | undefined {
    if (!this.lineMaps.has(path)) {
      const text = this.readFile(path);
      this.lineMaps.set(path, text === undefined ? undefined : new LineMap(text));
    }
    return this.lineMaps.get(path);
  }

  syntaxTree<T>(path: string, kind: ParseKind, text: string, parse: (text: string) => T): T {
    if (!this.trees) return parse(text);
    const key = `${kind}:${path}`;
    const kept = this.trees.get(key);
    if (kept?.text === text) return kept.tree as T;
    const tree = parse(text);
    this.trees.set(key, { text, tree });
    return tree;
  }

  /**
   * The text without keeping it (a first look at every file, before the front ends read them):
   * confined and limited as `readFile`; why it failed is kept.
   */
  readUncached(path: string): string | undefined {
    const text = this.readUncachedUnless(path);
    return text === PASSED ? undefined : text;
  }

  /**
   * As `readUncached`, except that a file read from disk whose bytes `pass` judges of no use is
   * never decoded: PASSED. A text held already (an editor's buffer) is given as it is.
   */
  readUncachedUnless(path: string, pass?: (bytes: Buffer) => boolean): string | typeof PASSED | undefined {
    if (this.texts.has(path)) return this.texts.get(path);
    try {
      return this.read(path, pass);
    } catch (e) {
      return this.failed(path, e);
    }
  }

  fileExists(path: string): boolean {
    if (this.texts.has(path)) return this.texts.get(path) !== undefined;
    try {
      this.checkInsideRoot(path);
      return statSync(path).isFile();
    } catch {
      // Not there, not readable or outside the root: the read that follows reports why.
      return false;
    }
  }

  listFolder(path: string): string[] {
    try {
      this.checkInsideRoot(path);
      return readdirSync(path, { withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => join(path, e.name))
        .sort();
    } catch (e) {
      this.failed(path, e);
      return [];
    }
  }

  /** Why a read or listing failed, kept for the front ends to report. */
  private failed(path: string, e: unknown): undefined {
    this.problems.set(path, e instanceof ReadRefused ? e.message : describeFsError(e));
    return undefined;
  }

  /** The file's text; PASSED instead, undecoded, when `pass` judges its bytes of no use. */
  private read(path: string): string;
  private read(path: string, pass: ((bytes: Buffer) => boolean) | undefined): string | typeof PASSED;
  private read(path: string, pass?: (bytes: Buffer) => boolean): string | typeof PASSED {
    const bytes = this.readBytes(path);
    return pass?.(bytes) ? PASSED : bytes.toString('utf8');
  }

  private readBytes(path: string): Buffer {
    this.checkInsideRoot(path);
    // O_NONBLOCK: opening a FIFO must not wait for a writer; what it is is checked on the open file.
    const fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    try {
      const stat = fstatSync(fd);
      if (stat.isDirectory()) throw new ReadRefused('it is a folder, not a file');
      if (!stat.isFile()) throw new ReadRefused('it is not a regular file (a device, FIFO or socket); grantlint reads only regular files');
      if (stat.size > this.maxBytes) throw new ReadRefused(`it is larger than ${Math.round(this.maxBytes / 1024 / 1024)} MB, the most grantlint reads`);
      const buffer = Buffer.allocUnsafe(stat.size);
      let filled = 0;
      while (filled < stat.size) {
        const n = readSync(fd, buffer, filled, stat.size - filled, null);
        if (n === 0) break;
        filled += n;
      }
      return buffer.subarray(0, filled);
    } finally {
      closeSync(fd);
    }
  }

  /** Throws ReadRefused when the path, symbolic links followed, lies outside the root. */
  private checkInsideRoot(path: string): void {
    if (!this.root || this.allowed.has(path)) return;
    const abs = isNormalizedAbsolute(path) ? path : resolve(path);
    if (!inside(this.root, abs)) throw new ReadRefused(outsideMessage(this.root));
    this.realRoot ??= safeRealpath(this.root) ?? this.root;
    // A path with `..` or `.` in it is resolved whole: a link before a `..` leads elsewhere than the text says.
    const real = abs === path ? this.realPath(abs) : safeRealpath(path);
    if (real && !inside(this.realRoot, real)) throw new ReadRefused(`${outsideMessage(this.root)} (through a symbolic link)`);
  }

  /**
   * The real path of a normalized absolute path: its folder's, resolved once per folder, joined with
   * its name; a name that is itself a symbolic link is followed. Undefined when it does not exist.
   */
  private realPath(abs: string): string | undefined {
    const folder = dirname(abs);
    if (folder === abs) return abs;
    if (!this.realFolders.has(folder)) this.realFolders.set(folder, safeRealpath(folder));
    const realFolder = this.realFolders.get(folder);
    if (realFolder === undefined) return undefined;
    let stat;
    try {
      stat = lstatSync(abs);
    } catch {
      // Missing or unreadable: the read that follows reports why.
      return undefined;
    }
    return stat.isSymbolicLink() ? safeRealpath(abs) : join(realFolder, basename(abs));
  }
}

class ReadRefused extends Error {}

/** What `readUncachedUnless` gives for a file passed over without decoding it. */
export const PASSED = Symbol('passed over');

function outsideMessage(root: string): string {
  return `it is outside the repository root ${root}; grantlint reads only inside it (widen it with --root)`;
}

/** The real path, or undefined when it cannot be resolved (missing: the read reports why). */
function safeRealpath(path: string): string | undefined {
  try {
    // The native call: one system call, where the JavaScript one lstat()s every folder on the way.
    return realpathSync.native(path);
  } catch (e) {
    // A symlink loop is a reason of its own; a missing file is reported by the read.
    if ((e as NodeJS.ErrnoException).code === 'ELOOP') throw e;
    return undefined;
  }
}
