// Phases shared by the sorts and the argsort on records (kernels/radix.ts): a round of merges,
// and the last step of a part, which turns its records into the result.
import { fromSortKeys, indicesOf, type KeyCodec } from '../kernels/keys.js';
import { mergeRound } from '../kernels/merge.js';
import type { RecordWidth } from '../kernels/radix.js';
import { inSlices, type KernelSteps } from '../kernels/types.js';
import { ranges, splitRange, type Plan } from './plan.js';

/** Where a part's sorted records end up: element values (sort) or indices (argsort). */
export type Finish =
  | { kind: 'values'; codec: KeyCodec; target: Uint32Array; descending: boolean }
  | { kind: 'indices'; out: Uint32Array };

export function finishRecords(finish: Finish, records: Uint32Array, width: RecordWidth, lo: number, hi: number): KernelSteps {
  return inSlices(lo, hi, finish.kind === 'values'
    ? (from, to) => fromSortKeys(finish.codec, records, finish.target, from, to, finish.descending)
    : (from, to) => indicesOf(records, width, finish.out, from, to));
}

export interface MergeRoundArgs {
  src: Uint32Array;
  dst: Uint32Array;
  width: RecordWidth;
  bounds: number[];
  k0: number;
  k1: number;
  /** Given in the last round. */
  finish?: Finish;
}

function* mergeRoundPart({ src, dst, width, bounds, k0, k1, finish }: MergeRoundArgs): KernelSteps {
  yield* mergeRound(src, dst, width, bounds, k0, k1);
  if (finish !== undefined) yield* finishRecords(finish, dst, width, k0, k1);
}

export const recordOps = { mergeRound: mergeRoundPart };

/**
 * The merge rounds after sorting one run per part: runs merge in pairs until one is left, every
 * part writing an equal slice of each round. `sorted` holds the runs; the last round writes to
 * `other` when the number of rounds is odd. Yields one phase per round, with `finish` in the last.
 */
export function* mergeRounds(
  sorted: Uint32Array, other: Uint32Array, width: RecordWidth, runBounds: number[], finish: Finish, commits: boolean,
): Plan {
  const n = runBounds[runBounds.length - 1];
  const slices = ranges(splitRange(n, runBounds.length - 1));
  let [src, dst] = [sorted, other];
  for (let bounds = runBounds; bounds.length > 2; bounds = bounds.filter((_, i) => i % 2 === 0 || i === bounds.length - 1)) {
    const last = bounds.length === 3;
    yield {
      parts: slices.map(([k0, k1]) => ({
        op: 'mergeRound',
        args: { src, dst, width, bounds, k0, k1, finish: last ? finish : undefined } satisfies MergeRoundArgs,
      })),
      commits: last && commits,
    };
    [src, dst] = [dst, src];
  }
}

/** Merge rounds needed for `runs` runs. */
export function roundsFor(runs: number): number {
  return Math.ceil(Math.log2(runs));
}
