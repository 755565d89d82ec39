// Unstable in-place quicksort of unsigned keys (introsort):
//
//   Sample     a pivot taken from the range: a median of 3 or a ninther, or on large ranges and at
//              parallel levels (where the split decides how evenly the threads share the rest) the
//              median of a large sample
//   Partition  keys < pivot first, by the SIMD kernel of the dispatch table (key_kernels.hpp);
//              in parallel at the top of the recursion
//   Recurse    in parallel on both sides with the threads split by size, then sequentially into the
//              left side while looping on the right (a stack no deeper than the depth limit); heapsort
//              once that limit shows the pivots are failing, the table's sorting networks (or
//              insertion sort) from its smallMax down
//
// quickSortMapped is the same sort of the keys of a caller's array of 32- or 64-bit elements, whose
// first level partitions from the values into the key buffer, mapping them on the way;
// quickSortInPlace maps and partitions them in the caller's array itself.
//
// Duplicates cannot stall it: when nothing is below the pivot, the pivot is the minimum, and one more
// pass (keys < pivot + 1, i.e. equal to it) moves all its copies to the front, where they are already
// in their final place. At a parallel level, the side made heavy by many copies of its pivot sheds
// them the same way, so the threads share the rest evenly on skewed data too.
#pragma once

#include <algorithm>
#include <atomic>
#include <bit>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <limits>
#include <mutex>
#include <new>
#include <type_traits>
#include <vector>

#include "kernels/sort/base_case.hpp"
#include "kernels/sort/config.hpp"
#include "kernels/sort/key_kernels.hpp"
#include "kernels/sort/partition.hpp"
#include "kernels/sort/scalar_key_kernels.hpp"
#include "pool/exec_context.hpp"

namespace pk::sort {

// The kernels for keys of type K from a table: SIMD ones for 32- and 64-bit keys, scalar otherwise.
template <class K>
const KeyKernels<K>& kernelsFor(const KeyKernelTable& table) {
  if constexpr (sizeof(K) >= 4) {
    return kernelsOf<K>(table);
  } else {
    return kScalarKeyKernels<K>;
  }
}

// Sorts a[0, n) on the calling thread, leaving the ranges of at most leafMax keys it partitions down
// to (leafMax >= kernels.smallMax) to leaf(range, length, depth); depth is the number of partition
// levels left before heapsort. The left side of every split is finished before the right one, so the
// ranges end in address order (which quickSortInPlace relies on); the recursion is at most `depth`
// calls deep, as every level spends one.
template <class K, class Leaf>
void introsortTo(K* a, size_t n, int depth, const KeyKernels<K>& kernels, const ExecContext& ctx, size_t leafMax,
                 const Leaf& leaf) {
  while (n > leafMax) {
    if (depth-- == 0) {
      heapSort(a, n, std::less<K>{}, ctx);
      return;
    }
    // Subtrees below kBlock keys run unpolled: at most ~kBlock·log2(kBlock) steps.
    if (n >= Config::kBlock) ctx.throwIfCancelled();
    // Sample.
    const K pivot = n >= Config::kSampledPivotThreshold
                        ? samplePivot<Config::kSequentialPivotSample>(n, [a](size_t i) { return a[i]; })
                        : choosePivot(a, n);
    // Partition.
    const size_t m = kernels.partition(a, n, pivot);
    if (m == 0) {
      if (pivot == std::numeric_limits<K>::max()) return;  // the minimum is the maximum: all equal
      const size_t equal = kernels.partition(a, n, K(pivot + 1));
      a += equal;
      n -= equal;
      continue;
    }
    // Recurse.
    introsortTo(a, m, depth, kernels, ctx, leafMax, leaf);
    a += m;
    n -= m;
  }
  leaf(a, n, depth);
}

// What introsort calls as it finishes ranges, in address order: finished(end) says that the keys of
// the range it sorts up to `end` are in their final place. By default nothing.
struct IgnoreFinished {
  template <class K>
  void operator()(K*) const {}
};

// Sorts a[0, n) on the calling thread, down to the table's sorting networks.
template <class K, class Finished = IgnoreFinished>
void introsort(K* a, size_t n, int depth, const KeyKernels<K>& kernels, const ExecContext& ctx,
               const Finished& finished = {}) {
  introsortTo(a, n, depth, kernels, ctx, kernels.smallMax, [&](K* range, size_t length, int) {
    kernels.sortSmall(range, length);
    finished(range + length);
  });
}

// The ranges that the parallel top of the recursion leaves to single threads, sorted by all the
// threads at once from one shared queue, largest first. A thread that takes a range of more than
// pieceMax keys cuts it into pieces of at most pieceMax (the partitions introsort would make anyway)
// and queues them as it finds them; a thread that takes a piece sorts it. Giving each range its own
// thread instead left one thread idle for ~8 of the 55 ms of a 1e7-key u64 sort on two (Zen 4): the
// median of 255 samples lay 5.5% of n from the true median there (Config::kParallelPivotSample), and
// the larger side needed one partition level more than the smaller to reach the piece size. With at
// least kPiecesPerThread pieces per thread, the last thread to finish ends within a small piece of
// the others.
template <class K>
class PieceQueue {
 public:
  static constexpr size_t kPiecesPerThread = 8;

