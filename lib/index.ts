// The public API. Every function validates its arguments here, once, then hands a complete job to
// the chosen backend. The async forms never throw: a bad argument rejects the returned Promise.
import type { ArgsortJob, Backend, BackendName, MatmulJob } from './backends/backend.js';
import {
  availableBackends, backendFor, currentSettings, liveSettings, nativeInfo, updateSettings, type NativeInfo, type Settings,
} from './config.js';
import { AbortError, errors } from './errors.js';
import type { FloatArray, NumericArray } from './kernels/types.js';
import * as check from './validate.js';

export { AbortError };
export type { BackendName as Backend, FloatArray, NumericArray, NativeInfo, Settings };
export type SortAlgorithm = check.SortAlgorithm;

/** Options shared by every call. */
export interface CallOptions {
  /** Which backend runs this call (default: the configured one, see configure()). */
  backend?: BackendName;
  /** How many threads this call may use, 1–256 (default: the configured number). */
  threads?: number;
}

export interface AsyncOptions {
  /** Aborting rejects the Promise with an AbortError and leaves the caller's arrays untouched. */
  signal?: AbortSignal;
}

/**
 * C = alpha·op(A)·op(B) + beta·C, row-major. A is m×k (stored k×m with transA), B is k×n (stored
 * n×k with transB), C is m×n. One of m, k, n may be left out when the array lengths determine it.
 */
export interface MatmulOptions<T extends FloatArray = FloatArray> extends CallOptions {
  m?: number;
  n?: number;
  k?: number;
  transA?: boolean;
  transB?: boolean;
  /** Default 1. */
  alpha?: number;
  /** Default 0, in which case out is never read. A value other than 0 needs `out`. */
  beta?: number;
  /** Receives C (length m·n, same type as a and b, not overlapping them); default: a new array. */
  out?: T;
}

export interface SortOptions extends CallOptions {
  /** 'merge' is stable, 'quick' is in-place, 'radix' is LSD radix (counting sort for 8- and 16-bit types); 'auto' (default) picks the fastest for the type and size. */
  algorithm?: SortAlgorithm;
  /** Largest first; NaN stays last. Default false. */
  descending?: boolean;
}

export interface ArgsortOptions extends CallOptions {
  /** Largest first; NaN stays last; equal keys keep their index order. Default false. */
  descending?: boolean;
  /** Receives the indices (a Uint32Array of array.length, not overlapping array) and is returned; default: a new array. */
  out?: Uint32Array;
}

// The option names each function accepts.
const CALL_OPTIONS = ['backend', 'threads'];
const MATMUL_OPTIONS = ['m', 'n', 'k', 'transA', 'transB', 'alpha', 'beta', 'out', ...CALL_OPTIONS];
const SORT_OPTIONS = ['algorithm', 'descending', ...CALL_OPTIONS];
const ARGSORT_OPTIONS = ['descending', 'out', ...CALL_OPTIONS];
const ALLOWED = {
  configure: new Set(CALL_OPTIONS),
  matmulSync: new Set(MATMUL_OPTIONS),
  matmul: new Set([...MATMUL_OPTIONS, 'signal']),
  sortSync: new Set(SORT_OPTIONS),
  sort: new Set([...SORT_OPTIONS, 'signal']),
  argsortSync: new Set(ARGSORT_OPTIONS),
  argsort: new Set([...ARGSORT_OPTIONS, 'signal']),
};

function callSettings(opts: Record<string, unknown>): { backend: Backend; threads: number } {
  const settings = liveSettings();
  const backend = check.oneOf(opts.backend, 'options.backend', check.BACKEND_NAMES) ?? settings.backend;
  const threads = check.threads(opts.threads, 'options.threads') ?? settings.threads;
  return { backend: backendFor(backend, 'options.backend'), threads };
}

function checkSignal(opts: Record<string, unknown>): AbortSignal | undefined {
  const signal = check.signal(opts.signal, 'options.signal');
  if (signal?.aborted) throw new AbortError(signal.reason);
  return signal;
}

/** True for a failed allocation: the addon's code, or V8's message for an ArrayBuffer it cannot allocate. */
function isOutOfMemory(error: unknown): boolean {
  return (error as { code?: unknown })?.code === 'ERR_PK_OUT_OF_MEMORY' ||
    (error instanceof RangeError && /allocation failed/i.test(error.message));
}

/**
 * Rethrows the error of a backend call, a failed allocation as a RangeError that names the arguments
 * (the caller's arrays are untouched then: every backend allocates before it writes).
 */
function rethrowNamed(error: unknown, what: string, detail: () => string): never {
  if (isOutOfMemory(error)) throw errors.outOfMemory(what, detail(), error);
  throw error;
}
async function guardMemory<T>(what: string, detail: () => string, call: () => T | Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    rethrowNamed(error, what, detail);
  }
}

