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