  PieceQueue(size_t n, unsigned threads) : pieceMax_(std::max(n / (kPiecesPerThread * threads), Config::kMinPerThread)) {}

  // Queues a[0, n), with depth partition levels left before heapsort; safe from any thread.
  void add(K* a, size_t n, int depth) {
    const std::lock_guard<std::mutex> lock(mutex_);
    ranges_.push_back({a, n, depth});
    std::push_heap(ranges_.begin(), ranges_.end(), smaller);
    ready_.notify_one();
  }

  // Sorts every queued range on `threads` threads, and returns when all are sorted (or rethrows the
  // first exception of a thread once every thread has stopped).
  void sortAll(unsigned threads, const KeyKernels<K>& kernels, const ExecContext& ctx) {
    const ExecContext one = ctx.withThreads(1);
    const size_t leafMax = std::max(pieceMax_, kernels.smallMax);
    ctx.parallelFor(threads, [&](size_t) {
      // A thread waits only while another one holds a range, which may still queue pieces; it stops
      // once the queue is empty and no thread holds one, or once a thread has failed.
      for (Range range; take(range);) {
        try {
          if (range.n > pieceMax_) {
            introsortTo(range.a, range.n, range.depth, kernels, one, leafMax, [&](K* a, size_t n, int depth) { add(a, n, depth); });
          } else {
            introsort(range.a, range.n, range.depth, kernels, one);
          }
        } catch (...) {
          finish(true);
          throw;
        }
        finish(false);
      }
    });
  }

 private:
  struct Range {
    K* a;
    size_t n;
    int depth;
  };
  static bool smaller(const Range& x, const Range& y) { return x.n < y.n; }

  // Takes the largest queued range, waiting while the queue is empty and another thread holds one;
  // false when there is nothing left to do.
  bool take(Range& range) {
    std::unique_lock<std::mutex> lock(mutex_);
    ready_.wait(lock, [&] { return failed_ || !ranges_.empty() || held_ == 0; });
    if (failed_ || ranges_.empty()) return false;
    std::pop_heap(ranges_.begin(), ranges_.end(), smaller);
    range = ranges_.back();
    ranges_.pop_back();
    ++held_;
    return true;
  }

  // Gives back a range taken by take(): done with it, or failed.
  void finish(bool failed) {
    const std::lock_guard<std::mutex> lock(mutex_);
    --held_;
    failed_ = failed_ || failed;
    if (held_ == 0 || failed) ready_.notify_all();
  }

