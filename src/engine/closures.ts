/**
 * Module closures: the discovered files split into groups that can be analysed apart, each file
 * together with every discovered file it may call or be called by (Bicep modules and
 * `loadTextContent`, ARM linked templates and parameter files, Terraform module folders, Kubernetes
 * manifests and the federated credentials that may trust their service accounts).
 *
 * The split is decided before parsing, from the references a cheap scan of each text finds. The
 * scan over-approximates: any string that names a discovered file (relative to the file's folder,
 * or for ARM artifact links to one of its parent folders) joins the two. Joining too much only
 * costs parallelism; missing a reference would change findings, so when in doubt it joins.
 *
 * Closures are grouped into batches of about the same size in a fixed order, independent of the
 * number of workers: a run with `--jobs 1` analyses the same batches in the same order as one
 * with `--jobs 8`, so findings are the same byte for byte. `--shard i/n` takes whole closures.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { DiscoveredFile } from '../discover/discover.js';

export interface Closure {
  files: DiscoveredFile[];
  /** Characters of text, for balancing. */
  size: number;
}

/** How much text a batch gathers before the next one starts (a unit of work for one worker). */
const BATCH_SIZE = 500_000;

/** Up to this many parent folders are tried for an ARM artifact-location path. */
const ARM_PARENT_LEVELS = 3;

/**
 * What the scan of one file found, enough to join it to the others: computed from its text alone,
 * so that any thread can scan (the worker pool scans in parallel, pool.ts) and this one joins.
 */
export interface FileScan {
  /** Characters of text. */
  size: number;
  /** A file the front ends would pass over unparsed (a template generated beside its `.bicep`). */
  skipped?: true;
  /** It may ask for, or name the subject of, a Kubernetes workload identity. */
  federates?: true;
  /** Absolute paths it may name: each one discovered joins it. */
  names: string[];
}

/** The references in one file's text (`skip`: see moduleClosures). */
export function scanFile(f: DiscoveredFile, text: string, skip?: (file: DiscoveredFile, text: string) => boolean): FileScan {
  if (skip?.(f, text)) return { size: text.length, skipped: true, names: [] };
  const scan: FileScan = { size: text.length, names: [] };
  if (f.kind === 'yaml' ? WORKLOAD_IDENTITY.test(text) : SERVICE_ACCOUNT_SUBJECT.test(text)) scan.federates = true;
  if (f.kind === 'yaml') return scan;
  const names = new Set<string>();
  const dir = dirname(f.path);
  if (f.kind === 'terraform') {
    // Module sources and other local paths: "./x", "../x" (the folder or a file in it).
    for (const m of text.matchAll(RELATIVE_STRING)) names.add(resolve(dir, m[1]));
  }
  // Names of files of the kinds grantlint reads: Bicep modules ('x.bicep', 'x.json'), ARM linked
  // templates by relative path or artifact location ('nested/x.json'), Terraform file() reads.
  // A regex over the text, not quote pairing: an apostrophe in a comment must not hide a path.
  const params = f.kind === 'json' ? /^(.*)\.parameters\.jsonc?$/i.exec(f.path) : null;
  if (params) names.add(`${params[1]}.json`);
  if (MAY_NAME_FILE.test(text)) {
    const parents = f.kind === 'json' ? ARM_PARENT_LEVELS : 0;
    for (const name of fileNames(text)) {
      const rel = name.replace(/^[/\\]+/, '');
      let folder = dir;
      for (let up = 0; up <= parents; up++) {
        names.add(resolve(folder, rel));
        const next = dirname(folder);
        if (next === folder) break;
        folder = next;
      }
    }
  }
  scan.names = [...names];
  return scan;
}

/**
 * `skip`: files the front ends would pass over unparsed once read (a template the Bicep compiler
 * generated beside its `.bicep`): they join no closure, so no batch reads them again.
 */
export function moduleClosures(
  files: DiscoveredFile[],
  readText: (path: string) => string | undefined = readOrUndefined,
  skip?: (file: DiscoveredFile, text: string) => boolean,
): Closure[] {
  return closuresOf(
    files,
    files.map((f) => {
      const text = readText(f.path);
      return text === undefined ? undefined : scanFile(f, text, skip);
    }),
  );
}

/**
 * The closures of the files, from each one's scan (undefined: it could not be read). Each closure's
 * representative is its first file in `files` whatever the order of the joins, so the result does
 * not depend on which thread scanned what.
 */
