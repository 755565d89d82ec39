// Unstable in-place quicksort of unsigned keys (introsort):
//
//   Sample     a pivot taken from the range: a median of 3 or a ninther, or on large ranges and at
//              parallel levels (where the split decides how evenly the threads share the rest) the
//              median of a large sample
//   Partition  keys < pivot first, by the SIMD kernel of the dispatch table (key_kernels.hpp);
//              in parallel at the top of the recursion
//   Recurse    in parallel on both sides with the threads split by size, then sequentially into the
//              smaller side while looping on the larger (O(log n) stack); heapsort once the depth
//              limit shows the pivots are failing, the table's sorting networks (or insertion sort)
//              from its smallMax down
//
// Duplicates cannot stall it: when nothing is below the pivot, the pivot is the minimum, and one more
// pass (keys < pivot + 1, i.e. equal to it) moves all its copies to the front, where they are already
// in their final place. At a parallel level, the side made heavy by many copies of its pivot sheds
// them the same way, so the threads share the rest evenly on skewed data too.
#pragma once

#include <algorithm>
#include <cstddef>
#include <functional>
#include <limits>

#include "kernels/sort/base_case.hpp"
#include "kernels/sort/config.hpp"
#include "kernels/sort/key_kernels.hpp"
#include "kernels/sort/partition.hpp"
#include "kernels/sort/scalar_key_kernels.hpp"
#include "pool/exec_context.hpp"

namespace pk::sort {

// The kernels for keys of type K from a table: SIMD ones for 32- and 64-bit keys, scalar otherwise.
template <class K>
const KeyKernels<K>& kernelsFor(const KeyKernelTable& table) {
  if constexpr (sizeof(K) >= 4) {
    return kernelsOf<K>(table);
  } else {
    return kScalarKeyKernels<K>;
  }
}

// Sorts a[0, n) on the calling thread; depth is the number of partition levels left before heapsort.
template <class K>
void introsort(K* a, size_t n, int depth, const KeyKernels<K>& kernels, const ExecContext& ctx) {
  while (n > kernels.smallMax) {
    if (depth-- == 0) {
      heapSort(a, n, std::less<K>{}, ctx);
      return;
    }
    // Subtrees below kBlock keys run unpolled: at most ~kBlock·log2(kBlock) steps.
    if (n >= Config::kBlock) ctx.throwIfCancelled();
    // Sample.
    const K pivot = n >= Config::kSampledPivotThreshold ? samplePivot<K, Config::kSequentialPivotSample>(a, n) : choosePivot(a, n);
    // Partition.
    const size_t m = kernels.partition(a, n, pivot);
    if (m == 0) {
      if (pivot == std::numeric_limits<K>::max()) return;  // the minimum is the maximum: all equal
      const size_t equal = kernels.partition(a, n, K(pivot + 1));
      a += equal;
      n -= equal;
      continue;
    }
    // Recurse.
    if (m < n - m) {
      introsort(a, m, depth, kernels, ctx);
      a += m;
      n -= m;
    } else {
      introsort(a + m, n - m, depth, kernels, ctx);
      n = m;
    }
  }
  kernels.sortSmall(a, n);
}

// The parallel top of the recursion: every level partitions with all its threads, then gives each side
// a share of them in proportion to its size. Each split hands at least one thread to each side and a
// side with one thread goes on sequentially, so at most ctx.threads() - 1 splits run in parallel.
template <class K>
void parallelQuickSort(K* a, size_t n, int depth, const KeyKernels<K>& kernels, const ExecContext& ctx) {
  while (true) {
    const unsigned threads = numThreadsFor(n, ctx.threads());
    if (threads < 2 || depth == 0) {
      introsort(a, n, depth, kernels, ctx);
      return;
    }
    --depth;
    ctx.throwIfCancelled();
    // Sample.
    const K pivot = samplePivot(a, n);
    // Partition.
    const auto below = [&](K bound) {
      return parallelPartition(a, n, [&](K* block, size_t length) { return kernels.partition(block, length, bound); },
                               threads, ctx);
    };
    const size_t m = below(pivot);
    if (m == 0) {
      if (pivot == std::numeric_limits<K>::max()) return;
      const size_t equal = below(K(pivot + 1));
      a += equal;
      n -= equal;
      continue;
    }
    // Every copy of the pivot goes right: when many keys share it (skewed data, say half the keys one
    // value), that side holds far more than its share. Its keys equal to the pivot are already in
    // their final place, so one more pass moves them to its front and out of the work.
    K* right = a + m;
    size_t rightLength = n - m;
    if (rightLength > n / 2 + n / 8 && pivot != std::numeric_limits<K>::max()) {
      const size_t equal = parallelPartition(
          right, rightLength, [&](K* block, size_t length) { return kernels.partition(block, length, K(pivot + 1)); },
          threads, ctx);
      right += equal;
      rightLength -= equal;
      if (rightLength == 0) {
        n = m;
        continue;
      }
    }
    // Recurse.
    const size_t work = m + rightLength;
    const unsigned leftThreads =
        static_cast<unsigned>(std::clamp<size_t>((threads * m + work / 2) / work, 1, threads - 1));
    ctx.parallelFor(2, [&](size_t side) {
      if (side == 0) {
        parallelQuickSort(a, m, depth, kernels, ctx.withThreads(leftThreads));
      } else {
        parallelQuickSort(right, rightLength, depth, kernels, ctx.withThreads(threads - leftThreads));
      }
    });
    return;
  }
}

// Sorts a[0, n) with the kernels of `table` (by default the process's dispatch choice).
template <class K>
void quickSort(K* a, size_t n, const ExecContext& ctx, const KeyKernelTable& table = keyKernels()) {
  parallelQuickSort(a, n, introsortDepthLimit(n), kernelsFor<K>(table), ctx);
}

}  // namespace pk::sort
