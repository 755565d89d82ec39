// The sort and argsort entry points: the one place that knows the 11 element types. Each call
//
//   Check       whether the array is already in order, or in the reverse order (presorted.hpp):
//               then it is left as it is, or reversed (the indices written in order, or reversed),
//               and the call ends there
//   Map         copies the caller's array into a buffer of unsigned keys (keys.hpp), in parallel
//   Sort        sorts the keys (merge_sort.hpp, quick_sort.hpp, radix_sort.hpp, counting_sort.hpp),
//               polling cancellation; a quicksort of a large array of 32- or 64-bit elements maps
//               them in its first partition instead (quickSortMapped), one pass less
//   Write back  maps the keys back into the caller's array (or writes the indices), in parallel
//
// Only the write-back touches the caller's memory, and it never polls cancellation, so a call that
// throws (pk::Cancelled or std::bad_alloc) leaves the caller's data bit-for-bit untouched.
//
// A quicksort of a large array of 32- or 64-bit elements that cannot be cancelled (the synchronous
// calls) needs no buffer: it maps, sorts and maps back in the caller's array itself
// (quickSortInPlace), and once it has begun writing it cannot fail.
#include "kernels/sort/sort.hpp"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <type_traits>
#include <utility>
#include <vector>

#include "kernels/sort/buffer.hpp"
#include "kernels/sort/config.hpp"
#include "kernels/sort/counting_sort.hpp"
#include "kernels/sort/key_kernels.hpp"
#include "kernels/sort/keys.hpp"
#include "kernels/sort/merge_sort.hpp"
#include "kernels/sort/presorted.hpp"
#include "kernels/sort/quick_sort.hpp"
#include "kernels/sort/radix_sort.hpp"

