// The sorts against a reference that implements the JS order directly on the values (std::stable_sort
// with a comparator, never the key maps): every element type × algorithm × direction × thread count
// (the real ThreadPool) × size straddling every threshold of config.hpp × distribution, compared bit
// for bit, on a misaligned array between red zones. Then argsort, the key maps alone, and cancellation.
#include <algorithm>
#include <atomic>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <numeric>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "kernels/sort/base_case.hpp"
#include "kernels/sort/config.hpp"
#include "kernels/sort/keys.hpp"
#include "kernels/sort/merge.hpp"
#include "kernels/sort/presorted.hpp"
#include "kernels/sort/sort.hpp"
#include "pool/thread_pool.hpp"
#include "key_values.hpp"
#include "failing_allocator.hpp"
#include "pools.hpp"
#include "test.hpp"

namespace {

using namespace pk::sort;
using pk::sort::test::randomValue;
using pk::sort::test::specialValues;
using pk::test::Pools;

// Sanitizers slow the sorts down 3-20x: they get the same matrix with fewer large sizes (testSizes)
// and fewer distributions at those (distsFor).
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif

constexpr unsigned kMaxThreads = 4;
constexpr Algorithm kAlgorithms[] = {Algorithm::Auto, Algorithm::Merge, Algorithm::Quick, Algorithm::Radix};

// ---- The reference: the JS order on the values themselves ----

// Whether x goes strictly before y: numbers ascending (or descending), -0 before +0 (after, when
// descending), NaN last in both directions and equal to every other NaN.
template <class T>
bool jsBefore(T x, T y, bool descending) {
  if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(x)) return false;
    if (std::isnan(y)) return true;
    if (x == y) return std::signbit(x) != std::signbit(y) && std::signbit(x) != descending;
  }
  return descending ? y < x : x < y;
}

// Equal bit for bit, except that any NaN equals any NaN.
template <class T>
bool sameValue(T x, T y) {
  if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(x) || std::isnan(y)) return std::isnan(x) && std::isnan(y);
  }
  return std::bit_cast<KeyOf<T>>(x) == std::bit_cast<KeyOf<T>>(y);
}

template <class T>
std::string show(T x) {
  std::ostringstream os;
  if constexpr (std::is_floating_point_v<T>) {
    os << x << " (bits 0x" << std::hex << uint64_t{std::bit_cast<KeyOf<T>>(x)} << ")";
  } else if constexpr (std::is_signed_v<T>) {
    os << int64_t{x};
  } else {
    os << uint64_t{x};
  }
  return os.str();
}

template <class T>
std::vector<T> referenceSort(std::vector<T> values, bool descending) {
  std::stable_sort(values.begin(), values.end(), [&](T x, T y) { return jsBefore(x, y, descending); });
  return values;
}

template <class T>
std::vector<uint32_t> referenceArgsort(const std::vector<T>& values, bool descending) {
  std::vector<uint32_t> order(values.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t x, uint32_t y) { return jsBefore(values[x], values[y], descending); });
  return order;
}

// ---- Inputs ----

// Sorted and reversed input ends at the presorted check (presorted.hpp); the mostly sorted and mostly
// reversed kinds take it past that check into the sorts, whose pivots they test as sorted input does.
enum class Dist { Uniform, Sorted, Reversed, MostlySorted, MostlyReversed, AllEqual, FewDistinct, Skewed, OrganPipe, Sawtooth, Specials };
const std::vector<Dist> kAllDists = {Dist::Uniform,     Dist::Sorted,   Dist::Reversed,    Dist::MostlySorted,
                                     Dist::MostlyReversed, Dist::AllEqual, Dist::FewDistinct, Dist::Skewed,
                                     Dist::OrganPipe,   Dist::Sawtooth, Dist::Specials};

const char* distName(Dist dist) {
  switch (dist) {
    case Dist::Uniform: return "uniform";
    case Dist::Sorted: return "sorted";
    case Dist::Reversed: return "reversed";
    case Dist::MostlySorted: return "mostly-sorted";
    case Dist::MostlyReversed: return "mostly-reversed";
    case Dist::AllEqual: return "all-equal";
    case Dist::FewDistinct: return "few-distinct";
    case Dist::Skewed: return "skewed";
    case Dist::OrganPipe: return "organ-pipe";
    case Dist::Sawtooth: return "sawtooth";
    case Dist::Specials: return "specials";
  }
  return "?";
}

