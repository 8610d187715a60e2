/** A worker of the batch pool (pool.ts): batches in, lowered programs or lint outcomes out, as the setup says. */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parentPort, workerData } from 'node:worker_threads';
import { BatchLinter, failedOutcome } from './batch-lint.js';
import { batchHost, lowering, type BatchJob, type BatchReply, type BatchRequest, type BatchSetup } from './pool.js';

const setup = workerData as BatchSetup;
const lintSetup = setup.lint;
const linter = lintSetup ? BatchLinter.fromSetup(lintSetup) : undefined;
const job: BatchJob<unknown> = linter ? { run: (files, texts) => linter.lint(files, batchHost(setup, texts)), failed: failedOutcome } : lowering(setup);

/**
 * A batch's texts, trees and graph are garbage once its result is sent, but V8 lets a worker's
 * heap grow towards its limit (gigabytes here) before it collects the old generation, so two
 * workers held 800 MB of mostly garbage over the corpus. Above this much heap after a batch, the
 * worker collects at once: 550-580 MB peak instead, at no cost in time that the benchmark can
 * tell. `gc` is V8's, exposed by its flag (workers accept no V8 flags of their own) and read from
 * a new context, where V8 installs it.
 */
const COLLECT_ABOVE = 150 * 1024 * 1024;
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

// One batch at a time, in the order they came: pool.ts counts on it when a worker stops.
let queue: Promise<void> = Promise.resolve();
parentPort!.on('message', (request: BatchRequest) => {
  queue = queue.then(() => answer(request));
});

async function answer(request: BatchRequest): Promise<void> {
  const files = request.files.map((f) => f.path);
  let result: unknown;
  try {
    result = await job.run(request.files, request.texts);
  } catch (e) {
    // Never a lost batch: a defect is a finding on each of its files (the front ends guard each
    // root already; this is the last line).
    result = job.failed(files, 'this batch of files', e);
  }
  if (process.memoryUsage().heapUsed > COLLECT_ABOVE) collect();
  try {
    parentPort!.postMessage({ id: request.id, result } satisfies BatchReply<unknown>);
  } catch (e) {
    // A result that cannot be cloned (a defect) is reported, not lost.
    parentPort!.postMessage({ id: request.id, result: job.failed(files, 'this batch of files (its result could not be sent between threads)', e) } satisfies BatchReply<unknown>);
  }
}
