// Eigen's GEMM for the benchmark, in its own translation unit (gemm_bench_eigen.cc) so that only
// this anchor is compiled for the build machine's CPU, never our kernels.
#pragma once

#include <cstddef>

namespace pk::bench {

void eigenSetThreads(int threads);
const char* eigenDescription();
// C = A·B, all row-major: A m×k, B k×n, C m×n.
void eigenGemm(size_t m, size_t n, size_t k, const float* a, const float* b, float* c);
void eigenGemm(size_t m, size_t n, size_t k, const double* a, const double* b, double* c);

}  // namespace pk::bench
