#include "kernels/sort/config.hpp"

namespace pk::sort {

size_t twoThreadSerialPartitionMaxBytes(const cpu::CpuModel& cpu) {
  return cpu.vendor == cpu::Vendor::Amd && cpu.family == 0x1A ? Config::kZen5TwoThreadSerialPartitionMaxBytes : 0;
}

size_t twoThreadSerialPartitionMaxBytes() {
#ifdef PK_SORT_TWO_THREAD_SERIAL_PARTITION_MAX_BYTES
  return PK_SORT_TWO_THREAD_SERIAL_PARTITION_MAX_BYTES;
#else
  static const size_t bound = twoThreadSerialPartitionMaxBytes(cpu::cpuModel());
  return bound;
#endif
}

}  // namespace pk::sort
