// Stable merging of two sorted ranges, and merge-path co-ranking, which lets any number of threads
// each write an equal slice of one merge's output without coordinating.
//
// Ties always go to the first input, so merging neighbouring runs keeps equal elements in order.
#pragma once

#include <algorithm>
#include <cstddef>

namespace pk::sort {

// The co-rank of output position k in merge(a, b): how many of the first k outputs come from a (the
// rest, k - i, come from b). Binary search on i: i is too small while a[i] would still be output
// before b[k - i - 1], i.e. while !(b[k - i - 1] < a[i]).
template <class T, class Less>
size_t coRank(size_t k, const T* a, size_t na, const T* b, size_t nb, Less less) {
  size_t lo = k > nb ? k - nb : 0;
  size_t hi = std::min(k, na);
  while (lo < hi) {
    const size_t i = lo + (hi - lo) / 2;  // i < na and k - i >= 1, so both reads are in bounds
    if (!less(b[k - i - 1], a[i])) {
      lo = i + 1;
    } else {
      hi = i;
    }
  }
  return lo;
}

// out[0, na + nb) = merge(a, b).
template <class T, class Less>
void merge(const T* a, size_t na, const T* b, size_t nb, T* out, Less less) {
  size_t i = 0, j = 0;
  while (i < na && j < nb) {
    // Branch-free selection: on random data a branch here is mispredicted half the time.
    const bool takeB = less(b[j], a[i]);
    *out++ = takeB ? b[j] : a[i];
    j += takeB;
    i += !takeB;
  }
  out = std::copy_n(a + i, na - i, out);
  std::copy_n(b + j, nb - j, out);
}

// Output positions [lo, hi) of merge(a, b), written to out[lo, hi) by mergeAll(a', na', b', nb',
// out'), which merges two whole sorted ranges (merge above, or a SIMD merge of plain keys):
// co-ranking both ends gives the slice's inputs. The slice is the stable merge's whenever mergeAll's
// order of equal elements is stable or cannot be seen.
template <class T, class Less, class MergeAll>
void mergeSlice(const T* a, size_t na, const T* b, size_t nb, T* out, size_t lo, size_t hi, Less less,
                const MergeAll& mergeAll) {
  const size_t i0 = coRank(lo, a, na, b, nb, less);
  const size_t i1 = coRank(hi, a, na, b, nb, less);
  mergeAll(a + i0, i1 - i0, b + (lo - i0), (hi - i1) - (lo - i0), out + lo);
}

}  // namespace pk::sort
