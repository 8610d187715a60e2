/**
 * Batches of module closures in a pool of worker threads (`--jobs N`) or in this thread (`--jobs
 * 1`, and runs too small to gain from a worker's start). A batch is lowered (front ends only, for
 * analyze()) or linted whole (batch-lint.ts, for lint()); which, the setup says, so that a worker
 * does what this thread would. Batches are independent; their results come back in batch order
 * whatever the order they finish in, so the result does not depend on the number of workers.
 *
 * A worker sends its result back by structured clone, which keeps shared references (a `ref`
 * value and the instance it points at) within one batch. Each batch gets a fresh host: the texts
 * and syntax trees of a batch are garbage once its result is sent.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Worker } from 'node:worker_threads';
import type { DiscoveredFile } from '../discover/discover.js';
import type { LoweredProgram } from '../model/template.js';
import type { BatchLintSetup } from './batch-lint.js';
import { scanFile, type FileScan } from './closures.js';
import { analyzeFiles, failedProgram } from './front-ends.js';
import { CachingHost, PASSED } from './host.js';
import { generatedBesideBicep, generatedBytesBesideBicep } from '../lower/arm/generated.js';
import { packageRoot } from '../util/package-root.js';
import { lazyWorkerThreads } from './lazy-deps.js';

/** What every batch's host needs: the same for the main thread and the workers. */
export interface BatchSetup {
  overrides?: Map<string, string>;
  varFiles?: string[];
  /** Reads stay inside this folder (`--root`, or the repository root): in workers as in this thread. */
  root?: string;
  includeGenerated?: boolean;
  /** Files whose configuration turns the scripts front end off (`scripts: false`). */
  scriptsDisabled?: string[];
  /** Lint each batch whole (rules and filter stage too), not only lower it. */
  lint?: BatchLintSetup;
  /** Characters of text a worker holds from the closure scan until their batch comes. */
  textBudget?: number;
}

/** A part of the closure scan for a worker: it reads the files and keeps their texts for their batches. */
export interface ScanRequest {
  scan: number;
  files: DiscoveredFile[];
}

export interface ScanReply {
  scan: number;
  /** Each file's scan; null where it could not be read (why: `problems`). */
  scans: (FileScan | null)[];
  problems: [string, string][];
  /** Positions (in the request) of the files whose texts the worker now holds. */
  held: number[];
}

export interface BatchRequest {
  id: number;
  files: DiscoveredFile[];
  /** The texts of the batch's files that this thread read already (the closure scan): not read again. */
  texts?: [string, string][];
}

export interface BatchReply<R> {
  id: number;
  result: R;
}

/** What a thread does with a batch, and what stands for a batch that failed as a whole. */
export interface BatchJob<R> {
  run(files: DiscoveredFile[], texts?: [string, string][]): R | Promise<R>;
  failed(files: string[], what: string, e: unknown): R;
}

/** Lowering only: the front ends over the batch (analyze()). */
export function lowering(setup: BatchSetup): BatchJob<LoweredProgram> {
  return { run: (files, texts) => analyzeFiles(files, batchHost(setup, texts)), failed: failedProgram };
}

/** A file read and scanned, with its text (none when the scan passed over it undecoded). */
export interface ScannedFile {
  scan: FileScan;
  text?: string;
}

/** Reads and scans one file; undefined when it cannot be read (the host keeps why). */
export type Scanner = (file: DiscoveredFile) => ScannedFile | undefined;

/**
 * The closure scan of one file as every thread does it: a template generated beside its `.bicep`
 * is passed over unless the setup includes generated templates, judged on its bytes before they
 * are decoded (a typical repository's compiled templates are most of its JSON).
 */
export function scanning(setup: BatchSetup, host: CachingHost): Scanner {
  const plain: Scanner = (f) => {
    const text = host.readUncached(f.path);
    return text === undefined ? undefined : { scan: scanFile(f, text), text };
  };
  if (setup.includeGenerated) return plain;
  const skip = (f: DiscoveredFile, text: string): boolean => f.kind === 'json' && generatedBesideBicep(f.path, text, host);
  return (f) => {
    if (f.kind !== 'json') return plain(f);
    // Bytes read from disk are judged before decoding; a text held already (an editor's buffer) after.
    let judged = false;
    const text = host.readUncachedUnless(f.path, (bytes) => ((judged = true), generatedBytesBesideBicep(f.path, bytes, host)));
    if (text === PASSED) return { scan: { size: 0, skipped: true, names: [] } };
    return text === undefined ? undefined : { scan: scanFile(f, text, judged ? undefined : skip), text };
  };
}

