// Pivot sampling and partitioning of unsigned keys, sequential and parallel. The scalar partition
// takes a predicate; the parallel one takes the sequential partition of a block, so that the SIMD
// kernels (key_kernels.hpp) do the work inside the blocks.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "kernels/sort/config.hpp"
#include "pool/exec_context.hpp"

namespace pk::sort {

template <class K>
K medianOf3(K x, K y, K z) {
  return std::max(std::min(x, y), std::min(std::max(x, y), z));
}

// Sample positions are stratified: the i-th of k samples is at a pseudo-random offset inside the i-th
// of k equal strata. Evenly spaced positions alias with periodic inputs (a[i] = i % p picked nine
// nearly equal keys, and every level split off ~1%, ending in heapsort); stratified ones still spread
// over the range, so presorted input still gets a near-median pivot. The offsets need not be
// unpredictable, and cannot change the result: equal keys are indistinguishable. One hash of n per
// range, then a Weyl sequence (adding the golden ratio) per sample, which is cheaper than a hash each.
class SampleOffsets {
 public:
  SampleOffsets(size_t n, size_t stride) : stride_(stride) {
    uint64_t x = uint64_t{n} + 0x9E3779B97F4A7C15u;  // splitmix64's finalizer
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9u;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBu;
    state_ = x ^ (x >> 31);
  }
  // The offset of the next sample in [0, stride): scaled by a multiply, not a modulo (a division per
  // sample was another 4%).
  size_t next() {
    state_ += 0x9E3779B97F4A7C15u;
    return static_cast<size_t>((static_cast<unsigned __int128>(state_) * stride_) >> 64);
  }

 private:
  uint64_t state_;
  size_t stride_;
};

// A pivot value taken from a[0, n), n >= 1: the median of the first, middle and last keys, or from
// Config::kNintherThreshold the ninther (median of three medians of three) of nine stratified
// samples. Reads only; being an element of the range is what guarantees each partition step makes
// progress.
template <class K>
K choosePivot(const K* a, size_t n) {
  if (n < Config::kNintherThreshold) return medianOf3(a[0], a[n / 2], a[n - 1]);
  const size_t stride = n / 9;
  SampleOffsets offsets(n, stride);
  K s[9];
  for (size_t i = 0; i < 9; ++i) s[i] = a[i * stride + offsets.next()];
  return medianOf3(medianOf3(s[0], s[1], s[2]), medianOf3(s[3], s[4], s[5]), medianOf3(s[6], s[7], s[8]));
}

// A pivot taken from the n >= 1 keys keyAt(0), ..., keyAt(n - 1): the median of kSample stratified
// samples (fewer if n is smaller); by default Config::kParallelPivotSample, for a parallel level.
template <size_t kSample = Config::kParallelPivotSample, class KeyAt>
auto samplePivot(size_t n, const KeyAt& keyAt) {
  std::array<decltype(keyAt(size_t{0})), kSample> sample{};
  const size_t count = std::min(sample.size(), n);
  const size_t stride = n / count;
  SampleOffsets offsets(n, stride);
  for (size_t i = 0; i < count; ++i) sample[i] = keyAt(i * stride + offsets.next());
  const auto median = sample.begin() + count / 2;
  std::nth_element(sample.begin(), median, sample.begin() + count);
  return *median;
}

// Moves the keys of a[0, n) that satisfy pred before those that don't, and returns how many do.
// Branch-free Lomuto: a[0, m) pass and a[m, i) fail, and every step swaps a[i] into place
// unconditionally, so a random pivot costs no mispredicted branches (3x faster than a Hoare loop with
// branches on random keys in a first test).
template <class K, class Pred>
size_t partitionBy(K* a, size_t n, Pred pred) {
  size_t m = 0;
  for (size_t i = 0; i < n; ++i) {
    const K key = a[i];
    a[i] = a[m];
    a[m] = key;
    m += pred(key);
  }
  return m;
}

// The positions of misplaced keys on one side of the split, as increasing [start, start + length)
// segments, with a running count so that the k-th misplaced key can be found by binary search.
struct MisplacedSegments {
  std::vector<size_t> start;
  std::vector<size_t> firstItem{0};  // firstItem[s] keys precede segment s; the last entry is the total

  void add(size_t from, size_t to) {
    if (from >= to) return;
    start.push_back(from);
    firstItem.push_back(firstItem.back() + (to - from));
  }
  size_t total() const { return firstItem.back(); }
  size_t segmentOf(size_t item) const {
    return static_cast<size_t>(std::upper_bound(firstItem.begin(), firstItem.end(), item) - firstItem.begin() - 1);
  }
  size_t positionOf(size_t segment, size_t item) const { return start[segment] + (item - firstItem[segment]); }
};

// A partition of a[0, n) on `threads` threads; partitionBlock(begin, length) partitions the keys of
// a[begin, begin + length), in place or from another array into it, and returns how many it put first.
// On one thread, or on two while the keys fit in twoThreadSerialPartitionMaxBytes() (a Zen 5's L3),
// that is one call on the calling thread; otherwise:
//
//   Partition blocks  every block (BlockSplit) is partitioned alone, in parallel
//   Swap misplaced    with m the total count, the failing keys below m and the passing keys at or
//                     above m are equally many; the k-th of one is swapped with the k-th of the
//                     other, and the prefix sums of the blocks' counts tell each block of swaps
//                     where its keys are
template <class K, class PartitionBlock>
size_t parallelPartition(K* a, size_t n, PartitionBlock partitionBlock, unsigned threads, const ExecContext& ctx) {
  if (threads < 2 || (threads == 2 && n * sizeof(K) <= twoThreadSerialPartitionMaxBytes())) return partitionBlock(0, n);
  // Partition blocks.
  const BlockSplit blocks(n, threads);
  std::vector<size_t> passing(blocks.count);
  forEachBlock(ctx, threads, blocks, true, [&](size_t b) {
    passing[b] = partitionBlock(blocks.begin(b), blocks.end(b) - blocks.begin(b));
  });

  // Swap misplaced.
  size_t m = 0;
  for (size_t count : passing) m += count;
  MisplacedSegments failingBelow;
  MisplacedSegments passingAbove;
  for (size_t b = 0; b < blocks.count; ++b) {
    const size_t split = blocks.begin(b) + passing[b];
    failingBelow.add(split, std::min(blocks.end(b), m));
    passingAbove.add(std::max(blocks.begin(b), m), split);
  }
  const BlockSplit swaps(failingBelow.total(), threads);
  forEachBlock(ctx, threads, swaps, true, [&](size_t b) {
    size_t item = swaps.begin(b);
    size_t f = failingBelow.segmentOf(item);
    size_t p = passingAbove.segmentOf(item);
    while (item < swaps.end(b)) {
      const size_t run = std::min({failingBelow.firstItem[f + 1], passingAbove.firstItem[p + 1], swaps.end(b)}) - item;
      K* x = a + failingBelow.positionOf(f, item);
      std::swap_ranges(x, x + run, a + passingAbove.positionOf(p, item));
      item += run;
      if (item == failingBelow.firstItem[f + 1]) ++f;
      if (item == passingAbove.firstItem[p + 1]) ++p;
    }
  });
  return m;
}

}  // namespace pk::sort
