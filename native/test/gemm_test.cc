// GEMM against a naive double or long double reference, on every SIMD path this CPU can run (each
// path's table called directly, whatever PARALLEL_KERNELS_SIMD says): the micro-kernels alone on
// every edge tile, then whole multiplies on shapes that straddle each path's block sizes, all
// transposes, alpha and beta special cases, 1 to 3 threads on a real pool, float and double, and
// cancellation.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "cpu/simd_target.hpp"
#include "kernels/gemm/block_sizes.hpp"
#include "kernels/gemm/gemm.hpp"
#include "kernels/gemm/gemm_kernels.hpp"
#include "pool/thread_pool.hpp"
#include "test.hpp"

using pk::ExecContext;
using pk::ThreadPool;
using pk::gemm::GemmJob;
using pk::cpu::SimdTarget;
using pk::gemm::GemmKernelTable;

namespace {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kSanitizedBuild = true;
#else
constexpr bool kSanitizedBuild = false;
#endif
// Under a sanitizer (10 to 30 times slower) or an emulator (scripts/native-tests.mjs --arch=arm64
// sets PK_NATIVE_TESTS_EMULATED under qemu, 20 to 50 times slower): fewer and smaller large cases.
const bool kEmulated = std::getenv("PK_NATIVE_TESTS_EMULATED") != nullptr;
const bool kSanitized = kSanitizedBuild || kEmulated;

// One pool per thread count, shared by the tests (a pool per call would test thread start-up instead).
// Call it from the test's own thread only.
ThreadPool& poolOf(unsigned threads) {
  static std::unique_ptr<ThreadPool> pools[4];
  if (!pools[threads]) pools[threads] = std::make_unique<ThreadPool>(threads);
  return *pools[threads];
}

// Every target at or below what the CPU supports.
std::vector<SimdTarget> runnableTargets() {
  std::vector<SimdTarget> targets{SimdTarget::Baseline};
  if (pk::cpu::detectedSimdTarget() >= SimdTarget::Avx2) targets.push_back(SimdTarget::Avx2);
  if (pk::cpu::detectedSimdTarget() >= SimdTarget::Avx512) targets.push_back(SimdTarget::Avx512);
  return targets;
}

struct Shape {
  size_t m, n, k;
};

// A problem's inputs, and C as it was before the call.
template <typename T>
struct Problem {
  Shape shape;
  bool transA = false, transB = false;
  T alpha = 1, beta = 0;
  std::vector<T> a, b, cBefore;

  Problem(Shape s, bool tA, bool tB, T al, T be, uint64_t seed)
      : shape(s), transA(tA), transB(tB), alpha(al), beta(be) {
    std::mt19937 rng(seed);
    auto uniform = [&] { return int32_t(rng()) * 0x1p-31; };  // in [-1, 1), and cheap
    a.resize(s.m * s.k);
    b.resize(s.k * s.n);
    cBefore.resize(s.m * s.n);
    for (T& x : a) x = T(uniform());
    for (T& x : b) x = T(uniform());
    // With beta == 0 C must not be read: NaN there would show in any result that read it.
    for (T& x : cBefore) x = beta == T(0) ? std::numeric_limits<T>::quiet_NaN() : T(uniform());
  }

