// argsort on the workers backend: records of the index and an order-preserving key
// (kernels/keys.ts); each part radix-sorts the records of one range by key (stable, so equal keys
// stay in index order), then rounds of merge-path merges (records.ts) join the runs, and the
// last phase writes the indices. Input already in the argsort's order, or strictly in the reverse
// order (presorted.ts), gets its indices written straight away, in order or reversed.
import type { ArgsortJob } from '../backends/backend.js';
import { argsortWidth, keyCodec, narrowBits, narrowRecords, toArgsortRecords, wordsOf, type KeyCodec } from '../kernels/keys.js';
import { radixSortRecords, type RecordWidth } from '../kernels/radix.js';
import { inSlices, type KernelSteps } from '../kernels/types.js';
import { ranges, splitRange, type Plan } from './plan.js';
import { presortedOrder } from './presorted.js';
import { finishRecords, mergeRounds, roundsFor, type Finish } from './records.js';
import { SharedMemory } from './shared.js';

export function* argsortPlan(job: ArgsortJob, parts: number): Plan {
  const memory = new SharedMemory();
  const data = memory.shareable(job.array);
  const n = data.length;
  const order = yield* presortedOrder(data, parts, job.descending, true);
  if (order !== 'neither') {
    const indices = memory.words(n);
    yield {
      parts: ranges(splitRange(n, parts)).map(([lo, hi]) => ({
        op: 'argsortIdentity',
        args: { out: indices, lo, hi, reversed: order === 'reversed' } satisfies IdentityArgs,
      })),
    };
    job.out.set(indices);
    memory.release();
    return;
  }
  const codec = keyCodec(data);
  const width = argsortWidth(codec);
  const keys: KeySource = codec !== undefined ? { codec, bits: wordsOf(data) } : narrowBits(data)!;
  const out = memory.words(n);
  const finish: Finish = { kind: 'indices', out };
  const [runs, other] = [memory.words(n * width), memory.words(n * width)];
  const bounds = splitRange(n, parts);
  yield {
    parts: ranges(bounds).map(([lo, hi]) => ({
      op: 'argsortRun',
      args: { keys, records: runs, scratch: other, width, lo, hi, descending: job.descending, finish: parts === 1 ? finish : undefined } satisfies RunArgs,
    })),
  };
  yield* mergeRounds(runs, other, width, bounds, finish, false);
  job.out.set(out);
  memory.release();
}

/** The keys of a 32- or 64-bit type (with its codec), or of an 8- or 16-bit one. */
type KeySource = { codec: KeyCodec; bits: Uint32Array } | { bits: Uint8Array | Uint16Array; signFlip: number };

export interface RunArgs {
  keys: KeySource;
  records: Uint32Array;
  scratch: Uint32Array;
  width: RecordWidth;
  lo: number;
  hi: number;
  descending: boolean;
  finish: Finish | undefined;
}

function* argsortRun({ keys, records, scratch, width, lo, hi, descending, finish }: RunArgs): KernelSteps {
  yield* inSlices(lo, hi, 'codec' in keys
    ? (from, to) => toArgsortRecords(keys.codec, keys.bits, records, from, to, descending)
    : (from, to) => narrowRecords(keys.bits, records, from, to, keys.signFlip ^ (descending ? 0xffffffff : 0)));
  // Word 0 is the index: the records are already in index order, and the sort is stable.
  yield* radixSortRecords(records, scratch, lo, hi, width, 1);
  if (finish !== undefined) yield* finishRecords(finish, records, width, lo, hi);
}

export interface IdentityArgs {
  out: Uint32Array;
  lo: number;
  hi: number;
  reversed: boolean;
}

/** The indices of out[lo, hi) in order, or in reverse order. */
function argsortIdentity({ out, lo, hi, reversed }: IdentityArgs): KernelSteps {
  const last = out.length - 1;
  return inSlices(lo, hi, reversed
    ? (from, to) => { for (let i = from; i < to; i++) out[i] = last - i; }
    : (from, to) => { for (let i = from; i < to; i++) out[i] = i; });
}

export const argsortOps = { argsortRun, argsortIdentity };
