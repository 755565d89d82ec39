// The SIMD building blocks of quicksort for 32- and 64-bit unsigned keys, one table per instruction
// set, chosen once from pk::cpu::simdTarget(). The recursion, the pivots, the introsort guard and the
// cancellation polls stay in quick_sort.hpp (baseline code); only the two inner loops that decide the
// speed come from the table:
//
//   partition  moves the keys < bound before the others and returns how many there are
//   sortSmall  sorts a range of at most smallMax keys (sorting networks in registers)
//   merge      merges two sorted ranges (merge sort's rounds), by a network of two registers
//
// and the two passes over the whole array that float sorts add, which the target's flags vectorize:
//
//   toKeys     float values to their keys (keys.hpp), in one direction of the order
//   fromKeys   and back
//
// and the mapped partition, which a quicksort's first level runs on the caller's array (sort.cc):
//
//   partitionInto  the keys of values of a 32- or 64-bit type, those < bound first, written to the
//                  key buffer: one pass instead of a map and then a partition
//
// and its in-place counterpart, for sorts that may write the caller's array as they go:
//
//   inPlace        the same partition in the caller's array itself, and the map back
//
// and the pair scan of presorted.hpp's check, over the caller's values of those types:
//
//   scanPairs      which steps (fall, rise, equal) the keys of adjacent values take
//
// The SIMD tables live in their own translation units (key_kernels_avx2.cc, key_kernels_avx512.cc,
// compiled with their own flags, and key_kernels_neon.cc, arm64's baseline), all from one source
// (key_kernels-inl.hpp, and key_maps-inl.hpp for the maps, which the scalar table shares).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <tuple>
#include <type_traits>

#include "cpu/simd_target.hpp"
#include "kernels/sort/keys.hpp"

namespace pk::sort {

template <class K>
struct KeyKernels {
  size_t (*partition)(K* a, size_t n, K bound);
  void (*sortSmall)(K* a, size_t n);  // n <= smallMax
  size_t smallMax;
  void (*merge)(const K* a, size_t na, const K* b, size_t nb, K* out);  // out = a and b merged
};

template <class F>
struct FloatKeyMaps {
  void (*toKeys)(const F* values, KeyOf<F>* keys, size_t n);
  void (*fromKeys)(const KeyOf<F>* keys, F* values, size_t n);
};

// Writes the keys of values[0, n) (toKey<T>, in one direction) to keys[0, n), those < bound first, and
// returns how many are < bound.
template <class T>
using PartitionInto = size_t (*)(const T* values, KeyOf<T>* keys, size_t n, KeyOf<T> bound);

template <class T>
using MappedPartitions = std::array<PartitionInto<T>, 2>;  // [descending]

using MappedPartitionTable = std::tuple<MappedPartitions<float>, MappedPartitions<int32_t>, MappedPartitions<uint32_t>,
                                        MappedPartitions<double>, MappedPartitions<int64_t>, MappedPartitions<uint64_t>>;

// The same for a sort that may write the caller's array as it goes (quickSortInPlace): the values'
// bits are mapped to keys where they are, as the first level partitions them, and back once sorted.
//
//   partition  maps a[0, n) from the values' bits to their keys, those < bound first; returns how many
//   fromKeys   maps a[0, n) from keys back to the values' bits
template <class T>
struct InPlaceKeyMaps {
  size_t (*partition)(KeyOf<T>* a, size_t n, KeyOf<T> bound);
  void (*fromKeys)(KeyOf<T>* a, size_t n);
};

template <class T>
using InPlaceMaps = std::array<InPlaceKeyMaps<T>, 2>;  // [descending]

using InPlaceMapTable = std::tuple<InPlaceMaps<float>, InPlaceMaps<int32_t>, InPlaceMaps<uint32_t>, InPlaceMaps<double>,
                                   InPlaceMaps<int64_t>, InPlaceMaps<uint64_t>>;

// What the adjacent pairs of values[0, pairs] show in key order (keys.hpp, in one direction): the
// PairSeen bits of the kinds of step found from each key to the next.
enum PairSeen : unsigned { kFall = 1, kRise = 2, kEqual = 4 };
template <class T>
using PairScan = unsigned (*)(const T* values, size_t pairs);

template <class T>
using PairScans = std::array<PairScan<T>, 2>;  // [descending]

using PairScanTable = std::tuple<PairScans<float>, PairScans<int32_t>, PairScans<uint32_t>, PairScans<double>,
                                 PairScans<int64_t>, PairScans<uint64_t>>;

// The element types that have a mapped partition and a pair scan in the tables.
template <class T>
concept HasMappedPartition = std::is_arithmetic_v<T> && (sizeof(T) == 4 || sizeof(T) == 8);

struct KeyKernelTable {
  KeyKernels<uint32_t> u32;
  KeyKernels<uint64_t> u64;
  std::array<FloatKeyMaps<float>, 2> f32;  // [descending]
  std::array<FloatKeyMaps<double>, 2> f64;
  MappedPartitionTable mapped;
  InPlaceMapTable inPlace;
  PairScanTable scans;
};

// The table of the process's target (pk::cpu::simdTarget()).
const KeyKernelTable& keyKernels();

// The table of a given target, which must not exceed pk::cpu::detectedSimdTarget() (for tests and
// benchmarks that force each path).
const KeyKernelTable& keyKernelsFor(pk::cpu::SimdTarget target);

// Per-target tables, defined in their own translation units. baselineKeyKernels() is the scalar table
// everywhere: the Baseline target's on x86-64, where on arm64 the Baseline target's is NEON's (NEON
// being part of every AArch64 CPU).
const KeyKernelTable& baselineKeyKernels();
#if defined(__x86_64__)
const KeyKernelTable& avx2KeyKernels();
const KeyKernelTable& avx512KeyKernels();
#endif
#if defined(__aarch64__)
const KeyKernelTable& neonKeyKernels();
#endif

// Templated access for the kernels that are written once for both key widths.
template <class K>
const KeyKernels<K>& kernelsOf(const KeyKernelTable& table) {
  if constexpr (sizeof(K) == 4) {
    return table.u32;
  } else {
    return table.u64;
  }
}

// The maps of float type F in one direction.
template <class F>
const FloatKeyMaps<F>& floatKeyMapsOf(const KeyKernelTable& table, bool descending) {
  if constexpr (sizeof(F) == 4) {
    return table.f32[descending];
  } else {
    return table.f64[descending];
  }
}

// The mapped partition of element type T in one direction.
template <HasMappedPartition T>
PartitionInto<T> partitionIntoOf(const KeyKernelTable& table, bool descending) {
  return std::get<MappedPartitions<T>>(table.mapped)[descending];
}

// The in-place maps of element type T in one direction.
template <HasMappedPartition T>
const InPlaceKeyMaps<T>& inPlaceMapsOf(const KeyKernelTable& table, bool descending) {
  return std::get<InPlaceMaps<T>>(table.inPlace)[descending];
}

// The pair scan of element type T in one direction.
template <HasMappedPartition T>
PairScan<T> pairScanOf(const KeyKernelTable& table, bool descending) {
  return std::get<PairScans<T>>(table.scans)[descending];
}

}  // namespace pk::sort
