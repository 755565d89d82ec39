// A fork-join pool of worker_threads. A call runs as phases; each phase is a few subtasks (one
// worker's share each) put in one FIFO queue, and the call goes on when all of them have replied.
// Workers are started on first use, up to the configured number, and unref()ed: an idle pool
// never keeps the process alive. A worker running a subtask is ref()ed, so the process waits for
// the calls it started.
//
// Async calls take the replies as 'message' events. A sync call blocks its thread in Atomics.wait
// (workers bump `wake` after each reply) and reads the replies with receiveMessageOnPort, handling
// every call's replies as the event handler would, so async calls in flight keep their workers
// moving meanwhile. A worker that dies (terminated, out of memory, a crash) fails the subtask it
// ran, and so its call; a replacement starts at once (see onExit).
import { availableParallelism } from 'node:os';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { AbortError, errors } from '../errors.js';
import type { Part } from './plan.js';
import type { PartMessage, ReplyMessage, WorkerInit } from './protocol.js';
import { FifoTaskQueue, type TaskQueue } from './queue.js';
import { Subtask, Task } from './task.js';
import { LIVENESS_PROBE_MS, MAX_EAGER_REPLACEMENTS, STALL_TIMEOUT_MS } from './tuning.js';

const WORKER_URL = new URL('./worker.js', import.meta.url);

class PoolWorker {
  current: Subtask | undefined;
  exited = false;
  /** Whether this thread's event loop has seen the worker come online (see noteAlive). */
  online = false;
  /** The uncaught error the worker reported before exiting, if any. */
  error: Error | undefined;
  /** The last value seen of the worker's heartbeat, and when it was seen to change. */
  lastBeat = 0;
  lastBeatAt = performance.now();

  constructor(readonly thread: Worker, readonly replies: MessagePort, readonly beat: Int32Array) {}

  /**
   * Reads the worker's event loop while it is known to be alive: Node caches the loop's start
   * time at the first reading that finds it (after this thread has seen the worker come online),
   * and only then can probe() tell a stopped worker by its idle time.
   */
  noteAlive(): void {
    this.thread.performance.eventLoopUtilization();
  }

  currentUsage(): number {
    return this.current === undefined ? 0 : 1;
  }
}

export class WorkerPool {
  private size: number;
  private readonly workers = new Set<PoolWorker>();
  private readonly queue: TaskQueue<Subtask> = new FifoTaskQueue();
  private readonly wake = new Int32Array(new SharedArrayBuffer(4));
  /** Workers replaced at once since the last reply from any worker (see onExit). */
  private replacedWithoutReply = 0;

  constructor(size: number) {
    this.size = size;
  }

  /** The most workers the pool runs at once. */
  get threads(): number {
    return this.size;
  }

  /** Workers now started. */
  get started(): number {
    return this.workers.size;
  }

  /** Workers now running a subtask. */
  get running(): number {
    let running = 0;
    for (const worker of this.workers) running += worker.currentUsage();
    return running;
  }

  resize(size: number): void {
    this.size = size;
    for (const worker of this.workers) {
      if (this.workers.size > this.size && worker.current === undefined) this.retire(worker);
    }
    this.dispatch();
  }

  newTask(signal: AbortSignal | undefined): Task {
    return new Task(signal, (task) => this.queue.removeTask(task));
  }

