// The CPU's vendor, family and model, for the few tuning choices that measured differently on two
// generations with the same instruction set: the SIMD target alone cannot tell a Zen 4 from a Zen 5.
#pragma once

namespace pk::cpu {

enum class Vendor { Other, Amd, Intel };

struct CpuModel {
  Vendor vendor = Vendor::Other;
  unsigned family = 0;  // display family: base + extended where the base is 0xF (AMD Zen 5: 0x1A)
  unsigned model = 0;   // display model: extended model in the high nibble for families 6 and 0xF
};

// Read from CPUID once; Vendor::Other with zeros on other architectures.
const CpuModel& cpuModel();

// Decodes CPUID leaf 0's vendor string (EBX, EDX, ECX) and leaf 1's EAX. Exposed for tests.
CpuModel decodeCpuModel(unsigned vendorEbx, unsigned vendorEdx, unsigned vendorEcx, unsigned leaf1Eax);

}  // namespace pk::cpu
