// The AVX2 + FMA GEMM micro-kernels: 8 f32 or 4 f64 per ymm register, 16 registers.
#include <immintrin.h>

#include <cstddef>

#include "kernels/gemm/block_sizes.hpp"
#include "kernels/gemm/gemm_kernels.hpp"
#include "kernels/gemm/microkernel_simd-inl.hpp"

namespace pk::gemm {
namespace {

struct F32 {
  using T = float;
  using Reg = __m256;
  static constexpr size_t N = 8;
  static Reg zero() { return _mm256_setzero_ps(); }
  static Reg load(const T* p) { return _mm256_loadu_ps(p); }
  static void store(T* p, Reg r) { _mm256_storeu_ps(p, r); }
  static Reg broadcast(T x) { return _mm256_set1_ps(x); }
  static Reg mul(Reg a, Reg b) { return _mm256_mul_ps(a, b); }
  static Reg fma(Reg a, Reg b, Reg c) { return _mm256_fmadd_ps(a, b, c); }
};

struct F64 {
  using T = double;
  using Reg = __m256d;
  static constexpr size_t N = 4;
  static Reg zero() { return _mm256_setzero_pd(); }
  static Reg load(const T* p) { return _mm256_loadu_pd(p); }
  static void store(T* p, Reg r) { _mm256_storeu_pd(p, r); }
  static Reg broadcast(T x) { return _mm256_set1_pd(x); }
  static Reg mul(Reg a, Reg b) { return _mm256_mul_pd(a, b); }
  static Reg fma(Reg a, Reg b, Reg c) { return _mm256_fmadd_pd(a, b, c); }
};

constexpr GemmKernelTable kAvx2{
    simd::entry<F32, kAvx2Blocks.f32>("avx2 f32"),
    simd::entry<F64, kAvx2Blocks.f64>("avx2 f64"),
};

}  // namespace

const GemmKernelTable& avx2GemmKernels() { return kAvx2; }

}  // namespace pk::gemm
