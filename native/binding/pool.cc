// setThreads(n): resizes the process-wide pool (shared with every worker_thread).
// info(): { threads, simd, running, awaitingDelivery } for backendInfo() and the tests.
#include "binding/addon.hpp"
#include "binding/args.hpp"
#include "binding/entry_points.hpp"
#include "cpu/simd_target.hpp"

namespace pk::binding {

Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  Addon::setPoolThreads(threadsArg(info, 0));
  return info.Env().Undefined();
}

Napi::Value Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Addon::Stats stats = addonOf(env).stats();
  Napi::Object result = Napi::Object::New(env);
  result.Set("threads", Napi::Number::New(env, Addon::poolThreads()));
  // The path every dispatching kernel runs (the sorts and the GEMM micro-kernels), lowered by PARALLEL_KERNELS_SIMD.
  result.Set("simd", Napi::String::New(env, pk::cpu::simdTargetName(pk::cpu::simdTarget())));
  result.Set("running", Napi::Number::New(env, static_cast<double>(stats.running)));
  result.Set("awaitingDelivery", Napi::Number::New(env, static_cast<double>(stats.awaitingDelivery)));
  return result;
}

}  // namespace pk::binding
