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

/**
 * `count - 1` workers and this thread share the batches: this thread takes the next batch itself
 * between the workers' replies, so no core waits while another deserialises. A worker that stops
 * (a defect, out of memory) costs only its batch, reported as a finding on each of its files.
 */
export function inWorkers(script: URL, batches: { files: DiscoveredFile[] }[], setup: BatchSetup, count: number, onBatch?: (done: number, total: number) => void): Promise<LoweredProgram[]> {
  const results = new Array<LoweredProgram | undefined>(batches.length);
  let next = 0;
  let done = 0;
  const pool: Worker[] = [];
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
    // The batch each worker is reading: if the worker dies, that batch is a finding, not lost.
    const inFlight = new Map<Worker, number>();
    const feed = (w: Worker): void => {
      if (next >= batches.length) return;
      const id = next++;
      inFlight.set(w, id);
      w.postMessage({ id, files: batches[id].files } satisfies BatchRequest);
    };
    const died = (w: Worker, e: unknown): void => {
      const id = inFlight.get(w);
      inFlight.delete(w);
      if (settled || id === undefined || results[id]) return;
      // Its batch is reported on each of its files; this thread goes on with the remaining batches.
      finished(id, failedProgram(batches[id].files.map((f) => f.path), 'this batch of files (its worker thread stopped)', e));
    };
    for (let i = 0; i < count - 1; i++) {
      const w = new Worker(script, { workerData: setup });
      pool.push(w);
      w.on('message', (reply: BatchReply) => {
        inFlight.delete(w);
        finished(reply.id, reply.program);
        feed(w);
      });
      w.on('error', (e) => died(w, e));
      w.on('exit', (code) => {
        if (code !== 0) died(w, new Error(`exit code ${code}`));
      });
      feed(w);
    }
    const own = (): void => {
      if (settled || next >= batches.length) return;
      const id = next++;
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