  GemmJob<T> job(T* c, const GemmKernelTable* kernels = nullptr) const {
    GemmJob<T> j;
    j.kernels = kernels;
    j.m = shape.m, j.n = shape.n, j.k = shape.k;
    j.a = a.data(), j.b = b.data(), j.c = c;
    j.transA = transA, j.transB = transB;
    j.alpha = alpha, j.beta = beta;
    return j;
  }
  T opA(size_t i, size_t p) const { return transA ? a[p * shape.m + i] : a[i * shape.k + p]; }
  T opB(size_t p, size_t j) const { return transB ? b[j * shape.k + p] : b[p * shape.n + j]; }
};

template <typename T>
const char* typeName() {
  return sizeof(T) == 4 ? "f32" : "f64";
}

// Products of two floats are exact in double, so double is reference enough for f32; f64 needs long double.
template <typename T>
using Wide = std::conditional_t<std::is_same_v<T, float>, double, long double>;

// Checks C against a higher-precision reference. The bound is the worst case of a sum of k products in T,
// (k + 4)·eps·(|alpha|·Σ|a·b| + |beta·c|), so a failure is a real bug, not bad luck with rounding.
// Large results are checked on a sample of whole rows and whole columns (every thread's share and
// every block edge still cross them); returns the number of bad entries.
template <typename T>
size_t countWrong(const Problem<T>& pr, const std::vector<T>& c, const char* what) {
  const auto [m, n, k] = pr.shape;
  const bool sample = double(m) * double(n) * double(k) > (kEmulated ? 1e6 : 4e7);
  std::vector<bool> rowChecked(m, !sample), colChecked(n, !sample);
  if (sample) {
    std::mt19937_64 rng(m * 31 + n);
    for (int s = 0; s < 16; ++s) rowChecked[rng() % m] = colChecked[rng() % n] = true;
    rowChecked[0] = rowChecked[m - 1] = colChecked[0] = colChecked[n - 1] = true;
  }
  // Rows of op(A) and columns of op(B), each contiguous, so every reference dot product streams.
  std::vector<T> rowsA(m * k), colsB(n * k);
  for (size_t p = 0; p < k; ++p) {
    for (size_t i = 0; i < m; ++i) rowsA[i * k + p] = pr.opA(i, p);
    for (size_t j = 0; j < n; ++j) colsB[j * k + p] = pr.opB(p, j);
  }
  const Wide<T> eps = std::numeric_limits<T>::epsilon();
  size_t wrong = 0;
  for (size_t i = 0; i < m; ++i) {
    for (size_t j = 0; j < n; ++j) {
      if (!rowChecked[i] && !colChecked[j]) continue;
      Wide<T> sum = 0, magnitude = 0;
      for (size_t p = 0; p < k; ++p) {
        const Wide<T> product = Wide<T>(rowsA[i * k + p]) * colsB[j * k + p];
        sum += product;
        magnitude += std::fabs(product);
      }
      const Wide<T> before = pr.beta == T(0) ? 0 : Wide<T>(pr.beta) * pr.cBefore[i * n + j];
      const Wide<T> expected = pr.alpha * sum + before;
      const Wide<T> bound = (k + 4) * eps * (std::fabs(Wide<T>(pr.alpha)) * magnitude + std::fabs(before));
      const Wide<T> got = c[i * n + j];
      if (!(std::fabs(got - expected) <= bound)) {  // also catches NaN
        if (++wrong <= 3) {
          CHECK(false, what << " " << typeName<T>() << " " << m << "x" << n << "x" << k << " tA " << pr.transA << " tB "
                            << pr.transB << " alpha " << pr.alpha << " beta " << pr.beta << ": C[" << i << "," << j
                            << "] = " << (double)got << ", expected " << (double)expected << " ± " << (double)bound);
        }
      }
    }
  }
  return wrong;
}

template <typename T>
std::vector<T> multiply(const Problem<T>& pr, const ExecContext& ctx, bool preserve = false,
                        const GemmKernelTable* kernels = nullptr) {
  std::vector<T> c = pr.cBefore;
  GemmJob<T> job = pr.job(c.data(), kernels);
  job.preserveCOnCancel = preserve;
  pk::gemm::gemm(job, ctx);
  return c;
}

// Every transpose combination with every (alpha, beta) pair, when cheap; larger shapes rotate through
// the pairs so each is still met by shapes of every kind.
template <typename T>
void checkShapes(const std::vector<Shape>& shapes, SimdTarget target) {
  const GemmKernelTable& kernels = pk::gemm::gemmKernelsFor(target);
  const T alphas[] = {1, T(-0.5), 0};
  const T betas[] = {0, 1, T(2.5)};
  size_t rotation = 0;
  for (const Shape& s : shapes) {
    // Emulated, f64's long double reference is software arithmetic: fewer full sweeps there.
    const bool cheap = double(s.m) * double(s.n) * double(s.k) <= (kEmulated ? 2e4 : 2e5);
    for (int trans = 0; trans < 4; ++trans) {
      // Sanitizers look for bad accesses and races, which neither-transposed and both-transposed
      // already reach in every packing routine: the mixed cases only cost time there.
      if (kSanitized && !cheap && (trans == 1 || trans == 2)) continue;
      for (int ab = 0; ab < 9; ++ab) {
        if (!cheap && ab != int(rotation % 9)) continue;
        // A new problem per thread count: a buffer left over from the previous run cannot pass for
        // a freshly packed one.
        for (unsigned threads : {1u, 2u, 3u}) {
          if (kEmulated && threads == 3) continue;  // the split logic is the same on every architecture
          Problem<T> pr(s, trans & 1, trans & 2, alphas[ab / 3], betas[ab % 3], rotation * 16 + ab + threads);
          const std::vector<T> c =
              multiply(pr, poolOf(threads).context(threads), /*preserve=*/rotation % 2 == 1, &kernels);
          const std::string what = std::string(pk::cpu::simdTargetName(target)) + ", " + std::to_string(threads) +
                                   (threads == 1 ? " thread" : " threads");
          countWrong(pr, c, what.c_str());
        }
      }
      ++rotation;
    }
  }
}

// One micro-kernel call per (mr, nr) from 1 to MR and NR, k around 0, 1 and a few, with A packed
// (column-major, lda = MR and a wider lda), row-major (whole tiles only), and for the edge kernel
// packed (mr from 1 to its rows) and row-major (all its rows); B packed, and for whole slivers also
// read in place from a wider matrix (ldb > NR); against the definition,
// in a C with a border of sentinels that must come back untouched; beta 0 over a C of NaN.
template <typename T>
void checkMicroKernel(SimdTarget target) {
  const pk::gemm::GemmKernel<T>& kernel = pk::gemm::kernelOf<T>(pk::gemm::gemmKernelsFor(target));
  const size_t MR = kernel.blocks.mr, NR = kernel.blocks.nr;
  std::mt19937 rng(unsigned(MR * 100 + NR));
  auto uniform = [&] { return T(int32_t(rng()) * 0x1p-31); };
  const T sentinel = T(12345.5);
  for (size_t k : {0, 1, 3, 17}) {
    // A and B as the kernel reads them; padded B columns past nr hold garbage the kernel must ignore
    // for C (they only feed discarded accumulators).
    const size_t lda = MR + 3;
    std::vector<T> aCol(k * lda), aRow(MR * (k + 2)), bPacked(k * NR + 64), bWide(k * (NR + 3));
    for (T& x : aCol) x = uniform();
    for (T& x : aRow) x = uniform();
    for (T& x : bWide) x = uniform();
    // Aligned like a panel's sliver.
    T* bSliver = bPacked.data();
    while (reinterpret_cast<uintptr_t>(bSliver) % std::min<size_t>(64, NR * sizeof(T)) != 0) ++bSliver;
    for (size_t i = 0; i < k * NR; ++i) bSliver[i] = uniform();
    // Layouts: 0 A packed, 1 A row-major, 2 A packed for the edge kernel (blocks.mrEdge rows),
    // 3 A row-major for the edge kernel.
    for (int layout = 0; layout < 4; ++layout) {
      const bool rowMajor = layout == 1 || layout == 3, edge = layout >= 2;
      const size_t rowsOfKernel = edge ? kernel.blocks.mrEdge : MR;
      if (rowsOfKernel == 0) continue;
      for (size_t mr = rowMajor ? rowsOfKernel : 1; mr <= rowsOfKernel; ++mr) {
        for (size_t nr = 1; nr <= NR; ++nr) {
          for (int bLayout = 0; bLayout < (nr == NR ? 2 : 1); ++bLayout) {
            const T* b = bLayout == 0 ? bSliver : bWide.data();
            const size_t ldb = bLayout == 0 ? NR : NR + 3;
            for (T beta : {T(0), T(1), T(-1.5)}) {
              const T alpha = T(0.75);
              const size_t ldc = NR + 5, rows = MR + 2;
              std::vector<T> c(rows * ldc, sentinel);
              T* tile = c.data() + ldc + 1;  // one row and one column of sentinels before the tile
              for (size_t i = 0; i < mr; ++i) {
                for (size_t j = 0; j < nr; ++j) {
                  tile[i * ldc + j] = beta == T(0) ? std::numeric_limits<T>::quiet_NaN() : uniform();
                }
              }
              const std::vector<T> before = c;
              if (rowMajor && edge) {
                kernel.runEdgeRowMajorA(k, aRow.data(), k + 2, b, ldb, tile, ldc, alpha, beta, mr, nr);
              } else if (rowMajor) {
                kernel.runRowMajorA(k, aRow.data(), k + 2, b, ldb, tile, ldc, alpha, beta, mr, nr);
              } else if (edge) {
                kernel.runEdge(k, aCol.data(), lda, b, ldb, tile, ldc, alpha, beta, mr, nr);
              } else {
                kernel.run(k, aCol.data(), lda, b, ldb, tile, ldc, alpha, beta, mr, nr);
              }
              const T eps = std::numeric_limits<T>::epsilon();
              size_t wrong = 0;
              for (size_t r = 0; r < rows; ++r) {
                for (size_t col = 0; col < ldc; ++col) {
                  const T* old = &before[r * ldc + col];
                  const T got = c[r * ldc + col];
                  const bool inTile = r >= 1 && r < 1 + mr && col >= 1 && col < 1 + nr;
                  if (!inTile) {
                    wrong += !(got == *old);
                    continue;
                  }
                  const size_t i = r - 1, j = col - 1;
                  Wide<T> sum = 0, magnitude = 0;
                  for (size_t p = 0; p < k; ++p) {
                    const Wide<T> av = rowMajor ? aRow[i * (k + 2) + p] : aCol[p * lda + i];
                    sum += av * b[p * ldb + j];
                    magnitude += std::fabs(av * b[p * ldb + j]);
                  }
                  const Wide<T> prior = beta == T(0) ? 0 : Wide<T>(beta) * *old;
                  const Wide<T> expected = alpha * sum + prior;
                  const Wide<T> bound = (k + 4) * eps * (magnitude + std::fabs(prior));
                  wrong += !(std::fabs(got - expected) <= bound);
                }
              }
              CHECK(wrong == 0, kernel.name << (rowMajor ? " row-major A" : " column-major A") << (edge ? " edge kernel" : "") << " k " << k << " mr "
                                            << mr << " nr " << nr << " ldb " << ldb << " beta " << beta << ": " << wrong
                                            << " wrong elements (in the tile or around it)");
            }
          }
        }
      }
    }
  }
}

// Each shape puts one size on a block boundary (±1); the others are large enough for every thread
// to get work, except in the first shape, which straddles a single micro-tile.
template <typename T>
std::vector<Shape> blockStraddlingShapes(SimdTarget target) {
  const pk::gemm::BlockSizes b = pk::gemm::kernelOf<T>(pk::gemm::gemmKernelsFor(target)).blocks;
  std::vector<Shape> shapes;
  for (long d : {-1, 0, 1}) {
    shapes.push_back({b.mr + d, b.nr + d, 5});
    shapes.push_back({b.mc + d, 3 * b.nr + 1, 700});
    shapes.push_back({50 * b.mr + 1, 10 * b.nr + 3, b.kc + d});
    shapes.push_back({5, b.nc + d, 160});
    // All three at once; under a sanitizer only past the boundaries, where the edge cases are.
    if (!kSanitized || d == 1) shapes.push_back({b.mc + d, b.nc + d, b.kc + d});
  }
  return shapes;
}

// Single micro-tiles and primes, on both sides of the small path's limits (small_gemm-inl.hpp: every
// shape below 1000 multiply-adds, narrow C up to 16384), its width classes (n up to 1, 2 and 4
// vectors of 1, 4, 8 or 16 lanes, and wider), its copy of B filled to capacity or past it (k·W
// against 4096), and row counts that leave 1 to 3 rows after its blocks of 2 or 4.
const std::vector<Shape> kSmallShapes = {
    {1, 1, 1},     {2, 3, 5},     {3, 2, 7},    {7, 11, 13},  {13, 7, 2},  {1, 17, 19},   {23, 1, 29},
    {16, 16, 16},  {31, 37, 41},  {64, 1, 64},  {1, 64, 64},  {8, 8, 8},   {4, 5, 49},    {3, 16, 20},
    {2, 4, 124},   {1, 999, 1},   {999, 1, 1},  {1, 1, 999},  {9, 9, 12},  {5, 16, 200},  {17, 32, 30},
    {11, 64, 23},  {3, 65, 84},   {6, 8, 341},  {6, 8, 342},  {1, 3, 999}, {7, 20, 100},  {4, 24, 170},
    {2, 4, 1024},  {2, 4, 1025},  {25, 25, 26}, {24, 24, 24}};
// Tall (m ≫ n), wide (n ≫ m), long k, and primes on both sides of the per-thread work threshold;
// then A unpacked (n up to 4 slivers) with a last sliver of whole edge-kernel rows, which the edge
// kernel reads in place (m % MR a multiple of MRe: 64 and 28 on AVX-512, 63 on AVX2, 28 and 60 on NEON).
const std::vector<Shape> kRectangularShapes = {{3001, 5, 300}, {5, 3001, 300}, {997, 3, 61}, {509, 7, 1000},
                                               {9, 521, 700},  {2, 2, 3001},   {67, 71, 73}, {127, 131, 257},
                                               {300, 301, 45}, {64, 64, 64},   {28, 96, 40}, {63, 40, 50},
                                               {60, 17, 300}};

}  // namespace