/**
 * The closure scan in this thread: each file read through `host` (why one could not be read is
 * kept there) and scanned, its text kept in `texts` for its batch (`onText` sees each text decoded).
 */
export function scanInThisThread(files: DiscoveredFile[], texts: TextStore, scanOne: Scanner, onText?: (path: string, text: string) => void): (FileScan | undefined)[] {
  return files.map((f) => {
    const read = scanOne(f);
    if (!read) return undefined;
    if (read.text !== undefined) onText?.(f.path, read.text);
    if (!read.scan.skipped) texts.set(f.path, read.text!);
    return read.scan;
  });
}

/** Below this much text a worker's start-up (loading the front ends) costs more than it saves. */
const MIN_PARALLEL_SIZE = 4_000_000;

/**
 * The worker's script: beside this module (tsc output), beside the CLI bundle
 * (`dist/grantlint-worker.mjs`, scripts/bundle.mjs), or from the TypeScript sources (tests) the
 * tsc output in `dist/`. Undefined where there is none (the Action's single-file bundle): the
 * batches are then read in this thread.
 */
function workerScript(): URL | undefined {
  const candidates = [
    new URL('./front-end-worker.js', import.meta.url),
    new URL('./grantlint-worker.mjs', import.meta.url),
    pathToFileURL(join(packageRoot(), 'dist', 'src', 'engine', 'front-end-worker.js')),
  ];
  return candidates.find((url) => existsSync(fileURLToPath(url)));
}

export function defaultJobs(): number {
  return Math.max(1, availableParallelism());
}

export function batchHost(setup: BatchSetup, preloaded?: [string, string][]): CachingHost {
  // The files the user named (`--var-file`) are read wherever they are.
  const host = new CachingHost({ overrides: setup.overrides, root: setup.root, allow: setup.varFiles, preloaded, keepSyntaxTrees: true });
  if (setup.varFiles) host.varFiles = setup.varFiles;
  if (setup.includeGenerated) host.includeGeneratedTemplates = true;
  if (setup.scriptsDisabled) {
    const off = new Set(setup.scriptsDisabled);
    host.scriptsEnabled = (file) => !off.has(file);
  }
  return host;
}

/**
 * Texts read already (the closure scan), handed to the batch that holds their file and then
 * forgotten here: each is read once in a run, and held only until its batch starts. Up to
 * `budget` characters are held (this thread's memory stays bounded in a large repository); a
 * batch reads the texts not held itself.
 */
export class TextStore {
  private readonly texts = new Map<string, string>();
  private held = 0;

  constructor(private readonly budget = 64 * 1024 * 1024) {}

  /** Holds the text if it fits the budget; whether it is held. */
  set(path: string, text: string): boolean {
    if (this.texts.has(path)) return true;
    if (this.held + text.length > this.budget) return false;
    this.texts.set(path, text);
    this.held += text.length;
    return true;
  }

  forget(paths: Iterable<string>): void {
    for (const path of paths) this.drop(path);
  }

  private drop(path: string): void {
    const text = this.texts.get(path);
    if (text === undefined) return;
    this.held -= text.length;
    this.texts.delete(path);
  }

  /** The texts of these files held here, no longer held after. */
  take(files: DiscoveredFile[]): [string, string][] {
    const out: [string, string][] = [];
    for (const f of files) {
      const text = this.texts.get(f.path);
      if (text === undefined) continue;
      out.push([f.path, text]);
      this.drop(f.path);
    }
    return out;
  }
}

