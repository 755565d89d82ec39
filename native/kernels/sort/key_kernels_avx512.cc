// The AVX-512 (F, BW, DQ, VL) quicksort kernels: 16 u32 or 8 u64 keys per 512-bit vector in the
// sorting networks. The partition permutes each vector of 8 keys (256-bit for u32, 512-bit for u64)
// once, by a table indexed by its comparison mask. No compress: to memory it is microcode on Zen 4,
// and even into a register the u32 partition with two compresses and an expand per 16 keys sorted
// 1e6 keys 9% slower than this one (a masked store instead of the expand was slower still). On a
// Zen 5, whose vector units are 512 bits wide, compresses lost too (2026-12-06, one thread, 1e6 and
// 1e7 keys, builds of each variant timed by a throwaway probe): that u32 partition by 18-22%, and a
// u64 one with two compresses into registers, a store and a masked store, by 20-35%. Compressing
// straight to memory (two masked vpcompress stores per vector, as x86-simd-sort does) lost more
// still there (same kind of probe, a later session that day): 1e7 i32 185 against 265 M elements/s,
// 1e6 f64 132 against 188.
#include <immintrin.h>

// GCC 12's _mm512_undefined_* initialize a variable from itself, which -Wuninitialized reports at
// every inlined use (GCC bug 105593, fixed in GCC 13).
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ < 13
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include <array>
#include <cstdint>

#include "kernels/sort/key_kernels-inl.hpp"
#include "kernels/sort/key_kernels.hpp"
#include "kernels/sort/key_maps-inl.hpp"

namespace pk::sort {
namespace {

// For each mask of 8 lanes, the lane order that puts the mask's lanes first and the others after, as
// eight byte-sized lane indices, which one vpmovzx widens into the permute's index vector. (Nibbles
// shifted into place by a broadcast and a vpsrlv cost one instruction more per vector: f64 at 1e6,
// one thread, Zen 5, eight alternating runs of two builds: 5% slower.)
constexpr std::array<uint64_t, 256> partitionIndices() {
  std::array<uint64_t, 256> table{};
  for (unsigned mask = 0; mask < 256; ++mask) {
    unsigned out = 0;
    for (unsigned pass = 0; pass < 2; ++pass) {
      for (unsigned lane = 0; lane < 8; ++lane) {
        if (((mask >> lane) & 1) == (pass == 0 ? 1u : 0u)) table[mask] |= uint64_t{lane} << (8 * out++);
      }
    }
  }
  return table;
}
alignas(64) constexpr std::array<uint64_t, 256> kPartitionIndices = partitionIndices();

// The 8 lane indices for `mask`, in the low 8 bytes of an xmm register.
inline __m128i partitionIndicesOf(unsigned mask) {
  return _mm_loadl_epi64(reinterpret_cast<const __m128i*>(&kPartitionIndices[mask]));
}

// The u32 partition's vectors (the networks' are U32's).
struct U32Partition {
  using K = uint32_t;
  using V = __m256i;
  static constexpr size_t N = 8;
  static V load(const K* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); }
  static void store(K* p, V v) { _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), v); }
  static V boundVector(K bound) { return _mm256_set1_epi32(static_cast<int>(bound)); }
  static unsigned lessMask(V v, V bound) { return _mm256_cmplt_epu32_mask(v, bound); }
  static V partitionVector(V v, unsigned mask) {
    return _mm256_permutevar8x32_epi32(v, _mm256_cvtepu8_epi32(partitionIndicesOf(mask)));
  }
};