const MATMUL_MEMORY = '`a` and `b`';
const matmulDetail = (job: MatmulJob) => () => `the ${job.m}×${job.k} · ${job.k}×${job.n} product needs more memory than can be allocated`;
const arrayDetail = (array: NumericArray, verb: string) => () =>
  `${verb} ${check.lengthOf(array)} elements needs scratch memory that cannot be allocated`;

function allocate<T extends FloatArray>(like: T, length: number, name: string): T {
  try {
    return new (check.constructorOf(like))(length);
  } catch (error) {
    throw errors.outOfMemory(name, `the result of ${length} elements cannot be allocated`, error);
  }
}

function checkOutOverlap(out: FloatArray, a: FloatArray, b: FloatArray): void {
  check.noOverlap(out, a, 'a');
  check.noOverlap(out, b, 'b');
}

/** Rethrows a backend's matmul error: the addon's overlap error and failed allocations named as the checks name them. */
function rethrowMatmulError(error: unknown, job: MatmulJob): never {
  if ((error as { code?: unknown })?.code === 'ERR_PK_OVERLAP') {
    checkOutOverlap(job.out, job.a, job.b);
    // Not in the same buffer object, yet the same memory (a SharedArrayBuffer posted to a worker
    // and back is another object): only the addresses the addon compares tell.
    throw errors.shape('options.out', 'it overlaps a or b (the same memory through another SharedArrayBuffer object); pass a separate array');
  }
  rethrowNamed(error, MATMUL_MEMORY, matmulDetail(job));
}

function prepareMatmul(aArg: unknown, bArg: unknown, options: unknown, async: boolean) {
  const opts = check.options(options, async ? ALLOWED.matmul : ALLOWED.matmulSync);
  const a = check.floatArray(aArg, 'a');
  const b = check.floatArray(bArg, 'b', a, 'a');
  const out = opts.out === undefined ? undefined : check.floatArray(opts.out, 'options.out', a, 'a');
  const shape = check.matmulShape(a, b, out, {
    m: check.size(opts.m, 'options.m'),
    n: check.size(opts.n, 'options.n'),
    k: check.size(opts.k, 'options.k'),
  });
  const transA = check.boolean(opts.transA, 'options.transA', false);
  const transB = check.boolean(opts.transB, 'options.transB', false);
  const alpha = check.number(opts.alpha, 'options.alpha', 1);
  const beta = check.number(opts.beta, 'options.beta', 0);
  if (beta !== 0 && out === undefined) {
    throw errors.range('options.beta', '0 when options.out is not given (beta scales the existing C)', beta);
  }
  if (async) {
    check.fixedLength(a, 'a');
    check.fixedLength(b, 'b');
    if (out !== undefined) check.fixedLength(out, 'options.out');
  }
  const { backend, threads } = callSettings(opts);
  // The last check. A sync call on the addon leaves it to the addon, which compares the addresses
  // before it starts (binding/gemm.cc) and whose error matmulSync turns into this one: here it reads
  // each array's `buffer`, a call into V8's C++ runtime, 35–65 ns of a small call's ~400 (Zen 5).
  if (out !== undefined && (async || backend.name !== 'native')) checkOutOverlap(out, a, b);
  const job: MatmulJob = {
    a, b, out: out ?? allocate(a, shape.m * shape.n, 'options.m × options.n'),
    m: shape.m, n: shape.n, k: shape.k, transA, transB, alpha, beta, threads,
  };
  return { backend, job, opts, result: job.out };
}

/** C = alpha·op(A)·op(B) + beta·C on the calling thread and the pool; returns C. */
export function matmulSync<T extends FloatArray>(a: T, b: T, options?: MatmulOptions<T>): T {
  const { backend, job, result } = prepareMatmul(a, b, options, false);
  // A plain try, not a guard taking closures: two closures per call showed in a small multiply's cost.
  try {
    backend.matmulSync(job);
  } catch (error) {
    rethrowMatmulError(error, job);
  }
  return result as T;
}

/** The async form of matmulSync: resolves to C without blocking the event loop. */
export async function matmul<T extends FloatArray>(a: T, b: T, options?: MatmulOptions<T> & AsyncOptions): Promise<T> {
  const { backend, job, opts, result } = prepareMatmul(a, b, options, true);
  const signal = checkSignal(opts);
  try {
    await backend.matmul(job, signal);
  } catch (error) {
    rethrowMatmulError(error, job);
  }
  return result as T;
}

