#include "cpu/simd_target.hpp"
#include "test.hpp"

using pk::cpu::resolveSimdTarget;
using pk::cpu::SimdTarget;

TEST("cpu: PARALLEL_KERNELS_SIMD lowers the target and never raises it") {
  CHECK(resolveSimdTarget(nullptr, SimdTarget::Avx512) == SimdTarget::Avx512);
  CHECK(resolveSimdTarget("", SimdTarget::Avx2) == SimdTarget::Avx2);
  CHECK(resolveSimdTarget("avx2", SimdTarget::Avx512) == SimdTarget::Avx2);
  CHECK(resolveSimdTarget("baseline", SimdTarget::Avx512) == SimdTarget::Baseline);
  CHECK(resolveSimdTarget("avx512", SimdTarget::Avx2) == SimdTarget::Avx2);
  CHECK(resolveSimdTarget("avx512", SimdTarget::Baseline) == SimdTarget::Baseline);
  CHECK(resolveSimdTarget("sse9", SimdTarget::Avx2) == SimdTarget::Avx2);
}

TEST("cpu: the chosen target is at most what the CPU supports, and has a name") {
  CHECK(pk::cpu::simdTarget() <= pk::cpu::detectedSimdTarget());
  const char* name = pk::cpu::simdTargetName(pk::cpu::simdTarget());
  CHECK(name != nullptr && *name != '\0');
  CHECK(std::string(pk::cpu::simdTargetName(SimdTarget::Avx512)) == "avx512");
  CHECK(std::string(pk::cpu::simdTargetName(SimdTarget::Avx2)) == "avx2");
  CHECK(std::string(pk::cpu::simdTargetName(SimdTarget::Baseline)) == "baseline");
}
