// Stable LSD radix sort of unsigned keys, 8 bits per pass, over the keys and one scratch buffer:
//
//   Count   one pass counts every digit of every key (per thread), so a digit that is the same in all
//           keys is skipped: its pass would not move anything
//   Passes  for each remaining digit, from the lowest: each thread counts that digit in its own
//           contiguous range, then scatters the range to the other buffer at the offsets that the
//           counts of every thread give it (so equal digits keep their order: stable)
//
// An odd number of passes leaves the keys in the scratch buffer: one last parallel copy moves them.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "kernels/sort/config.hpp"
#include "pool/exec_context.hpp"

namespace pk::sort {

template <class K>
void radixSort(K* keys, K* scratch, size_t n, const ExecContext& ctx) {
  constexpr size_t kDigits = sizeof(K);
  using Counts = std::array<size_t, 256>;
  const unsigned threads = numThreadsFor(n, ctx.threads());
  const auto rangeBegin = [&](size_t t) { return t * n / threads; };

  // Count.
  std::vector<std::array<Counts, kDigits>> all(threads);
  ctx.parallelFor(threads, [&](size_t t) {
    auto& counts = all[t];
    for (auto& c : counts) c.fill(0);
    for (size_t block = rangeBegin(t); block < rangeBegin(t + 1); block += Config::kBlock) {
      ctx.throwIfCancelled();
      const size_t end = std::min(rangeBegin(t + 1), block + Config::kBlock);
      for (size_t i = block; i < end; ++i) {
        for (size_t d = 0; d < kDigits; ++d) ++counts[d][(keys[i] >> (8 * d)) & 0xFF];
      }
    }
  });
  std::vector<size_t> passes;
  for (size_t d = 0; d < kDigits; ++d) {
    const K digit = (keys[0] >> (8 * d)) & 0xFF;
    size_t same = 0;
    for (const auto& counts : all) same += counts[d][digit];
    if (same != n) passes.push_back(d);
  }

  // Passes.
  K* from = keys;
  K* to = scratch;
  std::vector<Counts> offsets(threads);
  for (size_t d : passes) {
    ctx.throwIfCancelled();
    const unsigned shift = static_cast<unsigned>(8 * d);
    if (from == keys && d == passes.front()) {
      // The keys are still where Count saw them: its counts are this pass's.
      for (unsigned t = 0; t < threads; ++t) offsets[t] = all[t][d];
    } else {
      ctx.parallelFor(threads, [&](size_t t) {
        offsets[t].fill(0);
        for (size_t i = rangeBegin(t); i < rangeBegin(t + 1); ++i) ++offsets[t][(from[i] >> shift) & 0xFF];
      });
    }
    // Exclusive prefix sums in (digit, thread) order: thread t's keys of digit v follow those of the
    // lower threads.
    for (size_t v = 0, position = 0; v < 256; ++v) {
      for (unsigned t = 0; t < threads; ++t) position += std::exchange(offsets[t][v], position);
    }
    ctx.parallelFor(threads, [&](size_t t) {
      Counts& next = offsets[t];
      for (size_t block = rangeBegin(t); block < rangeBegin(t + 1); block += Config::kBlock) {
        ctx.throwIfCancelled();
        const size_t end = std::min(rangeBegin(t + 1), block + Config::kBlock);
        for (size_t i = block; i < end; ++i) {
          const K key = from[i];
          to[next[(key >> shift) & 0xFF]++] = key;
        }
      }
    });
    std::swap(from, to);
  }
  if (from != keys) {
    ctx.parallelFor(threads, [&](size_t t) { std::copy(from + rangeBegin(t), from + rangeBegin(t + 1), keys + rangeBegin(t)); });
  }
}

}  // namespace pk::sort
