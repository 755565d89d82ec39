// The AVX2 quicksort kernels: 8 u32 or 4 u64 keys per 256-bit vector. AVX2 has no compress and no
// unsigned 64-bit compares: the partition permutes each vector by a table indexed by its comparison
// mask, and 64-bit keys are compared with their sign bits flipped.
//
// The networks go up to 16 registers (128 u32 or 64 u64 keys), all 16 ymm registers of keys, so
// g++ spills a few of them: still faster than stopping at 8, because the larger base case saves the
// last partition level (Zen 3, one thread, 1e6 keys: u32 ~100 -> ~125 M/s, f64 ~55 -> ~63). 32
// registers spill too much (u32 ~68 M/s).
#include <immintrin.h>

#include <array>
#include <cstdint>

#include "kernels/sort/key_kernels-inl.hpp"
#include "kernels/sort/key_kernels.hpp"
#include "kernels/sort/key_maps-inl.hpp"

namespace pk::sort {
namespace {

// For each mask of kLanes bits, the lane order that puts the mask's lanes first and the others after,
// as 8 byte-sized 32-bit lane indices (a 64-bit lane i becomes 32-bit lanes 2i, 2i+1).
template <size_t kLanes>
constexpr std::array<uint64_t, size_t{1} << kLanes> partitionPermutations() {
  constexpr size_t kWords = 8 / kLanes;
  std::array<uint64_t, size_t{1} << kLanes> table{};
  for (size_t mask = 0; mask < table.size(); ++mask) {
    size_t out = 0;
    for (int pass = 0; pass < 2; ++pass) {
      for (size_t lane = 0; lane < kLanes; ++lane) {
        if (((mask >> lane) & 1) != (pass == 0 ? 1u : 0u)) continue;
        for (size_t w = 0; w < kWords; ++w) table[mask] |= uint64_t(lane * kWords + w) << (8 * out++);
      }
    }
  }
  return table;
}

constexpr auto kPermutations32 = partitionPermutations<8>();
constexpr auto kPermutations64 = partitionPermutations<4>();

inline __m256i permutationOf(uint64_t packed) {
  return _mm256_cvtepu8_epi32(_mm_cvtsi64_si128(static_cast<long long>(packed)));
}

struct U32 {
  using K = uint32_t;
  using V = __m256i;
  static constexpr size_t N = 8;
  static constexpr size_t kMaxRegs = 16;
  static V load(const K* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); }
  static void store(K* p, V v) { _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), v); }
  // The bound with its sign bit flipped, so a signed compare orders unsigned keys.
  static V boundVector(K bound) { return _mm256_set1_epi32(static_cast<int>(bound ^ 0x80000000u)); }
  static unsigned lessMask(V v, V bound) {
    const V flipped = _mm256_xor_si256(v, _mm256_set1_epi32(static_cast<int>(0x80000000u)));
    return static_cast<unsigned>(_mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpgt_epi32(bound, flipped))));
  }
  static V partitionVector(V v, unsigned mask) { return _mm256_permutevar8x32_epi32(v, permutationOf(kPermutations32[mask])); }
  static V min(V x, V y) { return _mm256_min_epu32(x, y); }
  static V max(V x, V y) { return _mm256_max_epu32(x, y); }
  // Shuffles with immediates, not a permute by an index vector: cheaper in the networks.
  template <size_t J>
  static V xorLanes(V v) {
    if constexpr (J == 1) return _mm256_shuffle_epi32(v, _MM_SHUFFLE(2, 3, 0, 1));
    if constexpr (J == 2) return _mm256_shuffle_epi32(v, _MM_SHUFFLE(1, 0, 3, 2));
    if constexpr (J == 3) return _mm256_shuffle_epi32(v, _MM_SHUFFLE(0, 1, 2, 3));
    if constexpr (J == 4) return _mm256_permute4x64_epi64(v, _MM_SHUFFLE(1, 0, 3, 2));
    if constexpr (J > 4) {
      return _mm256_permutevar8x32_epi32(v, _mm256_setr_epi32(0 ^ J, 1 ^ J, 2 ^ J, 3 ^ J, 4 ^ J, 5 ^ J, 6 ^ J, 7 ^ J));
    }
  }
  template <unsigned kMask>
  static V blend(V x, V y) { return _mm256_blend_epi32(y, x, kMask); }
  // Rows to columns of an 8×8 block: 32-bit pairs, 64-bit pairs, then 128-bit halves.
  static void transpose(V (&r)[8]) {
    V t[8], u[8];
    for (size_t i = 0; i < 8; i += 2) {
      t[i] = _mm256_unpacklo_epi32(r[i], r[i + 1]);
      t[i + 1] = _mm256_unpackhi_epi32(r[i], r[i + 1]);
    }
    for (size_t i = 0; i < 8; i += 4) {
      u[i] = _mm256_unpacklo_epi64(t[i], t[i + 2]);
      u[i + 1] = _mm256_unpackhi_epi64(t[i], t[i + 2]);
      u[i + 2] = _mm256_unpacklo_epi64(t[i + 1], t[i + 3]);
      u[i + 3] = _mm256_unpackhi_epi64(t[i + 1], t[i + 3]);
    }
    // u[4q + c] holds columns c and c + 4 of rows 4q..4q+3, one per 128-bit half.
    for (size_t c = 0; c < 4; ++c) {
      r[c] = _mm256_permute2x128_si256(u[c], u[4 + c], 0x20);
      r[c + 4] = _mm256_permute2x128_si256(u[c], u[4 + c], 0x31);
    }
  }
  static constexpr bool kLaneMajor = true;
};