export async function runBatches<R>(
  batches: { files: DiscoveredFile[]; size: number }[],
  setup: BatchSetup,
  jobs: number,
  job: BatchJob<R>,
  onBatch?: (done: number, total: number) => void,
  minParallelSize = MIN_PARALLEL_SIZE,
  texts?: TextStore,
  pool?: WorkerPool,
): Promise<R[]> {
  if (pool && pool.workers.length > 0) {
    if (batches.length === 0) {
      pool.terminate();
      return [];
    }
    return inWorkers(pool, batches, setup, pool.workers.length, job, onBatch, largestFirst(batches), texts);
  }
  const total = batches.reduce((n, b) => n + b.size, 0);
  const workers = Math.min(jobs, batches.length);
  // `workers` worker threads; this one hands out the batches and gathers the results.
  const script = workers > 1 && total >= minParallelSize ? workerScript() : undefined;
  if (!script) {
    const results: R[] = [];
    // What this thread holds besides the batch (held texts, a language server's state) stays: the
    // next collection waits until the heap has grown COLLECT_ABOVE past what the last one kept.
    let kept = 0;
    for (const b of batches) {
      results.push(await guardedRun(job, b.files, texts?.take(b.files)));
      kept = releaseGarbage(COLLECT_ABOVE + kept) ?? kept;
      onBatch?.(results.length, batches.length);
    }
    return results;
  }
  return inWorkers(script, batches, setup, workers, job, onBatch, largestFirst(batches), texts);
}

/**
 * A batch's texts, trees and graph are garbage once its result is taken, but V8 lets a heap grow
 * towards its limit (gigabytes here) before it collects the old generation: over the corpus two
 * workers held 800 MB of mostly garbage, and `--jobs 1` (the default on one core) 1.0 GB. Above
 * this much heap after a batch, the thread that ran it collects at once (front-end-worker.ts, and
 * the loop above).
 */
const COLLECT_ABOVE = 150 * 1024 * 1024;
let fullCollection: (() => void) | undefined;

/** Collects the heap at once if it holds more than `above` bytes; returns what the collection kept. */
export function releaseGarbage(above = COLLECT_ABOVE): number | undefined {
  if (process.memoryUsage().heapUsed <= above) return undefined;
  // V8's `gc`, exposed by its flag (a worker accepts no V8 flags of its own) and read from a new
  // context, where V8 installs it; set only once a run gets this large.
  if (!fullCollection) {
    setFlagsFromString('--expose-gc');
    fullCollection = runInNewContext('gc') as () => void;
  }
  fullCollection();
  return process.memoryUsage().heapUsed;
}

async function guardedRun<R>(job: BatchJob<R>, files: DiscoveredFile[], texts?: [string, string][]): Promise<R> {
  try {
    return await job.run(files, texts);
  } catch (e) {
    return job.failed(files.map((f) => f.path), 'this batch of files', e);
  }
}

/** The order batches are handed out in: the largest first, so that no long one is left for the end. */
function largestFirst(batches: { size: number }[]): number[] {
  return batches
    .map((b, i) => ({ size: b.size, i }))
    .sort((a, b) => b.size - a.size || a.i - b.i)
    .map((x) => x.i);
}

/** Batches sent ahead to each worker: it starts its next one while its last result travels. */
const AHEAD = 2;

/**
 * `count` workers read the batches (started from `script`, or those of a pool that did the closure
 * scan); this thread hands them out (in `order`) and gathers the results, which with whole batches
 * linted in the workers is little work, so it answers a worker at once. A pool's worker is given
 * first the batches whose texts it holds, the largest first; then any. Each worker holds `AHEAD`
 * batches. A worker that stops (a defect, out of memory) costs only the batch it was reading,
 * reported as a finding on each of its files; the batches it held beyond that go to the workers
 * left, or to this thread when none is left.
 */