TEST("gemm: every micro-kernel on every edge tile, A packed and unpacked, NaN in C with beta 0") {
  for (SimdTarget target : runnableTargets()) {
    checkMicroKernel<float>(target);
    checkMicroKernel<double>(target);
  }
}

TEST("gemm: small and prime shapes, every transpose, alpha and beta, 1-3 threads, every SIMD path") {
  for (SimdTarget target : runnableTargets()) {
    checkShapes<float>(kSmallShapes, target);
    checkShapes<double>(kSmallShapes, target);
  }
}

TEST("gemm: tall, wide and long-k shapes, every SIMD path") {
  for (SimdTarget target : runnableTargets()) {
    checkShapes<float>(kRectangularShapes, target);
    checkShapes<double>(kRectangularShapes, target);
  }
}

TEST("gemm: f32 shapes straddling MR, NR, MC, KC and NC of every SIMD path") {
  for (SimdTarget target : runnableTargets()) checkShapes<float>(blockStraddlingShapes<float>(target), target);
}

TEST("gemm: f64 shapes straddling MR, NR, MC, KC and NC of every SIMD path") {
  for (SimdTarget target : runnableTargets()) checkShapes<double>(blockStraddlingShapes<double>(target), target);
}

TEST("gemm: the process's table is the one of pk::cpu::simdTarget()") {
  CHECK(&pk::gemm::gemmKernels() == &pk::gemm::gemmKernelsFor(pk::cpu::simdTarget()));
}