export function closuresOf(files: DiscoveredFile[], scans: (FileScan | undefined)[]): Closure[] {
  const index = new Map<string, number>();
  files.forEach((f, i) => index.set(f.path, i));
  const parent = files.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]];
    return i;
  };
  const join = (a: number, b: number): void => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };

  // Terraform: a folder is one unit; the files of one folder always go together.
  const folderOf = new Map<string, number>();
  files.forEach((f, i) => {
    if (f.kind !== 'terraform') return;
    const folder = dirname(f.path);
    const first = folderOf.get(folder);
    if (first === undefined) folderOf.set(folder, i);
    else join(first, i);
  });

  // Kubernetes service accounts are trusted by federated credentials through their subject, not a
  // path: manifests that ask for a workload identity join every file that may name such a subject.
  let federation: number | undefined;
  scans.forEach((scan, i) => {
    if (!scan || scan.skipped) return;
    if (scan.federates) {
      if (federation === undefined) federation = i;
      else join(federation, i);
    }
    for (const path of scan.names) {
      const j = index.get(path);
      if (j !== undefined) join(i, j);
      const folder = folderOf.get(path);
      if (folder !== undefined) join(i, folder);
    }
  });

  const groups = new Map<number, Closure>();
  files.forEach((f, i) => {
    if (scans[i]?.skipped) return;
    const root = find(i);
    let c = groups.get(root);
    if (!c) groups.set(root, (c = { files: [], size: 0 }));
    c.files.push(f);
    c.size += scans[i]?.size ?? 0;
  });
  const closures = [...groups.values()];
  for (const c of closures) c.files.sort((a, b) => compare(a.path, b.path));
  return closures.sort((a, b) => compare(a.files[0].path, b.files[0].path));
}

/** Consecutive closures gathered into batches of about `BATCH_SIZE` characters. */
export function batches(closures: Closure[], size: number = BATCH_SIZE): Closure[][] {
  const out: Closure[][] = [];
  let current: Closure[] = [];
  let total = 0;
  for (const c of closures) {
    current.push(c);
    total += c.size;
    if (total >= size) {
      out.push(current);
      current = [];
      total = 0;
    }
  }
  if (current.length > 0) out.push(current);
  return out;
}

/**
 * The closures of shard `index` (1-based) of `count`: whole closures, balanced by size (largest
 * first, each to the lightest shard so far, ties to the lowest shard), in their usual order.
 */
export function shardClosures(closures: Closure[], index: number, count: number): Closure[] {
  const load = new Array<number>(count).fill(0);
  const owner = new Map<Closure, number>();
  const bySize = closures.map((c, i) => ({ c, i })).sort((a, b) => b.c.size - a.c.size || a.i - b.i);
  for (const { c } of bySize) {
    let best = 0;
    for (let s = 1; s < count; s++) if (load[s] < load[best]) best = s;
    owner.set(c, best);
    load[best] += Math.max(1, c.size);
  }
  return closures.filter((c) => owner.get(c) === index - 1);
}

const WORKLOAD_IDENTITY = /azure\.workload\.identity\//;
const SERVICE_ACCOUNT_SUBJECT = /system:serviceaccount:/i;
const MAY_NAME_FILE = /\.(?:bicep|bicepparam|jsonc?|tf|tfvars)\b/i;
const EXTENSION = /\.(?:bicep|bicepparam|jsonc?|tf|tfvars)(?:\.json)?(?![\w])/gi;

/**
 * Path-like words ending in an extension grantlint reads (`nested/x.json`, `../m.bicep`), found
 * from each extension backwards over path characters: linear in the text (a regex with the path
 * part first would retry every start in long words).
 */
function* fileNames(text: string): Generator<string> {
  for (const m of text.matchAll(EXTENSION)) {
    let start = m.index;
    const limit = Math.max(0, m.index - 500);
    while (start > limit && isPathChar(text.charCodeAt(start - 1))) start--;
    yield text.slice(start, m.index + m[0].length);
  }
}

function isPathChar(c: number): boolean {
  return (
    (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45 || c === 46 || c === 126 || c === 37 || c === 47 || c === 92
  );
}
const RELATIVE_STRING = /"(\.\.?[/\\][^"\r\n]*)"/g;

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

