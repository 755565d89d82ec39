// The native sort benchmark: M elements/s of pk::sort::sort (every algorithm) and, side by
// side in the same run, std::sort, std::stable_sort, tbb::parallel_sort (Debian libtbb-dev) and
// Highway's vqsort (Debian libhwy-dev, libhwy_contrib), with the ratios of `auto` to std::sort and of
// `quick` and `auto` to vqsort on one thread. A library that is not installed is named and left out.
//
//   sort_bench [--quick] [--type f64,i32,...] [--size 1e6,...] [--threads 1,2] [--no-dists]
//
// Every figure is the median of several runs over the same data (fewer for larger sizes), each run
// sorting a fresh copy and checked against std::sort's result; uniform random data, then the
// distributions of the tests at 1e6.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "cpu/simd_target.hpp"
#include "kernels/sort/sort.hpp"
#include "pool/thread_pool.hpp"

#if PK_BENCH_HAVE_TBB
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/parallel_sort.h>
#endif
#if PK_BENCH_HAVE_HWY
#include <hwy/contrib/sort/vqsort.h>
#endif

namespace {

using pk::sort::Algorithm;
using pk::sort::ElementType;

struct Options {
  std::vector<std::string> types{"f64", "f32", "i32", "u32", "i64", "i16", "u8"};
  std::vector<size_t> sizes{100000, 1000000, 10000000};
  std::vector<unsigned> threads{1, 2};
  bool dists = true;
};

template <class T>
T uniformValue(std::mt19937_64& rng) {
  if constexpr (std::is_floating_point_v<T>) {
    return static_cast<T>(std::uniform_real_distribution<double>(-1e6, 1e6)(rng));
  } else {
    return static_cast<T>(rng());
  }
}

// The distributions of the tests: uniform, sorted, reversed, all equal, few distinct, skewed (half the
// keys one value), organ pipe, sawtooth, and the median-of-three killer.
template <class T>
std::vector<T> makeData(const std::string& dist, size_t n) {
  std::mt19937_64 rng(42);
  std::vector<T> v(n);
  for (auto& x : v) x = uniformValue<T>(rng);
  if (dist == "sorted") std::sort(v.begin(), v.end());
  if (dist == "reversed") std::sort(v.begin(), v.end(), std::greater<T>());
  if (dist == "equal") std::fill(v.begin(), v.end(), v[0]);
  if (dist == "few") for (auto& x : v) x = static_cast<T>(rng() % 16);
  if (dist == "skewed") for (auto& x : v) x = rng() % 2 ? v[0] : x;
  if (dist == "organpipe") for (size_t i = 0; i < n; ++i) v[i] = static_cast<T>(std::min(i, n - 1 - i) % 100000);
  if (dist == "sawtooth") for (size_t i = 0; i < n; ++i) v[i] = static_cast<T>(i % 1000);
  if (dist == "m3killer") {
    // Musser's median-of-3 killer sequence, in values 0..n-1 folded into T's range.
    const size_t k = n / 2;
    for (size_t i = 0; i < k; ++i) {
      v[i] = static_cast<T>((i % 2 ? k + i : i + 1) % 30000);
      v[k + i] = static_cast<T>((2 * (i + 1)) % 30000);
    }
  }
  return v;
}

// The median M elements/s of runs of sorter, each on a fresh copy of data (fewer runs for larger
// sizes, always an odd number). Every run's result must equal `expected` (std::sort's), or the program
// stops: a fast wrong sort must not show up as a win.
template <class T>
double measure(const std::vector<T>& data, const std::vector<T>& expected, const char* label,
               const std::function<void(T*, size_t)>& sorter) {
  const size_t n = data.size();
  const int runs = n >= 10000000 ? 3 : n >= 1000000 ? 7 : 21;
  std::vector<T> work(n);
  std::vector<double> rates;
  for (int r = 0; r < runs; ++r) {
    std::copy(data.begin(), data.end(), work.begin());
    const auto start = std::chrono::steady_clock::now();
    sorter(work.data(), n);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (work != expected) {
      std::fprintf(stderr, "\n%s: wrong result at n = %zu\n", label, n);
      std::exit(1);
    }
    rates.push_back(n / seconds / 1e6);
  }
  std::nth_element(rates.begin(), rates.begin() + runs / 2, rates.end());
  return rates[runs / 2];
}

template <class T>
ElementType elementTypeOf() {
  if constexpr (std::is_same_v<T, double>) return ElementType::Float64;
  if constexpr (std::is_same_v<T, float>) return ElementType::Float32;
  if constexpr (std::is_same_v<T, int32_t>) return ElementType::Int32;
  if constexpr (std::is_same_v<T, uint32_t>) return ElementType::Uint32;
  if constexpr (std::is_same_v<T, int64_t>) return ElementType::BigInt64;
  if constexpr (std::is_same_v<T, int16_t>) return ElementType::Int16;
  if constexpr (std::is_same_v<T, uint8_t>) return ElementType::Uint8;
}

template <class T>
void benchOne(const char* name, const std::string& dist, size_t n, unsigned threads, pk::ThreadPool& pool) {
  const std::vector<T> data = makeData<T>(dist, n);
  const pk::ExecContext ctx = pool.context(threads);
  std::vector<T> expected = data;
  std::sort(expected.begin(), expected.end());
  const auto ours = [&](Algorithm algorithm) {
    return measure<T>(data, expected, pk::sort::algorithmName(algorithm),
                      [&](T* a, size_t len) { pk::sort::sort({elementTypeOf<T>(), a, len, algorithm, false}, ctx); });
  };
  // In a fixed order (function arguments would be evaluated in any).
  const double autoRate = ours(Algorithm::Auto), quick = ours(Algorithm::Quick), merge = ours(Algorithm::Merge),
               radix = ours(Algorithm::Radix);
  const double std = measure<T>(data, expected, "std::sort", [](T* a, size_t len) { std::sort(a, a + len); });
  std::printf("%-4s %-9s %9zu %2u | auto %6.1f  quick %6.1f  merge %6.1f  radix %6.1f | std::sort %6.1f", name,
              dist.c_str(), n, threads, autoRate, quick, merge, radix, std);
  if (dist == "uniform") {
    std::printf("  stable_sort %6.1f", measure<T>(data, expected, "std::stable_sort", [](T* a, size_t len) { std::stable_sort(a, a + len); }));
  }
#if PK_BENCH_HAVE_TBB
  {
    oneapi::tbb::global_control limit(oneapi::tbb::global_control::max_allowed_parallelism, threads);
    std::printf("  tbb %6.1f", measure<T>(data, expected, "tbb::parallel_sort", [](T* a, size_t len) { oneapi::tbb::parallel_sort(a, a + len); }));
  }
#endif
  std::printf(" | auto/std::sort %5.1fx", autoRate / std);
#if PK_BENCH_HAVE_HWY
  if constexpr (sizeof(T) >= 2) {
    static const hwy::Sorter sorter;
    const double vqsort = measure<T>(data, expected, "vqsort", [](T* a, size_t len) { sorter(a, len, hwy::SortAscending()); });
    std::printf("  vqsort(1t) %6.1f  quick/vqsort %5.2fx  auto/vqsort %5.2fx", vqsort, quick / vqsort, autoRate / vqsort);
  }
#endif
  std::printf("\n");
  std::fflush(stdout);
}

void benchType(const std::string& type, const std::string& dist, size_t n, unsigned threads, pk::ThreadPool& pool) {
  if (type == "f64") benchOne<double>("f64", dist, n, threads, pool);
  if (type == "f32") benchOne<float>("f32", dist, n, threads, pool);
  if (type == "i32") benchOne<int32_t>("i32", dist, n, threads, pool);
  if (type == "u32") benchOne<uint32_t>("u32", dist, n, threads, pool);
  if (type == "i64") benchOne<int64_t>("i64", dist, n, threads, pool);
  if (type == "i16") benchOne<int16_t>("i16", dist, n, threads, pool);
  if (type == "u8") benchOne<uint8_t>("u8", dist, n, threads, pool);
}

template <class T, class Parse>
std::vector<T> parseList(const char* text, Parse parse) {
  std::vector<T> out;
  std::string s(text);
  for (size_t start = 0; start <= s.size();) {
    const size_t comma = std::min(s.find(',', start), s.size());
    out.push_back(parse(s.substr(start, comma - start)));
    start = comma + 1;
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const char* value = i + 1 < argc ? argv[i + 1] : "";
    if (arg == "--quick") {
      options.sizes = {1000000};
    } else if (arg == "--no-dists") {
      options.dists = false;
    } else if (arg == "--type") {
      options.types = parseList<std::string>(value, [](const std::string& s) { return s; }), ++i;
    } else if (arg == "--size") {
      options.sizes = parseList<size_t>(value, [](const std::string& s) { return static_cast<size_t>(std::stod(s)); }), ++i;
    } else if (arg == "--threads") {
      options.threads = parseList<unsigned>(value, [](const std::string& s) { return static_cast<unsigned>(std::stoul(s)); }), ++i;
    } else {
      std::fprintf(stderr, "unknown argument %s\n", arg.c_str());
      return 2;
    }
  }
  std::printf("M elements/s, medians of 21 runs below 1e6 elements, 7 below 1e7, 3 from 1e7, each run checked; simd path %s\n", pk::cpu::simdTargetName(pk::cpu::simdTarget()));
#if !PK_BENCH_HAVE_TBB
  std::printf("tbb::parallel_sort left out: install Debian's libtbb-dev\n");
#endif
#if !PK_BENCH_HAVE_HWY
  std::printf("vqsort left out: install Debian's libhwy-dev\n");
#endif
  unsigned maxThreads = 1;
  for (unsigned t : options.threads) maxThreads = std::max(maxThreads, t);
  pk::ThreadPool pool(maxThreads);
  for (const auto& type : options.types) {
    for (size_t n : options.sizes) {
      for (unsigned t : options.threads) benchType(type, "uniform", n, t, pool);
    }
  }
  if (!options.dists) return 0;
  for (const char* dist : {"sorted", "reversed", "equal", "few", "skewed", "organpipe", "sawtooth", "m3killer"}) {
    for (const auto& type : options.types) {
      for (unsigned t : options.threads) benchType(type, dist, 1000000, t, pool);
    }
  }
  return 0;
}
