// The NEON GEMM micro-kernels, arm64's baseline table: 4 f32 or 2 f64 per q register, 32 registers.
// NEON is part of every AArch64 CPU, so this file needs no flags and no run-time check.
#include <arm_neon.h>

#include <cstddef>

#include "kernels/gemm/block_sizes.hpp"
#include "kernels/gemm/gemm_kernels.hpp"
#include "kernels/gemm/microkernel_simd-inl.hpp"

namespace pk::gemm {
namespace {

struct F32 {
  using T = float;
  using Reg = float32x4_t;
  static constexpr size_t N = 4;
  static Reg zero() { return vdupq_n_f32(0); }
  static Reg load(const T* p) { return vld1q_f32(p); }
  static void store(T* p, Reg r) { vst1q_f32(p, r); }
  static Reg broadcast(T x) { return vdupq_n_f32(x); }
  static Reg mul(Reg a, Reg b) { return vmulq_f32(a, b); }
  static Reg fma(Reg a, Reg b, Reg c) { return vfmaq_f32(c, a, b); }
};

struct F64 {
  using T = double;
  using Reg = float64x2_t;
  static constexpr size_t N = 2;
  static Reg zero() { return vdupq_n_f64(0); }
  static Reg load(const T* p) { return vld1q_f64(p); }
  static void store(T* p, Reg r) { vst1q_f64(p, r); }
  static Reg broadcast(T x) { return vdupq_n_f64(x); }
  static Reg mul(Reg a, Reg b) { return vmulq_f64(a, b); }
  static Reg fma(Reg a, Reg b, Reg c) { return vfmaq_f64(c, a, b); }
};

constexpr GemmKernelTable kNeon{
    simd::entry<F32, kNeonBlocks.f32>("neon f32"),
    simd::entry<F64, kNeonBlocks.f64>("neon f64"),
};

}  // namespace

const GemmKernelTable& baselineGemmKernels() { return kNeon; }

}  // namespace pk::gemm