TEST("gemm: 1, 2 and 3 threads give bit-identical results, every SIMD path") {
  // Each element of C is the same sum in the same order whatever the split between threads.
  const std::vector<Shape> shapes = kSanitized ? std::vector<Shape>{{130, 300, 300}, {300, 30, 300}}
                                                : std::vector<Shape>{{257, 1000, 600}, {1000, 30, 300}};
  for (SimdTarget target : runnableTargets()) {
    const GemmKernelTable* kernels = &pk::gemm::gemmKernelsFor(target);
    for (Shape s : shapes) {
      for (int trans = 0; trans < 4; ++trans) {
        const Problem<float> pr(s, trans & 1, trans & 2, -0.5f, 2.5f, 8);
        const std::vector<float> one = multiply(pr, poolOf(1).context(1), false, kernels);
        for (unsigned threads : {2u, 3u}) {
          const std::vector<float> c = multiply(pr, poolOf(threads).context(threads), false, kernels);
          CHECK(std::memcmp(c.data(), one.data(), c.size() * sizeof(float)) == 0,
                pk::cpu::simdTargetName(target) << " " << s.m << "x" << s.n << "x" << s.k << " trans " << trans
                                                << " on " << threads << " threads");
        }
      }
    }
  }
}

TEST("gemm: calls nested in a parallelFor and from several threads at once") {
  // A thread that waits inside one multiply may start another index of the outer loop, and so a
  // second multiply on the same thread before the first returns (most runs do, none is sure to).
  const size_t side = kSanitized ? 150 : 300;
  std::vector<Problem<float>> problems;
  for (uint64_t seed = 0; seed < 6; ++seed) {
    problems.emplace_back(Shape{side, side + 1, side + 2}, seed & 1, seed & 2, 1, 0, seed);
  }
  std::vector<std::vector<float>> results(problems.size());
  const ExecContext outer = poolOf(2).context(2);
  outer.parallelFor(problems.size(), [&](size_t i) { results[i] = multiply(problems[i], outer); });
  for (size_t i = 0; i < problems.size(); ++i) CHECK(countWrong(problems[i], results[i], "nested") == 0);

  // Several callers on one pool, each with its own packing memory.
  ThreadPool& pool = poolOf(3);
  std::vector<std::thread> callers;
  for (size_t i = 0; i < problems.size(); ++i) {
    callers.emplace_back([&, i] { results[i] = multiply(problems[i], pool.context(3)); });
  }
  for (std::thread& caller : callers) caller.join();
  for (size_t i = 0; i < problems.size(); ++i) CHECK(countWrong(problems[i], results[i], "concurrent") == 0);
}

