// The portable micro-kernels: one MR×NR tile of C from one sliver of packed A and one of packed B
// (the contract in gemm_kernels.hpp), in plain C++ that g++ -O3 keeps in registers and vectorizes at
// the x86-64 baseline (SSE2). The x86-64 baseline table uses them (gemm_kernels.cc).
#pragma once

#include <cstddef>

#include "kernels/gemm/gemm_kernels.hpp"

namespace pk::gemm {

template <typename T, size_t MR, size_t NR, bool kRowMajorA>
void gemmRefKernel(size_t k, const T* __restrict a, size_t lda, const T* __restrict b, size_t ldb, T* __restrict c,
                   size_t ldc, T alpha, T beta, size_t mr, size_t nr) {
  // Constant trip counts let the compiler unroll i and j fully and keep ab in registers.
  const size_t aRowStep = kRowMajorA ? lda : 1, aColStep = kRowMajorA ? 1 : lda;
  T ab[MR][NR] = {};
  for (size_t p = 0; p < k; ++p, a += aColStep, b += ldb) {
    for (size_t i = 0; i < MR; ++i) {
      for (size_t j = 0; j < NR; ++j) ab[i][j] += a[i * aRowStep] * b[j];
    }
  }
  for (size_t i = 0; i < MR; ++i) {
    for (size_t j = 0; j < NR; ++j) ab[i][j] *= alpha;
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

}  // namespace pk::gemm