export function inWorkers<R>(
  script: URL | WorkerPool,
  batches: { files: DiscoveredFile[] }[],
  setup: BatchSetup,
  count: number,
  job: BatchJob<R>,
  onBatch?: (done: number, total: number) => void,
  order: number[] = batches.map((_, i) => i),
  texts?: TextStore,
): Promise<R[]> {
  const results = new Array<R | undefined>(batches.length);
  let next = 0;
  let done = 0;
  const pool: Worker[] = [];
  // Batches a stopped worker held but had not begun: taken before the next new one.
  const requeued: number[] = [];
  const home = script instanceof WorkerPool ? script.homes(batches) : undefined;
  const taken = new Uint8Array(batches.length);
  const take = (w?: Worker): number | undefined => {
    if (requeued.length > 0) return requeued.shift();
    while (next < order.length && taken[order[next]]) next++;
    if (next >= order.length) return undefined;
    let pick = next;
    if (home && w) {
      for (let k = next; k < order.length; k++) {
        if (!taken[order[k]] && home[order[k]] === w) {
          pick = k;
          break;
        }
      }
    }
    taken[order[pick]] = 1;
    return order[pick];
  };
  return new Promise<R[]>((resolvePromise) => {
    let settled = false;
    const stop = (): void => {
      for (const w of pool) void w.terminate();
    };
    const finished = (id: number, result: R): void => {
      results[id] = result;
      done++;
      onBatch?.(done, batches.length);
      if (done === batches.length && !settled) {
        settled = true;
        stop();
        resolvePromise(results as R[]);
      }
    };
    // The batches each worker holds, in the order it got them: if it stops, they are not lost.
    const inFlight = new Map<Worker, Set<number>>();
    const feed = (w: Worker): void => {
      const held = inFlight.get(w)!;
      while (held.size < AHEAD) {
        const id = take(w);
        if (id === undefined) return;
        held.add(id);
        // A batch sent again (its worker stopped) has its texts read from disk.
        const preloaded = texts?.take(batches[id].files);
        w.postMessage({ id, files: batches[id].files, ...(preloaded && preloaded.length > 0 ? { texts: preloaded } : {}) } satisfies BatchRequest);
      }
    };
    // Only when every worker has stopped does this thread read batches itself.
    const own = async (): Promise<void> => {
      if (settled || inFlight.size > 0) return;
      const id = take();
      if (id === undefined) return;
      finished(id, await guardedRun(job, batches[id].files));
      setImmediate(() => void own());
    };
    const died = (w: Worker, e: unknown): void => {
      const held = inFlight.get(w) ?? new Set<number>();
      inFlight.delete(w);
      // A worker reads its batches in the order it got them (a set keeps that order): the first it
      // holds is the one it was reading, reported on each of its files; the others are read by the
      // threads left.
      const [reading, ...waiting] = [...held];
      requeued.push(...waiting);
      if (reading !== undefined && !settled && results[reading] === undefined) {
        finished(reading, job.failed(batches[reading].files.map((f) => f.path), 'this batch of files (its worker thread stopped)', e));
      }
      for (const other of pool) if (inFlight.has(other)) feed(other);
      setImmediate(() => void own());
    };
    for (let i = 0; i < count; i++) {
      const w = script instanceof WorkerPool ? script.workers[i] : new (lazyWorkerThreads().Worker)(script, { workerData: setup });
      pool.push(w);
      inFlight.set(w, new Set());
      w.on('message', (reply: BatchReply<R>) => {
        inFlight.get(w)?.delete(reply.id);
        finished(reply.id, reply.result);
        if (inFlight.has(w)) feed(w);
      });
      w.on('error', (e) => died(w, e));
      w.on('exit', (code) => {
        if (code !== 0) died(w, new Error(`exit code ${code}`));
      });
      feed(w);
    }
  });
}

/** From this many discovered files the workers start before the closure scan, and do it. */
export const SCAN_IN_WORKERS_FROM = 256;

/** Files handed to a worker at a time in the closure scan: small parts keep both busy to the end. */
const SCAN_CHUNK = 48;

/** Characters of text the workers of a run hold together from the scan (as TextStore for one thread). */
const HELD_TEXT = 64 * 1024 * 1024;

/**
 * Workers started before the closure scan: they read and scan the files in parallel (this thread
 * only joins the scans), keep the texts, and then lint the batches, each first those whose texts
 * it holds. The scan gives the same closures whichever thread scanned what (closuresOf).
 */
export class WorkerPool {
  /** The worker holding each scanned file's text. */
  private readonly holder = new Map<string, Worker>();

  private constructor(readonly workers: Worker[]) {}

  /**
   * `jobs` workers for a run of `files` files, or none when a run that small reads in this thread
   * (below `from` files) or there is no worker script.
   */
  static start(setup: BatchSetup, jobs: number, files: number, from = SCAN_IN_WORKERS_FROM, script = workerScript()): WorkerPool | undefined {
    if (jobs < 2 || files < from || !script) return undefined;
    const data: BatchSetup = { ...setup, textBudget: Math.floor(HELD_TEXT / jobs) };
    return new WorkerPool(Array.from({ length: jobs }, () => new (lazyWorkerThreads().Worker)(script, { workerData: data })));
  }

  terminate(): void {
    for (const w of this.workers) void w.terminate();
    this.workers.length = 0;
  }

