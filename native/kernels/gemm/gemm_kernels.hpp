// The GEMM micro-kernels, one table per instruction set, chosen once from pk::cpu::simdTarget().
// The driver (driver.cc) reads the kernel and its block sizes only from the table it is given, so a
// test or a benchmark can run the whole multiply on any path the CPU has (gemmKernelsFor).
#pragma once

#include <cstddef>

#include "cpu/simd_target.hpp"
#include "kernels/gemm/block_sizes.hpp"
#include "kernels/gemm/gemm.hpp"

namespace pk::gemm {

// The contract of every micro-kernel, reference or SIMD:
//   a  k steps of MR values of op(A): element (i, p) at a[p·lda + i] (column-major: a packed sliver,
//      lda = MR, zero-padded past mr rows; or op(A) = A stored transposed). The row-major variant
//      reads a[i·lda + p] (op(A) = A, unpacked) and reads all MR rows: call it with mr == MR only.
//   b  k steps of NR values, ldb apart: row p of an NR-column sliver of op(B), either packed (ldb =
//      NR, zero-padded past nr columns) or B itself, row-major, read in place (ldb = B's row length;
//      whole slivers only: nr == NR, as the kernel reads all NR columns).
//   c  the tile's top-left element of C, ldc elements between rows.
// It sets c[0:mr, 0:nr] = alpha·a·b + beta·c, and neither reads nor writes outside that part. When
// beta == 0 it never reads c, so NaN or Inf already there cannot leak into the result.
template <typename T>
using MicroKernel = void (*)(size_t k, const T* a, size_t lda, const T* b, size_t ldb, T* c, size_t ldc, T alpha,
                             T beta, size_t mr, size_t nr);

template <typename T>
struct GemmKernel {
  BlockSizes blocks;
  MicroKernel<T> run;             // A column-major
  MicroKernel<T> runRowMajorA;    // A row-major, whole MR-row tiles only
  MicroKernel<T> runEdge;         // A column-major, blocks.mrEdge rows (null when blocks.mrEdge is 0)
  MicroKernel<T> runEdgeRowMajorA;  // A row-major, blocks.mrEdge rows, all read (null likewise)
  // The whole product when it is small enough to skip packing; false when not (small_gemm-inl.hpp).
  bool (*small)(const GemmJob<T>& job);
  const char* name;  // path and type, "avx512 f32"; the tile is in blocks
};

struct GemmKernelTable {
  GemmKernel<float> f32;
  GemmKernel<double> f64;
};

// The table of the process's target (pk::cpu::simdTarget()).
const GemmKernelTable& gemmKernels();

// The table of a given target, which must not exceed pk::cpu::detectedSimdTarget() (for tests and
// benchmarks that run each path).
const GemmKernelTable& gemmKernelsFor(pk::cpu::SimdTarget target);

// Per-target tables, each defined in its own translation unit: on x86-64 the baseline is the
// portable kernels (SSE2), on arm64 the NEON kernels.
const GemmKernelTable& baselineGemmKernels();
#if defined(__x86_64__)
const GemmKernelTable& avx2GemmKernels();
const GemmKernelTable& avx512GemmKernels();
#endif

template <typename T>
const GemmKernel<T>& kernelOf(const GemmKernelTable& table) {
  if constexpr (sizeof(T) == 4) {
    return table.f32;
  } else {
    return table.f64;
  }
}

}  // namespace pk::gemm
