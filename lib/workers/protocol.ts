// The messages between the pool (on the calling thread) and its workers.
import type { MessagePort } from 'node:worker_threads';
import type { OpName } from './ops.js';

/** What every worker is started with. */
export interface WorkerInit {
  /** Bumped and notified after every reply, so a blocked sync call wakes up to read it. */
  wake: Int32Array;
  /** Where the worker posts its replies; the pool reads them as events or, blocked, synchronously. */
  replies: MessagePort;
  /** Bumped by the worker when it starts and between blocks of work. */
  beat: Int32Array;
}

/** One worker's share of one phase of a call. */
export interface PartMessage {
  id: number;
  op: OpName;
  args: unknown;
  /** Set to 1 when the call is aborted or failed: the worker stops at its next block. */
  stop: Int32Array;
}

export type ReplyMessage =
  | { id: number; outcome: 'done' | 'stopped' }
  | { id: number; outcome: 'failed'; error: { name: string; message: string; stack?: string } };
