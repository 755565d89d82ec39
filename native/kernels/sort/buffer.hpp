// The sorts' working buffers (keys, scratch): uninitialized, on Linux backed by transparent huge pages
// once they are large, and kept for the next call once they are freed.
//
// A fresh buffer costs a page fault per page on first touch, and the kernel zeroes every page: with
// 4 KiB pages that was 20% of a 1e7-element f64 sort on Zen 4 (61 -> 80 M elements/s with 2 MiB pages,
// 512x fewer faults), and even with huge pages the faults, the zeroing and the unmapping were ~15% of a
// 1e6-element radix sort. So a freed buffer of at least kMinCachedBytes goes to a small process-wide
// cache (at most kMaxCachedBytes in all) that the next call of a similar size takes back. What the
// cache holds stays allocated until a larger buffer pushes it out or the process exits.
#pragma once

#include <cstddef>
#include <memory>

namespace pk::sort {

namespace buffer_cache {
// Returns `bytes` (rounded up) of memory aligned for any key type; throws std::bad_alloc.
void* take(size_t bytes);
// Gives back memory from take(bytes) with the same `bytes`.
void give(void* p, size_t bytes) noexcept;
// How many bytes the cache holds now.
size_t cachedBytes() noexcept;

inline constexpr size_t kMinCachedBytes = size_t{1} << 20;
inline constexpr size_t kMaxCachedBytes = size_t{192} << 20;
}  // namespace buffer_cache

struct GiveBack {
  size_t bytes;
  void operator()(void* p) const noexcept { buffer_cache::give(p, bytes); }
};

template <class T>
using Buffer = std::unique_ptr<T[], GiveBack>;

// n elements, uninitialized; throws std::bad_alloc.
template <class T>
Buffer<T> allocateBuffer(size_t n) {
  const size_t bytes = n * sizeof(T);
  return Buffer<T>(static_cast<T*>(buffer_cache::take(bytes)), GiveBack{bytes});
}

}  // namespace pk::sort