template <class T>
std::vector<T> generate(Dist dist, size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<T> v(n);
  const auto ascending = [](auto first, auto last) {
    std::sort(first, last, [](T x, T y) { return jsBefore(x, y, false); });
  };
  const auto fillRandom = [&] { for (T& x : v) x = randomValue<T>(rng); };
  switch (dist) {
    case Dist::Uniform:
      fillRandom();
      break;
    case Dist::Sorted:
      fillRandom();
      ascending(v.begin(), v.end());
      break;
    case Dist::Reversed:
      fillRandom();
      ascending(v.begin(), v.end());
      std::reverse(v.begin(), v.end());
      break;
    case Dist::MostlySorted:
    case Dist::MostlyReversed:
      // Sorted, then one swap per 64 elements (at least one) at random places.
      fillRandom();
      ascending(v.begin(), v.end());
      if (dist == Dist::MostlyReversed) std::reverse(v.begin(), v.end());
      for (size_t s = 0; s < n / 64 + 1 && n > 1; ++s) std::swap(v[rng() % n], v[rng() % n]);
      break;
    case Dist::AllEqual:
      std::fill(v.begin(), v.end(), randomValue<T>(rng));
      break;
    case Dist::FewDistinct: {
      const T pool[] = {randomValue<T>(rng), randomValue<T>(rng), randomValue<T>(rng), randomValue<T>(rng)};
      for (T& x : v) x = pool[rng() % 4];
      break;
    }
    case Dist::Skewed: {
      // Half the keys one value, the rest random: the pivot's copies all land on one side.
      const T common = randomValue<T>(rng);
      for (T& x : v) x = rng() % 2 ? common : randomValue<T>(rng);
      break;
    }
    case Dist::OrganPipe:
      fillRandom();
      ascending(v.begin(), v.end());
      std::reverse(v.begin() + static_cast<ptrdiff_t>(n / 2), v.end());
      break;
    case Dist::Sawtooth: {
      fillRandom();
      const size_t tooth = n / 7 + 1;
      for (size_t i = 0; i < n; i += tooth) ascending(v.begin() + static_cast<ptrdiff_t>(i), v.begin() + static_cast<ptrdiff_t>(std::min(n, i + tooth)));
      break;
    }
    case Dist::Specials: {
      const std::vector<T> specials = specialValues<T>();
      for (T& x : v) x = rng() % 2 ? specials[rng() % specials.size()] : randomValue<T>(rng);
      break;
    }
  }
  return v;
}

// Every distribution, except at the sizes that dominate the run time (2.5e5 up, and the parallel sizes
// under sanitizers): there, the three that reach the most code (random bits, duplicates, specials).
std::vector<Dist> distsFor(size_t n) {
  if (n >= Config::kCountingSort16 - 1 || (kSanitized && n >= 2 * Config::kMinPerThread)) {
    return {Dist::Uniform, Dist::FewDistinct, Dist::Specials};
  }
  return kAllDists;
}

// 0..3, the sorting network sizes of the SIMD paths (2^k, key_kernels_*.cc) ±1, a prime, and every
// threshold of config.hpp ±1 (the thread-count steps at k·kMinPerThread included). Under sanitizers,
// only the first parallel sizes and one large size.
std::vector<size_t> testSizes() {
  std::set<size_t> sizes = {0, 1, 2, 3, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 255, 256, 257, 1009};
  std::vector<size_t> thresholds = {Config::kQuickBaseCase, Config::kNintherThreshold, Config::kCountingSort8};
  if (kSanitized) {
    sizes.insert({2 * Config::kMinPerThread, 4 * Config::kMinPerThread + 1});
  } else {
    for (size_t t = 1; t <= kMaxThreads; ++t) thresholds.push_back(t * Config::kMinPerThread);
    thresholds.push_back(Config::kBlock);
    thresholds.push_back(Config::kCountingSort16);
    sizes.insert({65537, 100003});
  }
  for (size_t t : thresholds) sizes.insert({t - 1, t, t + 1});
  return {sizes.begin(), sizes.end()};
}

// ---- The array under test: misaligned (one element past a 16-element red zone), red zone after ----

template <class T>
class Guarded {
 public:
  static constexpr size_t kRed = 16;
  static constexpr unsigned char kPattern = 0xA5;

  explicit Guarded(const std::vector<T>& values) : buffer_(values.size() + 2 * kRed + 1), n_(values.size()) {
    std::memset(buffer_.data(), kPattern, buffer_.size() * sizeof(T));
    std::copy(values.begin(), values.end(), data());
  }
  T* data() { return buffer_.data() + kRed + 1; }
  T operator[](size_t i) const { return buffer_[kRed + 1 + i]; }
  bool redZonesIntact() const {
    const auto* bytes = reinterpret_cast<const unsigned char*>(buffer_.data());
    const auto intact = [&](size_t from, size_t to) {
      return std::all_of(bytes + from * sizeof(T), bytes + to * sizeof(T), [](unsigned char b) { return b == kPattern; });
    };
    return intact(0, kRed + 1) && intact(kRed + 1 + n_, buffer_.size());
  }
  bool sameBytesAs(const std::vector<T>& values) const {
    return n_ == 0 || std::memcmp(buffer_.data() + kRed + 1, values.data(), n_ * sizeof(T)) == 0;
  }

 private:
  std::vector<T> buffer_;
  size_t n_;
};

template <class T>
size_t firstDifference(const Guarded<T>& actual, const std::vector<T>& expected) {
  for (size_t i = 0; i < expected.size(); ++i) {
    if (!sameValue(actual[i], expected[i])) return i;
  }
  return expected.size();
}

// Whether `threads` splits n elements exactly as threads - 1 does (numThreadsFor caps the threads
// by size), so that the run would only repeat the previous one.
bool sameSplit(size_t n, unsigned threads) {
  return threads > 1 && numThreadsFor(n, threads) == numThreadsFor(n, threads - 1);
}

uint64_t seedOf(size_t n, Dist dist) { return n * 131 + static_cast<uint64_t>(dist) + 1; }

// ---- Sort and argsort against the reference ----

