/**
 * Front ends over batches of module closures, in a pool of worker threads (`--jobs N`) or in this
 * thread (`--jobs 1`, and runs too small to gain from a worker's start). Batches are independent;
 * their programs come back in batch order whatever the order they finish in, so the result does
 * not depend on the number of workers.
 *
 * A worker sends its program back by structured clone, which keeps shared references (a `ref`
 * value and the instance it points at) within one batch. Each batch gets a fresh host: the texts
 * and syntax trees of a batch are garbage once its program is sent.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { DiscoveredFile } from '../discover/discover.js';
import type { LoweredProgram } from '../model/template.js';
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
}

export interface BatchRequest {
  id: number;
  files: DiscoveredFile[];
}

export interface BatchReply {
  id: number;
  program: LoweredProgram;
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

export function batchHost(setup: BatchSetup): CachingHost {
  // The files the user named (`--var-file`) are read wherever they are.
  const host = new CachingHost({ overrides: setup.overrides, root: setup.root, allow: setup.varFiles });
  if (setup.varFiles) host.varFiles = setup.varFiles;
  if (setup.includeGenerated) host.includeGeneratedTemplates = true;
  if (setup.scriptsDisabled) {
    const off = new Set(setup.scriptsDisabled);
    host.scriptsEnabled = (file) => !off.has(file);
  }
  return host;
}

export async function lowerBatches(
  batches: { files: DiscoveredFile[]; size: number }[],
  setup: BatchSetup,
  jobs: number,
  onBatch?: (done: number, total: number) => void,
  minParallelSize = MIN_PARALLEL_SIZE,
): Promise<LoweredProgram[]> {
  const total = batches.reduce((n, b) => n + b.size, 0);
  const workers = Math.min(jobs, batches.length);
  // `workers` threads in all: this one and `workers - 1` worker threads.
  const script = workers > 1 && total >= minParallelSize ? workerScript() : undefined;
  if (!script) {
    return batches.map((b, i) => {
      const program = analyzeFiles(b.files, batchHost(setup));
      onBatch?.(i + 1, batches.length);
      return program;
    });
  }
  return inWorkers(script, batches, setup, workers, onBatch);
}

/** Batches sent ahead to each worker: it starts its next one while this thread is busy with its own. */
const AHEAD = 2;

/**
 * `count - 1` workers and this thread share the batches: this thread takes the next batch itself
 * between the workers' replies, so no core waits while another deserialises. Each worker holds
 * `AHEAD` batches, so that it never waits for this thread to finish a batch before it gets its
 * next. A worker that stops (a defect, out of memory) costs only the batch it was reading, reported
 * as a finding on each of its files; the batches it held beyond that go to the other threads.
 */
export function inWorkers(script: URL, batches: { files: DiscoveredFile[] }[], setup: BatchSetup, count: number, onBatch?: (done: number, total: number) => void): Promise<LoweredProgram[]> {
  const results = new Array<LoweredProgram | undefined>(batches.length);
  let next = 0;
  let done = 0;
  const pool: Worker[] = [];
  // Batches a stopped worker held but had not begun: taken before the next new one.
  const requeued: number[] = [];
  const take = (): number | undefined => (requeued.length > 0 ? requeued.shift() : next < batches.length ? next++ : undefined);
  return new Promise<LoweredProgram[]>((resolvePromise) => {
    let settled = false;
    const stop = (): void => {
      for (const w of pool) void w.terminate();
    };
    const finished = (id: number, program: LoweredProgram): void => {
      results[id] = program;
      done++;
      onBatch?.(done, batches.length);
      if (done === batches.length && !settled) {
        settled = true;
        stop();
        resolvePromise(results as LoweredProgram[]);
      }
    };
    // The batches each worker holds: if the worker dies, they are findings, not lost.
    const inFlight = new Map<Worker, Set<number>>();
    const feed = (w: Worker): void => {
      const held = inFlight.get(w)!;
      while (held.size < AHEAD) {
        const id = take();
        if (id === undefined) return;
        held.add(id);
        w.postMessage({ id, files: batches[id].files } satisfies BatchRequest);
      }
    };
    const died = (w: Worker, e: unknown): void => {
      const held = inFlight.get(w) ?? new Set<number>();
      inFlight.delete(w);
      // A worker reads its batches in the order it got them: the first it holds is the one it was
      // reading, reported on each of its files; the others are read by the threads left.
      const [reading, ...waiting] = [...held].sort((a, b) => a - b);
      requeued.push(...waiting);
      if (reading !== undefined && !settled && !results[reading]) {
        finished(reading, failedProgram(batches[reading].files.map((f) => f.path), 'this batch of files (its worker thread stopped)', e));
      }
      for (const other of pool) if (inFlight.has(other)) feed(other);
      if (waiting.length > 0) setImmediate(own);
    };
    for (let i = 0; i < count - 1; i++) {
      const w = new Worker(script, { workerData: setup });
      pool.push(w);
      inFlight.set(w, new Set());
      w.on('message', (reply: BatchReply) => {
        inFlight.get(w)?.delete(reply.id);
        finished(reply.id, reply.program);
        if (inFlight.has(w)) feed(w);
      });
      w.on('error', (e) => died(w, e));
      w.on('exit', (code) => {
        if (code !== 0) died(w, new Error(`exit code ${code}`));
      });
      feed(w);
    }
    const own = (): void => {
      if (settled) return;
      const id = take();
      if (id === undefined) return;
      let program: LoweredProgram;
      try {
        program = analyzeFiles(batches[id].files, batchHost(setup));
      } catch (e) {
        program = failedProgram(batches[id].files.map((f) => f.path), 'this batch of files', e);
      }
      finished(id, program);
      // Let the workers' replies in before the next batch of our own.
      setImmediate(own);
    };
    setImmediate(own);
  });
}