  const size_t pieceMax_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::vector<Range> ranges_;  // a max-heap by size
  size_t held_ = 0;            // ranges taken and not yet finished
  bool failed_ = false;
};

template <class K>
void parallelLevels(K* a, size_t n, int depth, const KeyKernels<K>& kernels, const ExecContext& ctx, PieceQueue<K>& queue);

// Moves the keys < bound of a[0, n) first, on `threads` threads; returns how many there are.
template <class K>
size_t partitionBelow(K* a, size_t n, K bound, unsigned threads, const KeyKernels<K>& kernels, const ExecContext& ctx) {
  if (threads < 2) return kernels.partition(a, n, bound);
  return parallelPartition(a, n, [&](size_t begin, size_t length) { return kernels.partition(a + begin, length, bound); },
                           threads, ctx);
}

// Goes on with a[0, n) once a parallel level on `threads` threads has put its m keys < pivot first:
// each side gets a share of the threads in proportion to its size (at least one each); a side with
// one thread goes to the queue. depth counts the levels left below this one.
template <class K>
void sortSides(K* a, size_t n, size_t m, K pivot, int depth, unsigned threads, const KeyKernels<K>& kernels,
               const ExecContext& ctx, PieceQueue<K>& queue) {
  if (m == 0) {
    if (pivot == std::numeric_limits<K>::max()) return;
    const size_t equal = partitionBelow(a, n, K(pivot + 1), threads, kernels, ctx);
    parallelLevels(a + equal, n - equal, depth, kernels, ctx, queue);
    return;
  }
  // Every copy of the pivot goes right: when many keys share it (skewed data, say half the keys one
  // value), that side holds far more than its share. Its keys equal to the pivot are already in their
  // final place, so one more pass moves them to its front and out of the work.
  K* right = a + m;
  size_t rightLength = n - m;
  if (rightLength > n / 2 + n / 8 && pivot != std::numeric_limits<K>::max()) {
    const size_t equal = partitionBelow(right, rightLength, K(pivot + 1), threads, kernels, ctx);
    right += equal;
    rightLength -= equal;
    if (rightLength == 0) {
      parallelLevels(a, m, depth, kernels, ctx, queue);
      return;
    }
  }
  const size_t work = m + rightLength;
  const unsigned leftThreads =
      static_cast<unsigned>(std::clamp<size_t>((threads * m + work / 2) / work, 1, threads - 1));
  ctx.parallelFor(2, [&](size_t side) {
    if (side == 0) {
      parallelLevels(a, m, depth, kernels, ctx.withThreads(leftThreads), queue);
    } else {
      parallelLevels(right, rightLength, depth, kernels, ctx.withThreads(threads - leftThreads), queue);
    }
  });
}

// The parallel top of the recursion: every level partitions with all its threads, then sortSides
// shares them out, down to ranges with one thread, which go to the queue.
template <class K>
void parallelLevels(K* a, size_t n, int depth, const KeyKernels<K>& kernels, const ExecContext& ctx, PieceQueue<K>& queue) {
  const unsigned threads = numThreadsFor(n, ctx.threads());
  if (threads < 2 || depth == 0) {
    queue.add(a, n, depth);
    return;
  }
  ctx.throwIfCancelled();
  // Sample.
  const K pivot = samplePivot(n, [a](size_t i) { return a[i]; });
  // Partition, then recurse.
  sortSides(a, n, partitionBelow(a, n, pivot, threads, kernels, ctx), pivot, depth - 1, threads, kernels, ctx, queue);
}

// Sorts a[0, n): on the calling thread if n is worth one thread, else by the parallel levels and then
// the queue of the ranges they leave.
template <class K>
void parallelQuickSort(K* a, size_t n, int depth, const KeyKernels<K>& kernels, const ExecContext& ctx) {
  const unsigned threads = numThreadsFor(n, ctx.threads());
  if (threads < 2) {
    introsort(a, n, depth, kernels, ctx);
    return;
  }
  PieceQueue<K> queue(n, threads);
  parallelLevels(a, n, depth, kernels, ctx, queue);
  queue.sortAll(threads, kernels, ctx);
}

// Sorts a[0, n) with the kernels of `table` (by default the process's dispatch choice).
template <class K>
void quickSort(K* a, size_t n, const ExecContext& ctx, const KeyKernelTable& table = keyKernels()) {
  parallelQuickSort(a, n, introsortDepthLimit(n), kernelsFor<K>(table), ctx);
}

// The first level of a quicksort that maps the caller's values to keys as it partitions them, and the
// levels below it (quickSort's), for keys[0, n), n >= 1. keyAt(i) is the key of the i-th value, for
// the pivot's sample; partitionBlock(begin, length, pivot) writes the keys of that block of values to
// keys[begin, begin + length), those < pivot first, and returns how many there are. On one thread,
// introsort tells `finished` as it finishes ranges.
template <class K, class KeyAt, class PartitionBlock, class Finished = IgnoreFinished>
void quickSortMappedFirst(K* keys, size_t n, const KeyAt& keyAt, const PartitionBlock& partitionBlock,
                          const KeyKernels<K>& kernels, const ExecContext& ctx, const Finished& finished = {}) {
  const unsigned threads = numThreadsFor(n, ctx.threads());
  ctx.throwIfCancelled();
  // Sample.
  const K pivot = threads < 2 ? samplePivot<Config::kSequentialPivotSample>(n, keyAt) : samplePivot(n, keyAt);
  // Partition.
  const int depth = introsortDepthLimit(n) - 1;
  if (threads < 2) {
    const size_t m = partitionBlock(0, n, pivot);
    if (m == 0) {
      // The pivot is the minimum: its copies go first and are in place, as in introsort.
      if (pivot == std::numeric_limits<K>::max()) return;
      const size_t equal = kernels.partition(keys, n, K(pivot + 1));
      introsort(keys + equal, n - equal, depth, kernels, ctx, finished);
    } else {
      introsort(keys, m, depth, kernels, ctx, finished);
      introsort(keys + m, n - m, depth, kernels, ctx, finished);
    }
    return;
  }
  // Recurse.
  PieceQueue<K> queue(n, threads);
  const size_t m = parallelPartition(keys, n, [&](size_t begin, size_t length) { return partitionBlock(begin, length, pivot); },
                                     threads, ctx);
  sortSides(keys, n, m, pivot, depth, threads, kernels, ctx, queue);
  queue.sortAll(threads, kernels, ctx);
}

// Sorts the keys (keys.hpp) of values[0, n), n >= 1, of a type with a mapped partition into keys[0,
// n), reading the values only. The first level samples its pivot from the values and partitions them
// straight into the key buffer with the table's mapped partition, which saves a whole pass over
// memory against mapping first.
template <HasMappedPartition T, bool kDescending>
void quickSortMapped(const T* values, KeyOf<T>* keys, size_t n, const ExecContext& ctx,
                     const KeyKernelTable& table = keyKernels()) {
  const PartitionInto<T> partitionInto = partitionIntoOf<T>(table, kDescending);
  quickSortMappedFirst(
      keys, n, [values](size_t i) { return toKey<T, kDescending>(values[i]); },
      [&](size_t begin, size_t length, KeyOf<T> pivot) { return partitionInto(values + begin, keys + begin, length, pivot); },
      kernelsOf<KeyOf<T>>(table), ctx);
}

// Maps sorted keys back to the bits of their values behind a sort that finishes its ranges in address
// order: once the keys finished since the last call fill kBatch, they are mapped back, while still in
// L1 (one pass over memory fewer than mapping the whole array back afterwards); flush(end) maps back
// the rest. No fromKeys: the keys are the values.
template <class K>
class MapBackInOrder {
 public:
  // 16 KiB of keys, a third of a Zen 4/5 L1: a few calls per batch of leaves (the networks sort at
  // most 1-2 KiB each), while their keys are still in L1.
  static constexpr size_t kBatch = (size_t{16} << 10) / sizeof(K);

