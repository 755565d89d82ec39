// Tunables and policies of the sorts, in one place. Every PK_SORT_* macro can be overridden at build
// time (-DPK_SORT_...=N) to try alternatives. The algorithm choice is measured (autoAlgorithm); the
// other defaults give the reasoning behind them.
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>

#include "cpu/cpu_model.hpp"
#include "kernels/sort/sort.hpp"
#include "pool/exec_context.hpp"

#ifndef PK_SORT_QUICK_BASE_CASE
#define PK_SORT_QUICK_BASE_CASE 16
#endif
#ifndef PK_SORT_NINTHER_THRESHOLD
#define PK_SORT_NINTHER_THRESHOLD 128
#endif
#ifndef PK_SORT_SAMPLED_PIVOT_THRESHOLD
#define PK_SORT_SAMPLED_PIVOT_THRESHOLD 16384
#endif
#ifndef PK_SORT_SEQUENTIAL_PIVOT_SAMPLE
#define PK_SORT_SEQUENTIAL_PIVOT_SAMPLE 63
#endif
#ifndef PK_SORT_PARALLEL_PIVOT_SAMPLE
#define PK_SORT_PARALLEL_PIVOT_SAMPLE 255
#endif
#ifndef PK_SORT_MIN_PER_THREAD
#define PK_SORT_MIN_PER_THREAD 16384
#endif
#ifndef PK_SORT_BLOCK
#define PK_SORT_BLOCK 65536
#endif
// PK_SORT_TWO_THREAD_SERIAL_PARTITION_MAX_BYTES has no default: where it is set, it replaces the
// per-CPU choice of twoThreadSerialPartitionMaxBytes() on every CPU.

namespace pk::sort {

struct Config {
  // The scalar quicksort (the baseline path, and 8- and 16-bit keys) leaves ranges of at most this
  // many keys to insertion sort, whose quadratic cost is still below a partition step's overhead at
  // this size (the usual 16 of introsort implementations). The SIMD paths use their sorting networks'
  // sizes instead (key_kernels.hpp).
  static constexpr size_t kQuickBaseCase = PK_SORT_QUICK_BASE_CASE;
  static_assert(kQuickBaseCase <= 256, "insertion sort is quadratic");

  // From this size the pivot is a ninther (median of three medians of three) instead of a median of
  // three: the better pivot pays for its six extra reads once a partition costs this much.
  static constexpr size_t kNintherThreshold = PK_SORT_NINTHER_THRESHOLD;
  static_assert(kNintherThreshold >= 9, "the ninther samples nine positions");

  // From this size a sequential level takes the median of a sample (below) instead: with the SIMD
  // partition a level costs so little per key that the better split pays for the sample (f64 at
  // 1e6, one thread, AVX-512 on Zen 4: 92 -> 98 M elements/s with 16384).
  static constexpr size_t kSampledPivotThreshold = PK_SORT_SAMPLED_PIVOT_THRESHOLD;
  static_assert(kSampledPivotThreshold >= 1, "samplePivot needs a non-empty range");

  // The size of that sample: 63 keys, whose median is near enough to balance a sequential level
  // (i32 at 1e6, one thread, AVX-512 on Zen 4: 215 -> 227 M elements/s against 255 keys, whose
  // scattered reads cost more than the better split saves; 15 keys lose 15% on i64).
  static constexpr size_t kSequentialPivotSample = PK_SORT_SEQUENTIAL_PIVOT_SAMPLE;
  static_assert(kSequentialPivotSample >= 3 && kSequentialPivotSample <= 4096, "spread over the range; kept on the stack");

  // A parallel partition level takes the median of this many evenly spread keys as its pivot: its
  // split sets how evenly the threads share the rest, and the median of 255 samples is typically
  // within ~3% of n of the true median where a ninther is within ~15%, for a negligible cost.
  static constexpr size_t kParallelPivotSample = PK_SORT_PARALLEL_PIVOT_SAMPLE;
  static_assert(kParallelPivotSample >= 3 && kParallelPivotSample <= 4096, "spread over the range; kept on the stack");

