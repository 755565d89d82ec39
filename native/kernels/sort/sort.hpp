// Sorting and argsort of the 11 numeric TypedArray kinds, in the order of TypedArray.prototype.sort():
// ascending numbers, NaN last whatever its sign bit, -0 before +0. Descending reverses the numbers and
// keeps NaN last. Both calls may throw pk::Cancelled (from ctx) or std::bad_alloc; either way the
// caller's array and indices are left untouched, because the result is written back only at the end
// (or, for a sort with a context that cannot be cancelled, because once it writes it cannot fail).
#pragma once

#include <cstddef>
#include <cstdint>

#include "pool/exec_context.hpp"

namespace pk::sort {

// The 11 numeric TypedArray kinds, in this order (the binding maps napi_typedarray_type to these).
enum class ElementType : uint8_t { Int8, Uint8, Uint8Clamped, Int16, Uint16, Int32, Uint32, Float32, Float64, BigInt64, BigUint64 };
enum class Algorithm : uint8_t { Auto, Merge, Quick, Radix };

size_t elementSize(ElementType);

// One sort call: trusted (validated by the caller).
struct SortJob {
  ElementType type{};
  void* data = nullptr;  // the caller's array, sorted in place
  size_t length = 0;
  Algorithm algorithm = Algorithm::Auto;
  bool descending = false;
};
void sort(const SortJob& job, const ExecContext& ctx);

// One argsort call: indices receives the stable order of data (equal values keep their index order).
struct ArgsortJob {
  ElementType type{};
  const void* data = nullptr;  // never written
  size_t length = 0;           // <= 2^32
  bool descending = false;
  uint32_t* indices = nullptr;  // length entries, output
};
void argsort(const ArgsortJob& job, const ExecContext& ctx);

const char* algorithmName(Algorithm);  // "auto", "merge", "quick", "radix"

}  // namespace pk::sort
