// Stable LSD radix sort of unsigned keys, 8 bits per pass, over the keys and one scratch buffer:
//
//   Count   one pass counts every digit of every key (per thread), so a digit that is the same in all
//           keys is skipped: its pass would not move anything
//   Passes  for each remaining digit, from the lowest: each thread counts that digit in its own
//           contiguous range (on one thread, Count's counts serve every pass), then scatters the
//           range to the other buffer at the offsets that the counts of every thread give it (so
//           equal digits keep their order: stable)
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
    std::array<Counts, kDigits> counts{};  // local, as in the passes below
    for (size_t block = rangeBegin(t), rangeEnd = rangeBegin(t + 1); block < rangeEnd; block += Config::kBlock) {
      ctx.throwIfCancelled();
      const size_t end = std::min(rangeEnd, block + Config::kBlock);
      for (size_t i = block; i < end; ++i) {
        const K key = keys[i];
        for (size_t d = 0; d < kDigits; ++d) ++counts[d][(key >> (8 * d)) & 0xFF];
      }
    }
    all[t] = counts;
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
    if (threads == 1 || (from == keys && d == passes.front())) {
      // The keys are still where Count saw them, or one range holds them all (and its counts do not
      // depend on their order): Count's counts are this pass's.
      for (unsigned t = 0; t < threads; ++t) offsets[t] = all[t][d];
    } else {
      ctx.parallelFor(threads, [&](size_t t) {
        // Counted in a local table with local bounds: through the captured references the compiler
        // must assume every increment may change them, and recomputed the range end (a division) per
        // key, which made this pass slower than the scatter.
        Counts counts{};
        const K* const keysOf = from;
        for (size_t i = rangeBegin(t), end = rangeBegin(t + 1); i < end; ++i) ++counts[(keysOf[i] >> shift) & 0xFF];
        offsets[t] = counts;
      });
    }
    // Exclusive prefix sums in (digit, thread) order: thread t's keys of digit v follow those of the
    // lower threads.
    for (size_t v = 0, position = 0; v < 256; ++v) {
      for (unsigned t = 0; t < threads; ++t) position += std::exchange(offsets[t][v], position);
    }
    ctx.parallelFor(threads, [&](size_t t) {
      // A local copy of the offsets: 64-bit keys and size_t offsets may alias, so through offsets[t]
      // every store of a key would force the next offset to be reloaded.
      Counts next = offsets[t];
      const K* const source = from;
      K* const target = to;
      for (size_t block = rangeBegin(t), rangeEnd = rangeBegin(t + 1); block < rangeEnd; block += Config::kBlock) {
        ctx.throwIfCancelled();
        const size_t end = std::min(rangeEnd, block + Config::kBlock);
        for (size_t i = block; i < end; ++i) {
          const K key = source[i];
          target[next[(key >> shift) & 0xFF]++] = key;
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
