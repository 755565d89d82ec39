// One call on the workers backend (a Task) and one worker's share of one of its phases (a
// Subtask). The Task owns the call's AbortSignal listener, which done() always detaches, and the
// shared stop flag its running subtasks poll between blocks.
import { AbortError } from '../errors.js';
import type { OpName } from './ops.js';

let nextId = 1;

export class Task {
  readonly id = nextId++;
  readonly created = performance.now();
  finished: number | undefined;
  /** Set to 1 to make the call's running subtasks stop at their next block. */
  readonly stop = new Int32Array(new SharedArrayBuffer(4));
  /** Once the phase that writes the caller's memory has started, aborting no longer applies. */
  committed = false;
  /** Rejects the phase the call is waiting for; set by whoever waits. */
  failPhase: ((error: Error) => void) | undefined;
  private readonly signal: AbortSignal | undefined;
  private readonly onAbort: (() => void) | undefined;

  /** `cancel` takes the call's waiting subtasks out of the queue. */
  constructor(signal: AbortSignal | undefined, cancel: (task: Task) => void) {
    this.signal = signal;
    if (signal !== undefined) {
      this.onAbort = () => {
        if (this.committed) return;
        this.fail(new AbortError(signal.reason));
        cancel(this);
      };
      signal.addEventListener('abort', this.onAbort, { once: true });
    }
  }

  get aborted(): boolean {
    return this.signal?.aborted === true && !this.committed;
  }

  /** Stops the call's running subtasks and rejects the phase it waits for. */
  fail(error: Error): void {
    Atomics.store(this.stop, 0, 1);
    this.failPhase?.(error);
  }

  done(): void {
    if (this.onAbort !== undefined) this.signal!.removeEventListener('abort', this.onAbort);
    this.finished = performance.now();
  }
}

export class Subtask {
  readonly id = nextId++;
  readonly created = performance.now();
  started: number | undefined;

  /** `settle` is called once, without an error when the worker finished its share. */
  constructor(
    readonly task: Task,
    readonly op: OpName,
    readonly args: unknown,
    readonly settle: (error?: Error) => void,
  ) {}
}