template <class T>
void checkSort(ElementType type, const char* name, const std::vector<size_t>& sizes) {
  Pools pools(kMaxThreads);
  for (size_t n : sizes) {
    for (Dist dist : distsFor(n)) {
      const std::vector<T> input = generate<T>(dist, n, seedOf(n, dist));
      for (bool descending : {false, true}) {
        const std::vector<T> expected = referenceSort(input, descending);
        for (Algorithm algorithm : kAlgorithms) {
          for (unsigned threads = 1; threads <= kMaxThreads; ++threads) {
            if (sameSplit(n, threads)) continue;
            Guarded<T> array(input);
            sort({type, array.data(), n, algorithm, descending}, pools.context(threads));
            const size_t bad = firstDifference(array, expected);
            const auto where = [&] {
              std::ostringstream os;
              os << name << " n=" << n << " " << distName(dist) << " " << algorithmName(algorithm)
                 << (descending ? " desc" : " asc") << " threads=" << threads;
              return os.str();
            };
            CHECK(bad == n, where() << " index " << bad << ": got " << show(array[bad]) << ", expected " << show(expected[bad]));
            CHECK(array.redZonesIntact(), where());
          }
        }
      }
    }
  }
}

template <class T>
void checkArgsort(ElementType type, const char* name, const std::vector<size_t>& sizes) {
  Pools pools(kMaxThreads);
  for (size_t n : sizes) {
    for (Dist dist : distsFor(n)) {
      const std::vector<T> input = generate<T>(dist, n, seedOf(n, dist));
      for (bool descending : {false, true}) {
        const std::vector<uint32_t> expected = referenceArgsort(input, descending);
        for (unsigned threads = 1; threads <= kMaxThreads; ++threads) {
          if (sameSplit(n, threads)) continue;
          Guarded<T> array(input);
          Guarded<uint32_t> indices(std::vector<uint32_t>(n, 0xDEADBEEF));
          argsort({type, array.data(), n, descending, indices.data()}, pools.context(threads));
          const size_t bad = firstDifference(indices, expected);
          CHECK(bad == n, name << " n=" << n << " " << distName(dist) << (descending ? " desc" : " asc") << " threads="
                               << threads << " index " << bad << ": got " << indices[bad] << ", expected " << expected[bad]);
          CHECK(array.sameBytesAs(input) && array.redZonesIntact(), name << " n=" << n << ": input modified");
          CHECK(indices.redZonesIntact(), name << " n=" << n << " " << distName(dist) << ": index red zone written");
        }
      }
    }
  }
}

TEST("sort: int8") { checkSort<int8_t>(ElementType::Int8, "int8", testSizes()); }
TEST("sort: uint8") { checkSort<uint8_t>(ElementType::Uint8, "uint8", testSizes()); }
TEST("sort: uint8clamped") { checkSort<uint8_t>(ElementType::Uint8Clamped, "uint8clamped", testSizes()); }
TEST("sort: int16") { checkSort<int16_t>(ElementType::Int16, "int16", testSizes()); }
TEST("sort: uint16") { checkSort<uint16_t>(ElementType::Uint16, "uint16", testSizes()); }
TEST("sort: int32") { checkSort<int32_t>(ElementType::Int32, "int32", testSizes()); }
TEST("sort: uint32") { checkSort<uint32_t>(ElementType::Uint32, "uint32", testSizes()); }
TEST("sort: float32") { checkSort<float>(ElementType::Float32, "float32", testSizes()); }
TEST("sort: float64") { checkSort<double>(ElementType::Float64, "float64", testSizes()); }
TEST("sort: bigint64") { checkSort<int64_t>(ElementType::BigInt64, "bigint64", testSizes()); }
TEST("sort: biguint64") { checkSort<uint64_t>(ElementType::BigUint64, "biguint64", testSizes()); }
TEST("argsort: int8") { checkArgsort<int8_t>(ElementType::Int8, "int8", testSizes()); }
TEST("argsort: uint8") { checkArgsort<uint8_t>(ElementType::Uint8, "uint8", testSizes()); }
TEST("argsort: uint8clamped") { checkArgsort<uint8_t>(ElementType::Uint8Clamped, "uint8clamped", testSizes()); }
TEST("argsort: int16") { checkArgsort<int16_t>(ElementType::Int16, "int16", testSizes()); }
TEST("argsort: uint16") { checkArgsort<uint16_t>(ElementType::Uint16, "uint16", testSizes()); }
TEST("argsort: int32") { checkArgsort<int32_t>(ElementType::Int32, "int32", testSizes()); }
TEST("argsort: uint32") { checkArgsort<uint32_t>(ElementType::Uint32, "uint32", testSizes()); }
TEST("argsort: float32") { checkArgsort<float>(ElementType::Float32, "float32", testSizes()); }
TEST("argsort: float64") { checkArgsort<double>(ElementType::Float64, "float64", testSizes()); }
TEST("argsort: bigint64") { checkArgsort<int64_t>(ElementType::BigInt64, "bigint64", testSizes()); }
TEST("argsort: biguint64") { checkArgsort<uint64_t>(ElementType::BigUint64, "biguint64", testSizes()); }

// A million elements, for one type per key width that can hold distinct values at that size.
TEST("sort: 1e6 elements") {
  if (kSanitized) return;
  checkSort<int32_t>(ElementType::Int32, "int32", {1000000});
  checkSort<double>(ElementType::Float64, "float64", {1000000});
  checkArgsort<float>(ElementType::Float32, "float32", {1000000});
  checkArgsort<int64_t>(ElementType::BigInt64, "bigint64", {1000000});
}

