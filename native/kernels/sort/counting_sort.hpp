// Counting sort of 8- and 16-bit unsigned keys: count every value, then write each value as many
// times as it was counted. Two passes over the keys and no comparisons, whatever the distribution.
//
//   Count  each thread counts one contiguous range of keys (8-bit keys into eight interleaved
//          tables, so that runs of equal keys don't serialize on one counter; kStride apart, not
//          256 counters, because at a multiple of 4 KiB apart the counters of one value in different
//          tables alias in the store buffer: on Zen 1 that cut a 1e6-key sort of equal keys to a third)
//   Fill   each thread writes an equal share of the output, starting at the value its first position
//          holds (a binary search in the prefix sums of the counts)
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "kernels/sort/config.hpp"
#include "pool/exec_context.hpp"

namespace pk::sort {

template <class K>
void countingSort(K* keys, size_t n, const ExecContext& ctx) {
  static_assert(sizeof(K) <= 2, "a table per value");
  constexpr size_t kValues = size_t{1} << (8 * sizeof(K));
  constexpr size_t kTables = sizeof(K) == 1 ? 8 : 1;
  constexpr size_t kStride = sizeof(K) == 1 ? kValues + 8 : kValues;
  const unsigned threads = numThreadsFor(n, ctx.threads());

  // Count.
  std::vector<size_t> counts(size_t{threads} * kTables * kStride);
  ctx.parallelFor(threads, [&](size_t t) {
    size_t* table = counts.data() + t * kTables * kStride;
    const size_t end = (t + 1) * n / threads;
    for (size_t block = t * n / threads; block < end; block += Config::kBlock) {
      ctx.throwIfCancelled();
      const size_t blockEnd = std::min(end, block + Config::kBlock);
      size_t i = block;
      for (; i + kTables <= blockEnd; i += kTables) {
        for (size_t u = 0; u < kTables; ++u) ++table[u * kStride + keys[i + u]];
      }
      for (; i < blockEnd; ++i) ++table[keys[i]];
    }
  });
  // firstPosition[v]: where the copies of v start in the output; the last entry is n.
  std::vector<size_t> firstPosition(kValues + 1);
  for (size_t v = 0, position = 0; v < kValues; ++v) {
    firstPosition[v] = position;
    for (size_t table = 0; table < size_t{threads} * kTables; ++table) position += counts[table * kStride + v];
  }
  firstPosition[kValues] = n;
  ctx.throwIfCancelled();

  // Fill.
  ctx.parallelFor(threads, [&](size_t t) {
    const size_t begin = t * n / threads, end = (t + 1) * n / threads;
    size_t v = static_cast<size_t>(std::upper_bound(firstPosition.begin(), firstPosition.end(), begin) - firstPosition.begin() - 1);
    for (size_t position = begin; position < end; ++v) {
      const size_t runEnd = std::min(end, firstPosition[v + 1]);
      std::fill(keys + position, keys + runEnd, static_cast<K>(v));
      position = runEnd;
    }
  });
}

}  // namespace pk::sort
