// Unstable in-place quicksort of unsigned keys (introsort):
//
//   Sample     a pivot taken from the range: a median of 3 or a ninther, or at parallel levels,
//              where the split decides how evenly the threads share the rest, the median of a
//              large sample
//   Partition  keys < pivot first; in parallel at the top of the recursion
//   Recurse    in parallel on both sides with the threads split by size, then sequentially into the
//              smaller side while looping on the larger (O(log n) stack); heapsort once the depth
//              limit shows the pivots are failing, insertion sort below Config::kQuickBaseCase
//
// Duplicates cannot stall it: when nothing is below the pivot, the pivot is the minimum, and one more
// pass moves all its copies to the front, where they are already in their final place.
#pragma once

#include <algorithm>
#include <cstddef>
#include <functional>

#include "kernels/sort/base_case.hpp"
#include "kernels/sort/config.hpp"
#include "kernels/sort/partition.hpp"
#include "pool/exec_context.hpp"

namespace pk::sort {

// Sorts a[0, n) on the calling thread; depth is the number of partition levels left before heapsort.
template <class K>
void introsort(K* a, size_t n, int depth, const ExecContext& ctx) {
  while (n > Config::kQuickBaseCase) {
    if (depth-- == 0) {
      heapSort(a, n, std::less<K>{}, ctx);
      return;
    }
    // Subtrees below kBlock keys run unpolled: at most ~kBlock·log2(kBlock) steps.
    if (n >= Config::kBlock) ctx.throwIfCancelled();
    // Sample.
    const K pivot = choosePivot(a, n);
    // Partition.
    const size_t m = partitionBy(a, n, [pivot](K key) { return key < pivot; });
    if (m == 0) {
      const size_t equal = partitionBy(a, n, [pivot](K key) { return key == pivot; });
      a += equal;
      n -= equal;
      continue;
    }
    // Recurse.
    if (m < n - m) {
      introsort(a, m, depth, ctx);
      a += m;
      n -= m;
    } else {
      introsort(a + m, n - m, depth, ctx);
      n = m;
    }
  }
  insertionSort(a, n, std::less<K>{});
}

// The parallel top of the recursion: every level partitions with all its threads, then gives each side
// a share of them in proportion to its size. Each split hands at least one thread to each side and a
// side with one thread goes on sequentially, so at most ctx.threads() - 1 splits run in parallel.
template <class K>
void parallelQuickSort(K* a, size_t n, int depth, const ExecContext& ctx) {
  while (true) {
    const unsigned threads = numThreadsFor(n, ctx.threads());
    if (threads < 2 || depth == 0) {
      introsort(a, n, depth, ctx);
      return;
    }
    --depth;
    ctx.throwIfCancelled();
    // Sample.
    const K pivot = samplePivot(a, n);
    // Partition.
    const size_t m = parallelPartition(a, n, [pivot](K key) { return key < pivot; }, threads, ctx);
    if (m == 0) {
      const size_t equal = parallelPartition(a, n, [pivot](K key) { return key == pivot; }, threads, ctx);
      a += equal;
      n -= equal;
      continue;
    }
    // Recurse.
    const unsigned leftThreads = static_cast<unsigned>(std::clamp<size_t>((threads * m + n / 2) / n, 1, threads - 1));
    ctx.parallelFor(2, [&](size_t side) {
      if (side == 0) {
        parallelQuickSort(a, m, depth, ctx.withThreads(leftThreads));
      } else {
        parallelQuickSort(a + m, n - m, depth, ctx.withThreads(threads - leftThreads));
      }
    });
    return;
  }
}

template <class K>
void quickSort(K* a, size_t n, const ExecContext& ctx) {
  parallelQuickSort(a, n, introsortDepthLimit(n), ctx);
}

}  // namespace pk::sort
