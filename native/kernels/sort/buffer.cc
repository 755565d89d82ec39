// The working-buffer cache of buffer.hpp: a handful of freed buffers, best fit on take, least recently
// given back evicted first.
#include "kernels/sort/buffer.hpp"

#include <algorithm>
#include <cstdlib>
#include <mutex>
#include <new>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace pk::sort::buffer_cache {
namespace {

constexpr size_t kHugePage = size_t{2} << 20;

// Buffers of 4 MiB and more are whole huge pages (madvise); smaller ones come from malloc.
size_t roundedSize(size_t bytes) {
  return bytes >= 2 * kHugePage ? (bytes + kHugePage - 1) / kHugePage * kHugePage : std::max<size_t>(bytes, 1);
}

void* allocate(size_t rounded) {
  void* p = nullptr;
#if defined(__linux__)
  if (rounded >= 2 * kHugePage) {
    p = std::aligned_alloc(kHugePage, rounded);
    if (p != nullptr) madvise(p, rounded, MADV_HUGEPAGE);  // advice only: failure leaves 4 KiB pages
  }
#endif
  if (p == nullptr) p = std::malloc(rounded);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

struct Entry {
  void* p;
  size_t rounded;
};

struct Cache {
  std::mutex mutex;
  std::vector<Entry> entries;  // oldest first
  size_t total = 0;
};

// Never destroyed. process.exit() runs the static destructors while pool threads may still be
// sorting (Node runs no environment cleanup hook on that path, so nothing cancels them), and a sort
// that finished after the cache's destructor gave its buffer to a freed vector: glibc aborted with
// "corrupted size vs. prev_size" in the exit-with-calls-in-flight test. What the cache holds then
// stays reachable from here until the process ends.
Cache& cache() {
  static Cache* const instance = new Cache;
  return *instance;
}

}  // namespace

void* take(size_t bytes) {
  const size_t rounded = roundedSize(bytes);
  if (rounded >= kMinCachedBytes) {
    Cache& c = cache();
    std::lock_guard lock(c.mutex);
    // The smallest cached buffer that fits, if it is not more than twice the request: a much larger
    // one is worth keeping for a call of its own size.
    auto best = c.entries.end();
    for (auto it = c.entries.begin(); it != c.entries.end(); ++it) {
      if (it->rounded >= rounded && it->rounded <= 2 * rounded && (best == c.entries.end() || it->rounded < best->rounded)) best = it;
    }
    if (best != c.entries.end()) {
      void* p = best->p;
      c.total -= best->rounded;
      c.entries.erase(best);
      return p;
    }
  }
  return allocate(rounded);
}

void give(void* p, size_t bytes) noexcept {
  if (p == nullptr) return;
  const size_t rounded = roundedSize(bytes);
  if (rounded < kMinCachedBytes || rounded > kMaxCachedBytes) {
    std::free(p);
    return;
  }
  {
    Cache& c = cache();
    std::lock_guard lock(c.mutex);
    try {
      c.entries.push_back({p, rounded});
    } catch (const std::bad_alloc&) {
      std::free(p);
      return;
    }
    c.total += rounded;
    size_t drop = 0;
    while (c.total > kMaxCachedBytes) c.total -= c.entries[drop++].rounded;
    for (size_t i = 0; i < drop; ++i) std::free(c.entries[i].p);
    c.entries.erase(c.entries.begin(), c.entries.begin() + static_cast<std::ptrdiff_t>(drop));
  }
}

size_t cachedBytes() noexcept {
  Cache& c = cache();
  std::lock_guard lock(c.mutex);
  return c.total;
}

}  // namespace pk::sort::buffer_cache
