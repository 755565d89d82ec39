// The AVX-512F GEMM micro-kernels: 16 f32 or 8 f64 per zmm register, 32 registers.
#include <immintrin.h>

// GCC 12's _mm512_undefined_* initialize a variable from itself, which -Wuninitialized reports at
// every inlined use (GCC bug 105593, fixed in GCC 13).
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ < 13
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include <cstddef>

#include "kernels/gemm/block_sizes.hpp"
#include "kernels/gemm/gemm_kernels.hpp"
#include "kernels/gemm/microkernel_simd-inl.hpp"
#include "kernels/gemm/traits_ymm-inl.hpp"

namespace pk::gemm {
namespace {

struct F32 {
  using T = float;
  using Reg = __m512;
  static constexpr size_t N = 16;
  static Reg zero() { return _mm512_setzero_ps(); }
  static Reg load(const T* p) { return _mm512_loadu_ps(p); }
  static void store(T* p, Reg r) { _mm512_storeu_ps(p, r); }
  static Reg broadcast(T x) { return _mm512_set1_ps(x); }
  static Reg mul(Reg a, Reg b) { return _mm512_mul_ps(a, b); }
  static Reg fma(Reg a, Reg b, Reg c) { return _mm512_fmadd_ps(a, b, c); }
};

struct F64 {
  using T = double;
  using Reg = __m512d;
  static constexpr size_t N = 8;
  static Reg zero() { return _mm512_setzero_pd(); }
  static Reg load(const T* p) { return _mm512_loadu_pd(p); }
  static void store(T* p, Reg r) { _mm512_storeu_pd(p, r); }
  static Reg broadcast(T x) { return _mm512_set1_pd(x); }
  static Reg mul(Reg a, Reg b) { return _mm512_mul_pd(a, b); }
  static Reg fma(Reg a, Reg b, Reg c) { return _mm512_fmadd_pd(a, b, c); }
};

constexpr GemmKernelTable kAvx512{
    simd::entry<F32, kAvx512Blocks.f32, YmmF32>("avx512 f32"),  // ymm for the narrow small products
    simd::entry<F64, kAvx512Blocks.f64, YmmF64>("avx512 f64"),
};

}  // namespace

const GemmKernelTable& avx512GemmKernels() { return kAvx512; }

}  // namespace pk::gemm