TEST("gemm: a zero in m, n or k") {
  for (Shape s : {Shape{0, 5, 7}, Shape{5, 0, 7}, Shape{0, 0, 0}}) {
    // Nothing to do: C, possibly empty, is left alone and no pointer needs to be valid.
    std::vector<float> c(s.m * s.n, 3.0f);
    GemmJob<float> job;
    job.m = s.m, job.n = s.n, job.k = s.k, job.c = c.empty() ? nullptr : c.data();
    pk::gemm::gemm(job, poolOf(2).context(2));
    CHECK(std::all_of(c.begin(), c.end(), [](float x) { return x == 3.0f; }), s.m << "x" << s.n << "x" << s.k);
  }
  for (double beta : {0.0, 1.0, 2.5}) {
    // k == 0: C = beta·C, and 0 (not NaN) when beta == 0.
    Problem<double> pr({6, 9, 0}, false, false, 1, beta, 1);
    std::vector<double> c = pr.cBefore;
    pk::gemm::gemm(pr.job(c.data()), poolOf(2).context(2));
    for (size_t i = 0; i < c.size(); ++i) {
      CHECK(c[i] == (beta == 0 ? 0 : beta * pr.cBefore[i]), "k = 0, beta " << beta << ", i " << i << ": " << c[i]);
    }
  }
}

