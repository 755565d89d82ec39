// matmul(a, b, out, params, cancelFlag, async)
//   a, b, out: all Float32Array or all Float64Array, out = alpha·op(a)·op(b) + beta·out (m×n).
//   params: a Float64Array [m, n, k, transA, transB, alpha, beta, threads, elementBytes]: one
//   argument instead of nine, because every argument costs Node-API calls, and they cost more than
//   an 8×8 multiply. elementBytes (4 or 8) states the arrays' type (args.hpp: statedTypeArrayArg).
//   cancelFlag: undefined or an Int32Array whose first element the JS side sets to cancel.
//   Returns undefined (sync) or a Promise of undefined (async).
#include "binding/entry_points.hpp"

#include <cstring>

#include "binding/addon.hpp"
#include "binding/args.hpp"
#include "kernels/gemm/gemm.hpp"

namespace pk::binding {

namespace {

template <typename T>
gemm::GemmJob<T> gemmJob(const ArrayArg& a, const ArrayArg& b, const ArrayArg& out, size_t m, size_t n, size_t k,
                         bool transA, bool transB, double alpha, double beta) {
  gemm::GemmJob<T> job;
  job.m = m;
  job.n = n;
  job.k = k;
  job.a = static_cast<const T*>(a.data);
  job.b = static_cast<const T*>(b.data);
  job.c = static_cast<T*>(out.data);
  job.transA = transA;
  job.transB = transB;
  job.alpha = static_cast<T>(alpha);
  job.beta = static_cast<T>(beta);
  return job;
}

}  // namespace

Napi::Value Matmul(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ArrayArg paramsArg = statedTypeArrayArg(info[3], napi_float64_array, "params");
  if (paramsArg.length != 9) throw Napi::TypeError::New(env, "Expected a Float64Array of length 9 for params");
  // Copied out first: the array is the caller's and only read here.
  double params[9];
  std::memcpy(params, paramsArg.data, sizeof params);
  if (params[8] != 4 && params[8] != 8) throw Napi::RangeError::New(env, "Expected 4 or 8 bytes per element");
  const napi_typedarray_type type = params[8] == 4 ? napi_float32_array : napi_float64_array;
  ArrayArg a = statedTypeArrayArg(info[0], type, "a"), b = statedTypeArrayArg(info[1], type, "b"),
           out = statedTypeArrayArg(info[2], type, "out");
  size_t m = sizeValue(env, params[0], "m"), n = sizeValue(env, params[1], "n"), k = sizeValue(env, params[2], "k");
  bool transA = params[3] != 0, transB = params[4] != 0;
  double alpha = params[5], beta = params[6];
  unsigned threads = threadsValue(env, params[7]);
  bool async = boolArg(info, 5);

  // Products cannot overflow: each equals an existing array's length only if it is that small.
  auto product = [](size_t x, size_t y) { return y && x > SIZE_MAX / y ? SIZE_MAX : x * y; };
  if (a.length != product(m, k) || b.length != product(k, n) || out.length != product(m, n)) {
    throw Napi::RangeError::New(env, "array lengths do not match m, n and k");
  }
  // A sync call's only overlap check (lib/index.ts relies on it and turns the code into its message).
  if (overlaps(out, a) || overlaps(out, b)) {
    throw errorWithCode(env, Napi::RangeError::New(env, "out overlaps a or b"), "ERR_PK_OVERLAP");
  }

  // Only a call that can be aborted needs C kept intact until the end (at the cost of a copy).
  const bool preserveOut = async && info[4].IsTypedArray();
  Addon& addon = addonOf(env);
  auto start = [&](auto job) -> Napi::Value {
    job.preserveCOnCancel = preserveOut;
    if (!async) {
      // Captured by reference, the kernel fits std::function's inline storage: a sync call, which
      // for small matrices costs less than a microsecond, allocates nothing here.
      addon.runSync(env, threads, [&job](const ExecContext& ctx) { gemm::gemm(job, ctx); });
      return env.Undefined();
    }
    return addon.runAsync(env, {info[0], info[1], info[2]}, info[4], threads,
                          [job](const ExecContext& ctx) { gemm::gemm(job, ctx); });
  };
  if (a.type == napi_float32_array) return start(gemmJob<float>(a, b, out, m, n, k, transA, transB, alpha, beta));
  return start(gemmJob<double>(a, b, out, m, n, k, transA, transB, alpha, beta));
}

}  // namespace pk::binding