  MapBackInOrder(K* begin, void (*fromKeys)(K*, size_t)) : done_(begin), fromKeys_(fromKeys) {}
  void operator()(K* end) const {
    if (static_cast<size_t>(end - done_) >= kBatch) flush(end);
  }
  void flush(K* end) const {
    if (fromKeys_) fromKeys_(done_, static_cast<size_t>(end - done_));
    done_ = end;
  }
  K* done() const { return done_; }

 private:
  mutable K* done_;
  void (*fromKeys_)(K*, size_t);
};

// Sorts the values of a[0, n), n >= 1, where they are: a holds the bits of values of T, read and
// written as keys only. The first level maps the values to keys as it partitions them in place, the
// levels below sort the keys, and they are mapped back: on one thread leaf by leaf as introsort
// finishes them, on several in a parallel pass at the end. Against quickSortMapped and a write-back
// from the key buffer this needs no buffer and saves a pass over memory, and the first and last
// passes read and write the same lines instead of reading one array and writing another.
//
// Only for a context that cannot be cancelled: once the first level has started, the caller's
// values can no longer be given back. Nor can the call fail after that: the only other exception is
// memory running out for the parallel levels' bookkeeping, and a parallel phase that cannot allocate
// fails before any of its blocks runs (ExecContext::parallelFor), so the first level has then mapped
// every block or none. If none, the array is untouched and the exception goes on; if every one, the
// array holds keys only (nothing is mapped back before the parallel levels end), and the rest is
// sorted and mapped back on the calling thread, which allocates nothing.
template <HasMappedPartition T, bool kDescending>
void quickSortInPlace(KeyOf<T>* a, size_t n, const ExecContext& ctx, const KeyKernelTable& table = keyKernels()) {
  using K = KeyOf<T>;
  const KeyKernels<K>& kernels = kernelsOf<K>(table);
  const InPlaceKeyMaps<T>& maps = inPlaceMapsOf<T>(table, kDescending);
  constexpr bool kKeysAreValues = std::is_unsigned_v<T> && !kDescending;
  const MapBackInOrder<K> mapBack(a, kKeysAreValues ? nullptr : maps.fromKeys);
  std::atomic<bool> started{false};
  try {
    quickSortMappedFirst(
        a, n, [a](size_t i) { return toKey<T, kDescending>(std::bit_cast<T>(a[i])); },
        [&](size_t begin, size_t length, K pivot) {
          started.store(true, std::memory_order_relaxed);
          return maps.partition(a + begin, length, pivot);
        },
        kernels, ctx, mapBack);
  } catch (const std::bad_alloc&) {
    if (!started.load(std::memory_order_relaxed)) throw;
    introsort(a, n, introsortDepthLimit(n), kernels, ExecContext(), mapBack);
  }
  if (kKeysAreValues) return;
  // One thread: what is left after its last leaf (a run of equal keys it ended on, say).
  const unsigned threads = numThreadsFor(n, ctx.threads());
  if (threads < 2 || mapBack.done() != a) return mapBack.flush(a + n);
  // Several threads: all of it, in parallel, or on this thread if that cannot start.
  const BlockSplit blocks(n, threads);
  const auto mapBackBlock = [&](size_t b) { maps.fromKeys(a + blocks.begin(b), blocks.end(b) - blocks.begin(b)); };
  try {
    forEachBlock(ctx, threads, blocks, false, mapBackBlock);
  } catch (const std::bad_alloc&) {
    mapBack.flush(a + n);
  }
}

}  // namespace pk::sort
