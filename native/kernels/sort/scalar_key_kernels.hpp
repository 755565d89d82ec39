// The scalar quicksort kernels (key_kernels.hpp's interface), for every key width: the baseline
// table's entries, and the only ones for 8- and 16-bit keys.
#pragma once

#include <cstddef>
#include <functional>

#include "kernels/sort/base_case.hpp"
#include "kernels/sort/config.hpp"
#include "kernels/sort/key_kernels.hpp"
#include "kernels/sort/merge.hpp"
#include "kernels/sort/partition.hpp"

namespace pk::sort {

template <class K>
size_t scalarPartitionBelow(K* a, size_t n, K bound) {
  return partitionBy(a, n, [bound](K key) { return key < bound; });
}

template <class K>
void scalarSortSmall(K* a, size_t n) {
  insertionSort(a, n, [](K x, K y) { return x < y; });
}

template <class K>
void scalarMerge(const K* a, size_t na, const K* b, size_t nb, K* out) {
  merge(a, na, b, nb, out, std::less<K>{});
}

template <class K>
inline constexpr KeyKernels<K> kScalarKeyKernels{&scalarPartitionBelow<K>, &scalarSortSmall<K>, Config::kQuickBaseCase,
                                                 &scalarMerge<K>};

}  // namespace pk::sort
