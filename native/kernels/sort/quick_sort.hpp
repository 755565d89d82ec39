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
// quickSortMapped is the same sort of the keys of a caller's array of 32- or 64-bit elements, whose
// first level partitions from the values into the key buffer, mapping them on the way.
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
    const K pivot = n >= Config::kSampledPivotThreshold
                        ? samplePivot<Config::kSequentialPivotSample>(n, [a](size_t i) { return a[i]; })
                        : choosePivot(a, n);
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

template <class K>
void parallelQuickSort(K* a, size_t n, int depth, const KeyKernels<K>& kernels, const ExecContext& ctx);

// Moves the keys < bound of a[0, n) first, on `threads` threads; returns how many there are.
template <class K>
size_t partitionBelow(K* a, size_t n, K bound, unsigned threads, const KeyKernels<K>& kernels, const ExecContext& ctx) {
  if (threads < 2) return kernels.partition(a, n, bound);
  return parallelPartition(a, n, [&](size_t begin, size_t length) { return kernels.partition(a + begin, length, bound); },
                           threads, ctx);
}

// Sorts a[0, n) once a level on `threads` threads has put its m keys < pivot first: each side gets a
// share of the threads in proportion to its size (at least one each; a side with one thread goes on
// sequentially, so at most ctx.threads() - 1 splits run in parallel). depth counts the levels left
// below this one.
template <class K>
void sortSides(K* a, size_t n, size_t m, K pivot, int depth, unsigned threads, const KeyKernels<K>& kernels,
               const ExecContext& ctx) {
  if (m == 0) {
    if (pivot == std::numeric_limits<K>::max()) return;
    const size_t equal = partitionBelow(a, n, K(pivot + 1), threads, kernels, ctx);
    parallelQuickSort(a + equal, n - equal, depth, kernels, ctx);
    return;
  }
  // Every copy of the pivot goes right: when many keys share it (skewed data, say half the keys one
  // value), that side holds far more than its share. Its keys equal to the pivot are already in their
  // final place, so one more pass moves them to its front and out of the work.
  K* right = a + m;
  size_t rightLength = n - m;
  if (threads >= 2 && rightLength > n / 2 + n / 8 && pivot != std::numeric_limits<K>::max()) {
    const size_t equal = partitionBelow(right, rightLength, K(pivot + 1), threads, kernels, ctx);
    right += equal;
    rightLength -= equal;
    if (rightLength == 0) {
      parallelQuickSort(a, m, depth, kernels, ctx);
      return;
    }
  }
  if (threads < 2) {
    introsort(a, m, depth, kernels, ctx);
    introsort(right, rightLength, depth, kernels, ctx);
    return;
  }
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
}

// The parallel top of the recursion: every level partitions with all its threads, then sortSides
// shares them out.
template <class K>
void parallelQuickSort(K* a, size_t n, int depth, const KeyKernels<K>& kernels, const ExecContext& ctx) {
  const unsigned threads = numThreadsFor(n, ctx.threads());
  if (threads < 2 || depth == 0) {
    introsort(a, n, depth, kernels, ctx);
    return;
  }
  ctx.throwIfCancelled();
  // Sample.
  const K pivot = samplePivot(n, [a](size_t i) { return a[i]; });
  // Partition, then recurse.
  sortSides(a, n, partitionBelow(a, n, pivot, threads, kernels, ctx), pivot, depth - 1, threads, kernels, ctx);
}

// Sorts a[0, n) with the kernels of `table` (by default the process's dispatch choice).
template <class K>
void quickSort(K* a, size_t n, const ExecContext& ctx, const KeyKernelTable& table = keyKernels()) {
  parallelQuickSort(a, n, introsortDepthLimit(n), kernelsFor<K>(table), ctx);
}

// Sorts the keys (keys.hpp) of values[0, n), n >= 1, of a type with a mapped partition into keys[0,
// n), reading the values only. The first level samples its pivot from the values and partitions them
// straight into the key buffer with the table's mapped partition, which saves a whole pass over
// memory against mapping first; the levels below are quickSort's.
template <HasMappedPartition T, bool kDescending>
void quickSortMapped(const T* values, KeyOf<T>* keys, size_t n, const ExecContext& ctx,
                     const KeyKernelTable& table = keyKernels()) {
  using K = KeyOf<T>;
  const PartitionInto<T> partitionInto = partitionIntoOf<T>(table, kDescending);
  const unsigned threads = numThreadsFor(n, ctx.threads());
  const auto keyAt = [values](size_t i) { return toKey<T, kDescending>(values[i]); };
  ctx.throwIfCancelled();
  // Sample.
  const K pivot = threads < 2 ? samplePivot<Config::kSequentialPivotSample>(n, keyAt) : samplePivot(n, keyAt);
  // Partition.
  const auto partitionBlock = [&](size_t begin, size_t length) {
    return partitionInto(values + begin, keys + begin, length, pivot);
  };
  const size_t m = threads < 2 ? partitionBlock(0, n) : parallelPartition(keys, n, partitionBlock, threads, ctx);
  // Recurse.
  sortSides(keys, n, m, pivot, introsortDepthLimit(n) - 1, threads, kernelsOf<K>(table), ctx);
}

}  // namespace pk::sort
