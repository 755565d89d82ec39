// The AVX2 + FMA GEMM micro-kernels: 8 f32 or 4 f64 per ymm register, 16 registers.
#include "kernels/gemm/block_sizes.hpp"
#include "kernels/gemm/gemm_kernels.hpp"
#include "kernels/gemm/microkernel_simd-inl.hpp"
#include "kernels/gemm/traits_ymm-inl.hpp"

namespace pk::gemm {
namespace {

constexpr GemmKernelTable kAvx2{
    simd::entry<YmmF32, kAvx2Blocks.f32>("avx2 f32"),
    simd::entry<YmmF64, kAvx2Blocks.f64>("avx2 f64"),
};

}  // namespace

const GemmKernelTable& avx2GemmKernels() { return kAvx2; }

}  // namespace pk::gemm
