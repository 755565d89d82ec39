// The scalar quicksort kernels (the Baseline target's on x86-64; NEON's, in key_kernels_neon.cc, on
// arm64), and the choice of the table for the process.
#include "kernels/sort/key_kernels.hpp"

#include <cstdint>

#include "kernels/sort/key_maps-inl.hpp"
#include "kernels/sort/scalar_key_kernels.hpp"

namespace pk::sort {
namespace {

struct BaselineTag {};

// The mapped partitions' "vectors" on the scalar path: one key each, which makes the loop into a key
// buffer the branch-free one of partitionBy (the in-place one keeps its choice of end per 8 keys).
template <class Key>
struct ScalarLane {
  using K = Key;
  using V = Key;
  static constexpr size_t N = 1;
  static V load(const K* p) { return *p; }
  static void store(K* p, V v) { *p = v; }
  static V boundVector(K bound) { return bound; }
  static unsigned lessMask(V v, V bound) { return v < bound; }
  static V partitionVector(V v, unsigned) { return v; }
};

constexpr KeyKernelTable kBaseline{kScalarKeyKernels<uint32_t>,
                                   kScalarKeyKernels<uint64_t>,
                                   maps::floatKeyMaps<BaselineTag, float>(),
                                   maps::floatKeyMaps<BaselineTag, double>(),
                                   maps::mappedPartitions<ScalarLane<uint32_t>, ScalarLane<uint64_t>>(),
                                   maps::inPlaceMaps<ScalarLane<uint32_t>, ScalarLane<uint64_t>>(),
                                   maps::pairScans<BaselineTag>()};

}  // namespace

const KeyKernelTable& baselineKeyKernels() { return kBaseline; }

const KeyKernelTable& keyKernelsFor(pk::cpu::SimdTarget target) {
  switch (target) {
#if defined(__x86_64__)
    case pk::cpu::SimdTarget::Avx512: return avx512KeyKernels();
    case pk::cpu::SimdTarget::Avx2: return avx2KeyKernels();
#endif
#if defined(__aarch64__)
    default: return neonKeyKernels();
#else
    default: return kBaseline;
#endif
  }
}

const KeyKernelTable& keyKernels() {
  static const KeyKernelTable& table = keyKernelsFor(pk::cpu::simdTarget());
  return table;
}

}  // namespace pk::sort