// On a Zen 5 a two-thread partition runs on one thread while its keys fit in
// Config::kZen5TwoThreadSerialPartitionMaxBytes and is split between the threads above it: both sides
// of that bound, on two threads (elsewhere both sizes split).
TEST("sort: two threads on both sides of the one-thread partition bound") {
  if (kSanitized) return;
  Pools pools(2);
  const size_t bound = Config::kZen5TwoThreadSerialPartitionMaxBytes / sizeof(double);
  for (size_t n : {bound, bound + 1}) {
    const std::vector<double> input = generate<double>(Dist::Specials, n, seedOf(n, Dist::Specials));
    for (bool descending : {false, true}) {
      Guarded<double> array(input);
      sort({ElementType::Float64, array.data(), n, Algorithm::Quick, descending}, pools.context(2));
      const size_t bad = firstDifference(array, referenceSort(input, descending));
      CHECK(bad == n, "n=" << n << (descending ? " desc" : " asc") << " index " << bad);
      CHECK(array.redZonesIntact(), "n=" << n);
    }
  }
}

TEST("sort: only a Zen 5 runs a two-thread partition on one thread") {
  using pk::cpu::CpuModel;
  using pk::cpu::Vendor;
  CHECK(twoThreadSerialPartitionMaxBytes(CpuModel{Vendor::Amd, 0x1A, 0x02}) == Config::kZen5TwoThreadSerialPartitionMaxBytes);
  CHECK(twoThreadSerialPartitionMaxBytes(CpuModel{Vendor::Amd, 0x19, 0x11}) == 0);  // Zen 4
  CHECK(twoThreadSerialPartitionMaxBytes(CpuModel{Vendor::Intel, 0x6, 0xA7}) == 0);
  CHECK(twoThreadSerialPartitionMaxBytes(CpuModel{}) == 0);
}

// ---- Input already in order (presorted.hpp) ----

// Input in order is left as it is and input in reverse order reversed, so no input with one pair out
// of order may pass for either; and argsort, whose reversed indices would put equal keys out of index
// order, must sort descending input with one pair of equal keys, which sort may reverse. Each odd
// pair goes at both ends, around the end of the check's first probe, and inside; both directions.
template <class T>
void checkPresorted(ElementType type, const char* name) {
  Pools pools(kMaxThreads);
  std::vector<size_t> sizes = {2, 3, 256, 257, 258, 1000, 2 * Config::kMinPerThread + 3};
  if (!kSanitized) sizes.insert(sizes.end(), {4 * Config::kMinPerThread + 77, 3 * Config::kBlock + 5});
  for (size_t size : sizes) {
    // Distinct values in ascending order (fewer than `size` for 8-bit types).
    std::mt19937_64 rng(size);
    std::vector<T> ascending(size);
    for (T& x : ascending) x = randomValue<T>(rng);
    std::sort(ascending.begin(), ascending.end(), [](T x, T y) { return jsBefore(x, y, false); });
    ascending.erase(std::unique(ascending.begin(), ascending.end(), [](T x, T y) { return !jsBefore(x, y, false); }),
                    ascending.end());
    const size_t n = ascending.size();
    if (n < 2) continue;
    std::vector<T> descending(ascending.rbegin(), ascending.rend());

    std::vector<std::pair<std::string, std::vector<T>>> inputs = {{"ascending", ascending}, {"descending", descending}};
    for (size_t p : {size_t{0}, size_t{1}, size_t{255}, size_t{256}, size_t{257}, n / 4, n / 2, n - 2}) {
      if (p + 1 >= n) continue;
      std::vector<T> fall = ascending, equalRise = ascending, equalFall = descending;
      std::swap(fall[p], fall[p + 1]);
      equalRise[p + 1] = equalRise[p];  // still ascending
      equalFall[p + 1] = equalFall[p];  // no longer strictly descending
      const std::string at = " at " + std::to_string(p);
      inputs.insert(inputs.end(), {{"one fall" + at, fall}, {"one equal pair, ascending" + at, equalRise},
                                   {"one equal pair, descending" + at, equalFall}});
    }
    for (const auto& [inputName, input] : inputs) {
      for (bool desc : {false, true}) {
        const std::vector<T> expected = referenceSort(input, desc);
        const std::vector<uint32_t> expectedOrder = referenceArgsort(input, desc);
        for (unsigned threads = 1; threads <= kMaxThreads; ++threads) {
          if (sameSplit(n, threads)) continue;
          const auto where = [&] {
            std::ostringstream os;
            os << name << " n=" << n << " " << inputName << (desc ? " desc" : " asc") << " threads=" << threads;
            return os.str();
          };
          Guarded<T> array(input);
          sort({type, array.data(), n, Algorithm::Auto, desc}, pools.context(threads));
          const size_t bad = firstDifference(array, expected);
          CHECK(bad == n, where() << " index " << bad << ": got " << show(array[bad]) << ", expected " << show(expected[bad]));
          CHECK(array.redZonesIntact(), where());
          Guarded<T> keys(input);
          Guarded<uint32_t> order(std::vector<uint32_t>(n, 0xDEADBEEF));
          argsort({type, keys.data(), n, desc, order.data()}, pools.context(threads));
          const size_t badIndex = firstDifference(order, expectedOrder);
          CHECK(badIndex == n, where() << " argsort index " << badIndex << ": got " << order[badIndex] << ", expected "
                                       << expectedOrder[badIndex]);
          CHECK(order.redZonesIntact(), where());
        }
      }
    }
  }
}

