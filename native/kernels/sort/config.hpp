// Tunables and policies of the sorts, in one place. Every PK_SORT_* macro can be overridden at build
// time (-DPK_SORT_...=N) to try alternatives. None of the defaults is measured yet: each line gives the
// reasoning behind it, and the benchmark issue replaces these with numbers and the machine they came from.
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>

#include "kernels/sort/sort.hpp"
#include "pool/exec_context.hpp"

#ifndef PK_SORT_QUICK_BASE_CASE
#define PK_SORT_QUICK_BASE_CASE 16
#endif
#ifndef PK_SORT_MERGE_BASE_CASE
#define PK_SORT_MERGE_BASE_CASE 24
#endif
#ifndef PK_SORT_NINTHER_THRESHOLD
#define PK_SORT_NINTHER_THRESHOLD 128
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

namespace pk::sort {

struct Config {
  // Quicksort leaves ranges of at most this many keys to insertion sort, whose quadratic cost is still
  // below a partition step's overhead at this size (the usual 16 of introsort implementations).
  static constexpr size_t kQuickBaseCase = PK_SORT_QUICK_BASE_CASE;
  static_assert(kQuickBaseCase <= 256, "insertion sort is quadratic");

  // Merge sort builds its first runs of at most this many elements by insertion sort (stable, and it
  // saves the log2(24) ~ 4.6 merge passes that cost more than insertion sort at this size).
  static constexpr size_t kMergeBaseCase = PK_SORT_MERGE_BASE_CASE;
  static_assert(kMergeBaseCase >= 1 && kMergeBaseCase <= 256, "a merge needs two non-empty halves; insertion sort is quadratic");

  // From this size the pivot is a ninther (median of three medians of three) instead of a median of
  // three: the better pivot pays for its six extra reads once a partition costs this much.
  static constexpr size_t kNintherThreshold = PK_SORT_NINTHER_THRESHOLD;
  static_assert(kNintherThreshold >= 9, "the ninther samples nine positions");

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
};

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

// The algorithm Algorithm::Auto stands for. Quicksort for every type and size for now: it needs no
// scratch buffer. The choice (and an LSD radix sort for integer keys) is to be measured in the
// benchmark issue.
inline Algorithm autoAlgorithm(ElementType type, size_t n) { return Algorithm::Quick; }

// The algorithm argsort uses for keys of at most 32 bits, packed with their index into one uint64
// (the index breaks ties, so any correct sort gives the stable order). Also to be measured.
inline Algorithm packedArgsortAlgorithm(size_t n) { return Algorithm::Quick; }

}  // namespace pk::sort
