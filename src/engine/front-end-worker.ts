/** A worker of the batch pool (pool.ts): batches in, lowered programs or lint outcomes out, as the setup says. */
import { parentPort, workerData } from 'node:worker_threads';
import { BatchLinter, failedOutcome } from './batch-lint.js';
import { batchHost, lowering, releaseGarbage, scanning, TextStore, type BatchJob, type BatchReply, type BatchRequest, type BatchSetup, type ScannedFile, type ScanReply, type ScanRequest } from './pool.js';

const setup = workerData as BatchSetup;
const lintSetup = setup.lint;
const linter = lintSetup ? BatchLinter.fromSetup(lintSetup) : undefined;
const job: BatchJob<unknown> = linter ? { run: (files, texts) => linter.lint(files, batchHost(setup, texts)), failed: failedOutcome } : lowering(setup);

/** Texts this worker read in the closure scan, held for the batches of their files. */
const held = new TextStore(setup.textBudget);

// One request at a time, in the order they came: pool.ts counts on it when a worker stops.
let queue: Promise<void> = Promise.resolve();
parentPort!.on('message', (request: BatchRequest | ScanRequest) => {
  queue = queue.then(() => ('scan' in request ? scan(request) : answer(request)));
});

/** A part of the closure scan: read confined as the main thread would, each text held if it fits. */
function scan(request: ScanRequest): void {
  const host = batchHost(setup);
  const scanOne = scanning(setup, host);
  const reply: ScanReply = { scan: request.scan, scans: [], problems: [], held: [] };
  request.files.forEach((f, k) => {
    let result: ScannedFile | undefined;
    try {
      result = scanOne(f);
    } catch (e) {
      // A defect, not the file's fault: said on the file rather than the run lost.
      host.noteProblem(f.path, `grantlint could not scan it for module references (${e instanceof Error ? e.message : String(e)})`);
    }
    reply.scans.push(result?.scan ?? null);
    if (!result) {
      const why = host.readProblem(f.path);
      if (why) reply.problems.push([f.path, why]);
      return;
    }
    if (!result.scan.skipped && held.set(f.path, result.text!)) reply.held.push(k);
  });
  parentPort!.postMessage(reply);
}

async function answer(request: BatchRequest): Promise<void> {
  const files = request.files.map((f) => f.path);
  let result: unknown;
  try {
    const texts = request.texts ?? [];
    for (const entry of held.take(request.files)) texts.push(entry);
    result = await job.run(request.files, texts);
  } catch (e) {
    // Never a lost batch: a defect is a finding on each of its files (the front ends guard each
    // root already; this is the last line).
    result = job.failed(files, 'this batch of files', e);
  }
  releaseGarbage();
  try {
    parentPort!.postMessage({ id: request.id, result } satisfies BatchReply<unknown>);
  } catch (e) {
    // A result that cannot be cloned (a defect) is reported, not lost.
    parentPort!.postMessage({ id: request.id, result: job.failed(files, 'this batch of files (its result could not be sent between threads)', e) } satisfies BatchReply<unknown>);
  }
}