namespace pk::sort {
namespace {

// Calls fn(std::type_identity<T>{}) with T the C++ type of the element type.
template <class Fn>
void withElementType(ElementType type, Fn&& fn) {
  switch (type) {
    case ElementType::Int8: return fn(std::type_identity<int8_t>{});
    case ElementType::Uint8: return fn(std::type_identity<uint8_t>{});
    case ElementType::Uint8Clamped: return fn(std::type_identity<uint8_t>{});  // clamps on store only
    case ElementType::Int16: return fn(std::type_identity<int16_t>{});
    case ElementType::Uint16: return fn(std::type_identity<uint16_t>{});
    case ElementType::Int32: return fn(std::type_identity<int32_t>{});
    case ElementType::Uint32: return fn(std::type_identity<uint32_t>{});
    case ElementType::Float32: return fn(std::type_identity<float>{});
    case ElementType::Float64: return fn(std::type_identity<double>{});
    case ElementType::BigInt64: return fn(std::type_identity<int64_t>{});
    case ElementType::BigUint64: return fn(std::type_identity<uint64_t>{});
  }
}

// Calls fn(std::bool_constant<descending>{}), so the key maps are compiled once per direction.
template <class Fn>
void withDirection(bool descending, Fn&& fn) {
  if (descending) {
    fn(std::true_type{});
  } else {
    fn(std::false_type{});
  }
}

// Runs body(begin, end) over the blocks of [0, n), on as many threads as n is worth. The map passes
// poll cancellation between blocks; the write-back passes must not.
template <class Body>
void forRanges(size_t n, const ExecContext& ctx, bool poll, const Body& body) {
  const unsigned threads = numThreadsFor(n, ctx.threads());
  const BlockSplit blocks(n, threads);
  forEachBlock(ctx, threads, blocks, poll, [&](size_t b) { body(blocks.begin(b), blocks.end(b)); });
}

template <class K>
void sortKeys(K* keys, size_t n, Algorithm algorithm, const ExecContext& ctx) {
  switch (algorithm) {
    case Algorithm::Merge: {
      // Runs of plain keys are sorted by the SIMD quicksort and merged by the table's merge (SIMD
      // for 32- and 64-bit keys): equal keys are identical, so neither's instability can be seen.
      const auto scratch = allocateBuffer<K>(n);
      mergeSort(
          keys, scratch.get(), n, std::less<K>{}, ctx,
          [](K* run, size_t length, const ExecContext& runCtx) { quickSort(run, length, runCtx.withThreads(1)); },
          kernelsFor<K>(keyKernels()).merge);
      return;
    }
    case Algorithm::Radix:
      if constexpr (sizeof(K) <= 2) {
        countingSort(keys, n, ctx);
      } else {
        const auto scratch = allocateBuffer<K>(n);
        radixSort(keys, scratch.get(), n, ctx);
      }
      return;
    default:
      quickSort(keys, n, ctx);
      return;
  }
}

// The two passes between the caller's values of type T and keys of type W (below): the table's
// vectorized loops for floats (key_kernels.hpp), plain loops over keys.hpp's maps otherwise (the
// integer maps are a XOR at most, which the baseline flags vectorize already).
template <class T, class W>
struct KeyPasses {
  void (*toKeys)(const T* values, W* keys, size_t n);
  void (*fromKeys)(const W* keys, T* values, size_t n);
};

template <class T, class W, bool kDescending>
KeyPasses<T, W> keyPasses() {
  if constexpr (std::is_floating_point_v<T>) {
    const FloatKeyMaps<T>& maps = floatKeyMapsOf<T>(keyKernels(), kDescending);
    return {maps.toKeys, maps.fromKeys};
  } else {
    return {[](const T* values, W* keys, size_t n) {
              for (size_t i = 0; i < n; ++i) keys[i] = toKey<T, kDescending>(values[i]);
            },
            [](const W* keys, T* values, size_t n) {
              for (size_t i = 0; i < n; ++i) values[i] = fromKey<T, kDescending>(static_cast<KeyOf<T>>(keys[i]));
            }};
  }
}

// Sorts job's array of T through a buffer of keys of type W: KeyOf<T>, or a wider unsigned type that
// holds it zero-extended (the order is the same).
template <class T, class W>
void sortThrough(const SortJob& job, Algorithm algorithm, const ExecContext& ctx) {
  T* data = static_cast<T*>(job.data);
  const size_t n = job.length;
  withDirection(job.descending, [&](auto descending) {
    constexpr bool kDescending = decltype(descending)::value;
    // Check.
    switch (presortedOrder<T, kDescending>(data, n, false, ctx)) {
      case Presorted::Ascending: return;
      case Presorted::Descending:
        // On the calling thread: the caller has usually just written the array, so its lines sit
        // modified in this core's caches, and another core that writes half of them waits for each
        // to move over: two threads took 4x as long as one at 1e5 f64, and 2x at 1e6 (Zen 5).
        reverseValues(data, n);
        return;
      case Presorted::No: break;
    }
    if constexpr (HasMappedPartition<T>) {
      if (algorithm == Algorithm::Quick && n >= Config::kMappedPartitionMin && !ctx.cancellable()) {
        return quickSortInPlace<T, kDescending>(static_cast<KeyOf<T>*>(job.data), n, ctx);
      }
    }
    const auto keys = allocateBuffer<W>(n);
    const KeyPasses<T, W> passes = keyPasses<T, W, kDescending>();
    bool mapped = false;
    if constexpr (HasMappedPartition<T>) {
      if (algorithm == Algorithm::Quick && n >= Config::kMappedPartitionMin) {
        // Map and sort: the quicksort's first level maps as it partitions.
        quickSortMapped<T, kDescending>(data, keys.get(), n, ctx);
        mapped = true;
      }
    }
    if (!mapped) {
      // Map.
      forRanges(n, ctx, true, [&](size_t begin, size_t end) { passes.toKeys(data + begin, keys.get() + begin, end - begin); });
      // Sort.
      sortKeys(keys.get(), n, algorithm, ctx);
    }
    ctx.throwIfCancelled();
    // Write back.
    forRanges(n, ctx, false, [&](size_t begin, size_t end) { passes.fromKeys(keys.get() + begin, data + begin, end - begin); });
  });
}

template <class T>
void sortTyped(const SortJob& job, const ExecContext& ctx) {
  using K = KeyOf<T>;
  const Algorithm algorithm = job.algorithm == Algorithm::Auto ? autoAlgorithm(job.type, job.length) : job.algorithm;
  if constexpr (sizeof(K) < 4) {
    // Counting sort works on the narrow keys themselves; the comparison sorts widen them to 32 bits,
    // where the SIMD kernels are (key_kernels.hpp): 3-5x the scalar quicksort on 16-bit keys.
    if (algorithm != Algorithm::Radix) return sortThrough<T, uint32_t>(job, algorithm, ctx);
  }
  sortThrough<T, K>(job, algorithm, ctx);
}

// Keys of at most 32 bits: sort (key << 32 | index), whose index half breaks ties in index order.
template <class T, bool kDescending>
void argsortPacked(const T* data, size_t n, uint32_t* indices, const ExecContext& ctx) {
  const auto packed = allocateBuffer<uint64_t>(n);
  forRanges(n, ctx, true, [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) packed[i] = uint64_t{toKey<T, kDescending>(data[i])} << 32 | i;
  });
  sortKeys(packed.get(), n, packedArgsortAlgorithm(n), ctx);
  ctx.throwIfCancelled();
  forRanges(n, ctx, false, [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) indices[i] = static_cast<uint32_t>(packed[i]);
  });
}

