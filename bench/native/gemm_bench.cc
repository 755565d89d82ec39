// The native GEMM benchmark: GFLOP/s (2·m·n·k / time) of pk::gemm::gemm and, side by side in the same
// run, OpenBLAS (Debian libopenblas-dev, cblas) and Eigen (Debian libeigen3-dev), with our ratio to
// each, for f32 and f64 on 1 and 2 threads. Our kernels run the path of the process's SIMD target
// (lowered with PARALLEL_KERNELS_SIMD); OpenBLAS picks its own kernels (OPENBLAS_CORETYPE forces
// one) and says which; Eigen is compiled for this machine (gemm_bench_eigen.cc).
//
//   gemm_bench [--quick] [--type f32,f64] [--threads 1,2] [--size 64,256,4096x256x4096]
//
// Each figure is the median of at least 5 samples after a warm-up; a sample repeats the multiply
// until it has run for 50 ms or more. The libraries take turns within each round of samples, so a
// slow spell of the (shared, virtual) machine hits them alike; on more than one thread each sample
// starts after a pause, because OpenBLAS's and OpenMP's idle threads spin for a while after a call
// and would otherwise take the cores from the next library's threads.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "cpu/simd_target.hpp"
#include "kernels/gemm/gemm.hpp"
#include "kernels/gemm/gemm_kernels.hpp"
#include "pool/thread_pool.hpp"

#include <cblas.h>

#if PK_BENCH_HAVE_EIGEN
#include "gemm_bench_eigen.hpp"
#endif

extern "C" char* openblas_get_corename(void);
extern "C" char* openblas_get_config(void);
extern "C" void openblas_set_num_threads(int);

namespace {

struct Shape {
  size_t m, n, k;
};

struct Options {
  std::vector<std::string> types{"f32", "f64"};
  std::vector<unsigned> threads{1, 2};
  // Squares, then the two skinny shapes: a short inner dimension (k = 256) and a narrow C (n = 256).
  std::vector<Shape> shapes{{64, 64, 64},         {128, 128, 128},    {256, 256, 256},    {512, 512, 512},
                            {1024, 1024, 1024},   {2048, 2048, 2048}, {4096, 4096, 4096}, {4096, 4096, 256},
                            {4096, 256, 4096}};
};

constexpr int kSamples = 5;
constexpr double kMinSampleSeconds = 0.05;

// The median GFLOP/s of each runner, the runners taking turns within each round of samples.
std::vector<double> measure(const Shape& s, unsigned threads, const std::vector<std::function<void()>>& runners) {
  const auto settle = [threads] {
    if (threads > 1) std::this_thread::sleep_for(std::chrono::milliseconds(150));
  };
  const double flops = 2.0 * double(s.m) * double(s.n) * double(s.k);
  std::vector<size_t> reps(runners.size(), 1);
  // Warm-up, which also sizes each runner's repetitions for a sample.
  for (size_t r = 0; r < runners.size(); ++r) {
    settle();
    const auto start = std::chrono::steady_clock::now();
    runners[r]();
    const double once = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    reps[r] = std::max<size_t>(1, size_t(kMinSampleSeconds / std::max(once, 1e-9)));
  }
  std::vector<std::vector<double>> samples(runners.size());
  for (int round = 0; round < kSamples; ++round) {
    for (size_t r = 0; r < runners.size(); ++r) {
      settle();
      const auto start = std::chrono::steady_clock::now();
      for (size_t i = 0; i < reps[r]; ++i) runners[r]();
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      samples[r].push_back(flops * double(reps[r]) / seconds * 1e-9);
    }
  }
  std::vector<double> medians;
  for (auto& v : samples) {
    std::sort(v.begin(), v.end());
    medians.push_back(v[v.size() / 2]);
  }
  return medians;
}

template <typename T>
void blasGemm(const Shape& s, const T* a, const T* b, T* c) {
  const int m = int(s.m), n = int(s.n), k = int(s.k);
  if constexpr (sizeof(T) == 4) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f, a, k, b, n, 0.0f, c, n);
  } else {
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0, a, k, b, n, 0.0, c, n);
  }
}

// Largest relative difference between two results, to show that every library computed the same thing.
template <typename T>
double maxRelativeDifference(const std::vector<T>& x, const std::vector<T>& y) {
  double worst = 0, scale = 0;
  for (size_t i = 0; i < x.size(); ++i) scale = std::max(scale, std::abs(double(y[i])));
  for (size_t i = 0; i < x.size(); ++i) worst = std::max(worst, std::abs(double(x[i]) - double(y[i])));
  return scale > 0 ? worst / scale : worst;
}

