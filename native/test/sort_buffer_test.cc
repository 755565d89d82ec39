// The sorts' working-buffer cache (kernels/sort/buffer.hpp): a freed buffer of a cacheable size is
// handed to the next call of a similar size, small and much smaller requests are not served from it,
// and what it holds never exceeds its bound. The cache is process-wide and other tests leave buffers
// in it, so every check is about buffers this test gave back itself.
#include <cstring>
#include <vector>

#include "kernels/sort/buffer.hpp"
#include "test.hpp"

namespace {

using namespace pk::sort;

TEST("sort buffer: a freed buffer is reused by the next call of its size") {
  constexpr size_t kBytes = 8 << 20;
  void* first = buffer_cache::take(kBytes);
  std::memset(first, 1, kBytes);  // usable for its whole length
  buffer_cache::give(first, kBytes);
  const size_t held = buffer_cache::cachedBytes();
  CHECK(held >= kBytes, "held " << held);
  void* second = buffer_cache::take(kBytes);
  CHECK(second == first);
  CHECK(buffer_cache::cachedBytes() == held - kBytes);
  buffer_cache::give(second, kBytes);
}

TEST("sort buffer: small buffers are not kept, and a much larger one is not spent on a small call") {
  const size_t before = buffer_cache::cachedBytes();
  void* small = buffer_cache::take(buffer_cache::kMinCachedBytes / 2);
  buffer_cache::give(small, buffer_cache::kMinCachedBytes / 2);
  CHECK(buffer_cache::cachedBytes() == before);

  constexpr size_t kLarge = 32 << 20;
  void* large = buffer_cache::take(kLarge);
  buffer_cache::give(large, kLarge);
  void* quarter = buffer_cache::take(kLarge / 4);
  CHECK(quarter != large);
  void* same = buffer_cache::take(kLarge);
  CHECK(same == large);
  buffer_cache::give(quarter, kLarge / 4);
  buffer_cache::give(same, kLarge);
}

TEST("sort buffer: the cache holds at most its bound, evicting the oldest") {
  constexpr size_t kBytes = 40 << 20;
  const size_t count = buffer_cache::kMaxCachedBytes / kBytes + 2;
  std::vector<void*> buffers;
  for (size_t i = 0; i < count; ++i) buffers.push_back(buffer_cache::take(kBytes));
  for (void* p : buffers) buffer_cache::give(p, kBytes);
  CHECK(buffer_cache::cachedBytes() <= buffer_cache::kMaxCachedBytes, buffer_cache::cachedBytes());
  // What it kept is still served: taking that size again gives one of the buffers given back.
  void* again = buffer_cache::take(kBytes);
  bool wasGiven = false;
  for (void* p : buffers) wasGiven = wasGiven || p == again;
  CHECK(wasGiven);
  buffer_cache::give(again, kBytes);
  // Beyond the bound a buffer is freed at once.
  const size_t before = buffer_cache::cachedBytes();
  void* huge = buffer_cache::take(buffer_cache::kMaxCachedBytes + 1);
  buffer_cache::give(huge, buffer_cache::kMaxCachedBytes + 1);
  CHECK(buffer_cache::cachedBytes() == before);
}

}  // namespace