  /** For each batch, the worker holding most of its files' texts (none: no worker holds any). */
  homes(batches: { files: DiscoveredFile[] }[]): (Worker | undefined)[] {
    return batches.map((b) => {
      const count = new Map<Worker, number>();
      let best: Worker | undefined;
      for (const f of b.files) {
        const w = this.holder.get(f.path);
        if (!w) continue;
        const n = (count.get(w) ?? 0) + 1;
        count.set(w, n);
        if (!best || n > count.get(best)!) best = w;
      }
      return best;
    });
  }

  /**
   * Each file's scan (undefined: it could not be read; why is noted in `host`, as a read of this
   * thread would). A worker that stops leaves its unfinished parts to this thread, which keeps
   * those texts in `texts` for the batches, and leaves the pool.
   */
  scan(files: DiscoveredFile[], host: CachingHost, texts: TextStore, scanOne: Scanner): Promise<(FileScan | undefined)[]> {
    const scans = new Array<FileScan | undefined>(files.length);
    const parts: number[] = [];
    for (let i = 0; i < files.length; i += SCAN_CHUNK) parts.push(i);
    // Each worker scans a contiguous share, front first, and then takes from the back of the
    // largest share left: batches are runs of neighbouring closures, so most of a batch's texts
    // are then held by one worker.
    const shares = new Map<Worker, number[]>();
    this.workers.forEach((w, i) => {
      const from = Math.floor((parts.length * i) / this.workers.length);
      const to = Math.floor((parts.length * (i + 1)) / this.workers.length);
      shares.set(w, parts.slice(from, to));
    });
    const nextPart = (w: Worker): number | undefined => {
      const own = shares.get(w);
      if (own && own.length > 0) return own.shift();
      let largest: number[] | undefined;
      for (const share of shares.values()) if (share.length > (largest?.length ?? 0)) largest = share;
      return largest?.pop();
    };
    let left = parts.length;
    const inThisThread = (part: number): void => {
      const end = Math.min(part + SCAN_CHUNK, files.length);
      scanInThisThread(files.slice(part, end), texts, scanOne).forEach((scan, k) => (scans[part + k] = scan));
    };
    return new Promise((resolvePromise) => {
      const held = new Map<Worker, Set<number>>();
      const detach: (() => void)[] = [];
      const partDone = (): void => {
        if (--left > 0) return;
        for (const d of detach) d();
        resolvePromise(scans);
      };
      const feed = (w: Worker): void => {
        const mine = held.get(w)!;
        while (mine.size < AHEAD) {
          const part = nextPart(w);
          if (part === undefined) return;
          mine.add(part);
          w.postMessage({ scan: part, files: files.slice(part, part + SCAN_CHUNK) } satisfies ScanRequest);
        }
      };
      for (const w of [...this.workers]) {
        held.set(w, new Set());
        const onMessage = (reply: ScanReply): void => {
          held.get(w)?.delete(reply.scan);
          reply.scans.forEach((scan, k) => {
            if (scan) scans[reply.scan + k] = scan;
          });
          for (const [path, why] of reply.problems) host.noteProblem(path, why);
          for (const k of reply.held) this.holder.set(files[reply.scan + k].path, w);
          if (held.has(w)) feed(w);
          partDone();
        };
        const onStop = (): void => {
          const mine = held.get(w);
          if (!mine) return;
          held.delete(w);
          this.workers.splice(this.workers.indexOf(w), 1);
          for (const [path, holder] of this.holder) if (holder === w) this.holder.delete(path);
          void w.terminate();
          // Its parts, and those no worker is left to take, are read here.
          const orphaned = [...mine];
          if (held.size === 0) for (const share of shares.values()) orphaned.push(...share.splice(0));
          for (const part of orphaned) {
            inThisThread(part);
            partDone();
          }
          // Its share not yet handed out goes to the workers left.
          for (const other of held.keys()) feed(other);
        };
        const onExit = (code: number): void => {
          if (code !== 0) onStop();
        };
        w.on('message', onMessage);
        w.on('error', onStop);
        w.on('exit', onExit);
        detach.push(() => {
          w.off('message', onMessage);
          w.off('error', onStop);
          w.off('exit', onExit);
        });
      }
      if (parts.length === 0) {
        resolvePromise(scans);
        return;
      }
      for (const w of this.workers) feed(w);
    });
  }
}