  // The fewest elements worth giving a thread: below it (~0.3 ms of sorting) waking pool threads and
  // joining them costs more than the work they take over. Arrays below 2x this never call parallelFor.
  static constexpr size_t kMinPerThread = PK_SORT_MIN_PER_THREAD;
  static_assert(kMinPerThread >= 1, "numThreadsFor divides by it");

  // The unit of work between two polls of the cancellation flag, and the block of the parallel passes
  // (map, partition, merge rounds): 64Ki elements is ~0.1–1 ms of work, short enough for a prompt
  // abort and long enough that polling and per-block bookkeeping cost nothing measurable.
  static constexpr size_t kBlock = PK_SORT_BLOCK;
  static_assert(kBlock >= 1, "BlockSplit divides by it");

  // On a Zen 5, a partition level with two threads runs on one of them while its keys take at most
  // this many bytes (its L3): the keys are then in the caches of the core that wrote them last, and
  // splitting the pass cost more in traffic between the cores, plus the second pass over the
  // misplaced keys (a quarter of them each side), than the second core gave. There (2 cores,
  // 2026-12-07; a throwaway driver, both ways taking turns in one process, medians), the two-thread
  // sort with a one-thread first partition against the parallel one: f64 at 1e6 404-406 against
  // 339-360 M elements/s, f32 625 against 584, i32 616 against 586, i64 402 against 365 (in a slower
  // spell of the host an hour later, +1-10%, never behind); at 2e5 +13-19%; at 2e6 level; f64 and
  // i64 at 4e6 (32 MB) +15-18%. At 1e7, where the pass runs from memory and two cores draw more of
  // it, the parallel partition was level for 32-bit keys and 4-8% ahead for 64-bit ones, level again
  // at 3e7. The partition alone, f64 at 1e6: 0.24-0.31 ms on one thread, 0.45-0.50 on two (of which
  // 0.36-0.40 for the blocks alone). Three threads and more always split it, each doing a third of
  // the work or less (not measured: the machine had two cores).
  //
  // A Zen 4 measured the other way (2 cores, 2026-12-08; two builds of the library, with and without
  // the one-thread partition, their drivers taking turns, seven pairs of medians each): level at 1e6
  // (f64 286 against 286 M elements/s split, i32 549 against 551), and split ahead at 2e6 (f64 291
  // against 255) and 4e6 (i64 254 against 232, f32 491 against 487). A likely reason, not measured:
  // its vector units are half as wide, so one thread partitions at a Zen 5's speed or less while the
  // traffic between the cores costs no less. Every other CPU splits too (an Intel Xeon's timeline had
  // put the two ways level at 1e6).
  static constexpr size_t kZen5TwoThreadSerialPartitionMaxBytes = size_t{32} << 20;

  // From this size a quicksort maps the caller's values to keys in its first partition level instead
  // of in a pass of its own (quickSortMapped): where the sequential levels sample their pivots, so the
  // first level is the same with or without the map.
  static constexpr size_t kMappedPartitionMin = kSampledPivotThreshold;

  // From these sizes Algorithm::Auto counting-sorts 8- and 16-bit keys (measured: autoAlgorithm).
  static constexpr size_t kCountingSort8 = 1500;
  static constexpr size_t kCountingSort16 = 250000;
};

// The most bytes of keys a two-thread partition level runs on one thread for `cpu`: see
// Config::kZen5TwoThreadSerialPartitionMaxBytes (AMD family 0x1A), 0 elsewhere.
size_t twoThreadSerialPartitionMaxBytes(const cpu::CpuModel& cpu);
// The same for this CPU, or PK_SORT_TWO_THREAD_SERIAL_PARTITION_MAX_BYTES where the build sets it.
size_t twoThreadSerialPartitionMaxBytes();

// How many threads a phase over n elements uses: one per kMinPerThread elements, at most `available`.
inline unsigned numThreadsFor(size_t n, unsigned available) {
  return static_cast<unsigned>(std::clamp<size_t>(n / Config::kMinPerThread, 1, std::max(available, 1u)));
}

// The blocks of a parallel phase over n elements: one per thread or more (so every thread gets work),
// at most Config::kBlock elements each (so cancellation is polled often), sizes equal ±1, and none
// empty unless n is 0 (so tiny phases don't wake the pool).
struct BlockSplit {
  BlockSplit(size_t n, unsigned threads) : n(n), count(countFor(n, threads)) {}
  size_t begin(size_t block) const { return block * n / count; }
  size_t end(size_t block) const { return (block + 1) * n / count; }

