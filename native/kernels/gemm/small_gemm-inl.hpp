// Tiny products, on the calling thread, without packing or blocking: at these sizes the blocked
// path's fixed cost (panels, tiles, edge handling) is most of the call. Compiled once per instruction
// set with that set's flags, like the micro-kernels (one entry in each GemmKernelTable), so the row
// sums below become that set's vectors: an 8×8×8 f64 product took ~180 ns at the x86-64 baseline,
// most of a matmulSync call from JS.
//
// Templates over the vector traits V of microkernel_simd-inl.hpp (T, Reg, N, zero, load,
// broadcast, fma, store), a class in each translation unit's anonymous namespace: no instantiation is
// shared (ODR-merged) between translation units compiled for different instruction sets. For the same
// reason the code calls no template of another header (no MatrixView, no std::fill_n): a copy of one
// compiled with AVX-512 could be the one the linker keeps for every caller.
#pragma once

#include <cstddef>

#include "kernels/gemm/gemm.hpp"

namespace pk::gemm::small {

// Below this many multiply-adds every product goes here, whatever its shape: packing and the
// micro-kernels cost about 0.4 µs before any arithmetic (Zen 4 of block_sizes.hpp).
inline constexpr double kAlwaysBelow = 1000;
// Up to this many, products whose C is narrow enough for the register rows below (n <= 4 vectors)
// go here too: on the Zen 4, from 12³ to 20³ this path took 0.55–0.95 of the blocked path's time
// (AVX-512 and AVX2, f32 and f64), level at 24³ (13824 multiply-adds), behind at 32³ for f32.
inline constexpr double kNarrowUpTo = 16384;
// The stack buffers: the copy of op(B) for narrow C (k rows of W values), and the columns of one row
// of C that the wide path sums at a time.
inline constexpr size_t kBRowsCapacity = 4096;
inline constexpr size_t kRowBlock = 512;

// A dense matrix or its transpose: element (r, c) at data[r·rowStride + c·colStride].
template <class V, typename T>
struct View {
  const T* data;
  size_t rowStride, colStride;
  T at(size_t r, size_t c) const { return data[r * rowStride + c * colStride]; }
};

template <class V, typename T>
View<V, T> viewOf(const T* data, size_t rows, size_t cols, bool transposed) {
  return transposed ? View<V, T>{data, 1, rows} : View<V, T>{data, cols, 1};
}

// Rows of C at most W = NV·V::N wide (n <= W): op(B) is read as k rows of W values (B itself when
// its rows are that wide, else a zero-padded copy), so that each step p loads whole registers; then
// kRows rows of C at a time keep kRows·NV sums in registers, each adding a(i, p)·(row p of op(B)) for
// p in order (so every element still sums its terms in the order p = 0, 1, …). The kRows rows give
// independent FMA chains: one row alone waits on the FMA latency at every step.
template <class V, size_t NV, size_t kRows>
void rowsNarrow(const GemmJob<typename V::T>& job, View<V, typename V::T> a, const typename V::T* bRows, size_t i0) {
  using T = typename V::T;
  using Reg = typename V::Reg;
  constexpr size_t W = NV * V::N;
  Reg acc[kRows][NV];
#pragma GCC unroll 8
  for (size_t r = 0; r < kRows; ++r) {
#pragma GCC unroll 8
    for (size_t j = 0; j < NV; ++j) acc[r][j] = V::zero();
  }
  for (size_t p = 0; p < job.k; ++p) {
    Reg bv[NV];
#pragma GCC unroll 8
    for (size_t j = 0; j < NV; ++j) bv[j] = V::load(bRows + p * W + j * V::N);
#pragma GCC unroll 8
    for (size_t r = 0; r < kRows; ++r) {
      const Reg ai = V::broadcast(a.at(i0 + r, p));
#pragma GCC unroll 8
      for (size_t j = 0; j < NV; ++j) acc[r][j] = V::fma(ai, bv[j], acc[r][j]);
    }
  }
  const size_t n = job.n;
  if (n == W) {
    // Whole registers: scaled and stored as they are (beta == 0 never reads C).
    const Reg alpha = V::broadcast(job.alpha), beta = V::broadcast(job.beta);
#pragma GCC unroll 8
    for (size_t r = 0; r < kRows; ++r) {
      T* ci = job.c + (i0 + r) * n;
#pragma GCC unroll 8
      for (size_t j = 0; j < NV; ++j) {
        const Reg scaled = V::fma(alpha, acc[r][j], V::zero());
        V::store(ci + j * V::N, job.beta == T(0) ? scaled : V::fma(beta, V::load(ci + j * V::N), scaled));
      }
    }
    return;
  }
#pragma GCC unroll 8
  for (size_t r = 0; r < kRows; ++r) {
    alignas(64) T sums[W];
#pragma GCC unroll 8
    for (size_t j = 0; j < NV; ++j) V::store(sums + j * V::N, acc[r][j]);
    T* ci = job.c + (i0 + r) * n;
    if (job.beta == T(0)) {
      for (size_t j = 0; j < n; ++j) ci[j] = job.alpha * sums[j];  // C is not read
    } else {
      for (size_t j = 0; j < n; ++j) ci[j] = job.alpha * sums[j] + job.beta * ci[j];
    }
  }
}

template <class V, size_t NV>
void gemmNarrow(const GemmJob<typename V::T>& job, View<V, typename V::T> a, View<V, typename V::T> b) {
  using T = typename V::T;
  constexpr size_t W = NV * V::N;
  const size_t n = job.n, k = job.k;
  // B as it is when its rows are already W wide; else the padded copy.
  const T* bRows = b.data;
  alignas(64) T bCopy[kBRowsCapacity];  // k·W values: gemm() checks that they fit
  if (n != W || b.colStride != 1) {
    for (size_t p = 0; p < k; ++p) {
      T* row = bCopy + p * W;
      for (size_t j = 0; j < n; ++j) row[j] = b.at(p, j);
      for (size_t j = n; j < W; ++j) row[j] = T(0);
    }
    bRows = bCopy;
  }
  // 4 rows of C, or 2 when a row is 4 vectors: sums, B and a broadcast then fit 16 registers.
  constexpr size_t kRows = NV >= 4 ? 2 : 4;
  size_t i = 0;
  for (; i + kRows <= job.m; i += kRows) rowsNarrow<V, NV, kRows>(job, a, bRows, i);
  for (; i < job.m; ++i) rowsNarrow<V, NV, 1>(job, a, bRows, i);
}

// C = alpha·op(A)·op(B) + beta·C (k >= 1, alpha != 0) on the instruction set of V (the micro-kernels'
// traits: simd::entry's V, or a scalar one), when the product is one this path does faster than the
// blocked one; false, touching nothing, when it is not. H, traits of half-width registers where the
// set has them, takes C no wider than one of its registers: rows of C that fill whole registers are
// stored as they are, where wider ones would pad B and C (8×8 f32 on AVX-512: ~20% of the call).
template <class V, class H = V>
bool gemm(const GemmJob<typename V::T>& job) {
  using T = typename V::T;
  const size_t n = job.n, k = job.k;
  const double multiplyAdds = double(job.m) * double(n) * double(k);
  if (multiplyAdds > kNarrowUpTo) return false;
  const auto a = viewOf<V>(job.a, job.m, k, job.transA);
  const auto b = viewOf<V>(job.b, k, n, job.transB);
  constexpr size_t N = V::N;
  if constexpr (H::N < N) {
    if (n <= H::N && k * H::N <= kBRowsCapacity) {
      gemmNarrow<H, 1>(job, viewOf<H>(job.a, job.m, k, job.transA), viewOf<H>(job.b, k, n, job.transB));
      return true;
    }
  }
  if (n <= N && k * N <= kBRowsCapacity) return gemmNarrow<V, 1>(job, a, b), true;
  if (n <= 2 * N && k * 2 * N <= kBRowsCapacity) return gemmNarrow<V, 2>(job, a, b), true;
  if (n <= 4 * N && k * 4 * N <= kBRowsCapacity) return gemmNarrow<V, 4>(job, a, b), true;
  if (multiplyAdds >= kAlwaysBelow) return false;
  // Wider C, or a long sum: each row summed in a buffer, kRowBlock columns at a time.
  T row[kRowBlock];
  for (size_t i = 0; i < job.m; ++i) {
    for (size_t j0 = 0; j0 < n; j0 += kRowBlock) {
      const size_t width = n - j0 < kRowBlock ? n - j0 : kRowBlock;
      for (size_t j = 0; j < width; ++j) row[j] = T(0);
      for (size_t p = 0; p < k; ++p) {
        const T aip = a.at(i, p);
        const T* bp = b.data + p * b.rowStride + j0 * b.colStride;
        if (b.colStride == 1) {
          for (size_t j = 0; j < width; ++j) row[j] += aip * bp[j];
        } else {
          for (size_t j = 0; j < width; ++j) row[j] += aip * bp[j * b.colStride];
        }
      }
      T* ci = job.c + i * n + j0;
      if (job.beta == T(0)) {
        for (size_t j = 0; j < width; ++j) ci[j] = job.alpha * row[j];  // C is not read
      } else {
        for (size_t j = 0; j < width; ++j) ci[j] = job.alpha * row[j] + job.beta * ci[j];
      }
    }
  }
  return true;
}

}  // namespace pk::gemm::small
