/** A worker of the front-end pool (pool.ts): batches in, lowered programs out. */
import { parentPort, workerData } from 'node:worker_threads';
import { analyzeFiles } from './front-ends.js';
import { batchHost, type BatchReply, type BatchRequest, type BatchSetup } from './pool.js';

const setup = workerData as BatchSetup;
parentPort!.on('message', (request: BatchRequest) => {
  let reply: BatchReply;
  try {
    reply = { id: request.id, program: analyzeFiles(request.files, batchHost(setup)) };
  } catch (e) {
    const err = e as Error;
    reply = { id: request.id, error: err.message, stack: err.stack };
  }
  parentPort!.postMessage(reply);
});