// 4 u64 keys per vector. The unsigned order is the signed one with the sign bits flipped.
struct U64Lanes {
  using K = uint64_t;
  using V = __m256i;
  static constexpr size_t N = 4;
  static V flip(V v) { return _mm256_xor_si256(v, _mm256_set1_epi64x(static_cast<long long>(0x8000000000000000u))); }
  static V loadKeys(const K* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); }
  static void storeKeys(K* p, V v) { _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), v); }
};

// The u64 partition's vectors: the keys as they are.
struct U64Partition : U64Lanes {
  static V load(const K* p) { return loadKeys(p); }
  static void store(K* p, V v) { storeKeys(p, v); }
  static V boundVector(K bound) { return _mm256_set1_epi64x(static_cast<long long>(bound ^ 0x8000000000000000u)); }
  static unsigned lessMask(V v, V bound) {
    return static_cast<unsigned>(_mm256_movemask_pd(_mm256_castsi256_pd(_mm256_cmpgt_epi64(bound, flip(v)))));
  }
  static V partitionVector(V v, unsigned mask) { return _mm256_permutevar8x32_epi32(v, permutationOf(kPermutations64[mask])); }
};

// The u64 networks' vectors: keys sign-flipped once on load and back on store, so that each
// compare-exchange is one signed compare and two blends, not two XORs more (Zen 3, one thread, f64 and
// i64 at 1e6: +9%).
struct U64 : U64Lanes {
  static constexpr size_t kMaxRegs = 16;
  static V load(const K* p) { return flip(loadKeys(p)); }
  static void store(K* p, V v) { storeKeys(p, flip(v)); }
  static V min(V x, V y) { return _mm256_blendv_epi8(x, y, _mm256_cmpgt_epi64(x, y)); }
  static V max(V x, V y) { return _mm256_blendv_epi8(y, x, _mm256_cmpgt_epi64(x, y)); }
  template <size_t J>
  static V xorLanes(V v) {
    if constexpr (J == 1) return _mm256_shuffle_epi32(v, _MM_SHUFFLE(1, 0, 3, 2));
    if constexpr (J == 2) return _mm256_permute4x64_epi64(v, _MM_SHUFFLE(1, 0, 3, 2));
    if constexpr (J == 3) return _mm256_permute4x64_epi64(v, _MM_SHUFFLE(0, 1, 2, 3));
  }
  template <unsigned kMask>
  static V blend(V x, V y) {
    // kMask's bit i stands for both 32-bit halves of lane i.
    constexpr int kHalves = (kMask & 1) * 3 | (kMask >> 1 & 1) * 12 | (kMask >> 2 & 1) * 48 | (kMask >> 3 & 1) * 192;
    return _mm256_blend_epi32(y, x, kHalves);
  }
  // Rows to columns of a 4×4 block: 64-bit pairs, then 128-bit halves.
  static void transpose(V (&r)[4]) {
    const V t0 = _mm256_unpacklo_epi64(r[0], r[1]), t1 = _mm256_unpackhi_epi64(r[0], r[1]);
    const V t2 = _mm256_unpacklo_epi64(r[2], r[3]), t3 = _mm256_unpackhi_epi64(r[2], r[3]);
    r[0] = _mm256_permute2x128_si256(t0, t2, 0x20);
    r[1] = _mm256_permute2x128_si256(t1, t3, 0x20);
    r[2] = _mm256_permute2x128_si256(t0, t2, 0x31);
    r[3] = _mm256_permute2x128_si256(t1, t3, 0x31);
  }
  static constexpr bool kLaneMajor = true;
};

constexpr KeyKernelTable kTable{
    {&simd::partition<U32>, &simd::sortSmall<U32>, U32::kMaxRegs * U32::N, &simd::merge<U32>},
    {&simd::partition<U64Partition>, &simd::sortSmall<U64>, U64::kMaxRegs * U64::N, &simd::merge<U64>},
    maps::floatKeyMaps<U64, float>(),
    maps::floatKeyMaps<U64, double>(),
    maps::mappedPartitions<U32, U64Partition>(),
    maps::inPlaceMaps<U32, U64Partition>(),
    maps::pairScans<U64>(),
};

}  // namespace

const KeyKernelTable& avx2KeyKernels() { return kTable; }

}  // namespace pk::sort
