// Module initialisation: one Addon per environment (main thread or worker_thread).
#include "binding/addon.hpp"
#include "binding/entry_points.hpp"

namespace pk::binding {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  // Freed by the Addon's own environment cleanup hook, not by an instance-data finalizer: the hook
  // must first drain the environment's jobs.
  NAPI_THROW_IF_FAILED(env, napi_set_instance_data(env, new Addon(env), nullptr, nullptr), exports);
  exports.Set("matmul", Napi::Function::New(env, Matmul, "matmul"));
  exports.Set("sort", Napi::Function::New(env, Sort, "sort"));
  exports.Set("argsort", Napi::Function::New(env, Argsort, "argsort"));
  exports.Set("setThreads", Napi::Function::New(env, SetThreads, "setThreads"));
  exports.Set("info", Napi::Function::New(env, Info, "info"));
  return exports;
}

}  // namespace pk::binding

namespace {
Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return pk::binding::Init(env, exports); }
}  // namespace

NODE_API_MODULE(parallel_kernels, InitModule)
