// A call on the workers backend is planned as a generator of phases. Each phase is a few parts
// (one worker's share each) that may run at once; the generator resumes when all of them have
// finished, reads what they left in shared memory to plan the next phase, and after the last one
// commits the result on the calling thread (copying it back when the caller's array is not shared).
import type { OpName } from './ops.js';

/** One worker's share of a phase: an operation of ops.ts and its arguments. */
export interface Part {
  op: OpName;
  args: unknown;
}

export interface Phase {
  parts: Part[];
  /**
   * The phase writes the caller's own (shared) memory: once it has started, an abort no longer
   * applies, so the caller sees the array either untouched or complete.
   */
  commits?: boolean;
}

export type Plan = Generator<Phase, void, void>;

/** Splits [0, n) into `parts` ranges of nearly equal length; returns the parts + 1 bounds. */
export function splitRange(n: number, parts: number, multipleOf = 1): number[] {
  return Array.from({ length: parts + 1 }, (_, i) =>
    i === parts ? n : Math.floor((i * n) / parts / multipleOf) * multipleOf);
}

/** The ranges between consecutive bounds. */
export function ranges(bounds: readonly number[]): Array<[number, number]> {
  return bounds.slice(1).map((hi, i) => [bounds[i], hi]);
}
