// The SIMD micro-kernel, written once over a traits class V that wraps one instruction set's vector
// of T, and compiled once per instruction set by microkernel_<isa>.cc (each with its own flags).
// V provides:
//
//   T, Reg, N               element type, register type, elements per register
//   zero()                  a register of zeros
//   load(p), store(p, r)    unaligned load and store
//   broadcast(x)            every lane x
//   mul(a, b), fma(a, b, c) a·b and a·b + c (fused), lane-wise
//
// Everything here is a template over V, whose classes live in each translation unit's anonymous
// namespace: no function of this file is shared (ODR-merged) between translation units compiled for
// different instruction sets.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/gemm/block_sizes.hpp"
#include "kernels/gemm/gemm_kernels.hpp"
#include "kernels/gemm/small_gemm-inl.hpp"

namespace pk::gemm::simd {

// How many k steps ahead the packed kernels prefetch A and B. With KC 512 the B sliver (KC×NR, 64
// KiB) outgrows a 48 KiB L1, so both streams come from L2, and the hardware prefetchers fell behind:
// on an Intel Xeon with AVX-512 (KVM guest, 48 KiB L1d and 2 MiB L2 per core; 2026-12-07), against
// OpenBLAS's SkylakeX kernels in the same runs, one thread at 2048³ went from 0.87–0.96x to
// 0.97–1.03x (f32 and f64), f64 at 1024³ from 0.91–0.95x to 1.01–1.06x, two threads at 2048³ from
// 0.86–0.96x to 0.95–1.01x. 8 steps came out level with 16 and 24 and ahead of 4 (a throwaway build
// per distance, taking turns); the AVX2 path there was unchanged. Not yet measured on a Zen.
inline constexpr size_t kPrefetchSteps = 8;

// Prefetches the cache lines of `count` elements from `elements` past `from`. The address is formed
// as an integer: near the end of a panel it points past the buffer, which a prefetch may touch (it
// never faults) but pointer arithmetic may not.
template <class T>
inline void prefetchAhead(const T* from, size_t elements, size_t count) {
  const uintptr_t start = reinterpret_cast<uintptr_t>(from) + elements * sizeof(T);
  for (size_t offset = 0; offset < count * sizeof(T); offset += 64) {
    __builtin_prefetch(reinterpret_cast<const void*>(start + offset));
  }
}

// One MR×NR tile of C (NR = NV·N) under the contract of gemm_kernels.hpp: MR·NV accumulators
// stay in registers for the whole k loop; each step loads NV registers of B (a packed sliver, or a
// row of B in place), broadcasts MR values of A and issues
// MR·NV independent FMAs, more than the FMA latency times the FMA units, so the units never wait.
// A is read column-major (kRowMajorA false: packed slivers, lda = MR) or row-major (unpacked A).
template <class V, size_t MR, size_t NV, bool kRowMajorA>
void kernel(size_t k, const typename V::T* __restrict a, size_t lda, const typename V::T* __restrict b, size_t ldb,
            typename V::T* __restrict c, size_t ldc, typename V::T alpha, typename V::T beta, size_t mr, size_t nr) {
  using T = typename V::T;
  using Reg = typename V::Reg;
  constexpr size_t N = V::N, NR = NV * N;

  // The tile's rows of C are needed at the end; fetching them now hides their latency behind the
  // k loop (when beta == 0 they are only written, and a prefetch for writing still saves the RFO stall).
  for (size_t i = 0; i < mr; ++i) {
    __builtin_prefetch(c + i * ldc, 1, 3);
    __builtin_prefetch(c + i * ldc + nr - 1, 1, 3);
  }

  Reg acc[MR][NV];
#pragma GCC unroll 32
  for (size_t i = 0; i < MR; ++i) {
#pragma GCC unroll 8
    for (size_t j = 0; j < NV; ++j) acc[i][j] = V::zero();
  }

  const size_t aRowStep = kRowMajorA ? lda : 1, aColStep = kRowMajorA ? 1 : lda;
  for (size_t p = 0; p < k; ++p, a += aColStep, b += ldb) {
    if constexpr (!kRowMajorA) {
      prefetchAhead(a, kPrefetchSteps * aColStep, MR);
      prefetchAhead(b, kPrefetchSteps * ldb, NR);
    }
    Reg bv[NV];
#pragma GCC unroll 8
    for (size_t j = 0; j < NV; ++j) bv[j] = V::load(b + j * N);
#pragma GCC unroll 32
    for (size_t i = 0; i < MR; ++i) {
      const Reg ai = V::broadcast(a[i * aRowStep]);
#pragma GCC unroll 8
      for (size_t j = 0; j < NV; ++j) acc[i][j] = V::fma(ai, bv[j], acc[i][j]);
    }
  }

  // alpha once per tile rather than once per element of A: packing then only copies.
  const Reg alphaV = V::broadcast(alpha);
#pragma GCC unroll 32
  for (size_t i = 0; i < MR; ++i) {
#pragma GCC unroll 8
    for (size_t j = 0; j < NV; ++j) acc[i][j] = V::mul(alphaV, acc[i][j]);
  }

  if (nr == NR) {
    // Whole rows: straight from the registers into C. beta == 0 never reads C.
    const Reg betaV = V::broadcast(beta);
#pragma GCC unroll 32
    for (size_t i = 0; i < MR; ++i) {
      if (i >= mr) break;
      T* ci = c + i * ldc;
#pragma GCC unroll 8
      for (size_t j = 0; j < NV; ++j) {
        if (beta == T(0)) {
          V::store(ci + j * N, acc[i][j]);
        } else {
          V::store(ci + j * N, V::fma(betaV, V::load(ci + j * N), acc[i][j]));
        }
      }
    }
    return;
  }
  // A right-edge tile: through a buffer, so nothing past column nr of C is touched.
  alignas(64) T tile[MR * NR];
#pragma GCC unroll 32
  for (size_t i = 0; i < MR; ++i) {
#pragma GCC unroll 8
    for (size_t j = 0; j < NV; ++j) V::store(tile + i * NR + j * N, acc[i][j]);
  }
  for (size_t i = 0; i < mr; ++i) {
    T* ci = c + i * ldc;
    const T* ti = tile + i * NR;
    if (beta == T(0)) {
      for (size_t j = 0; j < nr; ++j) ci[j] = ti[j];
    } else {
      for (size_t j = 0; j < nr; ++j) ci[j] = beta * ci[j] + ti[j];
    }
  }
}

// The table entry of the kernels for one element type and its block sizes; H, half-width traits
// for the small path (small_gemm-inl.hpp), where the instruction set has them.
template <class V, BlockSizes kBlocks, class H = V>
constexpr GemmKernel<typename V::T> entry(const char* name) {
  static_assert(kBlocks.nr % V::N == 0, "NR is a whole number of registers");
  static_assert(kBlocks.mrEdge > 0, "every SIMD table has an edge kernel");
  constexpr size_t MR = kBlocks.mr, NV = kBlocks.nr / V::N;
  return {kBlocks,
          kernel<V, MR, NV, false>,
          kernel<V, MR, NV, true>,
          kernel<V, kBlocks.mrEdge, NV, false>,
          kernel<V, kBlocks.mrEdge, NV, true>,
          small::gemm<V, H>,
          name};
}

}  // namespace pk::gemm::simd
