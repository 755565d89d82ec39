// Unstable in-place quicksort of unsigned keys (introsort):
//
//   Sample     a pivot taken from the range: a median of 3 or a ninther, or on large ranges and at
//              parallel levels (where the split decides how evenly the threads share the rest) the
//              median of a large sample
//   Partition  keys < pivot first, by the SIMD kernel of the dispatch table (key_kernels.hpp);
//              in parallel at the top of the recursion (parallelPartition: by two threads only
//              once the keys outgrow the L3)
//   Recurse    in parallel on both sides with the threads split by size, then sequentially into the
//              left side while looping on the right (a stack no deeper than the depth limit); heapsort
//              once that limit shows the pivots are failing, the table's sorting networks (or
//              insertion sort) from its smallMax down
//
// quickSortMapped is the same sort of the keys of a caller's array of 32- or 64-bit elements, whose
// first level partitions from the values into the key buffer, mapping them on the way;
// quickSortInPlace maps and partitions them in the caller's array itself, and maps them back.
//
// Duplicates cannot stall it: when nothing is below the pivot, the pivot is the minimum, and one more
// pass (keys < pivot + 1, i.e. equal to it) moves all its copies to the front, where they are already
// in their final place. At a parallel level, the side made heavy by many copies of its pivot sheds
// them the same way, so the threads share the rest evenly on skewed data too.
#pragma once

#include <algorithm>
#include <atomic>
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
// levels left before heapsort. finished(range, length) is told of the ranges it finishes itself: runs
// of copies of a pivot that was the minimum, and ranges it heapsorts. The left side of every split is
// done before the right one, so on their own the leaves and finished ranges come in address order;
// the recursion is at most `depth` calls deep, as every level spends one.
template <class K, class Leaf, class Finished>
void introsortTo(K* a, size_t n, int depth, const KeyKernels<K>& kernels, const ExecContext& ctx, size_t leafMax,
                 const Leaf& leaf, const Finished& finished) {
  while (n > leafMax) {
    if (depth-- == 0) {
      heapSort(a, n, std::less<K>{}, ctx);
      finished(a, n);
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
      // The pivot is the minimum: its copies go first and are final (all keys, if it is the maximum).
      const size_t equal = pivot == std::numeric_limits<K>::max() ? n : kernels.partition(a, n, K(pivot + 1));
      finished(a, equal);
      a += equal;
      n -= equal;
      continue;
    }
    // Recurse.
    introsortTo(a, m, depth, kernels, ctx, leafMax, leaf, finished);
    a += m;
    n -= m;
  }
  leaf(a, n, depth);
}

// Maps sorted keys back to the bits of their values behind introsort, which finishes its ranges in
// address order and tells finishedUpTo: once the keys finished since the last batch fill kBatch, they
// are mapped back, while still in L1 (one pass over memory fewer than mapping the whole array back
// afterwards); flush(end) maps back the rest. Without fromKeys (a sort in a key buffer, or keys that
// are the values) it does nothing.
template <class K>
class MapBackInOrder {
 public:
  // 16 KiB of keys, a third of a Zen 4/5 L1: a few calls per batch of leaves (the networks sort at
  // most 1-2 KiB each), while their keys are still in L1.
  static constexpr size_t kBatch = (size_t{16} << 10) / sizeof(K);
  using FromKeys = void (*)(K* a, size_t n);

  MapBackInOrder(K* begin, FromKeys fromKeys) : done_(begin), fromKeys_(fromKeys) {}
  void finishedUpTo(K* end) const {
    if (fromKeys_ && static_cast<size_t>(end - done_) >= kBatch) flush(end);
  }
  void flush(K* end) const {
    if (fromKeys_) fromKeys_(done_, static_cast<size_t>(end - done_));
    done_ = end;
  }

 private:
  mutable K* done_;
  FromKeys fromKeys_;
};

