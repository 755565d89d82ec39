// Input that is already in order, found in one read-only pass before any sort starts: sorting again
// what is sorted, or reversing what arrived in the opposite order, are everyday calls (a time series
// sorted once more, a descending result asked for ascending), and a pass that reads each key once
// costs a fraction of a sort that partitions it a dozen times.
//
// The order is that of the keys (keys.hpp), so NaN, -0/+0 and `descending` need no case of their
// own: keys that never decrease are the sorted result already, and keys that never increase are it
// reversed. Equal keys are identical values (NaNs aside), so reversing a run of them changes nothing
// a sort keeps; argsort, whose reversed indices would put equal keys out of index order, asks for
// keys that strictly decrease.
//
// On other input the pass stops within the first kProbe pairs on the calling thread, which on
// shuffled data finds steps both ways; only input that still looks ordered there is scanned in full,
// on several threads once it is long enough, each of which stops once the threads together have seen
// steps both ways.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "kernels/sort/config.hpp"
#include "kernels/sort/key_kernels.hpp"
#include "kernels/sort/key_maps-inl.hpp"
#include "pool/exec_context.hpp"

namespace pk::sort {

enum class Presorted { No, Ascending, Descending };

namespace presorted_detail {

// Pairs scanned per check of what the threads have seen: short enough that shuffled input stops at
// once, long enough for the scan's vector loop.
inline constexpr size_t kProbe = 256;

// The fewest pairs worth a thread of the full scan: it reads some 3-10 keys per ns, so a thread
// pays for its wake-up only on arrays out of cache (f64, Zen 5: 2 threads no faster than 1 at 1e6,
// twice as fast at 1e7, slower at 1e5).
inline constexpr size_t kMinPerThread = size_t{1} << 19;

struct NarrowTag {};

// The table's vectorized scan for 32- and 64-bit elements; a plain loop for 8- and 16-bit ones.
template <class T, bool kDescending>
PairScan<T> pairScan() {
  if constexpr (HasMappedPartition<T>) {
    return pairScanOf<T>(keyKernels(), kDescending);
  } else {
    return &maps::scanPairs<NarrowTag, T, kDescending>;
  }
}

}  // namespace presorted_detail

// Whether values[0, n) is already in the order of a sort in the direction kDescending (Ascending),
// or in the opposite one (Descending: with strictDescent, strictly), or neither (No). Reads only;
// polls cancellation between blocks. minPerThread is there for the tests.
template <class T, bool kDescending>
Presorted presortedOrder(const T* values, size_t n, bool strictDescent, const ExecContext& ctx,
                         size_t minPerThread = presorted_detail::kMinPerThread) {
  using presorted_detail::kProbe;
  const PairScan<T> scan = presorted_detail::pairScan<T, kDescending>();
  // The steps that rule out each order.
  const unsigned notAscending = kFall, notDescending = strictDescent ? kRise | kEqual : kRise;
  const auto neither = [&](unsigned seen) { return (seen & notAscending) && (seen & notDescending); };
  const auto verdict = [&](unsigned seen) {
    return !(seen & notAscending) ? Presorted::Ascending : !(seen & notDescending) ? Presorted::Descending : Presorted::No;
  };
  const size_t pairs = n > 0 ? n - 1 : 0;
  const size_t probed = std::min(pairs, kProbe);
  const unsigned probe = scan(values, probed);
  if (neither(probe) || probed == pairs) return verdict(probe);

  // The rest, block by block on every thread worth waking, kProbe pairs at a time. A thread writes
  // the shared bits only when it sees a new kind of step, so on ordered input the threads read a
  // line that stays in their caches (a write per kProbe pairs made 2 threads slower than one).
  std::atomic<unsigned> seen{probe};
  const size_t rest = pairs - probed;
  const unsigned threads = static_cast<unsigned>(std::clamp<size_t>(rest / minPerThread, 1, ctx.threads()));
  const BlockSplit blocks(rest, threads);
  forEachBlock(ctx, threads, blocks, true, [&](size_t b) {
    unsigned mine = probe;
    for (size_t i = probed + blocks.begin(b), end = probed + blocks.end(b); i < end; i += kProbe) {
      if (neither(mine | seen.load(std::memory_order_relaxed))) return;
      const unsigned steps = scan(values + i, std::min(end - i, kProbe));
      if ((steps & ~mine) != 0) mine = seen.fetch_or(steps, std::memory_order_relaxed) | steps;
    }
  });
  return verdict(seen.load());
}

// Reverses values[0, n): what presortedOrder's Descending asks for. std::reverse moves bytes one at a
// time (SSE2 has no byte shuffle): 1e6 u8 took 0.27 ms, longer than counting-sorting them, and the
// reversed distribution sorted at 0.44x the uniform one on two threads (Zen 4). Bytes move here as
// whole words from both ends, byte-swapped; reversed 1e6 u8 went from 2157 to 4400 M elements/s. For
// wider elements GCC vectorizes std::reverse itself (the same words lost there: 16-bit keys 3433 to
// 2770 M/s, 32-bit 5150 to 4520).
template <class T>
void reverseValues(T* values, size_t n) {
  if constexpr (sizeof(T) == 1) {
    constexpr size_t kWord = sizeof(uint64_t);
    size_t low = 0, high = n;  // values[low, high) is not reversed yet
    for (; high - low >= 2 * kWord; low += kWord, high -= kWord) {
      uint64_t front, back;
      std::memcpy(&front, values + low, kWord);
      std::memcpy(&back, values + high - kWord, kWord);
      front = __builtin_bswap64(front);
      back = __builtin_bswap64(back);
      std::memcpy(values + low, &back, kWord);
      std::memcpy(values + high - kWord, &front, kWord);
    }
    std::reverse(values + low, values + high);
  } else {
    std::reverse(values, values + n);
  }
}

}  // namespace pk::sort
