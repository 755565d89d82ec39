// sort(array, algorithm, descending, threads, cancelFlag, async)
//   algorithm: 0 auto, 1 merge, 2 quick, 3 radix (pk::sort::Algorithm). Sorts array in place.
// argsort(array, indices, descending, threads, cancelFlag, async)
//   indices: a Uint32Array of array's length, filled with the stable ascending/descending order.
// Both return undefined (sync) or a Promise of undefined (async).
#include "binding/entry_points.hpp"

#include "binding/addon.hpp"
#include "binding/args.hpp"
#include "kernels/sort/sort.hpp"

namespace pk::binding {

namespace {

sort::ElementType elementType(Napi::Env env, napi_typedarray_type type) {
  switch (type) {
    case napi_int8_array: return sort::ElementType::Int8;
    case napi_uint8_array: return sort::ElementType::Uint8;
    case napi_uint8_clamped_array: return sort::ElementType::Uint8Clamped;
    case napi_int16_array: return sort::ElementType::Int16;
    case napi_uint16_array: return sort::ElementType::Uint16;
    case napi_int32_array: return sort::ElementType::Int32;
    case napi_uint32_array: return sort::ElementType::Uint32;
    case napi_float32_array: return sort::ElementType::Float32;
    case napi_float64_array: return sort::ElementType::Float64;
    case napi_bigint64_array: return sort::ElementType::BigInt64;
    case napi_biguint64_array: return sort::ElementType::BigUint64;
    default: throw Napi::TypeError::New(env, "Expected a numeric TypedArray for array");
  }
}

Napi::Value run(const Napi::CallbackInfo& info, std::vector<Napi::Value> keepAlive, unsigned threads, size_t cancelArg,
                std::function<void(const ExecContext&)> kernel) {
  Napi::Env env = info.Env();
  Addon& addon = addonOf(env);
  if (!boolArg(info, cancelArg + 1)) {
    addon.runSync(env, threads, kernel);
    return env.Undefined();
  }
  return addon.runAsync(env, std::move(keepAlive), info[cancelArg], threads, std::move(kernel));
}

}  // namespace

Napi::Value Sort(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ArrayArg array = typedArrayArg(info, 0, "array");
  sort::SortJob job;
  job.type = elementType(env, array.type);
  job.data = array.data;
  job.length = array.length;
  size_t algorithm = sizeArg(info, 1, "algorithm");
  if (algorithm > static_cast<size_t>(sort::Algorithm::Radix)) throw Napi::RangeError::New(env, "unknown algorithm");
  job.algorithm = static_cast<sort::Algorithm>(algorithm);
  job.descending = boolArg(info, 2);
  unsigned threads = threadsArg(info, 3);
  return run(info, {info[0]}, threads, 4, [job](const ExecContext& ctx) { sort::sort(job, ctx); });
}

Napi::Value Argsort(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ArrayArg array = typedArrayArg(info, 0, "array"), indices = typedArrayArg(info, 1, "indices");
  if (indices.type != napi_uint32_array || indices.length != array.length) {
    throw Napi::TypeError::New(env, "Expected a Uint32Array of the array's length for indices");
  }
  if (array.length > (size_t{1} << 32)) throw Napi::RangeError::New(env, "array is too long for Uint32 indices");
  // lib/index.ts checks this too, but only by buffer object, and turns the code into its message.
  if (overlaps(array, indices)) {
    throw errorWithCode(env, Napi::RangeError::New(env, "indices overlaps array"), "ERR_PK_OVERLAP");
  }
  sort::ArgsortJob job;
  job.type = elementType(env, array.type);
  job.data = array.data;
  job.length = array.length;
  job.descending = boolArg(info, 2);
  job.indices = static_cast<uint32_t*>(indices.data);
  unsigned threads = threadsArg(info, 3);
  return run(info, {info[0], info[1]}, threads, 4, [job](const ExecContext& ctx) { sort::argsort(job, ctx); });
}

}  // namespace pk::binding