TEST("sort: input in order, reversed, or out of order at one place") {
  checkPresorted<int8_t>(ElementType::Int8, "int8");
  checkPresorted<uint16_t>(ElementType::Uint16, "uint16");
  checkPresorted<int32_t>(ElementType::Int32, "int32");
  checkPresorted<float>(ElementType::Float32, "float32");
  checkPresorted<double>(ElementType::Float64, "float64");
  checkPresorted<int64_t>(ElementType::BigInt64, "bigint64");
}

// The check itself, its scan split over up to 4 threads from a few hundred pairs on: one odd step
// at every position of ordered keys (every position where the scan changes hands among them), in
// both directions and with either strictness of descent.
// reverseValues moves bytes a word at a time from both ends: every length around the word and the
// two-word step, and a long odd one, against std::reverse, for each element width.
template <class T>
void checkReverseValues() {
  std::vector<size_t> sizes;
  for (size_t n = 0; n <= 40; ++n) sizes.push_back(n);
  sizes.push_back(100003);
  for (size_t n : sizes) {
    std::vector<T> values(n);
    for (size_t i = 0; i < n; ++i) values[i] = static_cast<T>(i * 37 + 11);
    std::vector<T> expected(values.rbegin(), values.rend());
    Guarded<T> array(values);
    pk::sort::reverseValues(array.data(), n);
    CHECK(firstDifference(array, expected) == n, "sizeof " << sizeof(T) << " n=" << n);
    CHECK(array.redZonesIntact(), "sizeof " << sizeof(T) << " n=" << n);
  }
}

TEST("sort: reversing reversed input, every length around the word size") {
  checkReverseValues<uint8_t>();
  checkReverseValues<int16_t>();
  checkReverseValues<float>();
  checkReverseValues<double>();
}

TEST("sort: the presorted check finds one odd step anywhere, on 1 to 4 threads") {
  Pools pools(kMaxThreads);
  for (size_t n : {size_t{2}, size_t{3}, size_t{257}, size_t{258}, size_t{1000}, size_t{2500}}) {
    std::vector<double> ascending(n);
    for (size_t i = 0; i < n; ++i) ascending[i] = static_cast<double>(i) - 100.5;
    const std::vector<double> descending(ascending.rbegin(), ascending.rend());
    for (unsigned threads = 1; threads <= kMaxThreads; ++threads) {
      const pk::ExecContext ctx = pools.context(threads);
      const auto check = [&](const std::vector<double>& values, bool desc, bool strict, Presorted expected, const char* what,
                             size_t at) {
        const Presorted got = desc ? presortedOrder<double, true>(values.data(), n, strict, ctx, 64)
                                   : presortedOrder<double, false>(values.data(), n, strict, ctx, 64);
        CHECK(got == expected, "n=" << n << " threads=" << threads << " " << what << " at " << at << (desc ? " desc" : " asc")
                                    << (strict ? " strict" : "") << ": got " << static_cast<int>(got));
      };
      for (bool strict : {false, true}) {
        // In a descending sort the orders trade places.
        check(ascending, false, strict, Presorted::Ascending, "ascending", 0);
        check(descending, false, strict, Presorted::Descending, "descending", 0);
        check(descending, true, strict, Presorted::Ascending, "descending", 0);
        check(ascending, true, strict, Presorted::Descending, "ascending", 0);
        for (size_t p = 0; p + 1 < n; ++p) {
          std::vector<double> fall = ascending, rise = descending, equalUp = ascending, equalDown = descending;
          std::swap(fall[p], fall[p + 1]);
          std::swap(rise[p], rise[p + 1]);
          equalUp[p + 1] = equalUp[p];
          equalDown[p + 1] = equalDown[p];
          check(fall, false, strict, n == 2 ? Presorted::Descending : Presorted::No, "one fall", p);
          check(rise, false, strict, n == 2 ? Presorted::Ascending : Presorted::No, "one rise", p);
          check(equalUp, false, strict, Presorted::Ascending, "one equal pair, ascending", p);
          check(equalDown, false, strict, strict && n > 2 ? Presorted::No : n == 2 ? Presorted::Ascending : Presorted::Descending,
                "one equal pair, descending", p);
        }
      }
    }
  }
}

// The check leaves input in order as it is, so that even a NaN keeps its sign and payload (a sort
// through a key buffer writes the canonical quiet NaN back); in a descending sort NaN stays last, and
// so does -0 after +0.
TEST("sort: input already in order is left bit for bit as it is") {
  Pools pools(kMaxThreads);
  using L = std::numeric_limits<double>;
  const double payloadNaN = std::bit_cast<double>(uint64_t{0xFFF0000000000ABCu});
  const std::vector<double> ascending = {-L::infinity(), -1.0, -0.0, 0.0, L::denorm_min(), 1.0, payloadNaN, L::quiet_NaN()};
  const std::vector<double> descending = {L::max(), 2.0, 0.0, -0.0, -L::infinity(), payloadNaN, -L::quiet_NaN()};
  for (unsigned threads = 1; threads <= kMaxThreads; ++threads) {
    for (bool desc : {false, true}) {
      // Long enough to be checked on every thread: the values repeated in order, runs of equal keys.
      const std::vector<double>& pattern = desc ? descending : ascending;
      std::vector<double> input;
      for (double x : pattern) input.insert(input.end(), 4 * Config::kMinPerThread / pattern.size() + 1, x);
      Guarded<double> array(input);
      sort({ElementType::Float64, array.data(), input.size(), Algorithm::Auto, desc}, pools.context(threads));
      CHECK(array.sameBytesAs(input) && array.redZonesIntact(), "threads=" << threads << (desc ? " desc" : " asc"));
    }
  }
}