struct U32 {
  using K = uint32_t;
  using V = __m512i;
  static constexpr size_t N = 16;
  // Networks of up to 16 registers (256 keys): 6% faster at 1e6 than 8, while 32 spill (-15%).
  static constexpr size_t kMaxRegs = 16;
  static V load(const K* p) { return _mm512_loadu_si512(p); }
  static void store(K* p, V v) { _mm512_storeu_si512(p, v); }
  // Masked loads and stores move the networks' partial registers without a copy through a buffer
  // (1e6 keys, one thread, Zen 4: f64, f32 and i64 each +5%).
  static V loadPadded(const K* p, size_t count) {
    return _mm512_mask_loadu_epi32(_mm512_set1_epi32(-1), static_cast<__mmask16>(_bzhi_u32(0xFFFFu, count)), p);
  }
  static void storeFirst(K* p, V v, size_t count) {
    _mm512_mask_storeu_epi32(p, static_cast<__mmask16>(_bzhi_u32(0xFFFFu, count)), v);
  }
  static V boundVector(K bound) { return _mm512_set1_epi32(static_cast<int>(bound)); }
  static unsigned lessMask(V v, V bound) { return _mm512_cmplt_epu32_mask(v, bound); }
  static V partitionVector(V v, unsigned mask) {
    const __mmask16 m = static_cast<__mmask16>(mask);
    const V low = _mm512_maskz_compress_epi32(m, v);
    const __mmask16 high = static_cast<__mmask16>(0xFFFFu << __builtin_popcount(mask));
    return _mm512_mask_expand_epi32(low, high, _mm512_maskz_compress_epi32(static_cast<__mmask16>(~m), v));
  }
  static V min(V x, V y) { return _mm512_min_epu32(x, y); }
  static V max(V x, V y) { return _mm512_max_epu32(x, y); }
  // In-lane shuffles with immediates, not a permute by an index vector: cheaper in the networks.
  template <size_t J>
  static V xorLanes(V v) {
    if constexpr (J == 1) return _mm512_shuffle_epi32(v, _MM_PERM_CDAB);
    if constexpr (J == 2) return _mm512_shuffle_epi32(v, _MM_PERM_BADC);
    if constexpr (J == 3) return _mm512_shuffle_epi32(v, _MM_PERM_ABCD);
    if constexpr (J == 4) return _mm512_shuffle_i32x4(v, v, _MM_SHUFFLE(2, 3, 0, 1));
    if constexpr (J == 8) return _mm512_shuffle_i32x4(v, v, _MM_SHUFFLE(1, 0, 3, 2));
    if constexpr (J == 5 || J == 6 || J == 7 || J > 8) {
      return _mm512_permutexvar_epi32(
          _mm512_setr_epi32(0 ^ J, 1 ^ J, 2 ^ J, 3 ^ J, 4 ^ J, 5 ^ J, 6 ^ J, 7 ^ J, 8 ^ J, 9 ^ J, 10 ^ J, 11 ^ J,
                            12 ^ J, 13 ^ J, 14 ^ J, 15 ^ J),
          v);
    }
  }
  // Rows to columns of a 16×16 block: 32-bit pairs, 64-bit pairs, then 128-bit chunks twice.
  static void transpose(V (&r)[16]) {
    V t[16], u[16];
    for (size_t i = 0; i < 16; i += 2) {
      t[i] = _mm512_unpacklo_epi32(r[i], r[i + 1]);
      t[i + 1] = _mm512_unpackhi_epi32(r[i], r[i + 1]);
    }
    for (size_t i = 0; i < 16; i += 4) {
      u[i] = _mm512_unpacklo_epi64(t[i], t[i + 2]);
      u[i + 1] = _mm512_unpackhi_epi64(t[i], t[i + 2]);
      u[i + 2] = _mm512_unpacklo_epi64(t[i + 1], t[i + 3]);
      u[i + 3] = _mm512_unpackhi_epi64(t[i + 1], t[i + 3]);
    }
    // u[4q + c], c = 0..3, holds columns c, c + 4, c + 8, c + 12 of rows 4q..4q+3, one per chunk.
    for (size_t i = 0; i < 16; i += 8) {
      for (size_t c = 0; c < 4; ++c) {
        t[i + c] = _mm512_shuffle_i32x4(u[i + c], u[i + 4 + c], 0x88);
        t[i + 4 + c] = _mm512_shuffle_i32x4(u[i + c], u[i + 4 + c], 0xDD);
      }
    }
    for (size_t c = 0; c < 4; ++c) {
      r[c] = _mm512_shuffle_i32x4(t[c], t[8 + c], 0x88);
      r[c + 8] = _mm512_shuffle_i32x4(t[c], t[8 + c], 0xDD);
      r[c + 4] = _mm512_shuffle_i32x4(t[4 + c], t[12 + c], 0x88);
      r[c + 12] = _mm512_shuffle_i32x4(t[4 + c], t[12 + c], 0xDD);
    }
  }
  static constexpr bool kLaneMajor = true;
  template <unsigned kMask>
  static V blend(V x, V y) { return _mm512_mask_blend_epi32(static_cast<__mmask16>(kMask), y, x); }
};