  /** Runs one phase of `task`: resolves when every part has finished, rejects on the first failure. */
  runPhase(task: Task, parts: readonly Part[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let remaining = parts.length;
      task.failPhase = reject;
      this.submit(task, parts, (error) => {
        if (error !== undefined) task.fail(error);
        else if (--remaining === 0) resolve();
      });
    }).finally(() => {
      task.failPhase = undefined;
    });
  }

  /** The same, blocking the calling thread until the phase is over; throws its first failure. */
  runPhaseSync(task: Task, parts: readonly Part[]): void {
    let remaining = parts.length;
    let failure: Error | undefined;
    this.submit(task, parts, (error) => {
      if (error !== undefined) failure ??= error;
      else remaining--;
    });
    this.waitUntil(() => remaining === 0 || failure !== undefined);
    if (failure !== undefined) {
      task.fail(failure);
      this.queue.removeTask(task);
      throw failure;
    }
  }

  /** Whether every worker has been seen online, so probe() can tell promptly when one stops (tests). */
  _allOnline(): boolean {
    return [...this.workers].every((worker) => worker.online);
  }

  /** The workers' threads, for tests that kill one mid-call. */
  _threads(): Worker[] {
    return [...this.workers].map((worker) => worker.thread);
  }

  private submit(task: Task, parts: readonly Part[], settle: (error?: Error) => void): void {
    for (const part of parts) this.queue.push(new Subtask(task, part.op, part.args, settle));
    this.dispatch();
  }

  private dispatch(): void {
    while (this.queue.size > 0) {
      let worker = this.idleWorker();
      if (worker === undefined && this.workers.size < this.size) {
        try {
          worker = this.spawn();
        } catch (error) {
          this.queue.shift()!.settle(error as Error);
          continue;
        }
      }
      if (worker === undefined) return;
      this.start(worker, this.queue.shift()!);
    }
  }

  private idleWorker(): PoolWorker | undefined {
    for (const worker of this.workers) if (worker.current === undefined) return worker;
    return undefined;
  }

  private spawn(): PoolWorker {
    const { port1, port2 } = new MessageChannel();
    const init: WorkerInit = { wake: this.wake, replies: port2, beat: new Int32Array(new SharedArrayBuffer(4)) };
    // No inherited flags or preloads: the workers run only this package's code, start faster, and
    // cannot be refused an inherited flag (--input-type without -e makes a worker fail to start).
    const thread = new Worker(WORKER_URL, { workerData: init, transferList: [port2], execArgv: [] });
    const worker = new PoolWorker(thread, port1, init.beat);
    port1.on('message', (reply: ReplyMessage) => this.onReply(worker, reply));
    thread.on('error', (error) => {
      worker.error = error;
    });
    thread.on('exit', (code) => this.onExit(worker, code));
    thread.on('online', () => {
      worker.online = true;
      worker.noteAlive();
    });
    thread.unref();
    port1.unref();
    this.workers.add(worker);
    return worker;
  }

  private start(worker: PoolWorker, subtask: Subtask): void {
    worker.noteAlive();
    worker.current = subtask;
    subtask.started = performance.now();
    worker.lastBeatAt = subtask.started;
    worker.thread.ref();
    worker.replies.ref();
    const message: PartMessage = { id: subtask.id, op: subtask.op, args: subtask.args, stop: subtask.task.stop };
    worker.thread.postMessage(message);
  }

  private onReply(worker: PoolWorker, reply: ReplyMessage): void {
    const subtask = worker.current;
    if (subtask === undefined || subtask.id !== reply.id) return;
    worker.current = undefined;
    this.replacedWithoutReply = 0;
    worker.thread.unref();
    worker.replies.unref();
    worker.noteAlive();
    if (reply.outcome === 'failed') subtask.settle(Object.assign(new Error(reply.error.message), reply.error));
    else if (reply.outcome === 'stopped') subtask.settle(new AbortError());
    else subtask.settle();
    if (!worker.exited && this.workers.size > this.size) this.retire(worker);
    this.dispatch();
  }

  private onExit(worker: PoolWorker, code: number | undefined, cause?: Error): void {
    if (worker.exited) return;
    worker.exited = true;
    this.workers.delete(worker);
    this.drain(worker); // a reply posted just before the end still counts
    worker.replies.close();
    const subtask = worker.current;
    if (subtask !== undefined) {
      worker.current = undefined;
      subtask.settle(errors.workerExited(code, worker.error ?? cause));
    }
    this.dispatch();
    // A worker lost after it came online is replaced now, not inside the next call: a sync call
    // never lets this thread see a worker it spawned come online, so it could only tell that one
    // stopping by the heartbeat timeout. 'online' comes before the worker has loaded its script,
    // so a worker that fails while loading comes online too: without a reply from any worker in
    // between, at most MAX_EAGER_REPLACEMENTS are replaced this way, then the next call replaces
    // them (and reports why they fail) instead of a respawn loop.
    if (worker.online && this.workers.size < this.size && this.replacedWithoutReply < MAX_EAGER_REPLACEMENTS) {
      this.replacedWithoutReply++;
      try {
        this.spawn();
      } catch {
        // The next call spawns it, and reports the error.
      }
    }
  }

  private retire(worker: PoolWorker): void {
    worker.exited = true;
    this.workers.delete(worker);
    worker.replies.close();
    void worker.thread.terminate();
  }

  /**
   * Blocks until `done()`, handling replies as they come. Every LIVENESS_PROBE_MS without one it
   * checks that the busy workers are still alive: their 'exit' events cannot arrive while this
   * thread is blocked.
   */
  private waitUntil(done: () => boolean): void {
    while (!done()) {
      const seen = Atomics.load(this.wake, 0);
      let handled = false;
      for (const worker of [...this.workers]) handled = this.drain(worker) || handled;
      if (handled) continue;
      if (Atomics.wait(this.wake, 0, seen, LIVENESS_PROBE_MS) === 'timed-out') {
        for (const worker of [...this.workers]) if (worker.current !== undefined) this.probe(worker);
      }
    }
  }

  /**
   * Gives up a busy worker that has ended. Worker#performance.eventLoopUtilization() reads the
   * worker's loop times from the native side, and reports an idle time of -1 once the worker has
   * stopped (Worker::LoopIdleTime), provided a reading was taken while it ran (noteAlive). That
   * takes this thread's event loop to have seen the worker come online, which a sync call made
   * before then never lets happen. So a worker whose heartbeat (bumped between blocks of work, a
   * few ms apart) has not moved for STALL_TIMEOUT_MS is given up as well: it has ended, or never
   * started.
   */
  private probe(worker: PoolWorker): void {
    const now = performance.now();
    const beat = Atomics.load(worker.beat, 0);
    if (beat !== worker.lastBeat) {
      worker.lastBeat = beat;
      worker.lastBeatAt = now;
    }
    if (worker.thread.performance.eventLoopUtilization().idle < 0) {
      this.onExit(worker, undefined);
    } else if (now - worker.lastBeatAt > STALL_TIMEOUT_MS) {
      void worker.thread.terminate();
      this.onExit(worker, undefined, new Error(`it ended, or made no progress for ${STALL_TIMEOUT_MS} ms`));
    }
  }

  private drain(worker: PoolWorker): boolean {
    let handled = false;
    for (let received = receiveMessageOnPort(worker.replies); received !== undefined; received = receiveMessageOnPort(worker.replies)) {
      this.onReply(worker, received.message as ReplyMessage);
      handled = true;
    }
    return handled;
  }
}

/** The process-wide pool (one per thread that loads the package), sized by configure({ threads }). */
export const workerPool = new WorkerPool(availableParallelism());
