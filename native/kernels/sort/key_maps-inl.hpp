// The whole-array float key maps of the kernel tables (key_kernels.hpp): keys.hpp's maps in plain
// loops, which each translation unit that includes this header compiles with its own target's flags,
// so the compiler vectorizes them for that target. That pays while the array is in cache (Zen 3, AVX2,
// one thread, f64 at 1e4: ~110 -> ~129 M elements/s); at 1e6 the passes are bound by memory.
//
// Every template takes a Tag type local to the including translation unit, so no instantiation is
// shared (ODR-merged) between units compiled for different instruction sets.
#pragma once

#include <array>
#include <cstddef>

#include "kernels/sort/key_kernels.hpp"
#include "kernels/sort/keys.hpp"

namespace pk::sort::maps {

template <class Tag, class F, bool kDescending>
void toKeys(const F* __restrict values, KeyOf<F>* __restrict keys, size_t n) {
  for (size_t i = 0; i < n; ++i) keys[i] = toKey<F, kDescending>(values[i]);
}

template <class Tag, class F, bool kDescending>
void fromKeys(const KeyOf<F>* __restrict keys, F* __restrict values, size_t n) {
  for (size_t i = 0; i < n; ++i) values[i] = fromKey<F, kDescending>(keys[i]);
}

// A table's maps of float type F, ascending then descending.
template <class Tag, class F>
constexpr std::array<FloatKeyMaps<F>, 2> floatKeyMaps() {
  return {{{&toKeys<Tag, F, false>, &fromKeys<Tag, F, false>}, {&toKeys<Tag, F, true>, &fromKeys<Tag, F, true>}}};
}

}  // namespace pk::sort::maps
