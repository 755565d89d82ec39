#include "cpu/cpu_model.hpp"

#include <cstring>

#if defined(__x86_64__) || defined(_M_X64)
#include <cpuid.h>
#endif

namespace pk::cpu {

CpuModel decodeCpuModel(unsigned vendorEbx, unsigned vendorEdx, unsigned vendorEcx, unsigned leaf1Eax) {
  char vendor[12];
  std::memcpy(vendor, &vendorEbx, 4);
  std::memcpy(vendor + 4, &vendorEdx, 4);
  std::memcpy(vendor + 8, &vendorEcx, 4);
  CpuModel cpu;
  if (std::memcmp(vendor, "AuthenticAMD", 12) == 0) cpu.vendor = Vendor::Amd;
  if (std::memcmp(vendor, "GenuineIntel", 12) == 0) cpu.vendor = Vendor::Intel;
  const unsigned baseFamily = (leaf1Eax >> 8) & 0xF, baseModel = (leaf1Eax >> 4) & 0xF;
  cpu.family = baseFamily == 0xF ? baseFamily + ((leaf1Eax >> 20) & 0xFF) : baseFamily;
  cpu.model = baseFamily == 0x6 || baseFamily == 0xF ? baseModel | (((leaf1Eax >> 16) & 0xF) << 4) : baseModel;
  return cpu;
}

namespace {

CpuModel detect() {
#if defined(__x86_64__) || defined(_M_X64)
  unsigned maxLeaf, ebx, ecx, edx, eax1, unused;
  if (!__get_cpuid(0, &maxLeaf, &ebx, &ecx, &edx) || maxLeaf < 1) return {};
  if (!__get_cpuid(1, &eax1, &unused, &unused, &unused)) return {};
  return decodeCpuModel(ebx, edx, ecx, eax1);
#else
  return {};
#endif
}

}  // namespace

const CpuModel& cpuModel() {
  static const CpuModel model = detect();
  return model;
}

}  // namespace pk::cpu
