// GEMM against a naive long double reference: shapes that straddle every block size, all transposes,
// alpha and beta special cases, 1 to 3 threads on a real pool, float and double, and cancellation.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <random>
#include <thread>
#include <vector>

#include "kernels/gemm/block_sizes.hpp"
#include "kernels/gemm/gemm.hpp"
#include "pool/thread_pool.hpp"
#include "test.hpp"

using pk::ExecContext;
using pk::ThreadPool;
using pk::gemm::GemmJob;
using pk::gemm::kRefBlockSizes;

namespace {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kSanitized = true;  // about 10× slower: fewer and smaller large cases
#else
constexpr bool kSanitized = false;
#endif

// One pool per thread count, shared by the tests (a pool per call would test thread start-up instead).
ThreadPool& poolOf(unsigned threads) {
  static std::unique_ptr<ThreadPool> pools[4];
  if (!pools[threads]) pools[threads] = std::make_unique<ThreadPool>(threads);
  return *pools[threads];
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

  Problem(Shape s, bool tA, bool tB, T al, T be, uint64_t seed) : shape(s), transA(tA), transB(tB), alpha(al), beta(be) {
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> uniform(-1, 1);
    a.resize(s.m * s.k);
    b.resize(s.k * s.n);
    cBefore.resize(s.m * s.n);
    for (T& x : a) x = T(uniform(rng));
    for (T& x : b) x = T(uniform(rng));
    // With beta == 0 C must not be read: NaN there would show in any result that read it.
    for (T& x : cBefore) x = beta == T(0) ? std::numeric_limits<T>::quiet_NaN() : T(uniform(rng));
  }

  GemmJob<T> job(T* c) const {
    GemmJob<T> j;
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

// Checks C against a long double reference. The bound is the worst case of a sum of k products in T,
// (k + 4)·eps·(|alpha|·Σ|a·b| + |beta·c|), so a failure is a real bug, not bad luck with rounding.
// Large results are checked on a sample of whole rows and whole columns (every thread's share and
// every block edge still cross them); returns the number of bad entries.
template <typename T>
size_t countWrong(const Problem<T>& pr, const std::vector<T>& c, const char* what) {
  const auto [m, n, k] = pr.shape;
  const bool sample = double(m) * double(n) * double(k) > 4e7;
  std::vector<bool> rowChecked(m, !sample), colChecked(n, !sample);
  if (sample) {
    std::mt19937_64 rng(m * 31 + n);
    for (int s = 0; s < 16; ++s) rowChecked[rng() % m] = colChecked[rng() % n] = true;
    rowChecked[0] = rowChecked[m - 1] = colChecked[0] = colChecked[n - 1] = true;
  }
  const long double eps = std::numeric_limits<T>::epsilon();
  size_t wrong = 0;
  for (size_t i = 0; i < m; ++i) {
    for (size_t j = 0; j < n; ++j) {
      if (!rowChecked[i] && !colChecked[j]) continue;
      long double sum = 0, magnitude = 0;
      for (size_t p = 0; p < k; ++p) {
        const long double product = (long double)pr.opA(i, p) * pr.opB(p, j);
        sum += product;
        magnitude += std::fabs(product);
      }
      const long double before = pr.beta == T(0) ? 0 : (long double)pr.beta * pr.cBefore[i * n + j];
      const long double expected = pr.alpha * sum + before;
      const long double bound = (k + 4) * eps * (std::fabs((long double)pr.alpha) * magnitude + std::fabs(before));
      const long double got = c[i * n + j];
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

// Runs one problem on 1, 2 and 3 threads. Every C element is the same sum in the same order whatever
// the split, so the three results must also agree bit for bit.
template <typename T>
void checkProblem(const Problem<T>& pr, bool preserve = false) {
  std::vector<T> first;
  for (unsigned threads : {1u, 2u, 3u}) {
    std::vector<T> c = pr.cBefore;
    GemmJob<T> job = pr.job(c.data());
    job.preserveCOnCancel = preserve;
    pk::gemm::gemm(job, poolOf(threads).context(threads));
    if (threads == 1) {
      if (countWrong(pr, c, "1 thread")) return;
      first = c;
    } else {
      CHECK(std::memcmp(c.data(), first.data(), c.size() * sizeof(T)) == 0,
            typeName<T>() << " " << pr.shape.m << "x" << pr.shape.n << "x" << pr.shape.k << " differs on " << threads
                          << " threads from 1 thread");
    }
  }
}

// Every transpose combination with every (alpha, beta) pair, when cheap; larger shapes rotate through
// the pairs so each is still met by shapes of every kind.
template <typename T>
void checkShapes(const std::vector<Shape>& shapes) {
  const T alphas[] = {1, T(-0.5), 0};
  const T betas[] = {0, 1, T(2.5)};
  size_t rotation = 0;
  for (const Shape& s : shapes) {
    const bool cheap = double(s.m) * double(s.n) * double(s.k) <= 2e5;
    for (int trans = 0; trans < 4; ++trans) {
      for (int ab = 0; ab < 9; ++ab) {
        if (!cheap && ab != int(rotation % 9)) continue;
        Problem<T> pr(s, trans & 1, trans & 2, alphas[ab / 3], betas[ab % 3], rotation * 7 + ab);
        checkProblem(pr, /*preserve=*/rotation % 2 == 1);
      }
      ++rotation;
    }
  }
}

// Each size straddles one block boundary (±1) with the other two sizes kept small.
template <typename T>
std::vector<Shape> blockStraddlingShapes() {
  constexpr auto b = kRefBlockSizes<T>;
  std::vector<Shape> shapes;
  for (long d : {-1, 0, 1}) {
    shapes.push_back({b.mr + d, b.nr + d, 5});
    shapes.push_back({b.mc + d, 2 * b.nr + 1, 9});
    shapes.push_back({b.mr * 3 + 1, b.nr + 3, b.kc + d});
    shapes.push_back({5, b.nc + d, 17});
    if (!kSanitized) shapes.push_back({b.mc + d, b.nc + d, b.kc + d});
  }
  return shapes;
}

const std::vector<Shape> kSmallShapes = {{1, 1, 1}, {2, 3, 5}, {3, 2, 7}, {7, 11, 13}, {13, 7, 2}, {1, 17, 19},
                                         {23, 1, 29}, {16, 16, 16}, {31, 37, 41}, {64, 1, 64}, {1, 64, 64}};
// Tall (m ≫ n), wide (n ≫ m), long k and primes around the small-problem and per-thread thresholds.
const std::vector<Shape> kRectangularShapes = {
    {997, 3, 61}, {3, 1009, 53}, {509, 7, 300}, {9, 521, 300}, {2, 2, 3001}, {67, 71, 73}, {127, 131, 257}};

}  // namespace

TEST("gemm: small and prime shapes, every transpose, alpha and beta, 1-3 threads") {
  checkShapes<float>(kSmallShapes);
  checkShapes<double>(kSmallShapes);
}

TEST("gemm: tall, wide and long-k shapes") {
  checkShapes<float>(kRectangularShapes);
  checkShapes<double>(kRectangularShapes);
}

TEST("gemm: f32 shapes straddling MR, NR, MC, KC and NC") { checkShapes<float>(blockStraddlingShapes<float>()); }

TEST("gemm: f64 shapes straddling MR, NR, MC, KC and NC") { checkShapes<double>(blockStraddlingShapes<double>()); }

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

TEST("gemm: skinny-k 4096x256x4096 and square 1024, 2 threads") {
  const size_t big = kSanitized ? 1024 : 4096;
  for (int trans = 0; trans < 4; trans += 3) {
    Problem<float> skinny({big, 256, big}, trans & 1, trans & 2, 1, 0, 4);
    std::vector<float> c = skinny.cBefore;
    pk::gemm::gemm(skinny.job(c.data()), poolOf(2).context(2));
    CHECK(countWrong(skinny, c, "skinny") == 0);
  }
  Problem<double> square({kSanitized ? 300u : 1024u, kSanitized ? 300u : 1024u, kSanitized ? 300u : 1024u}, false,
                         true, -0.5, 2.5, 5);
  std::vector<double> c = square.cBefore;
  pk::gemm::gemm(square.job(c.data()), poolOf(2).context(2));
  CHECK(countWrong(square, c, "square") == 0);
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
  int cancelledRuns = 0;
  // From "before any work" to "after it all": the flag lands in packing, in compute, or too late.
  for (int delayUs : {0, 200, 1000, 5000, 20000, 100000, 1000000}) {
    for (unsigned threads : {1u, 3u}) {
      std::atomic<bool> cancel{false};
      std::vector<double> c = pr.cBefore;
      GemmJob<double> job = pr.job(c.data());
      job.preserveCOnCancel = true;
      std::thread canceller([&] {
        std::this_thread::sleep_for(std::chrono::microseconds(delayUs));
        cancel.store(true);
      });
      bool threw = false;
      try {
        pk::gemm::gemm(job, poolOf(threads).context(threads, &cancel));
      } catch (const pk::Cancelled&) {
        threw = true;
      }
      canceller.join();
      if (threw) {
        ++cancelledRuns;
        CHECK(std::memcmp(c.data(), pr.cBefore.data(), c.size() * sizeof(double)) == 0,
              "delay " << delayUs << " us, " << threads << " threads: C changed by a cancelled call");
      } else {
        CHECK(countWrong(pr, c, "finished despite the flag") == 0);
      }
    }
  }
  CHECK(cancelledRuns > 0, "no run was cancelled: the kernel does not poll the flag");
}