template <typename T>
void benchType(const char* type, const Options& options) {
  const auto& kernel = pk::gemm::kernelOf<T>(pk::gemm::gemmKernels());
  const auto& bs = kernel.blocks;
  std::printf("\n%s: ours = %s %zux%zu (MC %zu, KC %zu, NC %zu)\n", type, kernel.name, bs.mr, bs.nr, bs.mc, bs.kc,
              bs.nc);
  std::printf("%-15s %7s %9s %9s %9s %9s %9s\n", "m x n x k", "threads", "ours", "OpenBLAS", "ratio",
#if PK_BENCH_HAVE_EIGEN
              "Eigen", "ratio"
#else
              "", ""
#endif
  );
  for (unsigned threads : options.threads) {
    pk::ThreadPool pool(threads);
    openblas_set_num_threads(int(threads));
#if PK_BENCH_HAVE_EIGEN
    pk::bench::eigenSetThreads(int(threads));
#endif
    for (const Shape& s : options.shapes) {
      std::mt19937 rng(1);
      std::uniform_real_distribution<double> uniform(-1, 1);
      std::vector<T> a(s.m * s.k), b(s.k * s.n), ours(s.m * s.n), blas(s.m * s.n), eigen(s.m * s.n);
      for (T& x : a) x = T(uniform(rng));
      for (T& x : b) x = T(uniform(rng));
      pk::gemm::GemmJob<T> job;
      job.m = s.m, job.n = s.n, job.k = s.k, job.a = a.data(), job.b = b.data(), job.c = ours.data();
      std::vector<std::function<void()>> runners{
          [&] { pk::gemm::gemm(job, pool.context(threads)); },
          [&] { blasGemm(s, a.data(), b.data(), blas.data()); },
      };
#if PK_BENCH_HAVE_EIGEN
      runners.push_back([&] { pk::bench::eigenGemm(s.m, s.n, s.k, a.data(), b.data(), eigen.data()); });
#endif
      const std::vector<double> g = measure(s, threads, runners);
      char name[48];
      std::snprintf(name, sizeof name, "%zux%zux%zu", s.m, s.n, s.k);
      std::printf("%-15s %7u %9.1f %9.1f %8.2fx", name, threads, g[0], g[1], g[0] / g[1]);
#if PK_BENCH_HAVE_EIGEN
      std::printf(" %9.1f %8.2fx", g[2], g[0] / g[2]);
#endif
      const double diff = maxRelativeDifference(ours, blas);
      if (diff > (sizeof(T) == 4 ? 1e-3 : 1e-10)) std::printf("   (ours differs from OpenBLAS by %.2g)", diff);
      std::printf("\n");
      std::fflush(stdout);
    }
  }
}

std::vector<std::string> splitList(const char* list) {
  std::vector<std::string> parts;
  std::string current;
  for (const char* p = list;; ++p) {
    if (*p == ',' || *p == '\0') {
      if (!current.empty()) parts.push_back(current);
      current.clear();
      if (*p == '\0') break;
    } else {
      current += *p;
    }
  }
  return parts;
}

Shape parseShape(const std::string& text) {
  // "n" (square) or "m x n x k" written "MxNxK".
  size_t m = 0, n = 0, k = 0;
  if (std::sscanf(text.c_str(), "%zux%zux%zu", &m, &n, &k) == 3) return {m, n, k};
  m = std::strtoull(text.c_str(), nullptr, 10);
  return {m, m, m};
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const char* value = i + 1 < argc ? argv[i + 1] : "";
    if (arg == "--quick") {
      options.shapes = {{64, 64, 64}, {256, 256, 256}, {1024, 1024, 1024}, {4096, 4096, 256}};
    } else if (arg == "--type") {
      options.types = splitList(value), ++i;
    } else if (arg == "--threads") {
      options.threads.clear();
      for (const auto& t : splitList(value)) options.threads.push_back(unsigned(std::stoul(t)));
      ++i;
    } else if (arg == "--size") {
      options.shapes.clear();
      for (const auto& t : splitList(value)) options.shapes.push_back(parseShape(t));
      ++i;
    } else {
      std::fprintf(stderr, "usage: gemm_bench [--quick] [--type f32,f64] [--threads 1,2] [--size 64,4096x256x4096]\n");
      return 2;
    }
  }
  const char* coretype = std::getenv("OPENBLAS_CORETYPE");
  std::printf("ours: SIMD path %s (detected %s)\n", pk::cpu::simdTargetName(pk::cpu::simdTarget()),
              pk::cpu::simdTargetName(pk::cpu::detectedSimdTarget()));
  std::printf("OpenBLAS: core %s (OPENBLAS_CORETYPE %s), %s\n", openblas_get_corename(), coretype ? coretype : "unset",
              openblas_get_config());
#if PK_BENCH_HAVE_EIGEN
  std::printf("Eigen: %s\n", pk::bench::eigenDescription());
#else
  std::printf("Eigen: not built (install Debian's libeigen3-dev)\n");
#endif
  std::printf("GFLOP/s = 2·m·n·k / time, median of %d samples after a warm-up; ratio = ours / theirs\n", kSamples);
  for (const std::string& type : options.types) {
    if (type == "f32") {
      benchType<float>("f32", options);
    } else if (type == "f64") {
      benchType<double>("f64", options);
    } else {
      std::fprintf(stderr, "unknown type %s (f32, f64)\n", type.c_str());
      return 2;
    }
  }
  return 0;
}
