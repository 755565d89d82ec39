// Pivot sampling and partitioning of unsigned keys, sequential and parallel.
//
// Partitions take a predicate rather than a pivot so that one routine serves both `key < pivot`
// (the normal step) and `key == pivot` (taking out the copies of a pivot that is the minimum).
#pragma once

#include <algorithm>
#include <cstddef>
#include <utility>
#include <vector>

#include "kernels/sort/config.hpp"
#include "pool/exec_context.hpp"

namespace pk::sort {

template <class K>
K medianOf3(K x, K y, K z) {
  return std::max(std::min(x, y), std::min(std::max(x, y), z));
}

// A pivot value taken from a[0, n), n >= 3: the median of the first, middle and last keys, or from
// Config::kNintherThreshold the ninther of nine evenly spread keys. Reads only; being an element of
// the range is what guarantees each partition step makes progress.
template <class K>
K choosePivot(const K* a, size_t n) {
  if (n < Config::kNintherThreshold) return medianOf3(a[0], a[n / 2], a[n - 1]);
  const size_t step = (n - 1) / 8;
  const auto at = [&](size_t i) { return a[i * step]; };
  return medianOf3(medianOf3(at(0), at(1), at(2)), medianOf3(at(3), at(4), at(5)), medianOf3(at(6), at(7), at(8)));
}

// Moves the keys of a[0, n) that satisfy pred before those that don't, and returns how many do.
template <class K, class Pred>
size_t partitionBy(K* a, size_t n, Pred pred) {
  size_t i = 0;
  size_t j = n;
  while (true) {
    while (i < j && pred(a[i])) ++i;
    while (i < j && !pred(a[j - 1])) --j;
    if (i >= j) return i;
    // a[i] fails pred and a[j - 1] passes it, so they are two different keys: i + 1 < j.
    std::swap(a[i], a[j - 1]);
    ++i;
    --j;
  }
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

// partitionBy on `threads` threads:
//
//   Partition blocks  every block of Config::kBlock keys is partitioned alone, in parallel
//   Swap misplaced    with m the total count, the failing keys below m and the passing keys at or
//                     above m are equally many; the k-th of one is swapped with the k-th of the
//                     other, and the prefix sums of the blocks' counts give each thread its share
template <class K, class Pred>
size_t parallelPartition(K* a, size_t n, Pred pred, unsigned threads, const ExecContext& ctx) {
  // Partition blocks.
  const size_t blocks = (n + Config::kBlock - 1) / Config::kBlock;
  std::vector<size_t> passing(blocks);
  forEachBlock(ctx, threads, blocks, true, [&](size_t b) {
    const size_t begin = b * Config::kBlock;
    passing[b] = partitionBy(a + begin, std::min(Config::kBlock, n - begin), pred);
  });

  // Swap misplaced.
  size_t m = 0;
  for (size_t count : passing) m += count;
  MisplacedSegments failingBelow;
  MisplacedSegments passingAbove;
  for (size_t b = 0; b < blocks; ++b) {
    const size_t begin = b * Config::kBlock;
    const size_t split = begin + passing[b];
    const size_t end = std::min(n, begin + Config::kBlock);
    failingBelow.add(split, std::min(end, m));
    passingAbove.add(std::max(begin, m), split);
  }
  const size_t misplaced = failingBelow.total();
  forEachBlock(ctx, threads, (misplaced + Config::kBlock - 1) / Config::kBlock, true, [&](size_t b) {
    size_t item = b * Config::kBlock;
    const size_t last = std::min(misplaced, item + Config::kBlock);
    size_t f = failingBelow.segmentOf(item);
    size_t p = passingAbove.segmentOf(item);
    while (item < last) {
      const size_t run = std::min({failingBelow.firstItem[f + 1], passingAbove.firstItem[p + 1], last}) - item;
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
