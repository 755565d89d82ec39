// The replaceable global operators new and delete, on malloc and free, with the one-shot failure of
// failing_allocator.hpp. (The aligned forms are left to the runtime: they pair among themselves.)
#include "failing_allocator.hpp"

#include <atomic>
#include <cstdlib>
#include <new>

namespace {
// Allocations left before the one that fails: 0 means the next one fails; below 0, none does.
std::atomic<long> gLeft{-1};
std::atomic<bool> gFailed{false};
}  // namespace

namespace pk::test {

void failAllocationAfter(long count) {
  gFailed.store(false);
  gLeft.store(count);
}

bool allocationFailed() { return gFailed.load(); }

}  // namespace pk::test

namespace {
void* allocate(std::size_t size) {
  // Only the thread that takes the counter from 0 to -1 fails; later ones find it negative.
  if (gLeft.load(std::memory_order_relaxed) >= 0 && gLeft.fetch_sub(1) == 0) {
    gFailed.store(true);
    throw std::bad_alloc();
  }
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
}  // namespace

// Every unaligned form, so that no allocation made by one of these is freed by the runtime's own
// (a sanitizer's) operator delete, or the other way round. The nothrow forms never fail on purpose.
void* operator new(std::size_t size) { return allocate(size); }
void* operator new[](std::size_t size) { return allocate(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept { return std::malloc(size == 0 ? 1 : size); }
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept { return std::malloc(size == 0 ? 1 : size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
