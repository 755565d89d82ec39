// The NEON quicksort kernels, arm64's baseline table: 4 u32 or 2 u64 keys per 128-bit q register.
// NEON is part of every AArch64 CPU, so this file needs no flags and no run-time check. Like AVX2,
// NEON has no compress: the partition permutes each vector with one byte shuffle (TBL) from a table
// indexed by its comparison mask, and the mask itself comes from AND with lane bits and an add
// across the vector, NEON having no movemask.
#include <arm_neon.h>

#include <array>
#include <cstddef>
#include <cstdint>

#include "kernels/sort/key_kernels-inl.hpp"
#include "kernels/sort/key_kernels.hpp"
#include "kernels/sort/key_maps-inl.hpp"

namespace pk::sort {
namespace {

using ByteIndices = std::array<uint8_t, 16>;

// For each mask of kLanes bits, the TBL byte indices that put the mask's lanes first and the others
// after, each group in lane order.
template <size_t kLanes>
constexpr std::array<ByteIndices, size_t{1} << kLanes> partitionShuffles() {
  constexpr size_t kBytes = 16 / kLanes;
  std::array<ByteIndices, size_t{1} << kLanes> table{};
  for (size_t mask = 0; mask < table.size(); ++mask) {
    size_t out = 0;
    for (int pass = 0; pass < 2; ++pass) {
      for (size_t lane = 0; lane < kLanes; ++lane) {
        if (((mask >> lane) & 1) != (pass == 0 ? 1u : 0u)) continue;
        for (size_t b = 0; b < kBytes; ++b) table[mask][out++] = static_cast<uint8_t>(lane * kBytes + b);
      }
    }
  }
  return table;
}

// Aligned so each entry is one 16-byte load that never straddles a cache line.
alignas(64) constexpr auto kShuffles32 = partitionShuffles<4>();
alignas(64) constexpr auto kShuffles64 = partitionShuffles<2>();

inline uint8x16_t shuffle(uint8x16_t bytes, const ByteIndices& indices) { return vqtbl1q_u8(bytes, vld1q_u8(indices.data())); }

// Register budget: the networks keep kMaxRegs registers of keys live, and every compare-exchange needs
// temporaries on top (min and max before they replace the pair; for u64 the compare mask as well),
// plus the blend masks. Of AArch64's 32 vector registers, 16 for keys leaves 16 for those: GCC 12's
// code for the 16-register networks spills only a few temporaries (some 30 to 45 stack accesses
// beyond the buffer's, in about 1000 instructions), where 32 registers of u64 keys spill throughout
// (some 350 in 1900). Both widths therefore use 16 registers: networks of 64 u32 or 32 u64 keys, as
// the AVX2 table has. (Read off the generated code, not timed: no arm64 hardware to time it on.)

struct U32 {
  using K = uint32_t;
  using V = uint32x4_t;
  static constexpr size_t N = 4;
  static constexpr size_t kMaxRegs = 16;
  static V load(const K* p) { return vld1q_u32(p); }
  static void store(K* p, V v) { vst1q_u32(p, v); }
  static V boundVector(K bound) { return vdupq_n_u32(bound); }
  static unsigned lessMask(V v, V bound) {
    const V laneBits = {1, 2, 4, 8};
    return vaddvq_u32(vandq_u32(vcltq_u32(v, bound), laneBits));
  }
  static V partitionVector(V v, unsigned mask) {
    return vreinterpretq_u32_u8(shuffle(vreinterpretq_u8_u32(v), kShuffles32[mask]));
  }
  static V min(V x, V y) { return vminq_u32(x, y); }
  static V max(V x, V y) { return vmaxq_u32(x, y); }
  template <size_t J>
  static V xorLanes(V v) {
    if constexpr (J == 1) return vrev64q_u32(v);      // swaps the two lanes of each 64-bit half
    if constexpr (J == 2) return vextq_u32(v, v, 2);  // swaps the halves
    if constexpr (J == 3) return vrev64q_u32(vextq_u32(v, v, 2));  // reverses the four lanes
  }
  template <unsigned kMask>
  static V blend(V x, V y) {
    constexpr auto lane = [](unsigned i) { return (kMask >> i & 1) ? ~uint32_t{0} : uint32_t{0}; };
    const V select = {lane(0), lane(1), lane(2), lane(3)};
    return vbslq_u32(select, x, y);
  }
  // Rows to columns of a 4×4 block: 32-bit pairs (TRN1/TRN2), then 64-bit pairs.
  static void transpose(V (&r)[4]) {
    const V t0 = vtrn1q_u32(r[0], r[1]), t1 = vtrn2q_u32(r[0], r[1]);
    const V t2 = vtrn1q_u32(r[2], r[3]), t3 = vtrn2q_u32(r[2], r[3]);
    const auto pairs = [](V v) { return vreinterpretq_u64_u32(v); };
    r[0] = vreinterpretq_u32_u64(vtrn1q_u64(pairs(t0), pairs(t2)));
    r[1] = vreinterpretq_u32_u64(vtrn1q_u64(pairs(t1), pairs(t3)));
    r[2] = vreinterpretq_u32_u64(vtrn2q_u64(pairs(t0), pairs(t2)));
    r[3] = vreinterpretq_u32_u64(vtrn2q_u64(pairs(t1), pairs(t3)));
  }
  static constexpr bool kLaneMajor = true;
};

struct U64 {
  using K = uint64_t;
  using V = uint64x2_t;
  static constexpr size_t N = 2;
  static constexpr size_t kMaxRegs = 16;
  static V load(const K* p) { return vld1q_u64(p); }
  static void store(K* p, V v) { vst1q_u64(p, v); }
  static V boundVector(K bound) { return vdupq_n_u64(bound); }
  static unsigned lessMask(V v, V bound) {
    const V laneBits = {1, 2};
    return static_cast<unsigned>(vaddvq_u64(vandq_u64(vcltq_u64(v, bound), laneBits)));
  }
  static V partitionVector(V v, unsigned mask) {
    return vreinterpretq_u64_u8(shuffle(vreinterpretq_u8_u64(v), kShuffles64[mask]));
  }
  // No vminq_u64/vmaxq_u64: one unsigned compare, then a select each way (the compiler shares the compare).
  static V min(V x, V y) { return vbslq_u64(vcgtq_u64(x, y), y, x); }
  static V max(V x, V y) { return vbslq_u64(vcgtq_u64(x, y), x, y); }
  template <size_t J>
  static V xorLanes(V v) {
    static_assert(J == 1, "two lanes per register");
    return vextq_u64(v, v, 1);
  }
  template <unsigned kMask>
  static V blend(V x, V y) {
    constexpr auto lane = [](unsigned i) { return (kMask >> i & 1) ? ~uint64_t{0} : uint64_t{0}; };
    const V select = {lane(0), lane(1)};
    return vbslq_u64(select, x, y);
  }
  static void transpose(V (&r)[2]) {
    const V first = vtrn1q_u64(r[0], r[1]);
    r[1] = vtrn2q_u64(r[0], r[1]);
    r[0] = first;
  }
  static constexpr bool kLaneMajor = true;
};

constexpr KeyKernelTable kTable{
    {&simd::partition<U32>, &simd::sortSmall<U32>, U32::kMaxRegs * U32::N, &simd::merge<U32>},
    {&simd::partition<U64>, &simd::sortSmall<U64>, U64::kMaxRegs * U64::N, &simd::merge<U64>},
    maps::floatKeyMaps<U64, float>(),
    maps::floatKeyMaps<U64, double>(),
    maps::mappedPartitions<U32, U64>(),
    maps::inPlaceMaps<U32, U64>(),
    maps::pairScans<U64>(),
};

}  // namespace

const KeyKernelTable& neonKeyKernels() { return kTable; }

}  // namespace pk::sort
