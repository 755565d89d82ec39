// The portable micro-kernels: one MR×NR tile of C from one sliver of packed A and one of packed B,
// in plain C++ that g++ -O3 keeps in registers and vectorizes at the x86-64 baseline (SSE2).
#pragma once

#include <cstddef>

namespace pk::gemm {

// The contract of every micro-kernel, reference or SIMD:
//   a  k steps of MR values: column p of an MR-row sliver of alpha·op(A), zero-padded past mr rows.
//   b  k steps of NR values: row p of an NR-column sliver of op(B), zero-padded past nr columns.
//   c  the tile's top-left element of C, ldc elements between rows.
// It sets c[0:mr, 0:nr] = beta·c + a·b, and neither reads nor writes outside that part. When beta == 0
// it never reads c, so NaN or Inf already there cannot leak into the result.
template <typename T>
using MicroKernel = void (*)(size_t k, const T* a, const T* b, T* c, size_t ldc, T beta, size_t mr, size_t nr);

template <typename T, size_t MR, size_t NR>
void gemmRefKernel(size_t k, const T* __restrict a, const T* __restrict b, T* __restrict c, size_t ldc, T beta,
                   size_t mr, size_t nr) {
  // Constant trip counts let the compiler unroll i and j fully and keep ab in registers.
  T ab[MR][NR] = {};
  for (size_t p = 0; p < k; ++p, a += MR, b += NR) {
    for (size_t i = 0; i < MR; ++i) {
      for (size_t j = 0; j < NR; ++j) ab[i][j] += a[i] * b[j];
    }
  }
  // Edge tiles still computed the full padded tile above; only the valid part goes back to C.
  for (size_t i = 0; i < mr; ++i) {
    T* ci = c + i * ldc;
    if (beta == T(0)) {
      for (size_t j = 0; j < nr; ++j) ci[j] = ab[i][j];
    } else {
      for (size_t j = 0; j < nr; ++j) ci[j] = beta * ci[j] + ab[i][j];
    }
  }
}

inline constexpr MicroKernel<float> gemm_f32_ref_4x8 = gemmRefKernel<float, 4, 8>;
inline constexpr MicroKernel<double> gemm_f64_ref_4x4 = gemmRefKernel<double, 4, 4>;

}  // namespace pk::gemm
