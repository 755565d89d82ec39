// Register and cache blocking of every GEMM micro-kernel, all in one place, one entry per target and
// element type (the BLIS way). Each microkernel_<isa>.cc checks that its tile matches its entry here.
//
//   MR×NR  the register tile (the micro-kernel's accumulators).
//   KC     depth of one packed panel: a KC×NR sliver of B is reused by every MR×KC sliver of A of the
//          block, so it should sit in L1 while they stream past.
//   MC     rows of one packed block of A (MC×KC), which should stay in the core's L2.
//   NC     columns of one packed panel of B (KC×NC), shared by all threads, kept in the L3.
//   MRe    rows of the edge kernel (0: none). The matrix's last sliver of A often has fewer than MR
//          rows, and the MR×NR kernel computes its padding rows too; a sliver of r <= MR - MRe rows
//          runs instead as ceil(r / MRe) calls of an MRe×NR kernel, which does less work. MRe·NR/N
//          accumulators must still cover the FMA latency, or the calls cost more than they save.
//
// Measured on an AMD EPYC Zen 4 KVM guest (family 25 model 17; 2 cores, 32 KiB L1d and 1 MiB L2 per
// core, 32 MiB L3; AVX-512 executed on 256-bit units, so zmm and ymm FMAs both peak at 32 f32 or 16
// f64 flops a cycle), g++ 12 -O3; notes by each table.
#pragma once

#include <cstddef>

namespace pk::gemm {

struct BlockSizes {
  size_t mr, nr, mc, kc, nc;
  size_t mrEdge = 0;
};

struct BlockSizesPerType {
  BlockSizes f32, f64;
};

// Whole micro-tiles per block and panel, so that only the matrix's own edge has partial tiles; KC
// needs no multiple, the micro-kernels take any k.
constexpr bool wellFormed(BlockSizes b) {
  return b.mr > 0 && b.nr > 0 && b.kc > 0 && b.mc % b.mr == 0 && b.nc % b.nr == 0 && b.mc > 0 && b.nc > 0 &&
         b.mrEdge < b.mr;
}

// The portable kernels (microkernel_ref.hpp), x86-64 baseline (SSE2, 16 xmm registers, no FMA).
// 8 xmm accumulators: wider tiles spill (8×8 f32 runs at a third of the speed); f32 4×8 (33 GFLOP/s
// per core) beat 3×8, 6×8, 8×4 and 12×4; f64 4×4 (16) matched 4×8 and 2×8, and beat 6×4 and 8×4.
// With this kernel the cache sizes matter little: KC 384 or 512, MC halved or doubled, and NC 2048
// all came within ±5% (the noise) on 256³, 1024³, 4096×256×4096, 4096×4096×256 and 4096×64×1024.
inline constexpr BlockSizesPerType kBaselineBlocks = {
    //  mr  nr   mc   kc    nc
    {    4,  8, 256, 256, 4096},  // f32
    {    4,  4, 128, 256, 4096},  // f64
};

// AVX2 + FMA (microkernel_avx2.cc): 16 ymm registers, 12 accumulators + 2 of B + 1 broadcast, the
// largest tile that does not spill; 12 independent FMAs cover the FMA latency (4) times 2 units.
// A quarter of L2 for the A block (MC), a B sliver of 8 or 16 KiB (KC 256); the Zen 3 figures of the
// README were taken with these. On the Zen 4, forced onto this path, KC 512 came out level with 256
// (within ±3% either way, one thread), so the AVX-512 change below was not carried over unmeasured.
// Edge kernel 3×NR: 6 accumulators, under the 8 that 2 units × latency 4 keep busy, so it pays only
// for a last sliver of 1 to 3 rows (one call, 4 cycles a step against the full tile's 6).
inline constexpr BlockSizesPerType kAvx2Blocks = {
    //  mr  nr   mc   kc    nc  mrEdge
    {    6, 16, 192, 256, 4096, 3},  // f32
    {    6,  8,  96, 256, 4096, 3},  // f64
};

// AVX-512F (microkernel_avx512.cc): 32 zmm registers, 24 accumulators + 2 of B + 1 broadcast. One
// thread, against OpenBLAS 0.3.21's Cooperlake kernels in the same run, at KC 256: f32 12×32 97
// GFLOP/s at 256³ (OpenBLAS 100), 96 at 1024³ (94), 102 on 4096×4096×256 (96); f64 12×16 51 at 256³
// (50), 47 at 1024³ (47), 49 on 4096×4096×256 (51). One core's FMA peak is 58 GFLOP/s f64
// (independent FMAs alone); perf puts 93% of a 1024³ f64 multiply in the micro-kernel and 3.5% in
// packing, the rest mostly in each tile's write-back of C, whose share KC sets. KC 512: half the
// write-backs and half the barriers between the threads' panels, +1–3% f64 at 512³–2048³ on one
// thread and +2–10% f32 on two, no size slower (block sizes compared in one process, taking turns,
// medians of 8 rounds). MC 120 keeps the A block within half of L2 (480 KiB f64). NC makes the
// shared B panel (KC×NC) 8 MiB, a quarter of the L3: for f64 NC 2048 beat 4096 by 1–3% on 2048³ and
// 4096×4096×256.
// Edge kernel 4×NR (8 accumulators, enough for one zmm FMA a cycle): a last sliver of 1 to 8 rows
// takes one or two calls, 8 or 16 FMAs a step against the full tile's 24 (64³ has 4 such rows).
// On a Zen 5 (family 26 model 2: 48 KiB L1d, 1 MiB L2, zmm FMAs on 512-bit units, measured FMA peak
// ~226 GFLOP/s f32 per core that day), one thread, f32, 2026-12-06: KC 256 and 384, MC 96, 192 and
// 240 all came within ±6% of this table at 256³, 512³, 1024³ and 4096×256×4096 (a throwaway harness,
// not in the repository, taking turns in one process; the noise), so one table serves both.
inline constexpr BlockSizesPerType kAvx512Blocks = {
    //  mr  nr   mc   kc    nc  mrEdge
    {   12, 32, 120, 512, 4096, 4},  // f32
    {   12, 16, 120, 512, 2048, 4},  // f64
};

// NEON (microkernel_neon.cc, arm64): 32 q registers, 24 accumulators + 3 of B + broadcasts. Checked
// for correctness under qemu only: no arm64 machine was at hand to measure, so the cache sizes are
// those of the x86-64 tables (NC a multiple of 12).
inline constexpr BlockSizesPerType kNeonBlocks = {
    //  mr  nr   mc   kc    nc  mrEdge
    {    8, 12, 192, 256, 4092, 4},  // f32
    {    8,  6,  96, 256, 4092, 4},  // f64
};

static_assert(wellFormed(kBaselineBlocks.f32) && wellFormed(kBaselineBlocks.f64));
static_assert(wellFormed(kAvx2Blocks.f32) && wellFormed(kAvx2Blocks.f64));
static_assert(wellFormed(kAvx512Blocks.f32) && wellFormed(kAvx512Blocks.f64));
static_assert(wellFormed(kNeonBlocks.f32) && wellFormed(kNeonBlocks.f64));

}  // namespace pk::gemm