// 64-bit keys leave no room for the index. They are sorted in two rounds of packed keys, each a SIMD
// sort of uint64:
//
//   High  sort (high half of the key << 32 | index): the order by (high half, index)
//   Low   every run of equal high halves is re-packed as (low half << 32 | index) and sorted again,
//         giving the order by (key, index). Runs are mostly short on spread-out data (and left to
//         the thread whose range holds them); a run of at least Config::kBlock keys is sorted
//         afterwards by all the threads, so no thread idles while one sorts a huge run.
template <class T, bool kDescending>
void argsortWide(const T* data, size_t n, uint32_t* indices, const ExecContext& ctx) {
  const auto packed = allocateBuffer<uint64_t>(n);
  const auto high = [&](size_t j) { return packed[j] >> 32; };
  const auto repackLow = [&](size_t begin, size_t end) {
    for (size_t j = begin; j < end; ++j) {
      const uint64_t index = packed[j] & 0xFFFFFFFFu;
      packed[j] = (toKey<T, kDescending>(data[index]) & 0xFFFFFFFFu) << 32 | index;
    }
  };
  // High.
  forRanges(n, ctx, true, [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) packed[i] = (toKey<T, kDescending>(data[i]) >> 32) << 32 | i;
  });
  quickSort(packed.get(), n, ctx);
  ctx.throwIfCancelled();

  // Low: one range per thread, its ends moved forward to run boundaries.
  const unsigned threads = numThreadsFor(n, ctx.threads());
  std::vector<size_t> bounds(threads + 1, n);
  for (unsigned t = 0; t < threads; ++t) {
    size_t b = std::max(t * n / threads, t == 0 ? 0 : bounds[t - 1]);
    while (b > 0 && b < n && high(b) == high(b - 1)) ++b;
    bounds[t] = b;
  }
  std::vector<std::vector<std::pair<size_t, size_t>>> largeRuns(threads);
  ctx.parallelFor(threads, [&](size_t t) {
    size_t nextPoll = bounds[t] + Config::kBlock;
    for (size_t begin = bounds[t], end; begin < bounds[t + 1]; begin = end) {
      for (end = begin + 1; end < bounds[t + 1] && high(end) == high(begin); ++end) {
      }
      if (end - begin >= Config::kBlock) {
        largeRuns[t].emplace_back(begin, end);
      } else if (end - begin > 1) {
        repackLow(begin, end);
        quickSort(packed.get() + begin, end - begin, ctx.withThreads(1));
      }
      if (end >= nextPoll) {
        ctx.throwIfCancelled();
        nextPoll = end + Config::kBlock;
      }
    }
  });
  for (const auto& runs : largeRuns) {
    for (const auto& [begin, end] : runs) {
      forRanges(end - begin, ctx, true, [&](size_t from, size_t to) { repackLow(begin + from, begin + to); });
      quickSort(packed.get() + begin, end - begin, ctx);
    }
  }
  ctx.throwIfCancelled();
  forRanges(n, ctx, false, [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) indices[i] = static_cast<uint32_t>(packed[i]);
  });
}

}  // namespace

size_t elementSize(ElementType type) {
  size_t size = 0;
  withElementType(type, [&](auto t) { size = sizeof(typename decltype(t)::type); });
  return size;
}

void sort(const SortJob& job, const ExecContext& ctx) {
  ctx.throwIfCancelled();
  if (job.length == 0) return;
  withElementType(job.type, [&](auto t) { sortTyped<typename decltype(t)::type>(job, ctx); });
}

void argsort(const ArgsortJob& job, const ExecContext& ctx) {
  ctx.throwIfCancelled();
  if (job.length == 0) return;
  const size_t n = job.length;
  withElementType(job.type, [&](auto t) {
    using T = typename decltype(t)::type;
    const T* data = static_cast<const T*>(job.data);
    withDirection(job.descending, [&](auto descending) {
      constexpr bool kDescending = decltype(descending)::value;
      // Check.
      const Presorted order = presortedOrder<T, kDescending>(data, n, true, ctx);
      if (order != Presorted::No) {
        const bool reversed = order == Presorted::Descending;
        forRanges(n, ctx, false, [&](size_t begin, size_t end) {
          for (size_t i = begin; i < end; ++i) job.indices[i] = static_cast<uint32_t>(reversed ? n - 1 - i : i);
        });
      } else if constexpr (sizeof(T) <= 4) {
        argsortPacked<T, kDescending>(data, n, job.indices, ctx);
      } else {
        argsortWide<T, kDescending>(data, n, job.indices, ctx);
      }
    });
  });
}

const char* algorithmName(Algorithm algorithm) {
  switch (algorithm) {
    case Algorithm::Auto: return "auto";
    case Algorithm::Merge: return "merge";
    case Algorithm::Quick: return "quick";
    case Algorithm::Radix: return "radix";
  }
  return "unknown";
}

}  // namespace pk::sort
