// The js backend: the pure-TypeScript kernels on the calling thread. The kernels are generators
// that yield between slices of work; the sync forms run them straight through, the async forms
// give the event loop a turn between slices (so a long call never stalls it) and check the
// AbortSignal there. Async forms work on a copy and write it back at the end, so an aborted call
// leaves the caller's arrays as they were.
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { AbortError } from '../errors.js';
import { argsortSteps } from '../kernels/argsort.js';
import { gemmSteps } from '../kernels/matmul.js';
import { mergeSortSteps, quickSortSteps } from '../kernels/sort.js';
import { runToEnd, type FloatArray, type KernelSteps, type NumericArray } from '../kernels/types.js';
import type { ArgsortJob, Backend, MatmulJob, SortJob } from './backend.js';

/** How long a slice may hold the event loop before the async forms yield. */
const SLICE_MS = 4;

async function runSliced(steps: KernelSteps, signal: AbortSignal | undefined): Promise<void> {
  for (;;) {
    if (signal?.aborted) throw new AbortError(signal.reason);
    const sliceEnd = performance.now() + SLICE_MS;
    do {
      if (steps.next().done) return;
    } while (performance.now() < sliceEnd);
    await yieldToEventLoop();
  }
}

function sortSteps(array: NumericArray, job: SortJob): KernelSteps {
  // 'auto' takes quicksort: for a value sort, stable and unstable orders are indistinguishable.
  return job.algorithm === 'merge' ? mergeSortSteps(array, job.descending) : quickSortSteps(array, job.descending);
}

function gemmInto(job: MatmulJob, c: FloatArray): KernelSteps {
  return gemmSteps({ ...job, c });
}

export const jsBackend: Backend = {
  name: 'js',
  matmulSync: (job) => runToEnd(gemmInto(job, job.out)),
  async matmul(job, signal) {
    const c = job.out.slice();
    await runSliced(gemmInto(job, c), signal);
    job.out.set(c);
  },
  sortSync: (job) => runToEnd(sortSteps(job.array, job)),
  async sort(job, signal) {
    const copy = job.array.slice();
    await runSliced(sortSteps(copy, job), signal);
    job.array.set(copy as never);
  },
  argsortSync: (job) => runToEnd(argsortSteps(job.array, job.descending, job.out)),
  // `out` is always a fresh array of ours, so it can be written in place.
  argsort: (job, signal) => runSliced(argsortSteps(job.array, job.descending, job.out), signal),
};
