// The native backend: C++ kernels on the addon's own thread pool. The addon reads and writes the
// caller's memory directly; this file only maps jobs onto its entry points and wires AbortSignal
// to the addon's cancellation flag.
import type { NativeBinding } from '../binding.js';
import { AbortError } from '../errors.js';
import { constructorOf } from '../validate.js';
import type { ArgsortJob, Backend, MatmulJob, SortJob } from './backend.js';

const ALGORITHM_CODES = { auto: 0, merge: 1, quick: 2, radix: 3 } as const;

/**
 * Runs an async native call with a cancellation flag the kernels poll between blocks: an Int32 in a
 * SharedArrayBuffer, which the abort listener sets with Atomics.store.
 */
async function cancellable(signal: AbortSignal | undefined, start: (flag: Int32Array | undefined) => Promise<void> | undefined): Promise<void> {
  if (signal === undefined) return start(undefined);
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const onAbort = () => Atomics.store(flag, 0, 1);
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    await start(flag);
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_PK_ABORTED') throw new AbortError(signal.reason);
    throw error;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

export function createNativeBackend(binding: NativeBinding): Backend {
  // Refilled by every call; the addon reads it before the call returns, so one array serves all.
  const matmulParams = new Float64Array(9);
  const matmul = (job: MatmulJob, flag: Int32Array | undefined, async: boolean) => {
    const p = matmulParams;
    p[0] = job.m; p[1] = job.n; p[2] = job.k; p[3] = job.transA ? 1 : 0; p[4] = job.transB ? 1 : 0;
    p[5] = job.alpha; p[6] = job.beta; p[7] = job.threads;
    // The arrays' element type, from the intrinsic tag (a forged BYTES_PER_ELEMENT cannot change it).
    p[8] = (constructorOf(job.a) as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
    return binding.matmul(job.a, job.b, job.out, p, flag, async);
  };
  const sort = (job: SortJob, flag: Int32Array | undefined, async: boolean) =>
    binding.sort(job.array, ALGORITHM_CODES[job.algorithm], job.descending, job.threads, flag, async);
  const argsort = (job: ArgsortJob, flag: Int32Array | undefined, async: boolean) =>
    binding.argsort(job.array, job.out, job.descending, job.threads, flag, async);
  return {
    name: 'native',
    matmulSync: (job) => void matmul(job, undefined, false),
    matmul: (job, signal) => cancellable(signal, (flag) => matmul(job, flag, true)),
    sortSync: (job) => void sort(job, undefined, false),
    sort: (job, signal) => cancellable(signal, (flag) => sort(job, flag, true)),
    argsortSync: (job) => void argsort(job, undefined, false),
    argsort: (job, signal) => cancellable(signal, (flag) => argsort(job, flag, true)),
  };
}