struct U64 {
  using K = uint64_t;
  using V = __m512i;
  static constexpr size_t N = 8;
  // 16 registers (128 keys) measured best: 8 is 4% slower at 1e6, 32 spill (-17%).
  static constexpr size_t kMaxRegs = 16;
  static V load(const K* p) { return _mm512_loadu_si512(p); }
  static void store(K* p, V v) { _mm512_storeu_si512(p, v); }
  static V loadPadded(const K* p, size_t count) {
    return _mm512_mask_loadu_epi64(_mm512_set1_epi64(-1), static_cast<__mmask8>(_bzhi_u32(0xFFu, count)), p);
  }
  static void storeFirst(K* p, V v, size_t count) {
    _mm512_mask_storeu_epi64(p, static_cast<__mmask8>(_bzhi_u32(0xFFu, count)), v);
  }
  static V boundVector(K bound) { return _mm512_set1_epi64(static_cast<long long>(bound)); }
  static unsigned lessMask(V v, V bound) { return _mm512_cmplt_epu64_mask(v, bound); }
  // One permute by an index vector from a 256-entry table: the lanes < bound first, then the others,
  // each in lane order. (Two compresses and an expand, even into registers, cost more: 1e6 keys,
  // one thread, Zen 4: 106 -> 116 M elements/s.)
  static V partitionVector(V v, unsigned mask) {
    return _mm512_permutexvar_epi64(_mm512_cvtepu8_epi64(partitionIndicesOf(mask)), v);
  }
  static V min(V x, V y) { return _mm512_min_epu64(x, y); }
  static V max(V x, V y) { return _mm512_max_epu64(x, y); }
  template <size_t J>
  static V xorLanes(V v) {
    if constexpr (J == 1) return _mm512_shuffle_epi32(v, _MM_PERM_BADC);
    if constexpr (J == 2) return _mm512_shuffle_i64x2(v, v, _MM_SHUFFLE(2, 3, 0, 1));
    if constexpr (J == 4) return _mm512_shuffle_i64x2(v, v, _MM_SHUFFLE(1, 0, 3, 2));
    if constexpr (J == 3 || J == 5 || J == 6 || J == 7) {
      return _mm512_permutexvar_epi64(_mm512_setr_epi64(0 ^ J, 1 ^ J, 2 ^ J, 3 ^ J, 4 ^ J, 5 ^ J, 6 ^ J, 7 ^ J), v);
    }
  }
  // Rows to columns of an 8×8 block: pairs inside 128-bit chunks, then chunks across registers.
  static void transpose(V (&r)[8]) {
    V t[8], u[8];
    for (size_t i = 0; i < 8; i += 2) {
      t[i] = _mm512_unpacklo_epi64(r[i], r[i + 1]);
      t[i + 1] = _mm512_unpackhi_epi64(r[i], r[i + 1]);
    }
    for (size_t i = 0; i < 8; i += 4) {
      u[i] = _mm512_shuffle_i64x2(t[i], t[i + 2], 0x88);
      u[i + 1] = _mm512_shuffle_i64x2(t[i], t[i + 2], 0xDD);
      u[i + 2] = _mm512_shuffle_i64x2(t[i + 1], t[i + 3], 0x88);
      u[i + 3] = _mm512_shuffle_i64x2(t[i + 1], t[i + 3], 0xDD);
    }
    r[0] = _mm512_shuffle_i64x2(u[0], u[4], 0x88);
    r[4] = _mm512_shuffle_i64x2(u[0], u[4], 0xDD);
    r[2] = _mm512_shuffle_i64x2(u[1], u[5], 0x88);
    r[6] = _mm512_shuffle_i64x2(u[1], u[5], 0xDD);
    r[1] = _mm512_shuffle_i64x2(u[2], u[6], 0x88);
    r[5] = _mm512_shuffle_i64x2(u[2], u[6], 0xDD);
    r[3] = _mm512_shuffle_i64x2(u[3], u[7], 0x88);
    r[7] = _mm512_shuffle_i64x2(u[3], u[7], 0xDD);
  }
  static constexpr bool kLaneMajor = true;
  template <unsigned kMask>
  static V blend(V x, V y) { return _mm512_mask_blend_epi64(static_cast<__mmask8>(kMask), y, x); }
};

constexpr KeyKernelTable kTable{
    {&simd::partition<U32Partition>, &simd::sortSmall<U32>, U32::kMaxRegs * U32::N, &simd::merge<U32>},
    {&simd::partition<U64>, &simd::sortSmall<U64>, U64::kMaxRegs * U64::N, &simd::merge<U64>},
    maps::floatKeyMaps<U64, float>(),
    maps::floatKeyMaps<U64, double>(),
    maps::mappedPartitions<U32Partition, U64>(),
    maps::inPlaceMaps<U32Partition, U64>(),
    maps::pairScans<U64>(),
};

}  // namespace

const KeyKernelTable& avx512KeyKernels() { return kTable; }

}  // namespace pk::sort
