/** A worker of the front-end pool (pool.ts): batches in, lowered programs out. */
import { parentPort, workerData } from 'node:worker_threads';
import { analyzeFiles, failedProgram } from './front-ends.js';
import { batchHost, type BatchReply, type BatchRequest, type BatchSetup } from './pool.js';

const setup = workerData as BatchSetup;
parentPort!.on('message', (request: BatchRequest) => {
  const files = request.files.map((f) => f.path);
  let program;
  try {
    program = analyzeFiles(request.files, batchHost(setup));
  } catch (e) {
    // Never a lost batch: a defect is a finding on each of its files (analyzeFiles guards each
    // front end already; this is the last line).
    program = failedProgram(files, 'this batch of files', e);
  }
  try {
    parentPort!.postMessage({ id: request.id, program } satisfies BatchReply);
  } catch (e) {
    // A program that cannot be cloned (a defect in a front end) is reported, not lost.
    parentPort!.postMessage({ id: request.id, program: failedProgram(files, 'this batch of files (its result could not be sent between threads)', e) } satisfies BatchReply);
  }
});
