// The sorts' working buffers (keys, scratch): uninitialized, and on Linux backed by transparent huge
// pages once they are large. A fresh buffer of 4 KiB pages costs a page fault per page on first touch:
// 20% of a 1e7-element f64 sort on Zen 4 (61 -> 80 M elements/s with 2 MiB pages, 512x fewer faults).
#pragma once

#include <cstddef>
#include <cstdlib>
#include <memory>
#include <new>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace pk::sort {

struct FreeBuffer {
  void operator()(void* p) const { std::free(p); }
};

template <class T>
using Buffer = std::unique_ptr<T[], FreeBuffer>;

// n elements, uninitialized; throws std::bad_alloc.
template <class T>
Buffer<T> allocateBuffer(size_t n) {
  constexpr size_t kHugePage = size_t{2} << 20;
  const size_t bytes = n * sizeof(T);
  void* p = nullptr;
#if defined(__linux__)
  if (bytes >= 2 * kHugePage) {
    const size_t rounded = (bytes + kHugePage - 1) / kHugePage * kHugePage;
    p = std::aligned_alloc(kHugePage, rounded);
    if (p != nullptr) madvise(p, rounded, MADV_HUGEPAGE);  // advice only: failure leaves 4 KiB pages
  }
#endif
  if (p == nullptr) p = std::malloc(bytes > 0 ? bytes : 1);
  if (p == nullptr) throw std::bad_alloc();
  return Buffer<T>(static_cast<T*>(p));
}

}  // namespace pk::sort
