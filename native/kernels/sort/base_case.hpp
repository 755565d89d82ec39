// The base cases of the scalar quicksort: insertion sort for short ranges and heapsort, introsort's
// guaranteed O(n log n) fallback when pivots keep failing.
#pragma once

#include <cstddef>
#include <utility>

#include "kernels/sort/config.hpp"
#include "pool/exec_context.hpp"

namespace pk::sort {

template <class T, class Less>
void insertionSort(T* a, size_t n, Less less) {
  for (size_t i = 1; i < n; ++i) {
    const T value = a[i];
    size_t j = i;
    // Strictly less: an element never passes an equal one, which keeps the sort stable.
    for (; j > 0 && less(value, a[j - 1]); --j) a[j] = a[j - 1];
    a[j] = value;
  }
}

// Moves a[root] down the max-heap a[0, n) to where it belongs.
template <class T, class Less>
void siftDown(T* a, size_t root, size_t n, Less less) {
  const T value = a[root];
  for (size_t child = 2 * root + 1; child < n; child = 2 * root + 1) {
    if (child + 1 < n && less(a[child], a[child + 1])) ++child;
    if (!less(value, a[child])) break;
    a[root] = a[child];
    root = child;
  }
  a[root] = value;
}

// Unstable, so only quicksort uses it. Polls cancellation every Config::kBlock steps: it only runs
// on ranges where pivots failed, which can be large.
template <class T, class Less>
void heapSort(T* a, size_t n, Less less, const ExecContext& ctx) {
  for (size_t i = n / 2; i-- > 0;) {
    if (i % Config::kBlock == 0) ctx.throwIfCancelled();
    siftDown(a, i, n, less);
  }
  for (size_t end = n; end-- > 1;) {
    if (end % Config::kBlock == 0) ctx.throwIfCancelled();
    std::swap(a[0], a[end]);
    siftDown(a, 0, end, less);
  }
}

}  // namespace pk::sort
