// Order-preserving maps from each element type to an unsigned key of the same width, and back. Every
// sort then sorts unsigned 8/16/32/64-bit keys with `<`: 4 instantiations of each kernel, not 11, and
// the JS order's special cases (NaN last, -0 before +0, descending) cost nothing inside the kernels.
//
//   signed integers   flip the sign bit
//   floats < 0        flip every bit        (larger magnitude, smaller key)
//   floats >= 0       flip the sign bit     (so -0 maps just below +0)
//   NaN (either sign) the all-ones key      (last; all NaNs equal, which keeps argsort stable)
//   descending        NOT of the ascending key, except NaN, which stays all-ones and so stays last
//
// No non-NaN value maps to all-ones in either direction (the ascending float keys of non-NaNs lie in
// [0x007F..., 0xFF80...]), so the inverse can read all-ones as NaN; it writes the canonical quiet NaN.
// The synchronous in-place quicksort uses cheaper float maps of its own, which keep NaN payloads
// (inPlaceKey below).
#pragma once

#include <bit>
#include <cstdint>
#include <limits>
#include <type_traits>

namespace pk::sort {

template <size_t kBytes> struct UnsignedOfSize;
template <> struct UnsignedOfSize<1> { using type = uint8_t; };
template <> struct UnsignedOfSize<2> { using type = uint16_t; };
template <> struct UnsignedOfSize<4> { using type = uint32_t; };
template <> struct UnsignedOfSize<8> { using type = uint64_t; };

// The key type of element type T.
template <class T>
using KeyOf = typename UnsignedOfSize<sizeof(T)>::type;

template <class T>
inline constexpr KeyOf<T> kSignBit = KeyOf<T>(KeyOf<T>(1) << (8 * sizeof(T) - 1));
template <class T>
inline constexpr KeyOf<T> kAllOnes = std::numeric_limits<KeyOf<T>>::max();

// The maps below are also instantiated in the per-instruction-set translation units
// (key_maps-inl.hpp), so that whole-array loops over them are vectorized with that target's flags.
// They are always inlined: an out-of-line copy compiled with AVX2 could be the one the linker keeps
// for every caller, baseline ones included.

// All ones if the top bit of x is set, else zero.
template <class K>
[[gnu::always_inline]] inline K signFill(K x) {
  return K(static_cast<std::make_signed_t<K>>(x) >> (8 * sizeof(K) - 1));
}

// IEEE 754's totalOrder on the bits of a float, -NaN < -inf < ... < -0 < +0 < ... < +inf < +NaN, as
// a key (reversed for descending): all bits flipped where the sign is set, else the sign bit alone.
// Branch-free, so that whole-array loops vectorize (and a branch on the sign of random data would be
// mispredicted half the time).
template <class T, bool kDescending>
[[gnu::always_inline]] inline KeyOf<T> totalOrderKey(KeyOf<T> bits) {
  using K = KeyOf<T>;
  const K key = K(bits ^ (signFill(bits) | kSignBit<T>));
  return kDescending ? K(~key) : key;
}

template <class T, bool kDescending>
[[gnu::always_inline]] inline KeyOf<T> fromTotalOrderKey(KeyOf<T> key) {
  using K = KeyOf<T>;
  const K ordered = kDescending ? K(~key) : key;
  return K(ordered ^ (K(~signFill(ordered)) | kSignBit<T>));
}

// Whether the bits of a float are a NaN's: magnitude bits above infinity's. Bits, not `value !=
// value`, so the test survives any floating-point compiler flags.
template <class T>
[[gnu::always_inline]] inline bool isNaNBits(KeyOf<T> bits) {
  return KeyOf<T>(bits & ~kSignBit<T>) > std::bit_cast<KeyOf<T>>(std::numeric_limits<T>::infinity());
}

template <class T, bool kDescending>
[[gnu::always_inline]] inline KeyOf<T> toKey(T value) {
  using K = KeyOf<T>;
  if constexpr (std::is_floating_point_v<T>) {
    // totalOrder, then all ones for NaN (selected by mask, not by a branch, for the same reason).
    const K bits = std::bit_cast<K>(value);
    return K(totalOrderKey<T, kDescending>(bits) | K(-K(isNaNBits<T>(bits))));
  } else {
    K key = std::is_signed_v<T> ? K(static_cast<K>(value) ^ kSignBit<T>) : static_cast<K>(value);
    if constexpr (kDescending) key = K(~key);
    return key;
  }
}

template <class T, bool kDescending>
[[gnu::always_inline]] inline T fromKey(KeyOf<T> key) {
  using K = KeyOf<T>;
  if constexpr (std::is_floating_point_v<T>) {
    // Infinity's bits plus the top mantissa bit: 0x7FC00000 / 0x7FF8000000000000.
    constexpr K kQuietNaN = std::bit_cast<K>(std::numeric_limits<T>::infinity()) | K(K(1) << (std::numeric_limits<T>::digits - 2));
    const K nan = K(-K(key == kAllOnes<T>));
    return std::bit_cast<T>(K((fromTotalOrderKey<T, kDescending>(key) & K(~nan)) | (kQuietNaN & nan)));
  } else {
    if constexpr (kDescending) key = K(~key);
    return std::is_signed_v<T> ? static_cast<T>(K(key ^ kSignBit<T>)) : static_cast<T>(key);
  }
}

// The in-place quicksort's maps (quick_sort.hpp: quickSortInPlace), between the bits of a value and
// its key. For integers they are toKey and fromKey. For floats they are cheaper than toKey's, whose
// NaN test took four of the six vector instructions of a map that runs on every key of the first
// partition and again on the way back (on one thread at 1e6, AVX-512, Intel Xeon, f32 and f64 sorted
// 6-8% slower than i32 and i64 for it; now 1-2% and 3-5%):
//
//   to key     totalOrder, whose NaNs of one sign (negative ascending, positive descending) fall
//              below every number; those, found by one compare, get the complement of their key,
//              which lies above every number, where the other NaNs already are
//   back       totalOrder's inverse alone: every key above the numbers' gives back a NaN, with its
//              payload, and with the sign flipped where the key was complemented
template <class T, bool kDescending>
[[gnu::always_inline]] inline KeyOf<T> inPlaceKey(KeyOf<T> bits) {
  if constexpr (std::is_floating_point_v<T>) {
    using K = KeyOf<T>;
    // The key of the lowest number in either direction (-infinity ascending, +infinity descending):
    // 0x007FFFFF / 0x000FFFFFFFFFFFFF.
    constexpr K kLowestNumber = K(~std::bit_cast<K>(std::numeric_limits<T>::infinity()) & ~kSignBit<T>);
    const K key = totalOrderKey<T, kDescending>(bits);
    return key < kLowestNumber ? K(~key) : key;
  } else {
    return toKey<T, kDescending>(std::bit_cast<T>(bits));
  }
}

template <class T, bool kDescending>
[[gnu::always_inline]] inline KeyOf<T> inPlaceBits(KeyOf<T> key) {
  if constexpr (std::is_floating_point_v<T>) {
    return fromTotalOrderKey<T, kDescending>(key);
  } else {
    return std::bit_cast<KeyOf<T>>(fromKey<T, kDescending>(key));
  }
}

}  // namespace pk::sort
