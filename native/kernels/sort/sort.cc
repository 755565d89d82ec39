// The sort and argsort entry points: the one place that knows the 11 element types. Each call
//
//   Map         copies the caller's array into a buffer of unsigned keys (keys.hpp), in parallel
//   Sort        sorts the keys (merge_sort.hpp, quick_sort.hpp), polling cancellation
//   Write back  maps the keys back into the caller's array (or writes the indices), in parallel
//
// Only the write-back touches the caller's memory, and it never polls cancellation, so a call that
// throws (pk::Cancelled or std::bad_alloc) leaves the caller's data bit-for-bit untouched.
#include "kernels/sort/sort.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <type_traits>

#include "kernels/sort/config.hpp"
#include "kernels/sort/keys.hpp"
#include "kernels/sort/merge_sort.hpp"
#include "kernels/sort/quick_sort.hpp"

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
  if (algorithm == Algorithm::Merge) {
    const auto scratch = std::make_unique_for_overwrite<K[]>(n);
    mergeSort(keys, scratch.get(), n, std::less<K>{}, ctx);
  } else {
    quickSort(keys, n, ctx);
  }
}

template <class T>
void sortTyped(const SortJob& job, const ExecContext& ctx) {
  using K = KeyOf<T>;
  T* data = static_cast<T*>(job.data);
  const size_t n = job.length;
  const Algorithm algorithm = job.algorithm == Algorithm::Auto ? autoAlgorithm(job.type, n) : job.algorithm;
  const auto keys = std::make_unique_for_overwrite<K[]>(n);
  withDirection(job.descending, [&](auto descending) {
    // Map.
    forRanges(n, ctx, true, [&](size_t begin, size_t end) {
      for (size_t i = begin; i < end; ++i) keys[i] = toKey<T, decltype(descending)::value>(data[i]);
    });
    // Sort.
    sortKeys(keys.get(), n, algorithm, ctx);
    ctx.throwIfCancelled();
    // Write back.
    forRanges(n, ctx, false, [&](size_t begin, size_t end) {
      for (size_t i = begin; i < end; ++i) data[i] = fromKey<T, decltype(descending)::value>(keys[i]);
    });
  });
}

// Keys of at most 32 bits: sort (key << 32 | index), whose index half breaks ties in index order.
template <class T>
void argsortPacked(const ArgsortJob& job, const ExecContext& ctx) {
  const T* data = static_cast<const T*>(job.data);
  const size_t n = job.length;
  const auto packed = std::make_unique_for_overwrite<uint64_t[]>(n);
  withDirection(job.descending, [&](auto descending) {
    forRanges(n, ctx, true, [&](size_t begin, size_t end) {
      for (size_t i = begin; i < end; ++i) packed[i] = uint64_t{toKey<T, decltype(descending)::value>(data[i])} << 32 | i;
    });
  });
  sortKeys(packed.get(), n, packedArgsortAlgorithm(n), ctx);
  ctx.throwIfCancelled();
  forRanges(n, ctx, false, [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) job.indices[i] = static_cast<uint32_t>(packed[i]);
  });
}

// 64-bit keys leave no room for the index, so (key, index) pairs are sorted by key, stably. One pair
// type and one comparator for the three 64-bit element types: one instantiation of the merge sort.
struct KeyIndex {
  uint64_t key;
  uint32_t index;
};
struct ByKey {
  bool operator()(const KeyIndex& x, const KeyIndex& y) const { return x.key < y.key; }
};

template <class T>
void argsortPairs(const ArgsortJob& job, const ExecContext& ctx) {
  const T* data = static_cast<const T*>(job.data);
  const size_t n = job.length;
  const auto pairs = std::make_unique_for_overwrite<KeyIndex[]>(n);
  const auto scratch = std::make_unique_for_overwrite<KeyIndex[]>(n);
  withDirection(job.descending, [&](auto descending) {
    forRanges(n, ctx, true, [&](size_t begin, size_t end) {
      for (size_t i = begin; i < end; ++i) pairs[i] = {toKey<T, decltype(descending)::value>(data[i]), static_cast<uint32_t>(i)};
    });
  });
  mergeSort(pairs.get(), scratch.get(), n, ByKey{}, ctx);
  ctx.throwIfCancelled();
  forRanges(n, ctx, false, [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) job.indices[i] = pairs[i].index;
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
  withElementType(job.type, [&](auto t) {
    using T = typename decltype(t)::type;
    if constexpr (sizeof(T) <= 4) {
      argsortPacked<T>(job, ctx);
    } else {
      argsortPairs<T>(job, ctx);
    }
  });
}

const char* algorithmName(Algorithm algorithm) {
  switch (algorithm) {
    case Algorithm::Auto: return "auto";
    case Algorithm::Merge: return "merge";
    case Algorithm::Quick: return "quick";
  }
  return "unknown";
}

}  // namespace pk::sort