TEST("gemm: alpha == 0 reads neither A nor B") {
  for (float beta : {0.0f, 2.5f}) {
    Problem<float> pr({40, 50, 300}, false, true, 0, beta, 2);
    std::fill(pr.a.begin(), pr.a.end(), std::numeric_limits<float>::infinity());
    std::fill(pr.b.begin(), pr.b.end(), std::numeric_limits<float>::quiet_NaN());
    std::vector<float> c = pr.cBefore;
    pk::gemm::gemm(pr.job(c.data()), poolOf(2).context(2));
    for (size_t i = 0; i < c.size(); ++i) {
      CHECK(c[i] == (beta == 0 ? 0 : beta * pr.cBefore[i]), "beta " << beta << ", i " << i << ": " << c[i]);
    }
  }
}

TEST("gemm: a default ExecContext runs the whole multiply on the caller") {
  Problem<double> pr({130, 70, 300}, true, false, -0.5, 1, 3);
  std::vector<double> c = pr.cBefore;
  pk::gemm::gemm(pr.job(c.data()), ExecContext());
  CHECK(countWrong(pr, c, "default context") == 0);
}

TEST("gemm: 4096x256x4096, 4096x4096x256 (skinny k) and square 1024, 2 threads") {
  const size_t big = kSanitized ? 1024 : 4096;
  for (Shape s : {Shape{big, 256, big}, Shape{big, big, 256}}) {
    for (int trans = 0; trans < 4; trans += 3) {
      const Problem<float> pr(s, trans & 1, trans & 2, 1, 0, 4);
      const std::vector<float> c = multiply(pr, poolOf(2).context(2));
      CHECK(countWrong(pr, c, "large") == 0);
    }
  }
  const size_t side = kSanitized ? 300 : 1024;
  const Problem<double> square({side, side, side}, false, true, -0.5, 2.5, 5);
  CHECK(countWrong(square, multiply(square, poolOf(2).context(2)), "square") == 0);
}

