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

// Writes `count` outputs of the merge of a[i, na) and b[j, nb) to out. The caller guarantees
// count <= (na - i) + (nb - j).
template <class T, class Less>
void mergeSteps(const T* a, size_t i, size_t na, const T* b, size_t j, size_t nb, T* out, size_t count, Less less) {
  for (; count > 0 && i < na && j < nb; --count) {
    // Branch-free selection: on random data a branch here is mispredicted half the time.
    const bool takeB = less(b[j], a[i]);
    *out++ = takeB ? b[j] : a[i];
    j += takeB;
    i += !takeB;
  }
  const size_t fromA = std::min(count, na - i);
  out = std::copy_n(a + i, fromA, out);
  std::copy_n(b + j, count - fromA, out);
}

// out[0, na + nb) = merge(a, b).
template <class T, class Less>
void merge(const T* a, size_t na, const T* b, size_t nb, T* out, Less less) {
  mergeSteps(a, 0, na, b, 0, nb, out, na + nb, less);
}

// Output positions [lo, hi) of merge(a, b), written to out[lo, hi): co-rank lo, then merge from there.
template <class T, class Less>
void mergeSlice(const T* a, size_t na, const T* b, size_t nb, T* out, size_t lo, size_t hi, Less less) {
  const size_t i = coRank(lo, a, na, b, nb, less);
  mergeSteps(a, i, na, b, lo - i, nb, out + lo, hi - lo, less);
}

}  // namespace pk::sort