// ---- The key maps alone ----

// Keys must be strictly increasing along the reference order, except that every NaN shares the
// all-ones key; and mapping back must give the value again (NaN: the canonical quiet NaN).
template <class T>
void checkKeys(std::vector<T> values, const char* name) {
  for (bool descending : {false, true}) {
    std::sort(values.begin(), values.end(), [&](T x, T y) { return jsBefore(x, y, descending); });
    const auto key = [&](T x) { return descending ? toKey<T, true>(x) : toKey<T, false>(x); };
    const auto back = [&](KeyOf<T> k) { return descending ? fromKey<T, true>(k) : fromKey<T, false>(k); };
    for (size_t i = 0; i < values.size(); ++i) {
      const T x = values[i];
      if constexpr (std::is_floating_point_v<T>) {
        if (std::isnan(x)) {
          const uint64_t canonical = sizeof(T) == 4 ? 0x7FC00000u : 0x7FF8000000000000u;
          CHECK(key(x) == kAllOnes<T>, name << " " << show(x));
          CHECK(std::bit_cast<KeyOf<T>>(back(key(x))) == canonical, name << " " << show(back(key(x))));
          continue;
        }
        CHECK(key(x) != kAllOnes<T>, name << " " << show(x));
      }
      CHECK(std::bit_cast<KeyOf<T>>(back(key(x))) == std::bit_cast<KeyOf<T>>(x), name << " round trip of " << show(x));
      if (i > 0 && !sameValue(values[i - 1], x)) {
        CHECK(key(values[i - 1]) < key(x), name << (descending ? " desc " : " asc ") << show(values[i - 1]) << " vs " << show(x));
      }
    }
  }
}

// The in-place sort's keys (inPlaceKey) are toKey's for every value but NaN, and give back the bits
// they came from; a NaN's key lies above the key of every number, and gives back a NaN.
template <class T>
void checkInPlaceKeys(const std::vector<T>& values, const char* name) {
  for (bool descending : {false, true}) {
    const auto key = [&](KeyOf<T> bits) { return descending ? inPlaceKey<T, true>(bits) : inPlaceKey<T, false>(bits); };
    const auto back = [&](KeyOf<T> k) { return descending ? inPlaceBits<T, true>(k) : inPlaceBits<T, false>(k); };
    const auto sortKey = [&](T x) { return descending ? toKey<T, true>(x) : toKey<T, false>(x); };
    KeyOf<T> highest = 0;
    for (T x : values) {
      if (!std::isnan(x)) highest = std::max(highest, sortKey(x));
    }
    for (T x : values) {
      const KeyOf<T> bits = std::bit_cast<KeyOf<T>>(x);
      const std::string what = std::string(name) + (descending ? " desc " : " asc ") + show(x);
      if (std::isnan(x)) {
        CHECK(key(bits) > highest, what);
        CHECK(std::isnan(std::bit_cast<T>(back(key(bits)))), what << " gave back " << show(std::bit_cast<T>(back(key(bits)))));
      } else {
        CHECK(key(bits) == sortKey(x), what);
        CHECK(back(key(bits)) == bits, what << " round trip");
      }
    }
  }
}

template <class T>
std::vector<T> everyValue() {
  std::vector<T> values;
  for (uint32_t bits = 0; bits <= std::numeric_limits<KeyOf<T>>::max(); ++bits) values.push_back(std::bit_cast<T>(static_cast<KeyOf<T>>(bits)));
  return values;
}

template <class T>
std::vector<T> specialAndRandomValues() {
  std::vector<T> values = specialValues<T>();
  std::mt19937_64 rng(7);
  for (int i = 0; i < 100000; ++i) values.push_back(randomValue<T>(rng));
  return values;
}

TEST("sort keys: order-preserving and invertible") {
  checkKeys(everyValue<int8_t>(), "int8");
  checkKeys(everyValue<uint8_t>(), "uint8");
  checkKeys(everyValue<int16_t>(), "int16");
  checkKeys(everyValue<uint16_t>(), "uint16");
  checkKeys(specialAndRandomValues<int32_t>(), "int32");
  checkKeys(specialAndRandomValues<uint32_t>(), "uint32");
  checkKeys(specialAndRandomValues<float>(), "float32");
  checkKeys(specialAndRandomValues<double>(), "float64");
  checkKeys(specialAndRandomValues<int64_t>(), "bigint64");
  checkKeys(specialAndRandomValues<uint64_t>(), "biguint64");
  checkInPlaceKeys(specialAndRandomValues<int32_t>(), "int32");
  checkInPlaceKeys(specialAndRandomValues<uint32_t>(), "uint32");
  checkInPlaceKeys(specialAndRandomValues<float>(), "float32");
  checkInPlaceKeys(specialAndRandomValues<double>(), "float64");
  checkInPlaceKeys(specialAndRandomValues<int64_t>(), "bigint64");
  checkInPlaceKeys(specialAndRandomValues<uint64_t>(), "biguint64");
}

