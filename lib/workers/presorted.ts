// The workers backend's check for input already in order (kernels/presorted.ts), as a piece of a
// sort's or argsort's plan: the calling thread looks at the first pairs, so that unsorted input,
// which nearly always gives itself away there, costs no phase; only when those are all in one order
// do the parts scan the rest of the array.
import { FELL, orderStepsOf, ROSE, scanSteps } from '../kernels/presorted.js';
import type { KernelSteps, NumericArray } from '../kernels/types.js';
import { ranges, splitRange, type Phase } from './plan.js';
import { sharedCounts } from './shared.js';

/** Pairs the calling thread compares before the parts scan. */
const PROBE_PAIRS = 256;

export type Presorted = 'inOrder' | 'reversed' | 'neither';

/**
 * Whether `data` (in shared memory) is in the order its sort (tiesRise false) or argsort (true)
 * gives, or in the reverse of it, or neither. Reads only.
 */
export function* presortedOrder(data: NumericArray, parts: number, descending: boolean, tiesRise: boolean): Generator<Phase, Presorted, void> {
  const n = data.length;
  let seen = scanSteps(data, 0, Math.min(n, PROBE_PAIRS + 1), descending, tiesRise, 0);
  if (seen === (ROSE | FELL)) return 'neither';
  if (n > PROBE_PAIRS + 1) {
    const steps = sharedCounts(parts);
    // Ranges overlap by one element, so that every adjacent pair is compared.
    yield {
      parts: ranges(splitRange(n, parts)).map(([lo, hi], p) => ({
        op: 'presortedScan',
        args: { data, lo, hi: Math.min(n, hi + 1), descending, tiesRise, steps: steps.subarray(p, p + 1) } satisfies ScanArgs,
      })),
    };
    for (const partSteps of steps) seen |= partSteps;
  }
  if (seen === (ROSE | FELL)) return 'neither';
  return seen === FELL ? 'reversed' : 'inOrder';
}

export interface ScanArgs {
  data: NumericArray;
  lo: number;
  hi: number;
  descending: boolean;
  tiesRise: boolean;
  /** One element: the ROSE and FELL bits of the steps in [lo, hi). */
  steps: Int32Array;
}

function* presortedScan({ data, lo, hi, descending, tiesRise, steps }: ScanArgs): KernelSteps {
  steps[0] = yield* orderStepsOf(data, lo, hi, descending, tiesRise);
}

export const presortedOps = { presortedScan };
