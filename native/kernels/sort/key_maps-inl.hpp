// The kernel tables' passes that apply keys.hpp's maps (key_kernels.hpp): the whole-array float maps,
// in plain loops, the mapped partitions (into a key buffer, and in place), and the pair scans. Each
// translation unit that includes this header compiles them with its own target's flags, so the
// compiler vectorizes the loops for that target. That pays while the array is in cache (Zen 3, AVX2,
// one thread, f64 at 1e4: ~110 -> ~129 M elements/s); at 1e6 the passes are bound by memory.
//
// Every template takes a Tag (or traits) type local to the including translation unit, so no
// instantiation is shared (ODR-merged) between units compiled for different instruction sets.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "kernels/sort/key_kernels-inl.hpp"
#include "kernels/sort/key_kernels.hpp"
#include "kernels/sort/keys.hpp"

namespace pk::sort::maps {

template <class Tag, class F, bool kDescending>
void toKeys(const F* __restrict values, KeyOf<F>* __restrict keys, size_t n) {
  for (size_t i = 0; i < n; ++i) keys[i] = toKey<F, kDescending>(values[i]);
}

template <class Tag, class F, bool kDescending>
void fromKeys(const KeyOf<F>* __restrict keys, F* __restrict values, size_t n) {
  for (size_t i = 0; i < n; ++i) values[i] = fromKey<F, kDescending>(keys[i]);
}

// A table's maps of float type F, ascending then descending.
template <class Tag, class F>
constexpr std::array<FloatKeyMaps<F>, 2> floatKeyMaps() {
  return {{{&toKeys<Tag, F, false>, &fromKeys<Tag, F, false>}, {&toKeys<Tag, F, true>, &fromKeys<Tag, F, true>}}};
}

// The mapped partition (key_kernels.hpp) over a traits class T of key_kernels-inl.hpp's partition
// (K, V, N, load, store, boundVector, lessMask, partitionVector): the keys of values[0, n) in keys[0,
// n), those < bound first. Chunks of values are mapped into a buffer in L1 by the vectorized loop
// above, then every vector of keys is permuted and stored twice, as simd::partition stores it: at
// the left write position and ending at the right one. Out of place, the free slots between the two
// are the keys not yet written, so no vectors need holding and no side needs choosing; the vector
// stores stop while fewer than 2·N keys remain, where the garbage of one store could land on the
// other's keys, and a branch-free scalar loop places the rest.
template <class T, class F, bool kDescending>
size_t partitionInto(const F* values, KeyOf<F>* keys, size_t n, KeyOf<F> bound) {
  using K = typename T::K;
  static_assert(sizeof(K) == sizeof(F));
  constexpr size_t N = T::N;
  constexpr size_t kChunk = 8 * N;
  const auto b = T::boundVector(bound);
  K chunk[kChunk + N];
  size_t writeLeft = 0, writeRight = n, i = 0;
  for (; n - i >= kChunk + N; i += kChunk) {
    toKeys<T, F, kDescending>(values + i, chunk, kChunk);
    for (size_t u = 0; u < kChunk; u += N) {
      const auto v = T::load(chunk + u);
      const unsigned mask = T::lessMask(v, b);
      const size_t less = static_cast<size_t>(__builtin_popcount(mask));
      const auto parted = T::partitionVector(v, mask);
      T::store(keys + writeLeft, parted);
      T::store(keys + writeRight - N, parted);
      writeLeft += less;
      writeRight -= N - less;
    }
  }
  const size_t rest = n - i;
  toKeys<T, F, kDescending>(values + i, chunk, rest);
  for (size_t j = 0; j < rest; ++j) {
    const K key = chunk[j];
    keys[writeLeft] = key;
    keys[writeRight - 1] = key;
    const bool less = key < bound;
    writeLeft += less;
    writeRight -= !less;
  }
  return writeLeft;
}

// A table's mapped partitions, from the traits of its u32 and u64 partitions.
template <class T32, class T64>
constexpr MappedPartitionTable mappedPartitions() {
  return {{&partitionInto<T32, float, false>, &partitionInto<T32, float, true>},
          {&partitionInto<T32, int32_t, false>, &partitionInto<T32, int32_t, true>},
          {&partitionInto<T32, uint32_t, false>, &partitionInto<T32, uint32_t, true>},
          {&partitionInto<T64, double, false>, &partitionInto<T64, double, true>},
          {&partitionInto<T64, int64_t, false>, &partitionInto<T64, int64_t, true>},
          {&partitionInto<T64, uint64_t, false>, &partitionInto<T64, uint64_t, true>}};
}

// keys.hpp's in-place map from the bits of a value of type F to its key, as the Map of
// key_kernels-inl.hpp's partition (T, the partition's traits, keeps every instantiation local to its
// translation unit).
template <class T, class F, bool kDescending>
struct KeyOfBits {
  static constexpr bool kIdentity = std::is_unsigned_v<F> && !kDescending;
  [[gnu::always_inline]] static KeyOf<F> map(KeyOf<F> bits) { return inPlaceKey<F, kDescending>(bits); }
};

template <class T, class F, bool kDescending>
size_t partitionInPlace(KeyOf<F>* a, size_t n, KeyOf<F> bound) {
  return simd::partition<T, KeyOfBits<T, F, kDescending>>(a, n, bound);
}

template <class T, class F, bool kDescending>
void fromKeysInPlace(KeyOf<F>* a, size_t n) {
  for (size_t i = 0; i < n; ++i) a[i] = inPlaceBits<F, kDescending>(a[i]);
}

template <class T, class F>
constexpr InPlaceMaps<F> inPlaceMapsOfType() {
  return {{{&partitionInPlace<T, F, false>, &fromKeysInPlace<T, F, false>},
           {&partitionInPlace<T, F, true>, &fromKeysInPlace<T, F, true>}}};
}

// A table's in-place maps, from the traits of its u32 and u64 partitions.
template <class T32, class T64>
constexpr InPlaceMapTable inPlaceMaps() {
  return {inPlaceMapsOfType<T32, float>(),  inPlaceMapsOfType<T32, int32_t>(), inPlaceMapsOfType<T32, uint32_t>(),
          inPlaceMapsOfType<T64, double>(), inPlaceMapsOfType<T64, int64_t>(), inPlaceMapsOfType<T64, uint64_t>()};
}

// The pair scan (key_kernels.hpp). Each key is mapped twice, as the later of one pair and the earlier
// of the next, which keeps the loop free of a carried value so that it vectorizes: on AVX-512 it
// checks 1e6 f64 in ~0.3 ms, where the x86-64 baseline's scalar loop takes ~1.9 (Zen 5).
template <class Tag, class F, bool kDescending>
unsigned scanPairs(const F* __restrict values, size_t pairs) {
  unsigned fall = 0, rise = 0, equal = 0;
  for (size_t i = 0; i < pairs; ++i) {
    const KeyOf<F> here = toKey<F, kDescending>(values[i]), next = toKey<F, kDescending>(values[i + 1]);
    fall |= next < here;
    rise |= next > here;
    equal |= next == here;
  }
  return (fall ? kFall : 0u) | (rise ? kRise : 0u) | (equal ? kEqual : 0u);
}

// A table's pair scans.
template <class Tag>
constexpr PairScanTable pairScans() {
  return {{&scanPairs<Tag, float, false>, &scanPairs<Tag, float, true>},
          {&scanPairs<Tag, int32_t, false>, &scanPairs<Tag, int32_t, true>},
          {&scanPairs<Tag, uint32_t, false>, &scanPairs<Tag, uint32_t, true>},
          {&scanPairs<Tag, double, false>, &scanPairs<Tag, double, true>},
          {&scanPairs<Tag, int64_t, false>, &scanPairs<Tag, int64_t, true>},
          {&scanPairs<Tag, uint64_t, false>, &scanPairs<Tag, uint64_t, true>}};
}

}  // namespace pk::sort::maps
