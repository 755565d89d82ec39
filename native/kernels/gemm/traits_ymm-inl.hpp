// The vector traits (microkernel_simd-inl.hpp) of 256-bit ymm registers with FMA: the AVX2 kernels'
// registers, and the AVX-512 table's half-width ones for narrow small products. Each translation
// unit that includes this header gets its own copy (anonymous namespace), compiled with its flags, as
// the templates over these traits must be (see microkernel_simd-inl.hpp).
#pragma once

#include <immintrin.h>

#include <cstddef>

namespace pk::gemm {
namespace {

struct YmmF32 {
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

struct YmmF64 {
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

}  // namespace
}  // namespace pk::gemm
