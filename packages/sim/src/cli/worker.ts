import { parentPort } from 'node:worker_threads';
import type { Batch, BatchDone } from './protocol';
import { runBatch } from './runBatch';

/** A worker thread: runs each batch it is sent and answers with the outcomes. */
const port = parentPort;
if (port === null) throw new Error('worker.js runs as a worker thread');
port.on('message', (batch: Batch) => {
  runBatch(batch).then(
    (outcomes) => {
      const done: BatchDone = { outcomes };
      port.postMessage(done);
    },
    (error: unknown) => {
      throw error;
    },
  );
});