  const size_t n;
  const size_t count;

 private:
  static size_t countFor(size_t n, unsigned threads) {
    const size_t full = (n + Config::kBlock - 1) / Config::kBlock;
    return std::clamp<size_t>(std::max<size_t>(threads, full), 1, std::max<size_t>(n, 1));
  }
};

// Runs fn(block) for every block of `blocks`, split into `threads` contiguous ranges of blocks, one per
// parallelFor index: the thread count, not the block count, sets the parallelism (parallelFor runs
// every index it is given at once). With `poll`, cancellation is checked before each block.
template <class Fn>
void forEachBlock(const ExecContext& ctx, unsigned threads, const BlockSplit& blocks, bool poll, const Fn& fn) {
  const size_t ranges = std::clamp<size_t>(threads, 1, blocks.count);
  const auto runRange = [&](size_t range) {
    for (size_t b = range * blocks.count / ranges, end = (range + 1) * blocks.count / ranges; b < end; ++b) {
      if (poll) ctx.throwIfCancelled();
      fn(b);
    }
  };
  if (ranges == 1) {
    runRange(0);
  } else {
    ctx.parallelFor(ranges, runRange);
  }
}

// Introsort switches to heapsort after this many partition levels: 2·log2(n), the usual bound, far
// above what a good pivot needs (log2 n) and still O(log n).
inline int introsortDepthLimit(size_t n) { return 2 * static_cast<int>(std::bit_width(n)); }

// The algorithm Algorithm::Auto stands for, from bench/native/sort_bench.cc on an AMD EPYC Zen 4
// (2 cores, AVX-512 path, one thread, uniform keys; M elements/s, 2026-11-25). 8- and 16-bit keys are
// quicksorted as 32-bit keys (sort.cc):
//
//                 n:   300   1000   2000    1e4    1e5    2e5    3e5    1e6    1e7
//   u8   quick         400    352    276    279    355                  343
//        counting      183    329    419    553    597                  595
//   i16  quick                454           339    279    265    238    204
//        counting               1.9          19    102    170    350    638
//   i32  quick                                     274                  204    172
//        radix                                     117                  150    127
//   i64  quick                                     175                  123    105
//        radix                                      74                   86     65
//
// Counting sort wins for 8-bit keys from about 1500 keys and for 16-bit keys from about 2.5e5 (its
// table of 65536 counts is the cost); the SIMD quicksort wins for every wider type at every size (this
// LSD radix sort moves every key once per byte). Merge sort is never faster and is only the stable
// choice, which plain keys do not need.
inline Algorithm autoAlgorithm(ElementType type, size_t n) {
  switch (type) {
    case ElementType::Int8:
    case ElementType::Uint8:
    case ElementType::Uint8Clamped: return n >= Config::kCountingSort8 ? Algorithm::Radix : Algorithm::Quick;
    case ElementType::Int16:
    case ElementType::Uint16: return n >= Config::kCountingSort16 ? Algorithm::Radix : Algorithm::Quick;
    default: return Algorithm::Quick;
  }
}

// The algorithm argsort uses for keys of at most 32 bits, packed with their index into one uint64
// (the index breaks ties, so any correct sort gives the stable order): the SIMD quicksort, as for
// 64-bit keys above.
inline Algorithm packedArgsortAlgorithm(size_t n) { return Algorithm::Quick; }

}  // namespace pk::sort
