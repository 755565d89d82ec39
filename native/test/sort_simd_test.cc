// The quicksort kernels of every SIMD path this CPU can run (key_kernels.hpp), called through their
// tables directly, whatever PARALLEL_KERNELS_SIMD says: the sorting networks at every size they
// cover, the partition around its vector thresholds and at extreme bounds, and whole quicksorts on
// 1 and 2 threads over the distributions that stress pivots (the median-of-3 killer included),
// each against std::sort.
#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <memory>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "cpu/simd_target.hpp"
#include "kernels/sort/key_kernels.hpp"
#include "kernels/sort/quick_sort.hpp"
#include "pool/thread_pool.hpp"
#include "test.hpp"

namespace {

using pk::cpu::SimdTarget;
using namespace pk::sort;

// Every target at or below what the CPU supports.
std::vector<SimdTarget> runnableTargets() {
  std::vector<SimdTarget> targets{SimdTarget::Baseline};
  if (pk::cpu::detectedSimdTarget() >= SimdTarget::Avx2) targets.push_back(SimdTarget::Avx2);
  if (pk::cpu::detectedSimdTarget() >= SimdTarget::Avx512) targets.push_back(SimdTarget::Avx512);
  return targets;
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
std::string where(SimdTarget target, size_t n, const char* what) {
  return std::string(pk::cpu::simdTargetName(target)) + " u" + std::to_string(8 * sizeof(K)) + " n=" + std::to_string(n) + " " + what;
}

template <class K>
void checkNetworks(SimdTarget target) {
  const KeyKernels<K>& kernels = kernelsOf<K>(keyKernelsFor(target));
  std::mt19937_64 rng(7);
  for (size_t n = 0; n <= kernels.smallMax; ++n) {
    for (int kind = 0; kind < 3; ++kind) {
      // One key of slack on each side catches a network writing outside its range.
      std::vector<K> keys = randomKeys<K>(n + 2, kind, rng);
      std::vector<K> expected = keys;
      std::sort(expected.begin() + 1, expected.end() - 1);
      kernels.sortSmall(keys.data() + 1, n);
      CHECK(keys == expected, where<K>(target, n, "sortSmall"));
    }
  }
}

template <class K>
void checkPartition(SimdTarget target) {
  const KeyKernels<K>& kernels = kernelsOf<K>(keyKernelsFor(target));
  std::mt19937_64 rng(11);
  constexpr K kMax = std::numeric_limits<K>::max();
  for (size_t n : std::initializer_list<size_t>{0, 1, 7, 31, 32, 33, 63, 64, 65, 127, 128, 129, 130, 255, 256, 257, 1000, 4099}) {
    for (int kind = 0; kind < 3; ++kind) {
      const std::vector<K> input = randomKeys<K>(n + 2, kind, rng);
      for (K bound : {K(0), K(1), K(3), K(kMax / 2), kMax, n ? input[1 + rng() % n] : K(5)}) {
        std::vector<K> keys = input;
        const size_t m = kernels.partition(keys.data() + 1, n, bound);
        const size_t below = static_cast<size_t>(std::count_if(input.begin() + 1, input.end() - 1, [&](K k) { return k < bound; }));
        CHECK(m == below, where<K>(target, n, "partition count"));
        CHECK(std::all_of(keys.begin() + 1, keys.begin() + 1 + m, [&](K k) { return k < bound; }), where<K>(target, n, "partition left"));
        CHECK(std::all_of(keys.begin() + 1 + m, keys.end() - 1, [&](K k) { return k >= bound; }), where<K>(target, n, "partition right"));
        CHECK(keys.front() == input.front() && keys.back() == input.back(), where<K>(target, n, "partition bounds"));
        std::vector<K> sortedIn = input, sortedOut = keys;
        std::sort(sortedIn.begin(), sortedIn.end());
        std::sort(sortedOut.begin(), sortedOut.end());
        CHECK(sortedIn == sortedOut, where<K>(target, n, "partition keeps the keys"));
      }
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

template <class K>
void checkQuickSort(SimdTarget target, std::vector<std::unique_ptr<pk::ThreadPool>>& pools) {
  const KeyKernelTable& table = keyKernelsFor(target);
  std::mt19937_64 rng(13);
  for (size_t n : {size_t{100}, size_t{1000}, size_t{5000}, 2 * Config::kMinPerThread + 1, size_t{200003}}) {
    for (int dist = 0; dist < 8; ++dist) {
      const std::vector<K> input = distribution<K>(dist, n, rng);
      std::vector<K> expected = input;
      std::sort(expected.begin(), expected.end());
      for (unsigned threads : {1u, 2u}) {
        std::vector<K> keys = input;
        quickSort(keys.data(), n, pools[threads - 1]->context(threads), table);
        CHECK(keys == expected, where<K>(target, n, "quickSort") << " dist=" << dist << " threads=" << threads);
      }
    }
  }
}

TEST("sort simd: sorting networks of every path, every size") {
  for (SimdTarget target : runnableTargets()) {
    checkNetworks<uint32_t>(target);
    checkNetworks<uint64_t>(target);
  }
}

TEST("sort simd: partitions of every path around the vector thresholds") {
  for (SimdTarget target : runnableTargets()) {
    checkPartition<uint32_t>(target);
    checkPartition<uint64_t>(target);
  }
}

TEST("sort simd: quicksort on every path, 1 and 2 threads, adversarial distributions") {
  std::vector<std::unique_ptr<pk::ThreadPool>> pools;
  pools.push_back(std::make_unique<pk::ThreadPool>(1));
  pools.push_back(std::make_unique<pk::ThreadPool>(2));
  for (SimdTarget target : runnableTargets()) {
    checkQuickSort<uint32_t>(target, pools);
    checkQuickSort<uint64_t>(target, pools);
  }
}

}  // namespace
