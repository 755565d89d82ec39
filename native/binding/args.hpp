// Argument unwrapping for the entry points. The public API validates everything in TypeScript
// first, with the messages users see; these checks are the backstop that memory safety needs
// (a wrong type or length here would mean reading or writing out of bounds), so they throw plainly.
#pragma once

#include <napi.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>

#include "pool/thread_pool.hpp"

namespace pk::binding {

struct ArrayArg {
  napi_typedarray_type type;
  void* data;
  size_t length;
  size_t byteLength;
};

inline void checkAttached(Napi::Env env, const ArrayArg& arg, const char* name) {
  if (arg.length > 0 && arg.data == nullptr) {
    throw Napi::TypeError::New(env, std::string("The buffer of ") + name + " is detached");
  }
}

inline ArrayArg typedArrayArg(Napi::Value jsValue, const char* name) {
  Napi::Env env = jsValue.Env();
  ArrayArg arg{};
  // One Node-API call, not napi_is_typedarray first: it answers napi_invalid_arg for anything that
  // is not a TypedArray, and each call counts in a small matmul's overhead.
  if (napi_get_typedarray_info(env, jsValue, &arg.type, &arg.length, &arg.data, nullptr, nullptr) != napi_ok) {
    throw Napi::TypeError::New(env, std::string("Expected a TypedArray for ") + name);
  }
  size_t elementSize = 1;
  switch (arg.type) {
    case napi_int16_array: case napi_uint16_array: elementSize = 2; break;
    case napi_int32_array: case napi_uint32_array: case napi_float32_array: elementSize = 4; break;
    case napi_float64_array: case napi_bigint64_array: case napi_biguint64_array: elementSize = 8; break;
    default: break;
  }
  arg.byteLength = arg.length * elementSize;
  checkAttached(env, arg, name);
  return arg;
}

inline ArrayArg typedArrayArg(const Napi::CallbackInfo& info, size_t i, const char* name) {
  return typedArrayArg(info[i], name);
}

// A TypedArray whose element type the caller states (one of the float types) rather than Node-API
// finding it out: napi_get_typedarray_info asks V8 about one class at a time (Float64Array is the
// ninth), which for the four arrays of a matmul call cost more than an 8×8 multiply. Memory safety
// does not rest on the statement: the view's elements, at the stated size, must lie inside its
// ArrayBuffer, so a false one can only give a wrong result, never an access out of bounds. A view
// of a SharedArrayBuffer, whose size napi_get_arraybuffer_info does not tell, is asked its type.
inline ArrayArg statedTypeArrayArg(Napi::Value jsValue, napi_typedarray_type stated, const char* name) {
  Napi::Env env = jsValue.Env();
  const size_t elementSize = stated == napi_float32_array ? 4 : 8;
  ArrayArg arg{stated, nullptr, 0, 0};
  napi_value buffer;
  size_t byteOffset = 0;
  if (napi_get_typedarray_info(env, jsValue, nullptr, &arg.length, &arg.data, &buffer, &byteOffset) != napi_ok) {
    throw Napi::TypeError::New(env, std::string("Expected a TypedArray for ") + name);
  }
  void* bufferData = nullptr;
  size_t bufferBytes = 0;
  if (napi_get_arraybuffer_info(env, buffer, &bufferData, &bufferBytes) != napi_ok) {
    const ArrayArg typed = typedArrayArg(jsValue, name);
    if (typed.type != stated) throw Napi::TypeError::New(env, std::string("Unexpected element type for ") + name);
    return typed;
  }
  if (byteOffset > bufferBytes || arg.length > (bufferBytes - byteOffset) / elementSize) {
    throw Napi::RangeError::New(env, std::string("The elements of ") + name + " do not fit its buffer");
  }
  arg.byteLength = arg.length * elementSize;
  checkAttached(env, arg, name);
  return arg;
}

// A non-negative integer that fits in size_t (sizes arrive as JS numbers).
inline size_t sizeValue(Napi::Env env, double v, const char* name) {
  if (!(v >= 0) || v != std::floor(v) || v > 9007199254740991.0) {
    throw Napi::RangeError::New(env, std::string("Expected a non-negative integer for ") + name);
  }
  return static_cast<size_t>(v);
}

inline size_t sizeArg(const Napi::CallbackInfo& info, size_t i, const char* name) {
  return sizeValue(info.Env(), info[i].IsNumber() ? info[i].As<Napi::Number>().DoubleValue() : -1, name);
}

inline unsigned threadsValue(Napi::Env env, double v) {
  size_t threads = sizeValue(env, v, "threads");
  if (threads < 1 || threads > ThreadPool::kMaxThreads) throw Napi::RangeError::New(env, "threads out of range");
  return static_cast<unsigned>(threads);
}

inline unsigned threadsArg(const Napi::CallbackInfo& info, size_t i) {
  return threadsValue(info.Env(), info[i].IsNumber() ? info[i].As<Napi::Number>().DoubleValue() : -1);
}

inline bool boolArg(const Napi::CallbackInfo& info, size_t i) { return info[i].ToBoolean().Value(); }

// True when the byte ranges of two arrays share memory.
inline bool overlaps(const ArrayArg& x, const ArrayArg& y) {
  auto xs = reinterpret_cast<uintptr_t>(x.data), ys = reinterpret_cast<uintptr_t>(y.data);
  return x.byteLength && y.byteLength && xs < ys + y.byteLength && ys < xs + x.byteLength;
}

}  // namespace pk::binding
