// Per-environment state of the addon and the machinery every entry point shares: the process-wide
// pool, running a kernel synchronously, and running it asynchronously with a Promise settled
// through a thread-safe function.
#pragma once

#include <napi.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_set>
#include <vector>

#include "pool/thread_pool.hpp"

namespace pk::binding {

// One async call from JS. Owned by the Addon from submit() until it is settled on the JS thread
// (or discarded by the environment's cleanup hook).
struct AsyncJob {
  std::function<void(const ExecContext&)> kernel;
  unsigned threads = 1;
  uint64_t ticket = 0;
  std::atomic<bool> cancel{false};     // set by the cleanup hook when the environment goes away
  const int32_t* userCancel = nullptr; // inside `cancelFlag`, flipped by the JS AbortSignal
  Napi::Promise::Deferred deferred;
  std::vector<Napi::Reference<Napi::Value>> keepAlive;  // the TypedArrays the kernel reads and writes
  // Outcome, written by the pool thread before the job is handed back.
  enum class Outcome { Ok, Cancelled, OutOfMemory, Failed } outcome = Outcome::Ok;
  std::string error;

  explicit AsyncJob(Napi::Env env) : deferred(Napi::Promise::Deferred::New(env)) {}
};

class Addon {
 public:
  explicit Addon(Napi::Env env);

  // Runs kernel(ctx) on the calling thread plus the pool, translating kernel failures into JS errors.
  void runSync(Napi::Env env, unsigned threads, const std::function<void(const ExecContext&)>& kernel);

  // Queues kernel(ctx) on the pool; the Promise settles on this environment's JS thread.
  // `keepAlive` are the arrays the kernel touches; `cancelFlag` is undefined or an Int32Array.
  Napi::Promise runAsync(Napi::Env env, std::vector<Napi::Value> keepAlive, Napi::Value cancelFlag, unsigned threads,
                         std::function<void(const ExecContext&)> kernel);

  // The process-wide pool, created on first use and grown to at least `atLeast` threads.
  static ThreadPool& pool(unsigned atLeast = 1);
  static void setPoolThreads(unsigned threads);
  static unsigned poolThreads();

  struct Stats {
    size_t running, awaitingDelivery;
  };
  Stats stats();

 private:
  static void onCleanup(void* self);
  static void deliverCompleted(napi_env env, napi_value, void* context, void*);
  void finishOnPoolThread(AsyncJob* job);
  void settle(Napi::Env env, AsyncJob* job);

  napi_threadsafe_function tsfn_ = nullptr;
  size_t pending_ = 0;  // JS thread only: jobs submitted and not yet settled; the TSFN is ref'd while > 0
  std::mutex mu_;
  std::condition_variable finished_;
  std::unordered_set<AsyncJob*> running_;
  std::vector<AsyncJob*> completed_;
  bool closing_ = false;
};

Addon& addonOf(Napi::Env env);

// `error` with its `code` property set: the TypeScript layer tells the addon's errors apart by it.
Napi::Error errorWithCode(Napi::Env env, Napi::Error error, const char* code);

}  // namespace pk::binding
