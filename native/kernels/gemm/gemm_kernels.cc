// The baseline GEMM table (portable kernels on x86-64 and elsewhere; NEON on arm64, in
// microkernel_neon.cc), and the choice of the table for the process.
#include "kernels/gemm/gemm_kernels.hpp"

#include "kernels/gemm/block_sizes.hpp"
#include "kernels/gemm/microkernel_ref.hpp"
#include "kernels/gemm/small_gemm-inl.hpp"

namespace pk::gemm {

#if !defined(__aarch64__)
namespace {

static_assert(kBaselineBlocks.f32.mr == 4 && kBaselineBlocks.f32.nr == 8, "the f32 baseline kernel is 4×8");
static_assert(kBaselineBlocks.f64.mr == 4 && kBaselineBlocks.f64.nr == 4, "the f64 baseline kernel is 4×4");
static_assert(kBaselineBlocks.f32.mrEdge == 0 && kBaselineBlocks.f64.mrEdge == 0, "no edge kernel at the baseline");

// Scalar traits for the small products (small_gemm-inl.hpp): one element per "register", in plain
// C++ that the compiler vectorizes at the baseline as it can.
template <typename T_>
struct Scalar {
  using T = T_;
  using Reg = T;
  static constexpr size_t N = 1;
  static Reg zero() { return T(0); }
  static Reg load(const T* p) { return *p; }
  static void store(T* p, Reg r) { *p = r; }
  static Reg broadcast(T x) { return x; }
  static Reg fma(Reg a, Reg b, Reg c) { return a * b + c; }
};

constexpr GemmKernelTable kBaseline{
    {kBaselineBlocks.f32, gemmRefKernel<float, 4, 8, false>, gemmRefKernel<float, 4, 8, true>, nullptr, nullptr,
     small::gemm<Scalar<float>>, "baseline f32"},
    {kBaselineBlocks.f64, gemmRefKernel<double, 4, 4, false>, gemmRefKernel<double, 4, 4, true>, nullptr, nullptr,
     small::gemm<Scalar<double>>, "baseline f64"},
};

}  // namespace

const GemmKernelTable& baselineGemmKernels() { return kBaseline; }
#endif

const GemmKernelTable& gemmKernelsFor(pk::cpu::SimdTarget target) {
  switch (target) {
#if defined(__x86_64__)
    case pk::cpu::SimdTarget::Avx512: return avx512GemmKernels();
    case pk::cpu::SimdTarget::Avx2: return avx2GemmKernels();
#endif
    default: return baselineGemmKernels();
  }
}

const GemmKernelTable& gemmKernels() {
  static const GemmKernelTable& table = gemmKernelsFor(pk::cpu::simdTarget());
  return table;
}

}  // namespace pk::gemm