TEST("gemm: a flag set before the call throws Cancelled and leaves C alone") {
  std::atomic<bool> cancel{true};
  for (Shape s : {Shape{3, 4, 5}, Shape{300, 200, 100}}) {
    for (bool preserve : {false, true}) {
      Problem<float> pr(s, false, false, 1, 1, 6);
      std::vector<float> c = pr.cBefore;
      GemmJob<float> job = pr.job(c.data());
      job.preserveCOnCancel = preserve;
      bool threw = false;
      try {
        pk::gemm::gemm(job, poolOf(2).context(2, &cancel));
      } catch (const pk::Cancelled&) {
        threw = true;
      }
      CHECK(threw, s.m << "x" << s.n << "x" << s.k);
      CHECK(std::memcmp(c.data(), pr.cBefore.data(), c.size() * sizeof(float)) == 0, s.m << "x" << s.n << "x" << s.k);
    }
  }
}

TEST("gemm: a flag set mid-multiply either finishes correctly or throws with C untouched") {
  const size_t size = kSanitized ? 256 : 1024;
  Problem<double> pr({size, size, size}, false, false, 1, 2.5, 7);
  int cancelledRuns = 0, finishedRuns = 0;
  // From "before any work" to "after it all": the flag lands in packing, in compute, or too late.
  for (int delayUs : {0, 200, 1000, 5000, 20000, 100000, 100000000}) {
    for (unsigned threads : {1u, 3u}) {
      std::atomic<bool> cancel{false}, returned{false};
      std::vector<double> c = pr.cBefore;
      GemmJob<double> job = pr.job(c.data());
      job.preserveCOnCancel = true;
      std::thread canceller([&] {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::microseconds(delayUs);
        while (!returned.load() && std::chrono::steady_clock::now() < deadline) {
          std::this_thread::sleep_for(std::chrono::microseconds(50));
        }
        cancel.store(true);
      });
      bool threw = false;
      try {
        pk::gemm::gemm(job, poolOf(threads).context(threads, &cancel));
      } catch (const pk::Cancelled&) {
        threw = true;
      }
      returned.store(true);
      canceller.join();
      if (threw) {
        ++cancelledRuns;
        CHECK(std::memcmp(c.data(), pr.cBefore.data(), c.size() * sizeof(double)) == 0,
              "delay " << delayUs << " us, " << threads << " threads: C changed by a cancelled call");
      } else {
        ++finishedRuns;
        CHECK(countWrong(pr, c, "finished despite the flag") == 0);
      }
    }
  }
  CHECK(cancelledRuns > 0, "no run was cancelled: the kernel does not poll the flag");
  CHECK(finishedRuns > 0, "even a flag set after the call returned cancelled it");
}