// Sorts a[0, n) on the calling thread, down to the table's sorting networks, telling mapBack as it
// finishes ranges (flush is the caller's).
template <class K>
void introsort(K* a, size_t n, int depth, const KeyKernels<K>& kernels, const ExecContext& ctx,
               const MapBackInOrder<K>& mapBack = {nullptr, nullptr}) {
  introsortTo(
      a, n, depth, kernels, ctx, kernels.smallMax,
      [&](K* range, size_t length, int) {
        kernels.sortSmall(range, length);
        mapBack.finishedUpTo(range + length);
      },
      [&](K* range, size_t length) { mapBack.finishedUpTo(range + length); });
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
//
// With fromKeys (quickSortInPlace), every key is also mapped back once it is final: a piece behind its
// introsort, and the runs of equal keys that the parallel levels and the cutting of ranges finish
// themselves (queued by addFinished, or mapped back on the spot). Nothing is mapped back before
// sortAll starts, and from then on nothing fails: a thread that cannot queue a piece sorts it at once.
template <class K>
class PieceQueue {
 public:
  static constexpr size_t kPiecesPerThread = 8;
  using FromKeys = typename MapBackInOrder<K>::FromKeys;

  PieceQueue(size_t n, unsigned threads, FromKeys fromKeys = nullptr)
      : pieceMax_(std::max(n / (kPiecesPerThread * threads), Config::kMinPerThread)), fromKeys_(fromKeys) {}

  // Queues a[0, n) to sort, with depth partition levels left before heapsort; safe from any thread.
  void add(K* a, size_t n, int depth) { push({a, n, depth, false}); }

  // Queues a[0, n), keys already in their final place, to be mapped back (in pieces, so that every
  // thread takes a share); nothing without fromKeys.
  void addFinished(K* a, size_t n) {
    if (!fromKeys_) return;
    for (size_t begin = 0; begin < n; begin += pieceMax_) push({a + begin, std::min(pieceMax_, n - begin), 0, true});
  }

  // Sorts every queued range on `threads` threads, and returns when all are sorted (or rethrows the
  // first exception of a thread once every thread has stopped).
  void sortAll(unsigned threads, const KeyKernels<K>& kernels, const ExecContext& ctx) {
    const ExecContext one = ctx.withThreads(1);
    ctx.parallelFor(threads, [&](size_t) {
      // A thread waits only while another one holds a range, which may still queue pieces; it stops
      // once the queue is empty and no thread holds one, or once a thread has failed.
      for (Range range; take(range);) {
        try {
          process(range, kernels, one);
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
    bool finished;  // only to be mapped back
  };
  static bool smaller(const Range& x, const Range& y) { return x.n < y.n; }

  void push(const Range& range) {
    const std::lock_guard<std::mutex> lock(mutex_);
    ranges_.push_back(range);
    std::push_heap(ranges_.begin(), ranges_.end(), smaller);
    ready_.notify_one();
  }

  void mapBack(K* a, size_t n) const {
    if (fromKeys_) fromKeys_(a, n);
  }

  // Sorts one range (cutting it into queued pieces if it is larger than a piece), or maps it back.
  void process(const Range& range, const KeyKernels<K>& kernels, const ExecContext& one) {
    if (range.finished) return mapBack(range.a, range.n);
    if (range.n <= pieceMax_) {
      const MapBackInOrder<K> inOrder(range.a, fromKeys_);
      introsort(range.a, range.n, range.depth, kernels, one, inOrder);
      inOrder.flush(range.a + range.n);
      return;
    }
    introsortTo(
        range.a, range.n, range.depth, kernels, one, std::max(pieceMax_, kernels.smallMax),
        [&](K* a, size_t n, int depth) {
          try {
            add(a, n, depth);
          } catch (const std::bad_alloc&) {
            process({a, n, depth, false}, kernels, one);
          }
        },
        [&](K* a, size_t n) { mapBack(a, n); });
  }

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
  const FromKeys fromKeys_;
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
    // The pivot is the minimum: its copies go first and are in place (all of them, if it is also the
    // maximum), as in introsort.
    const size_t equal = pivot == std::numeric_limits<K>::max() ? n : partitionBelow(a, n, K(pivot + 1), threads, kernels, ctx);
    queue.addFinished(a, equal);
    if (equal < n) parallelLevels(a + equal, n - equal, depth, kernels, ctx, queue);
    return;
  }
  // Every copy of the pivot goes right: when many keys share it (skewed data, say half the keys one
  // value), that side holds far more than its share. Its keys equal to the pivot are already in their
  // final place, so one more pass moves them to its front and out of the work.
  K* right = a + m;
  size_t rightLength = n - m;
  if (rightLength > n / 2 + n / 8 && pivot != std::numeric_limits<K>::max()) {
    const size_t equal = partitionBelow(right, rightLength, K(pivot + 1), threads, kernels, ctx);
    queue.addFinished(right, equal);
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
// keys[begin, begin + length), those < pivot first, and returns how many there are. With fromKeys,
// every key is mapped back once it is final (MapBackInOrder on one thread, PieceQueue on several).
template <class K, class KeyAt, class PartitionBlock>
void quickSortMappedFirst(K* keys, size_t n, const KeyAt& keyAt, const PartitionBlock& partitionBlock,
                          const KeyKernels<K>& kernels, const ExecContext& ctx,
                          typename MapBackInOrder<K>::FromKeys fromKeys = nullptr) {
  const unsigned threads = numThreadsFor(n, ctx.threads());
  ctx.throwIfCancelled();
  // Sample.
  const K pivot = threads < 2 ? samplePivot<Config::kSequentialPivotSample>(n, keyAt) : samplePivot(n, keyAt);
  // Partition.
  const int depth = introsortDepthLimit(n) - 1;
  if (threads < 2) {
    const MapBackInOrder<K> mapBack(keys, fromKeys);
    const size_t m = partitionBlock(0, n, pivot);
    if (m > 0) {
      introsort(keys, m, depth, kernels, ctx, mapBack);
      introsort(keys + m, n - m, depth, kernels, ctx, mapBack);
    } else if (pivot != std::numeric_limits<K>::max()) {
      // The pivot is the minimum: its copies go first and are in place, as in introsort.
      const size_t equal = kernels.partition(keys, n, K(pivot + 1));
      introsort(keys + equal, n - equal, depth, kernels, ctx, mapBack);
    }
    mapBack.flush(keys + n);
    return;
  }
  // Recurse.
  PieceQueue<K> queue(n, threads, fromKeys);
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

// Sorts the values of a[0, n), n >= 1, where they are: a holds the bits of values of T, read and
// written as keys only. The first level maps the values to keys as it partitions them in place, the
// levels below sort the keys, and each key is mapped back once it is final, while still in cache.
// Against quickSortMapped and a write-back from the key buffer this needs no buffer and saves a pass
// over memory, and the first pass reads and writes the same lines instead of two arrays. The keys
// are keys.hpp's in-place ones.
//
// Only for a context that cannot be cancelled: once the first level has started, the caller's
// values can no longer be given back. Nor can the call fail after that. The only other exception is
// memory running out for the parallel levels' bookkeeping; a parallel phase that cannot allocate
// fails before any of its blocks runs (ExecContext::parallelFor), so the first level has then mapped
// every block or none, and nothing is mapped back before the queue of pieces runs, which cannot fail
// (PieceQueue). So a failure finds the array untouched, and goes on, or holding keys only, and the
// rest is sorted and mapped back on the calling thread, which allocates nothing.
template <HasMappedPartition T, bool kDescending>
void quickSortInPlace(KeyOf<T>* a, size_t n, const ExecContext& ctx, const KeyKernelTable& table = keyKernels()) {
  using K = KeyOf<T>;
  const KeyKernels<K>& kernels = kernelsOf<K>(table);
  const InPlaceKeyMaps<T>& maps = inPlaceMapsOf<T>(table, kDescending);
  const auto fromKeys = std::is_unsigned_v<T> && !kDescending ? nullptr : maps.fromKeys;  // else the keys are the values
  std::atomic<bool> started{false};
  try {
    quickSortMappedFirst(
        a, n, [a](size_t i) { return inPlaceKey<T, kDescending>(a[i]); },
        [&](size_t begin, size_t length, K pivot) {
          started.store(true, std::memory_order_relaxed);
          return maps.partition(a + begin, length, pivot);
        },
        kernels, ctx, fromKeys);
  } catch (const std::bad_alloc&) {
    if (!started.load(std::memory_order_relaxed)) throw;
    const MapBackInOrder<K> mapBack(a, fromKeys);
    introsort(a, n, introsortDepthLimit(n), kernels, ExecContext(), mapBack);
    mapBack.flush(a + n);
  }
}

}  // namespace pk::sort
