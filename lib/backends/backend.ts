// The one interface every backend implements, so a caller cannot tell them apart except by speed.
// Jobs arrive validated and complete (defaults applied, sizes resolved, `out` allocated).
import type { GemmArgs } from '../kernels/matmul.js';
import type { FloatArray, NumericArray } from '../kernels/types.js';
import type { SortAlgorithm } from '../validate.js';

export type BackendName = 'native' | 'workers' | 'js';

/** The GEMM's arguments (without C and the block to compute), plus where C goes and the thread count. */
export interface MatmulJob extends Omit<GemmArgs<FloatArray>, 'c' | 'rows' | 'cols'> {
  /** Receives alpha·op(a)·op(b) + beta·out. */
  out: FloatArray;
  threads: number;
}

export interface SortJob {
  array: NumericArray;
  algorithm: SortAlgorithm;
  descending: boolean;
  threads: number;
}

export interface ArgsortJob {
  array: NumericArray;
  /** Receives the indices; same length as array. */
  out: Uint32Array;
  descending: boolean;
  threads: number;
}

/**
 * The async forms settle when the result is in place. When `signal` fires they reject with an
 * AbortError and leave the caller's arrays as they were (a partly sorted array or a partly
 * written `out` is never observable).
 */
export interface Backend {
  readonly name: BackendName;
  matmulSync(job: MatmulJob): void;
  matmul(job: MatmulJob, signal?: AbortSignal): Promise<void>;
  sortSync(job: SortJob): void;
  sort(job: SortJob, signal?: AbortSignal): Promise<void>;
  argsortSync(job: ArgsortJob): void;
  argsort(job: ArgsortJob, signal?: AbortSignal): Promise<void>;
}
