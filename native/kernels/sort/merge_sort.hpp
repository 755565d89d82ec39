// Merge sort over the data and one scratch buffer of n elements:
//
//   Sort runs  one run per thread, each sorted alone by the sort the caller passes (the SIMD
//              quicksort for plain keys, whose equal keys are identical: its instability is unseen)
//   Merge      rounds of pairwise merges of neighbouring runs; in every round each thread writes an
//              equal share of the whole output, found by co-ranking, so no thread idles
//
// Every merge writes into the other buffer (ping-pong), so no round copies its result back.
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <utility>
#include <vector>

#include "kernels/sort/config.hpp"
#include "kernels/sort/merge.hpp"
#include "pool/exec_context.hpp"

namespace pk::sort {

// One merge round: runs 2p and 2p + 1 of `from` (bounded by `bounds`) are merged into the same place
// of `to` by mergeAll (mergeSlice's); a last unpaired run is copied. The output is cut into blocks
// (BlockSplit), and each block merges its slice of whichever pairs it overlaps.
template <class T, class Less, class MergeAll>
void mergeRound(const T* from, T* to, const std::vector<size_t>& bounds, unsigned threads, Less less,
                const MergeAll& mergeAll, const ExecContext& ctx) {
  const size_t runs = bounds.size() - 1;
  const BlockSplit blocks(bounds.back(), threads);
  forEachBlock(ctx, threads, blocks, true, [&](size_t block) {
    const size_t hi = blocks.end(block);
    // The run holding the block's first output, rounded down to the first run of its pair.
    size_t run = static_cast<size_t>(std::upper_bound(bounds.begin(), bounds.end(), blocks.begin(block)) - bounds.begin() - 1) & ~size_t(1);
    for (size_t pos = blocks.begin(block); pos < hi; run += 2) {
      const size_t begin = bounds[run];
      const size_t mid = bounds[std::min(run + 1, runs)];
      const size_t end = bounds[std::min(run + 2, runs)];
      const size_t sliceEnd = std::min(hi, end);
      mergeSlice(from + begin, mid - begin, from + mid, end - mid, to + begin, pos - begin, sliceEnd - begin, less,
                 mergeAll);
      pos = sliceEnd;
    }
  });
}

// Sorts data[0, n); scratch holds n elements; sortRun(run, length, ctx) sorts one run in place, and
// mergeAll(a, na, b, nb, out) merges two sorted ranges (merge.hpp's stable merge, or a faster one
// where the order of equal elements cannot be seen). With stable merges, the result is stable if
// sortRun is.
template <class T, class Less, class SortRun, class MergeAll>
void mergeSort(T* data, T* scratch, size_t n, Less less, const ExecContext& ctx, SortRun sortRun,
               const MergeAll& mergeAll) {
  const unsigned threads = numThreadsFor(n, ctx.threads());
  std::vector<size_t> bounds(threads + 1);
  for (size_t r = 0; r <= threads; ++r) bounds[r] = r * n / threads;

  // Sort runs. ceil(log2(threads)) rounds follow, each moving the data to the other buffer: the runs
  // go to scratch when that count is odd, so that the last round writes into data.
  const bool runsInScratch = std::bit_width(threads - 1u) % 2 == 1;
  ctx.parallelFor(threads, [&](size_t r) {
    const size_t length = bounds[r + 1] - bounds[r];
    sortRun(data + bounds[r], length, ctx);
    if (runsInScratch) std::copy_n(data + bounds[r], length, scratch + bounds[r]);
  });

  // Merge.
  T* from = runsInScratch ? scratch : data;
  T* to = runsInScratch ? data : scratch;
  while (bounds.size() > 2) {
    ctx.throwIfCancelled();
    mergeRound(from, to, bounds, threads, less, mergeAll, ctx);
    std::vector<size_t> merged;
    for (size_t r = 0; r < bounds.size(); r += 2) merged.push_back(bounds[r]);
    if (merged.back() != n) merged.push_back(n);
    bounds = std::move(merged);
    std::swap(from, to);
  }
}

}  // namespace pk::sort
