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
import { Worker } from 'node:worker_threads';
import type { DiscoveredFile } from '../discover/discover.js';
import type { LoweredProgram } from '../model/template.js';
import type { BatchLintSetup } from './batch-lint.js';
import { analyzeFiles, failedProgram } from './front-ends.js';
import { CachingHost } from './host.js';
import { packageRoot } from '../util/package-root.js';

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
  const host = new CachingHost({ overrides: setup.overrides, root: setup.root, allow: setup.varFiles, preloaded });
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

  set(path: string, text: string): void {
    if (this.texts.has(path) || this.held + text.length > this.budget) return;
    this.texts.set(path, text);
    this.held += text.length;
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
): Promise<R[]> {
  const total = batches.reduce((n, b) => n + b.size, 0);
  const workers = Math.min(jobs, batches.length);
  // `workers` worker threads; this one hands out the batches and gathers the results.
  const script = workers > 1 && total >= minParallelSize ? workerScript() : undefined;
  if (!script) {
    const results: R[] = [];
    for (const b of batches) {
      results.push(await guardedRun(job, b.files, texts?.take(b.files)));
      onBatch?.(results.length, batches.length);
    }
    return results;
  }
  return inWorkers(script, batches, setup, workers, job, onBatch, largestFirst(batches), texts);
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
 * `count` workers read the batches; this thread hands them out (in `order`) and gathers the
 * results, which with whole batches linted in the workers is little work, so it answers a worker at
 * once. Each worker holds `AHEAD` batches. A worker that stops (a defect, out of memory) costs only
 * the batch it was reading, reported as a finding on each of its files; the batches it held beyond
 * that go to the workers left, or to this thread when none is left.
 */
export function inWorkers<R>(
  script: URL,
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
  const take = (): number | undefined => (requeued.length > 0 ? requeued.shift() : next < order.length ? order[next++] : undefined);
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
        const id = take();
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
      const w = new Worker(script, { workerData: setup });
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