TEST("sort: element sizes and algorithm names") {
  const ElementType types[] = {ElementType::Int8,    ElementType::Uint8,    ElementType::Uint8Clamped, ElementType::Int16,
                               ElementType::Uint16,  ElementType::Int32,    ElementType::Uint32,       ElementType::Float32,
                               ElementType::Float64, ElementType::BigInt64, ElementType::BigUint64};
  const size_t sizes[] = {1, 1, 1, 2, 2, 4, 4, 4, 8, 8, 8};
  for (size_t i = 0; i < std::size(types); ++i) CHECK(elementSize(types[i]) == sizes[i], "type " << i);
  CHECK(std::string(algorithmName(Algorithm::Auto)) == "auto");
  CHECK(std::string(algorithmName(Algorithm::Merge)) == "merge");
  CHECK(std::string(algorithmName(Algorithm::Quick)) == "quick");
  CHECK(std::string(algorithmName(Algorithm::Radix)) == "radix");
}

// ---- The phases alone ----

// A key with a tag that the order ignores, to see stability.
struct Tagged {
  uint8_t key;
  uint32_t tag;
  bool operator==(const Tagged&) const = default;
};
constexpr auto kByKey = [](const Tagged& x, const Tagged& y) { return x.key < y.key; };

std::vector<Tagged> taggedKeys(size_t n, unsigned distinct, std::mt19937_64& rng) {
  std::vector<Tagged> values(n);
  for (size_t i = 0; i < n; ++i) values[i] = {static_cast<uint8_t>(rng() % distinct), static_cast<uint32_t>(i)};
  return values;
}

// Heapsort only runs when introsort's pivots fail, which no distribution above provokes.
TEST("sort base cases: insertion sort is stable, heapsort sorts") {
  std::mt19937_64 rng(3);
  const pk::ExecContext serial;
  for (size_t n : {0, 1, 2, 3, 16, 17, 100, 1000, 65537}) {
    std::vector<Tagged> values = taggedKeys(n, 7, rng);
    std::vector<Tagged> expected = values;
    std::stable_sort(expected.begin(), expected.end(), kByKey);
    if (n <= 1000) {
      std::vector<Tagged> sorted = values;
      insertionSort(sorted.data(), n, kByKey);
      CHECK(sorted == expected, "insertion sort n=" << n);
    }
    std::vector<Tagged> heap = values;
    heapSort(heap.data(), n, kByKey, serial);
    CHECK(std::equal(heap.begin(), heap.end(), expected.begin(), [](Tagged x, Tagged y) { return x.key == y.key; }),
          "heapsort n=" << n);
  }
}

// Any output position can start a slice: merging [0, k) and [k, n) separately must give the stable
// merge, for every k, including cuts inside runs of equal keys.
TEST("sort merge: slices cut anywhere by co-ranking give the stable merge") {
  std::mt19937_64 rng(5);
  for (size_t na : {0, 1, 2, 5, 13}) {
    for (size_t nb : {0, 1, 3, 8, 13}) {
      std::vector<Tagged> a = taggedKeys(na, 3, rng);
      std::vector<Tagged> b = taggedKeys(nb, 3, rng);
      for (Tagged& x : b) x.tag += 1000;
      std::sort(a.begin(), a.end(), [](Tagged x, Tagged y) { return x.key < y.key || (x.key == y.key && x.tag < y.tag); });
      std::sort(b.begin(), b.end(), [](Tagged x, Tagged y) { return x.key < y.key || (x.key == y.key && x.tag < y.tag); });
      std::vector<Tagged> expected = a;
      expected.insert(expected.end(), b.begin(), b.end());
      std::stable_sort(expected.begin(), expected.end(), kByKey);
      const auto mergeAll = [](const Tagged* x, size_t nx, const Tagged* y, size_t ny, Tagged* out) {
        merge(x, nx, y, ny, out, kByKey);
      };
      for (size_t k = 0; k <= na + nb; ++k) {
        std::vector<Tagged> out(na + nb);
        mergeSlice(a.data(), na, b.data(), nb, out.data(), 0, k, kByKey, mergeAll);
        mergeSlice(a.data(), na, b.data(), nb, out.data(), k, na + nb, kByKey, mergeAll);
        CHECK(out == expected, "na=" << na << " nb=" << nb << " cut at " << k);
      }
    }
  }
}

// ---- Cancellation ----

template <class T>
void checkPresetCancel(ElementType type, const char* name, Pools& pools) {
  std::atomic<bool> cancel{true};
  for (size_t n : {size_t{1}, size_t{100}, size_t{100003}}) {
    const std::vector<T> input = generate<T>(Dist::Uniform, n, n);
    for (unsigned threads : {1u, kMaxThreads}) {
      for (Algorithm algorithm : kAlgorithms) {
        Guarded<T> array(input);
        bool threw = false;
        try {
          sort({type, array.data(), n, algorithm, false}, pools.context(threads, &cancel));
        } catch (const pk::Cancelled&) {
          threw = true;
        }
        CHECK(threw && array.sameBytesAs(input), name << " sort n=" << n << " threads=" << threads);
      }
      Guarded<uint32_t> indices(std::vector<uint32_t>(n, 7));
      bool threw = false;
      try {
        argsort({type, input.data(), n, true, indices.data()}, pools.context(threads, &cancel));
      } catch (const pk::Cancelled&) {
        threw = true;
      }
      CHECK(threw && indices.sameBytesAs(std::vector<uint32_t>(n, 7)), name << " argsort n=" << n << " threads=" << threads);
    }
  }
}

