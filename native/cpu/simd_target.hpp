// Which SIMD code path the kernels run: chosen once, at first use, from what the CPU and the OS
// support (CPUID and XGETBV on x86-64; NEON is part of the arm64 baseline), and lowered — never
// raised — by the environment variable PARALLEL_KERNELS_SIMD=avx512|avx2|baseline, so tests and
// benchmarks can reach every path on one machine.
#pragma once

namespace pk::cpu {

enum class SimdTarget {
  Baseline,  // x86-64: SSE2; arm64: NEON. What every CPU of the architecture runs.
  Avx2,      // AVX2 + FMA + BMI2 + POPCNT (Haswell, Zen 1 and later)
  Avx512,    // AVX-512 F, BW, DQ, VL (Skylake-SP, Zen 4 and later)
};

// The target every kernel dispatch table uses; stable for the life of the process.
SimdTarget simdTarget();

// "baseline", "avx2" or "avx512".
const char* simdTargetName(SimdTarget target);

// The best target this CPU and OS support, ignoring the environment (for tests).
SimdTarget detectedSimdTarget();

// The target for a given PARALLEL_KERNELS_SIMD value (nullptr: unset): the lower of the request and
// `detected`. An unknown value is ignored with a warning on stderr. Exposed for tests.
SimdTarget resolveSimdTarget(const char* request, SimdTarget detected);

}  // namespace pk::cpu
