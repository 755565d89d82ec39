// Values that sort tests feed the key maps and the sorts: uniform bit patterns and the special values
// of each element type (NaNs of both signs with payloads, ±0, ±infinity, subnormals, the extremes).
#pragma once

#include <bit>
#include <limits>
#include <random>
#include <type_traits>
#include <vector>

#include "kernels/sort/keys.hpp"

namespace pk::sort::test {

// Uniform over bit patterns: for floats that includes NaNs of both signs with random payloads,
// subnormals and infinities.
template <class T>
T randomValue(std::mt19937_64& rng) {
  return std::bit_cast<T>(static_cast<KeyOf<T>>(rng()));
}

template <class T>
std::vector<T> specialValues() {
  using L = std::numeric_limits<T>;
  if constexpr (std::is_floating_point_v<T>) {
    using K = KeyOf<T>;
    const K inf = std::bit_cast<K>(L::infinity());
    const K sign = kSignBit<T>;
    return {L::quiet_NaN(), -L::quiet_NaN(), std::bit_cast<T>(K(inf | 1)), std::bit_cast<T>(K(sign | inf | 5)),
            T(0), -T(0), L::infinity(), -L::infinity(), L::denorm_min(), -L::denorm_min(), L::min(), -L::min(),
            L::max(), L::lowest(), T(1), T(-1)};
  } else {
    return {L::min(), L::max(), T(0), T(1), static_cast<T>(-1), T(L::min() + 1), T(L::max() - 1)};
  }
}

}  // namespace pk::sort::test