TEST("sort: a call cancelled before it starts throws and leaves the data untouched") {
  Pools pools(kMaxThreads);
  checkPresetCancel<int8_t>(ElementType::Int8, "int8", pools);
  checkPresetCancel<int32_t>(ElementType::Int32, "int32", pools);
  checkPresetCancel<double>(ElementType::Float64, "float64", pools);
  checkPresetCancel<uint64_t>(ElementType::BigUint64, "biguint64", pools);
}

// Another thread sets the flag after a delay: the call either finishes sorted or throws with the data
// untouched. Which one happens depends on timing; with the shortest delay it is practically always a
// throw, which the last check relies on to show that polling happens mid-sort at all.
TEST("sort: cancelling mid-sort either finishes or leaves the data untouched") {
  Pools pools(kMaxThreads);
  const size_t n = kSanitized ? 1000000 : 10000000;
  const std::vector<double> input = generate<double>(Dist::Uniform, n, 1);
  std::vector<double> expected;  // the reference, computed only if some call finishes
  std::vector<uint32_t> expectedOrder;
  int cancelledCount = 0;
  for (int delayUs : {500, 20000, 200000}) {
    for (int call = 0; call < 3; ++call) {
      std::atomic<bool> cancel{false};
      std::thread canceller([&] {
        std::this_thread::sleep_for(std::chrono::microseconds(delayUs));
        cancel.store(true);
      });
      Guarded<double> array(input);
      Guarded<uint32_t> indices(std::vector<uint32_t>(n, 7));
      bool threw = false;
      try {
        if (call < 2) {
          sort({ElementType::Float64, array.data(), n, call == 0 ? Algorithm::Merge : Algorithm::Quick, false}, pools.context(2, &cancel));
        } else {
          argsort({ElementType::Float64, input.data(), n, false, indices.data()}, pools.context(2, &cancel));
        }
      } catch (const pk::Cancelled&) {
        threw = true;
      }
      canceller.join();
      cancelledCount += threw;
      if (threw) {
        CHECK(array.sameBytesAs(input) && indices.sameBytesAs(std::vector<uint32_t>(n, 7)), "call " << call << " delay " << delayUs << "us");
      } else if (call < 2) {
        if (expected.empty()) expected = referenceSort(input, false);
        CHECK(firstDifference(array, expected) == n, "call " << call << " delay " << delayUs << "us");
      } else {
        if (expectedOrder.empty()) expectedOrder = referenceArgsort(input, false);
        CHECK(firstDifference(indices, expectedOrder) == n, "argsort delay " << delayUs << "us");
      }
    }
  }
  CHECK(cancelledCount > 0, "no call was cancelled");
}

// ---- Running out of memory ----

// Each allocation of the call fails in turn (failing_allocator.hpp), on a uniform array several
// threads' worth long: the call either throws std::bad_alloc with the array untouched, or finishes
// with it sorted. With a context that can be cancelled the quicksort goes through a key buffer;
// without one it sorts in place, and a failure after its first level has begun writing must be
// absorbed (the rest sorted on the calling thread), which the last check requires to have happened
// at least once, so that this test reaches that recovery at all. Three threads: the fewest that split
// the first partition at this size on every CPU (twoThreadSerialPartitionMaxBytes), whose bookkeeping is the one allocation in place that
// comes before any write, so a failure there must reach the caller.
template <class T>
void checkAllocationFailures(ElementType type, const char* name, Pools& pools) {
  const size_t n = 8 * Config::kMinPerThread + 3;
  const std::vector<T> input = generate<T>(Dist::Uniform, n, 5);
  const std::vector<T> expected = referenceSort(input, false);
  std::atomic<bool> neverSet{false};
  for (bool cancellable : {false, true}) {
    int threw = 0, absorbed = 0;
    for (long k = 0;; ++k) {
      Guarded<T> array(input);
      bool caught = false;
      pk::test::failAllocationAfter(k);
      try {
        sort({type, array.data(), n, Algorithm::Quick, false}, pools.context(3, cancellable ? &neverSet : nullptr));
      } catch (const std::bad_alloc&) {
        caught = true;
      }
      const bool failed = pk::test::allocationFailed();
      pk::test::failAllocationAfter(-1);
      const std::string what = std::string(name) + (cancellable ? " cancellable" : " in place") + " allocation " + std::to_string(k);
      CHECK(array.redZonesIntact(), what);
      if (caught) {
        ++threw;
        CHECK(array.sameBytesAs(input), what << ": threw, but changed the array");
        continue;
      }
      CHECK(firstDifference(array, expected) == n, what << ": returned, but not sorted");
      if (!failed) break;  // past the call's last allocation
      ++absorbed;
    }
    CHECK(threw > 0, name << " no allocation failure reached the caller");
    CHECK(cancellable || absorbed > 0, name << " in place: no failure reached the recovery");
  }
}

TEST("sort: when memory runs out mid-call, the array is untouched or sorted") {
  Pools pools(3);
  checkAllocationFailures<double>(ElementType::Float64, "float64", pools);
  checkAllocationFailures<int32_t>(ElementType::Int32, "int32", pools);
}

}  // namespace
