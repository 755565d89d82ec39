#include "cpu/simd_target.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>

#if defined(__x86_64__) || defined(_M_X64)
#include <cpuid.h>
#endif

namespace pk::cpu {

namespace {

#if defined(__x86_64__) || defined(_M_X64)
// XCR0: which register states the OS saves on a context switch. A CPU can have AVX-512 that the OS
// does not enable; using it then faults.
unsigned long long readXcr0() {
  unsigned eax, edx;
  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return (static_cast<unsigned long long>(edx) << 32) | eax;
}

SimdTarget detect() {
  unsigned eax, ebx, ecx, edx;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return SimdTarget::Baseline;
  const bool osxsave = ecx & bit_OSXSAVE, fma = ecx & bit_FMA, avx = ecx & bit_AVX, popcnt = ecx & bit_POPCNT;
  if (!osxsave || !avx || !fma || !popcnt) return SimdTarget::Baseline;
  const unsigned long long xcr0 = readXcr0();
  const bool ymmState = (xcr0 & 0x6) == 0x6;          // SSE and AVX state
  const bool zmmState = (xcr0 & 0xE6) == 0xE6;        // plus opmask, ZMM_Hi256, Hi16_ZMM
  if (!ymmState || __get_cpuid_max(0, nullptr) < 7) return SimdTarget::Baseline;
  __cpuid_count(7, 0, eax, ebx, ecx, edx);
  // BMI2 and POPCNT come with AVX2 on every CPU made, but the SIMD translation units are compiled
  // with them (-mbmi2 -mpopcnt), so they are checked rather than assumed.
  const bool avx2 = (ebx & bit_AVX2) && (ebx & bit_BMI2);
  const bool avx512 = (ebx & bit_AVX512F) && (ebx & bit_AVX512BW) && (ebx & bit_AVX512DQ) && (ebx & bit_AVX512VL);
  if (avx512 && avx2 && zmmState) return SimdTarget::Avx512;
  if (avx2) return SimdTarget::Avx2;
  return SimdTarget::Baseline;
}
#else
SimdTarget detect() { return SimdTarget::Baseline; }
#endif

}  // namespace

SimdTarget detectedSimdTarget() {
  static const SimdTarget detected = detect();
  return detected;
}

SimdTarget resolveSimdTarget(const char* request, SimdTarget detected) {
  if (request == nullptr || *request == '\0') return detected;
  SimdTarget wanted;
  if (std::strcmp(request, "baseline") == 0) {
    wanted = SimdTarget::Baseline;
  } else if (std::strcmp(request, "avx2") == 0) {
    wanted = SimdTarget::Avx2;
  } else if (std::strcmp(request, "avx512") == 0) {
    wanted = SimdTarget::Avx512;
  } else {
    std::fprintf(stderr, "parallel-kernels: ignoring PARALLEL_KERNELS_SIMD=%s (expected avx512, avx2 or baseline)\n",
                 request);
    return detected;
  }
  // Only ever lower: a path the CPU lacks would crash on its first instruction.
  return wanted < detected ? wanted : detected;
}

SimdTarget simdTarget() {
  static const SimdTarget target = resolveSimdTarget(std::getenv("PARALLEL_KERNELS_SIMD"), detectedSimdTarget());
  return target;
}

const char* simdTargetName(SimdTarget target) {
  switch (target) {
    case SimdTarget::Avx512: return "avx512";
    case SimdTarget::Avx2: return "avx2";
    case SimdTarget::Baseline: break;
  }
  return "baseline";
}

}  // namespace pk::cpu
