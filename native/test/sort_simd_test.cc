// The quicksort kernel tables (key_kernels.hpp), the scalar one and every SIMD one this CPU can run,
// called directly, whatever PARALLEL_KERNELS_SIMD says: the sorting networks at every size they
// cover, the partition at every length past its vector thresholds, at extreme bounds and over every
// lane mask, and whole quicksorts on 1 to 3 threads over the distributions that stress pivots (the
// median-of-3 killer included), each against std::sort; the mapped partitions of every element type
// (into a key buffer and in place) and the quicksorts that start from them, against keys.hpp's maps; the pair scans of the presorted
// check, against a plain loop. And the dispatch: each target resolves to its
// own table, so a SIMD path cannot silently fall back to the scalar table.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <numeric>
#include <random>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "cpu/simd_target.hpp"
#include "kernels/sort/key_kernels.hpp"
#include "kernels/sort/quick_sort.hpp"
#include "pool/thread_pool.hpp"
#include "key_values.hpp"
#include "pools.hpp"
#include "test.hpp"

namespace {

using pk::cpu::SimdTarget;
using namespace pk::sort;
using pk::test::Pools;

struct Path {
  std::string name;
  const KeyKernelTable* table;
};

// The scalar table and every SIMD table this CPU can run, named directly rather than through
// keyKernelsFor, so a dispatch mistake cannot hide a table from these tests.
std::vector<Path> runnablePaths() {
  std::vector<Path> paths{{"scalar", &baselineKeyKernels()}};
#if defined(__x86_64__)
  if (pk::cpu::detectedSimdTarget() >= SimdTarget::Avx2) paths.push_back({"avx2", &avx2KeyKernels()});
  if (pk::cpu::detectedSimdTarget() >= SimdTarget::Avx512) paths.push_back({"avx512", &avx512KeyKernels()});
#elif defined(__aarch64__)
  paths.push_back({"neon", &neonKeyKernels()});
#endif
  return paths;
}

// Keys from a small range (many duplicates), the full range, or the two extremes only.
template <class K>
std::vector<K> randomKeys(size_t n, int kind, std::mt19937_64& rng) {
  std::vector<K> keys(n);
  for (K& k : keys) {
    const uint64_t r = rng();
    k = kind == 0 ? K(r % 7) : kind == 1 ? K(r) : (r & 1 ? std::numeric_limits<K>::max() : K(0));
  }
  return keys;
}

template <class K>
std::string where(const Path& path, size_t n, const char* what) {
  return path.name + " u" + std::to_string(8 * sizeof(K)) + " n=" + std::to_string(n) + " " + what;
}

template <class K>
void checkNetworks(const Path& path) {
  const KeyKernels<K>& kernels = kernelsOf<K>(*path.table);
  std::mt19937_64 rng(7);
  for (size_t n = 0; n <= kernels.smallMax; ++n) {
    for (int kind = 0; kind < 3; ++kind) {
      // One key of slack on each side catches a network writing outside its range.
      std::vector<K> keys = randomKeys<K>(n + 2, kind, rng);
      std::vector<K> expected = keys;
      std::sort(expected.begin() + 1, expected.end() - 1);
      kernels.sortSmall(keys.data() + 1, n);
      CHECK(keys == expected, where<K>(path, n, "sortSmall"));
    }
  }
}

// Partitions input[1, size - 1) around bound, placed `shift` keys past a 64-byte boundary (the
// partition's vector loads start at the first boundary in the range); the keys at either end catch
// writes outside the range.
template <class K>
void checkPartitionOf(const Path& path, const std::vector<K>& input, K bound, size_t shift = 0) {
  const KeyKernels<K>& kernels = kernelsOf<K>(*path.table);
  const size_t n = input.size() - 2;
  constexpr size_t kLine = 64 / sizeof(K);
  std::vector<K> storage(input.size() + 3 * kLine);
  K* line = storage.data() + 1;
  while (reinterpret_cast<uintptr_t>(line) % 64 != 0) ++line;
  K* const keys = line + shift % kLine - 1;
  std::copy(input.begin(), input.end(), keys);
  const size_t m = kernels.partition(keys + 1, n, bound);
  const size_t below = static_cast<size_t>(std::count_if(input.begin() + 1, input.end() - 1, [&](K k) { return k < bound; }));
  CHECK(m == below, where<K>(path, n, "partition count"));
  CHECK(std::all_of(keys + 1, keys + 1 + m, [&](K k) { return k < bound; }), where<K>(path, n, "partition left"));
  CHECK(std::all_of(keys + 1 + m, keys + 1 + n, [&](K k) { return k >= bound; }), where<K>(path, n, "partition right"));
  CHECK(keys[0] == input.front() && keys[n + 1] == input.back(), where<K>(path, n, "partition bounds"));
  std::vector<K> sortedIn = input, sortedOut(keys, keys + n + 2);
  std::sort(sortedIn.begin(), sortedIn.end());
  std::sort(sortedOut.begin(), sortedOut.end());
  CHECK(sortedIn == sortedOut, where<K>(path, n, "partition keeps the keys"));
}

// Every length up to past the largest vector threshold (2·4 vectors: 128 u32 keys on AVX-512, 16 u64
// keys on NEON), so each path meets its threshold and every tail length n % N, then two long ones,
// each starting at a random offset from a cache line.
template <class K>
void checkPartition(const Path& path) {
  std::mt19937_64 rng(11);
  constexpr K kMax = std::numeric_limits<K>::max();
  std::vector<size_t> lengths(262);
  std::iota(lengths.begin(), lengths.end(), size_t{0});
  lengths.insert(lengths.end(), {1000, 4099});
  for (size_t n : lengths) {
    for (int kind = 0; kind < 3; ++kind) {
      const std::vector<K> input = randomKeys<K>(n + 2, kind, rng);
      const size_t shift = rng();  // the start's offset from a cache line: every one, over the lengths
      for (K bound : {K(0), K(1), K(3), K(kMax / 2), kMax, n ? input[1 + rng() % n] : K(5)}) {
        checkPartitionOf<K>(path, input, bound, shift);
      }
    }
  }
}

// Every pair of lengths up to past two vectors of the widest path (16 u32 keys a vector on AVX-512),
// so each side ends on every partial vector, then long and lopsided ones; keys from a small range
// (ties across the inputs), the full range and the extremes (the largest key is also the padding).
template <class K>
void checkMerge(const Path& path) {
  std::mt19937_64 rng(17);
  std::vector<std::pair<size_t, size_t>> lengths;
  for (size_t na = 0; na <= 35; ++na) {
    for (size_t nb = 0; nb <= 35; ++nb) lengths.push_back({na, nb});
  }
  lengths.insert(lengths.end(), {{1000, 999}, {4099, 3}, {2, 5000}, {257, 0}});
  for (auto [na, nb] : lengths) {
    for (int kind = 0; kind < 3; ++kind) {
      std::vector<K> a = randomKeys<K>(na, kind, rng), b = randomKeys<K>(nb, kind, rng);
      std::sort(a.begin(), a.end());
      std::sort(b.begin(), b.end());
      std::vector<K> expected(na + nb);
      std::merge(a.begin(), a.end(), b.begin(), b.end(), expected.begin());
      // One guard key past the end: the merge writes exactly na + nb keys.
      std::vector<K> out(na + nb + 1, K(0x5A));
      kernelsOf<K>(*path.table).merge(a.data(), na, b.data(), nb, out.data());
      CHECK(out.back() == K(0x5A), where<K>(path, na + nb, "merge") << " wrote past the end, na=" << na);
      out.pop_back();
      CHECK(out == expected, where<K>(path, na + nb, "merge") << " na=" << na << " kind=" << kind);
    }
  }
}

// Every comparison mask of vectors of 2, 4 and 8 keys, each mask in several places (held at the ends,
// read in the loop's blocks and one at a time), with distinct keys spread over all their bytes: a
// wrong permutation for any one mask, even one that mixes bytes of two lanes, loses or duplicates a
// key. Every vector load is at a multiple of N keys from the start and reads keys not yet
// overwritten, so with N == lanes each group below is one vector and one mask. (AVX-512's 16 u32
// lanes have 65536 masks: only the random partitions above sample those.)
template <class K>
void checkPartitionMasks(const Path& path) {
  constexpr K bound = K(K{1} << (8 * sizeof(K) - 1));
  // Odd, so multiplying by it permutes the keys below bound: distinct keys from distinct positions.
  constexpr K kSpread = K(0x9E3779B97F4A7C15u);
  for (size_t lanes : {size_t{2}, size_t{4}, size_t{8}}) {
    const size_t masks = size_t{1} << lanes;
    const size_t groups = 3 * masks + 5;
    for (size_t tail : {size_t{0}, size_t{3}}) {
      const size_t n = groups * lanes + tail;
      std::vector<K> input(n + 2);
      input.front() = K(0);
      input.back() = K(~K{0});
      for (size_t i = 0; i < n; ++i) {
        const size_t mask = (i / lanes) % masks, lane = i % lanes;
        const bool less = i < groups * lanes && (mask >> lane & 1);
        const K key = K(K(i + 1) * kSpread) & K(bound - 1);
        input[1 + i] = less ? key : K(bound | key);
      }
      checkPartitionOf<K>(path, input, bound);
    }
  }
}

// uniform, few distinct, sorted, reversed, organ pipe, sawtooth, all equal, median-of-3 killer.
template <class K>
std::vector<K> distribution(int dist, size_t n, std::mt19937_64& rng) {
  std::vector<K> keys = randomKeys<K>(n, dist == 1 ? 0 : 1, rng);
  switch (dist) {
    case 2: std::sort(keys.begin(), keys.end()); break;
    case 3: std::sort(keys.rbegin(), keys.rend()); break;
    case 4: for (size_t i = 0; i < n; ++i) keys[i] = K(std::min(i, n - 1 - i)); break;
    case 5: for (size_t i = 0; i < n; ++i) keys[i] = K(i % 1000); break;
    case 6: std::fill(keys.begin(), keys.end(), K(42)); break;
    case 7:
      // Musser's sequence: every median of first, middle and last is the second smallest key.
      for (size_t i = 0, k = n / 2; i < k; ++i) {
        keys[i] = K(i % 2 ? k + i : i + 1);
        keys[k + i] = K(2 * (i + 1));
      }
      break;
    default: break;
  }
  return keys;
}

// Every length up to just past twice the networks (one partition, then a network each side), then
// larger ones up to the parallel partition.
template <class K>
void checkQuickSort(const Path& path, Pools& pools) {
  const KeyKernelTable& table = *path.table;
  std::mt19937_64 rng(13);
  std::vector<size_t> lengths(2 * kernelsOf<K>(table).smallMax + 3);
  std::iota(lengths.begin(), lengths.end(), size_t{0});
  lengths.insert(lengths.end(), {size_t{100}, size_t{1000}, size_t{5000}, 2 * Config::kMinPerThread + 1, size_t{200003}});
  for (size_t n : lengths) {
    for (int dist = 0; dist < 8; ++dist) {
      const std::vector<K> input = distribution<K>(dist, n, rng);
      std::vector<K> expected = input;
      std::sort(expected.begin(), expected.end());
      for (unsigned threads : {1u, 2u, 3u}) {
        std::vector<K> keys = input;
        quickSort(keys.data(), n, pools.context(threads), table);
        CHECK(keys == expected, where<K>(path, n, "quickSort") << " dist=" << dist << " threads=" << threads);
      }
    }
  }
}

// The special values of F (key_values.hpp), then random bit patterns, shuffled.
template <class F>
std::vector<F> mapInputs(size_t n, std::mt19937_64& rng) {
  std::vector<F> values = pk::sort::test::specialValues<F>();
  while (values.size() < n) values.push_back(pk::sort::test::randomValue<F>(rng));
  values.resize(n);
  std::shuffle(values.begin(), values.end(), rng);
  return values;
}

// A table's whole-array maps against keys.hpp's, bit for bit, in both directions, at every length up
// to past a few vectors and from a misaligned start (the vector loops' tails and peeling).
template <class F>
void checkFloatKeyMaps(const Path& path) {
  using K = KeyOf<F>;
  std::mt19937_64 rng(11);
  for (bool descending : {false, true}) {
    const FloatKeyMaps<F>& maps = floatKeyMapsOf<F>(*path.table, descending);
    for (size_t n : {0, 1, 2, 3, 5, 7, 8, 9, 15, 16, 17, 31, 33, 63, 64, 65, 100, 1000, 4099}) {
      const std::vector<F> values = mapInputs<F>(n + 1, rng);
      std::vector<K> keys(n + 1, K(0x5A));
      maps.toKeys(values.data() + 1, keys.data() + 1, n);
      CHECK(keys[0] == K(0x5A), path.name << " toKeys wrote before its range");
      std::vector<F> back(n + 1);
      maps.fromKeys(keys.data() + 1, back.data() + 1, n);
      for (size_t i = 1; i <= n; ++i) {
        const K expected = descending ? toKey<F, true>(values[i]) : toKey<F, false>(values[i]);
        const F expectedBack = descending ? fromKey<F, true>(expected) : fromKey<F, false>(expected);
        CHECK(keys[i] == expected, path.name << (descending ? " desc" : " asc") << " toKeys n=" << n << " at " << i);
        CHECK(std::bit_cast<K>(back[i]) == std::bit_cast<K>(expectedBack),
              path.name << (descending ? " desc" : " asc") << " fromKeys n=" << n << " at " << i);
      }
    }
  }
}

// The keys of input[1, size - 1), in one direction, as the mapped partitions of element type T are to
// write them, into a key buffer (keys.hpp's toKey) and in place (inPlaceKey): counted and split at
// bound, a permutation of those keys, and nothing written outside keys[1, size - 1).
template <class T>
void checkMappedPartitionOf(const Path& path, const std::vector<T>& input, bool descending, KeyOf<T> bound) {
  using K = KeyOf<T>;
  const size_t n = input.size() - 2;
  const auto less = [&](K k) { return k < bound; };
  const auto check = [&](const std::vector<K>& keys, size_t m, const char* name, auto keyOf) {
    std::vector<K> expected(n);
    for (size_t i = 0; i < n; ++i) expected[i] = keyOf(input[1 + i]);
    std::sort(expected.begin(), expected.end());
    const std::string what = where<K>(path, n, name) + (descending ? " desc" : " asc");
    CHECK(m == static_cast<size_t>(std::count_if(expected.begin(), expected.end(), less)), what << " count");
    CHECK(std::all_of(keys.begin() + 1, keys.begin() + 1 + m, less), what << " left");
    CHECK(std::none_of(keys.begin() + 1 + m, keys.end() - 1, less), what << " right");
    CHECK(keys.front() == K(0x5A) && keys.back() == K(0x5A), what << " wrote outside its range");
    std::vector<K> written(keys.begin() + 1, keys.end() - 1);
    std::sort(written.begin(), written.end());
    CHECK(written == expected, what << " keeps the keys");
  };
  std::vector<K> keys(n + 2, K(0x5A));
  check(keys, partitionIntoOf<T>(*path.table, descending)(input.data() + 1, keys.data() + 1, n, bound), "mapped partition",
        [&](T x) { return descending ? toKey<T, true>(x) : toKey<T, false>(x); });
  // In place: the values' bits, at the same (unaligned) offset, mapped where they are.
  std::vector<K> inPlace(n + 2, K(0x5A));
  if (n > 0) std::memcpy(inPlace.data() + 1, input.data() + 1, n * sizeof(K));
  check(inPlace, inPlaceMapsOf<T>(*path.table, descending).partition(inPlace.data() + 1, n, bound), "in-place mapped partition",
        [&](T x) {
          const K bits = std::bit_cast<K>(x);
          return descending ? inPlaceKey<T, true>(bits) : inPlaceKey<T, false>(bits);
        });
}

// Every length up to past the largest chunk (8 vectors and one more: 72 keys), then two long ones,
// over special and random values and over few distinct ones, at bounds from the extremes and from the
// keys.
template <class T>
void checkMappedPartition(const Path& path) {
  using K = KeyOf<T>;
  std::mt19937_64 rng(17);
  std::vector<size_t> lengths(160);
  std::iota(lengths.begin(), lengths.end(), size_t{0});
  lengths.insert(lengths.end(), {1000, 4099});
  const std::vector<T> specials = pk::sort::test::specialValues<T>();
  for (size_t n : lengths) {
    for (bool fewDistinct : {false, true}) {
      std::vector<T> input = mapInputs<T>(n + 2, rng);
      if (fewDistinct) {
        for (T& value : input) value = specials[rng() % specials.size()];
      }
      for (bool descending : {false, true}) {
        const K someKey = n == 0 ? K(5) : descending ? toKey<T, true>(input[1 + rng() % n]) : toKey<T, false>(input[1 + rng() % n]);
        for (K bound : {K(0), K(1), K(kSignBit<T>), K(kAllOnes<T>), someKey}) checkMappedPartitionOf<T>(path, input, descending, bound);
      }
    }
  }
}

// quickSortMapped against std::sort of the keys, on both directions and 1 to 3 threads, with the
// values chosen so that their keys follow each pivot-stressing distribution above.
template <class T>
void checkQuickSortMapped(const Path& path, Pools& pools) {
  using K = KeyOf<T>;
  std::mt19937_64 rng(19);
  for (size_t n : {Config::kMappedPartitionMin, Config::kMappedPartitionMin + 1, 2 * Config::kMinPerThread + 1, size_t{200003}}) {
    for (int dist = 0; dist < 8; ++dist) {
      const std::vector<K> keysOfDist = distribution<K>(dist, n, rng);
      for (bool descending : {false, true}) {
        std::vector<T> values(n);
        std::vector<K> expected(n);
        for (size_t i = 0; i < n; ++i) {
          values[i] = descending ? fromKey<T, true>(keysOfDist[i]) : fromKey<T, false>(keysOfDist[i]);
          expected[i] = descending ? toKey<T, true>(values[i]) : toKey<T, false>(values[i]);
        }
        std::sort(expected.begin(), expected.end());
        const std::vector<T> before = values;
        for (unsigned threads : {1u, 2u, 3u}) {
          std::vector<K> keys(n);
          const pk::ExecContext ctx = pools.context(threads);
          if (descending) {
            quickSortMapped<T, true>(values.data(), keys.data(), n, ctx, *path.table);
          } else {
            quickSortMapped<T, false>(values.data(), keys.data(), n, ctx, *path.table);
          }
          CHECK(keys == expected, where<K>(path, n, "quickSortMapped") << " dist=" << dist << " desc=" << descending
                                                                      << " threads=" << threads);
          // In place, the values come back sorted: the keys of expected, mapped back, except that a NaN
          // keeps its payload, and maybe not its sign (many of the keys above are those of NaNs).
          std::vector<K> bits(n);
          std::memcpy(bits.data(), values.data(), n * sizeof(T));
          if (descending) {
            quickSortInPlace<T, true>(bits.data(), n, ctx, *path.table);
          } else {
            quickSortInPlace<T, false>(bits.data(), n, ctx, *path.table);
          }
          size_t wrong = 0;
          for (size_t i = 0; i < n; ++i) {
            const T back = descending ? fromKey<T, true>(expected[i]) : fromKey<T, false>(expected[i]);
            bool same = bits[i] == std::bit_cast<K>(back);
            if constexpr (std::is_floating_point_v<T>) same = same || (isNaNBits<T>(bits[i]) && std::isnan(back));
            wrong += !same;
          }
          CHECK(wrong == 0, where<K>(path, n, "quickSortInPlace") << " dist=" << dist << " desc=" << descending
                                                                 << " threads=" << threads << ": " << wrong << " wrong");
        }
        CHECK(std::memcmp(values.data(), before.data(), n * sizeof(T)) == 0, where<K>(path, n, "quickSortMapped wrote its input"));
      }
    }
  }
}

TEST("sort simd: mapped partitions of every path, every type and direction, every tail") {
  for (const Path& path : runnablePaths()) {
    checkMappedPartition<float>(path);
    checkMappedPartition<int32_t>(path);
    checkMappedPartition<uint32_t>(path);
    checkMappedPartition<double>(path);
    checkMappedPartition<int64_t>(path);
    checkMappedPartition<uint64_t>(path);
  }
}

// Three threads are the fewest that split the first partition of these sizes on every CPU (on a Zen 5,
// two run it on one thread: twoThreadSerialPartitionMaxBytes in config.hpp).
TEST("sort simd: quicksort from mapped values on every path, 1 to 3 threads, adversarial distributions") {
  Pools pools(3);
  for (const Path& path : runnablePaths()) {
    checkQuickSortMapped<float>(path, pools);
    checkQuickSortMapped<int32_t>(path, pools);
    checkQuickSortMapped<double>(path, pools);
    checkQuickSortMapped<uint64_t>(path, pools);
  }
}

// The pair scan of every path against a plain loop over keys.hpp's maps, on ordered keys given one
// odd step (a fall, a rise or an equal pair) at every position, so that each kind of step is seen
// alone in every lane and in the scalar tail; and on random and special values.
template <class T>
void checkPairScan(const Path& path) {
  using K = KeyOf<T>;
  std::mt19937_64 rng(23);
  const std::vector<T> specials = pk::sort::test::specialValues<T>();
  for (bool descending : {false, true}) {
    const PairScan<T> scan = pairScanOf<T>(*path.table, descending);
    const auto key = [&](T x) { return descending ? toKey<T, true>(x) : toKey<T, false>(x); };
    const auto value = [&](K k) { return descending ? fromKey<T, true>(k) : fromKey<T, false>(k); };
    const auto check = [&](const std::vector<T>& values, const char* what) {
      unsigned expected = 0;
      for (size_t i = 0; i + 1 < values.size(); ++i) {
        const K here = key(values[i]), next = key(values[i + 1]);
        expected |= next < here ? kFall : next > here ? kRise : kEqual;
      }
      const size_t pairs = values.empty() ? 0 : values.size() - 1;
      CHECK(scan(values.data(), pairs) == expected,
            where<K>(path, values.size(), "pair scan") << " " << what << " desc=" << descending);
    };
    for (size_t n = 0; n <= 80; ++n) {
      // n distinct keys in ascending order (NaN's all-ones key left out: it stands for every NaN).
      std::vector<K> keys(n);
      for (K& k : keys) k = K(rng() % kAllOnes<T>);
      std::sort(keys.begin(), keys.end());
      keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
      if (keys.size() < n) continue;
      std::vector<T> up(n), down(n);
      for (size_t i = 0; i < n; ++i) up[i] = value(keys[i]), down[n - 1 - i] = up[i];
      check(up, "ascending");
      check(down, "descending");
      for (size_t p = 0; p + 1 < n; ++p) {
        std::vector<T> fall = up, equalUp = up, rise = down, equalDown = down;
        std::swap(fall[p], fall[p + 1]);
        equalUp[p + 1] = equalUp[p];
        std::swap(rise[p], rise[p + 1]);
        equalDown[p + 1] = equalDown[p];
        check(fall, "one fall");
        check(equalUp, "one equal pair among rises");
        check(rise, "one rise");
        check(equalDown, "one equal pair among falls");
      }
      std::vector<T> mixed(n);
      for (T& x : mixed) x = rng() % 2 ? specials[rng() % specials.size()] : value(K(rng()));
      check(mixed, "random and special values");
    }
  }
}

TEST("sort simd: pair scans of every path, every type and direction, one odd step anywhere") {
  for (const Path& path : runnablePaths()) {
    checkPairScan<float>(path);
    checkPairScan<int32_t>(path);
    checkPairScan<uint32_t>(path);
    checkPairScan<double>(path);
    checkPairScan<int64_t>(path);
    checkPairScan<uint64_t>(path);
  }
}

TEST("sort simd: float key maps of every path equal keys.hpp's, both directions, every tail") {
  for (const Path& path : runnablePaths()) {
    checkFloatKeyMaps<float>(path);
    checkFloatKeyMaps<double>(path);
  }
}

TEST("sort simd: each target resolves to its own table") {
#if defined(__x86_64__)
  CHECK(&keyKernelsFor(SimdTarget::Baseline) == &baselineKeyKernels());
  if (pk::cpu::detectedSimdTarget() >= SimdTarget::Avx2) {
    // Networks of 16 ymm registers, 8 u32 or 4 u64 keys each.
    CHECK(&keyKernelsFor(SimdTarget::Avx2) == &avx2KeyKernels());
    CHECK(avx2KeyKernels().u32.smallMax == 128, avx2KeyKernels().u32.smallMax);
    CHECK(avx2KeyKernels().u64.smallMax == 64, avx2KeyKernels().u64.smallMax);
  }
  if (pk::cpu::detectedSimdTarget() >= SimdTarget::Avx512) CHECK(&keyKernelsFor(SimdTarget::Avx512) == &avx512KeyKernels());
#elif defined(__aarch64__)
  // NEON is arm64's baseline: networks of 16 q registers, 4 u32 or 2 u64 keys each.
  const KeyKernelTable& table = keyKernelsFor(SimdTarget::Baseline);
  CHECK(&table == &neonKeyKernels());
  CHECK(&table != &baselineKeyKernels());
  CHECK(table.u32.smallMax == 64, table.u32.smallMax);
  CHECK(table.u64.smallMax == 32, table.u64.smallMax);
#else
  CHECK(&keyKernelsFor(SimdTarget::Baseline) == &baselineKeyKernels());
#endif
  CHECK(&keyKernels() == &keyKernelsFor(pk::cpu::simdTarget()));
}

TEST("sort simd: sorting networks of every path, every size") {
  for (const Path& path : runnablePaths()) {
    checkNetworks<uint32_t>(path);
    checkNetworks<uint64_t>(path);
  }
}

TEST("sort simd: partitions of every path at every length past the vector thresholds") {
  for (const Path& path : runnablePaths()) {
    checkPartition<uint32_t>(path);
    checkPartition<uint64_t>(path);
  }
}

TEST("sort simd: partitions of every path over every lane mask") {
  for (const Path& path : runnablePaths()) {
    checkPartitionMasks<uint32_t>(path);
    checkPartitionMasks<uint64_t>(path);
  }
}

TEST("sort simd: merges of every path, every pair of short lengths, ties and extremes") {
  for (const Path& path : runnablePaths()) {
    checkMerge<uint32_t>(path);
    checkMerge<uint64_t>(path);
  }
}

TEST("sort simd: quicksort on every path, 1 to 3 threads, adversarial distributions") {
  Pools pools(3);
  for (const Path& path : runnablePaths()) {
    checkQuickSort<uint32_t>(path, pools);
    checkQuickSort<uint64_t>(path, pools);
  }
}

}  // namespace