function prepareSort(arrayArg: unknown, options: unknown, async: boolean) {
  const opts = check.options(options, async ? ALLOWED.sort : ALLOWED.sortSync);
  const array = check.numericArray(arrayArg, 'array');
  if (async) check.fixedLength(array, 'array');
  const algorithm = check.oneOf(opts.algorithm, 'options.algorithm', check.SORT_ALGORITHMS) ?? 'auto';
  const descending = check.boolean(opts.descending, 'options.descending', false);
  const { backend, threads } = callSettings(opts);
  return { backend, job: { array, algorithm, descending, threads }, opts };
}

/**
 * Sorts in place in the order of TypedArray.prototype.sort() (NaN last, -0 before +0), or
 * descending (NaN still last); returns the same array.
 */
export function sortSync<T extends NumericArray>(array: T, options?: SortOptions): T {
  const { backend, job } = prepareSort(array, options, false);
  try {
    backend.sortSync(job);
  } catch (error) {
    rethrowNamed(error, '`array`', arrayDetail(job.array, 'sorting'));
  }
  return array;
}

/** The async form of sortSync. */
export async function sort<T extends NumericArray>(array: T, options?: SortOptions & AsyncOptions): Promise<T> {
  const { backend, job, opts } = prepareSort(array, options, true);
  const signal = checkSignal(opts);
  await guardMemory('`array`', arrayDetail(job.array, 'sorting'), () => backend.sort(job, signal));
  return array;
}

function prepareArgsort(arrayArg: unknown, options: unknown, async: boolean) {
  const opts = check.options(options, async ? ALLOWED.argsort : ALLOWED.argsortSync);
  const array = check.numericArray(arrayArg, 'array');
  if (async) check.fixedLength(array, 'array');
  const length = check.lengthOf(array);
  if (length > 2 ** 32) throw errors.shape('array', 'argsort returns Uint32 indices, so at most 2^32 elements');
  const descending = check.boolean(opts.descending, 'options.descending', false);
  const given = opts.out === undefined ? undefined : check.indexArray(opts.out, 'options.out', length);
  if (given !== undefined) {
    if (async) check.fixedLength(given, 'options.out');
    // The native backend also compares addresses (binding/sort.cc), which catches the same memory
    // through another SharedArrayBuffer object; the TypeScript backends cannot.
    check.noOverlap(given, array, 'array');
  }
  const { backend, threads } = callSettings(opts);
  let out = given;
  if (out === undefined) {
    try {
      out = new Uint32Array(length);
    } catch (error) {
      throw errors.outOfMemory('`array`', `the ${length} indices of its argsort cannot be allocated`, error);
    }
  }
  return { backend, job: { array, out, descending, threads }, opts };
}

/** Rethrows a backend's argsort error: the addon's overlap error named as the checks name it, and failed allocations. */
function rethrowArgsortError(error: unknown, job: ArgsortJob): never {
  if ((error as { code?: unknown })?.code === 'ERR_PK_OVERLAP') {
    throw errors.shape('options.out', 'it overlaps array (the same memory through another SharedArrayBuffer object); pass a separate array');
  }
  rethrowNamed(error, '`array`', arrayDetail(job.array, 'argsort of'));
}

/**
 * The indices that sort `array` (stable: equal keys keep their order), in options.out or a new
 * array; `array` is not modified.
 */
export function argsortSync(array: NumericArray, options?: ArgsortOptions): Uint32Array {
  const { backend, job } = prepareArgsort(array, options, false);
  try {
    backend.argsortSync(job);
  } catch (error) {
    rethrowArgsortError(error, job);
  }
  return job.out;
}

/** The async form of argsortSync. */
export async function argsort(array: NumericArray, options?: ArgsortOptions & AsyncOptions): Promise<Uint32Array> {
  const { backend, job, opts } = prepareArgsort(array, options, true);
  const signal = checkSignal(opts);
  try {
    await backend.argsort(job, signal);
  } catch (error) {
    rethrowArgsortError(error, job);
  }
  return job.out;
}

/**
 * Sets the process-wide defaults (the environment variables PARALLEL_KERNELS_BACKEND and
 * PARALLEL_KERNELS_THREADS set them at load) and returns the settings now in force. `threads` also
 * resizes the native pool, which every worker_thread of the process shares, and the workers
 * backend's pool of this thread.
 */
export function configure(options?: { backend?: BackendName; threads?: number }): Settings {
  const opts = check.options(options, ALLOWED.configure);
  return updateSettings({
    backend: check.oneOf(opts.backend, 'options.backend', check.BACKEND_NAMES),
    threads: check.threads(opts.threads, 'options.threads'),
  });
}

export interface BackendInfo extends Settings {
  /** The backends this process can run. */
  available: BackendName[];
  native: NativeInfo;
}

/** Which backend calls use by default, with how many threads, and whether the native addon loaded (and if not, why). */
export function backendInfo(): BackendInfo {
  return {
    ...currentSettings(),
    available: availableBackends(),
    native: nativeInfo(),
  };
}
