// Cache and register blocking for the portable reference micro-kernels (microkernel_ref.hpp).
//
// Measured on an AMD EPYC Zen 4 KVM guest (2 cores; 32 KiB L1d and 1 MiB L2 per core, 32 MiB L3),
// g++ 12 -O3 at the x86-64 baseline (SSE2, 16 xmm registers, no FMA). SIMD kernels will bring their
// own table, one per ISA.
//   MR×NR  the register tile: 8 xmm accumulators. Wider tiles spill (8×8 f32 runs at a third of the
//          speed); f32 4×8 (33 GFLOP/s per core) beat 3×8, 6×8, 8×4 and 12×4. f64 4×4 (16) matched
//          4×8 and 2×8, which spill or reuse less, and beat 6×4 and 8×4.
//   KC     a KC×NR sliver of B (8 KiB f32) stays in L1 while the MR×KC slivers of A stream past it.
//   MC     an MC×KC block of A (256 KiB) stays in the core's L2.
//   NC     a KC×NC panel of B (4 MiB f32) stays in the shared L3 while every thread walks its A blocks.
// With this kernel the sizes matter little: KC 384 or 512, MC halved or doubled, and NC 2048 all came
// within ±5% (the noise) on 256³, 1024³, 4096×256×4096, 4096×4096×256 and 4096×64×1024, 1 and 2 threads.
#pragma once

#include <cstddef>
#include <type_traits>

namespace pk::gemm {

struct BlockSizes {
  size_t mr, nr, mc, kc, nc;
};

namespace detail {
struct PerType {
  size_t f32, f64;
};
//                                  f32     f64
inline constexpr PerType kMR = {      4,      4};
inline constexpr PerType kNR = {      8,      4};
inline constexpr PerType kMC = {    256,    128};
inline constexpr PerType kKC = {    256,    256};
inline constexpr PerType kNC = {   4096,   4096};

// Whole micro-tiles per block and panel, so that only the matrix's own edge has partial tiles.
static_assert(kMC.f32 % kMR.f32 == 0 && kMC.f64 % kMR.f64 == 0, "MC must be a multiple of MR");
static_assert(kNC.f32 % kNR.f32 == 0 && kNC.f64 % kNR.f64 == 0, "NC must be a multiple of NR");
// KC needs no multiple: the micro-kernels take any k.
static_assert(kKC.f32 > 0 && kKC.f64 > 0, "KC must be positive");

template <typename T>
constexpr size_t pick(PerType v) {
  static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>);
  return std::is_same_v<T, float> ? v.f32 : v.f64;
}
}  // namespace detail

template <typename T>
inline constexpr BlockSizes kRefBlockSizes = {detail::pick<T>(detail::kMR), detail::pick<T>(detail::kNR),
                                              detail::pick<T>(detail::kMC), detail::pick<T>(detail::kKC),
                                              detail::pick<T>(detail::kNC)};

}  // namespace pk::gemm
