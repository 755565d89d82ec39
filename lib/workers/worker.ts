// The entry script of a pool worker: runs each part it is sent to the end, checking the call's
// stop flag and bumping its heartbeat between blocks, and replies. Replies go through their own
// port (the pool may read it synchronously), then `wake` wakes a pool blocked in a sync call.
import { parentPort, workerData } from 'node:worker_threads';
import { OPS } from './ops.js';
import type { PartMessage, ReplyMessage, WorkerInit } from './protocol.js';

const { wake, replies, beat } = workerData as WorkerInit;

parentPort!.on('message', (message: PartMessage) => {
  replies.postMessage(run(message));
  Atomics.add(wake, 0, 1);
  Atomics.notify(wake, 0);
});
Atomics.add(beat, 0, 1);

function run({ id, op, args, stop }: PartMessage): ReplyMessage {
  try {
    const steps = OPS[op](args as never);
    while (Atomics.load(stop, 0) === 0) {
      Atomics.add(beat, 0, 1);
      if (steps.next().done) return { id, outcome: 'done' };
    }
    return { id, outcome: 'stopped' };
  } catch (error) {
    const { name, message, stack } = error instanceof Error ? error : new Error(String(error));
    return { id, outcome: 'failed', error: { name, message, stack } };
  }
}
