#pragma once
#include <cstddef>
#include "pool/exec_context.hpp"
namespace pk::gemm {
struct GemmKernelTable;
// C = alpha·op(A)·op(B) + beta·C, all row-major and densely packed.
// op(A) is m×k: A is stored m×k, or k×m when transA. op(B) is k×n: B is stored k×n, or n×k when transB.
// C is m×n. Trusted input (validated by the caller): a, b, c do not overlap; sizes may be 0.
template <typename T>
struct GemmJob {
  size_t m = 0, n = 0, k = 0;
  const T* a = nullptr;
  const T* b = nullptr;
  T* c = nullptr;
  bool transA = false, transB = false;
  T alpha = 1, beta = 0;
  // When set, C is computed into a scratch buffer and copied into c only once nothing can cancel
  // any more, so a cancelled call leaves the caller's C bit-for-bit untouched.
  bool preserveCOnCancel = false;
  // The micro-kernels to use; null: those of the process's SIMD target (gemmKernels()). Tests and
  // benchmarks set it to run every path the CPU has.
  const GemmKernelTable* kernels = nullptr;
};
void gemm(const GemmJob<float>& job, const ExecContext& ctx);
void gemm(const GemmJob<double>& job, const ExecContext& ctx);
}
