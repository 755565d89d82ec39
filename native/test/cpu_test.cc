#include <cstring>
#include <string>

#include "cpu/cpu_model.hpp"
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

namespace {
// CPUID leaf 0 returns the vendor string in EBX, EDX, ECX, four characters each, little-endian.
pk::cpu::CpuModel decodeFor(const char (&vendor)[13], unsigned leaf1Eax) {
  unsigned ebx, edx, ecx;
  std::memcpy(&ebx, vendor, 4);
  std::memcpy(&edx, vendor + 4, 4);
  std::memcpy(&ecx, vendor + 8, 4);
  return pk::cpu::decodeCpuModel(ebx, edx, ecx, leaf1Eax);
}
}  // namespace

TEST("cpu: the vendor, display family and model are decoded from CPUID") {
  using pk::cpu::Vendor;
  // AMD EPYC Zen 5 (family 0xF + 0xB = 0x1A, model 0x02), Zen 4 (0xF + 0xA = 0x19, model 0x11),
  // Intel family 6 model 0xA7 (extended model 0xA), and an unknown vendor.
  pk::cpu::CpuModel zen5 = decodeFor("AuthenticAMD", 0x00B00F20);
  CHECK(zen5.vendor == Vendor::Amd && zen5.family == 0x1A && zen5.model == 0x02, zen5.family << " " << zen5.model);
  pk::cpu::CpuModel zen4 = decodeFor("AuthenticAMD", 0x00A10F11);
  CHECK(zen4.vendor == Vendor::Amd && zen4.family == 0x19 && zen4.model == 0x11, zen4.family << " " << zen4.model);
  pk::cpu::CpuModel intel = decodeFor("GenuineIntel", 0x000A0671);
  CHECK(intel.vendor == Vendor::Intel && intel.family == 6 && intel.model == 0xA7, intel.family << " " << intel.model);
  // Below family 6 the extended fields do not count.
  pk::cpu::CpuModel old = decodeFor("GenuineIntel", 0x00FF0543);
  CHECK(old.family == 5 && old.model == 4, old.family << " " << old.model);
  CHECK(decodeFor("HygonGenuine", 0x00900F01).vendor == Vendor::Other);
}

TEST("cpu: this CPU's model is read once and is consistent with its architecture") {
  const pk::cpu::CpuModel& cpu = pk::cpu::cpuModel();
  CHECK(&cpu == &pk::cpu::cpuModel());
#if defined(__x86_64__)
  CHECK(cpu.family >= 6, cpu.family);
#else
  CHECK(cpu.vendor == pk::cpu::Vendor::Other && cpu.family == 0);
#endif
}
