export type NumericArray =
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array;

export type FloatArray = Float32Array | Float64Array;

/**
 * A kernel is a generator that does a slice of work (roughly 1–5 ms, e.g. a block of rows or one
 * merge pass chunk) between yields. The sync API runs it to the end; the async API yields to the
 * event loop between slices and checks the AbortSignal there.
 */
export type KernelSteps = Generator<void, void, void>;

/** Runs every slice of a kernel on the calling thread. */
export function runToEnd(steps: KernelSteps): void {
  while (!steps.next().done);
}

/** Elements one step of the record kernels (radix, merge, keys) handles: about 1 ms of work. */
export const SLICE_ELEMENTS = 1 << 18;

/** Runs step(from, to) over [lo, hi) in slices of SLICE_ELEMENTS, yielding after each. */
export function* inSlices(lo: number, hi: number, step: (from: number, to: number) => void): KernelSteps {
  for (let from = lo; from < hi; from += SLICE_ELEMENTS) {
    step(from, Math.min(hi, from + SLICE_ELEMENTS));
    yield;
  }
}
