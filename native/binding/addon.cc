#include "binding/addon.hpp"

#include "binding/args.hpp"

#include <algorithm>
#include <memory>
#include <new>
#include <thread>

namespace pk::binding {

namespace {

// The pool is shared by every environment (main thread and worker_threads) that loaded the addon,
// and torn down when the last of them goes away, so the process never exits with threads running.
std::mutex gPoolMu;
std::unique_ptr<ThreadPool> gPool;
unsigned gEnvironments = 0;
unsigned gPoolThreads = 0;  // 0 until configured: the machine's parallelism

unsigned defaultThreads() {
  // Read once: glibc answers hardware_concurrency() by reading /sys on every call, ~20 µs, which
  // would dominate a small sync call.
  static const unsigned hw = std::thread::hardware_concurrency();
  return hw ? hw : 1;
}

}  // namespace

Napi::Error errorWithCode(Napi::Env env, Napi::Error error, const char* code) {
  error.Set("code", Napi::String::New(env, code));
  return error;
}

ThreadPool& Addon::pool(unsigned atLeast) {
  std::lock_guard<std::mutex> lock(gPoolMu);
  unsigned size = std::max(gPoolThreads ? gPoolThreads : defaultThreads(), atLeast);
  if (!gPool) {
    gPool = std::make_unique<ThreadPool>(size);
  } else if (gPool->size() < atLeast) {
    // A call asked for more threads than the pool has: grow it rather than quietly use fewer.
    gPool->resize(atLeast);
  }
  return *gPool;
}

void Addon::setPoolThreads(unsigned threads) {
  std::lock_guard<std::mutex> lock(gPoolMu);
  gPoolThreads = threads;
  if (gPool) gPool->resize(threads);
}

unsigned Addon::poolThreads() {
  std::lock_guard<std::mutex> lock(gPoolMu);
  return gPool ? gPool->size() : (gPoolThreads ? gPoolThreads : defaultThreads());
}

Addon::Addon(Napi::Env env) {
  {
    std::lock_guard<std::mutex> lock(gPoolMu);
    ++gEnvironments;
  }
  NAPI_THROW_IF_FAILED_VOID(env, napi_create_threadsafe_function(
                                     env, nullptr, nullptr, Napi::String::New(env, "parallel-kernels"), 0, 1,
                                     nullptr, nullptr, this, &Addon::deliverCompleted, &tsfn_));
  // Unreferenced while idle, so a process with no call in flight exits normally.
  napi_unref_threadsafe_function(env, tsfn_);
  // Registered after the TSFN, so it runs before the TSFN's own teardown (hooks run in reverse).
  napi_add_env_cleanup_hook(env, &Addon::onCleanup, this);
}

Addon& addonOf(Napi::Env env) { return *env.GetInstanceData<Addon>(); }

void Addon::runSync(Napi::Env env, unsigned threads, const std::function<void(const ExecContext&)>& kernel) {
  ThreadPool& p = pool(threads);
  try {
    kernel(p.context(threads));
  } catch (const std::bad_alloc&) {
    throw errorWithCode(env, Napi::RangeError::New(env, "not enough memory for this call"), "ERR_PK_OUT_OF_MEMORY");
  } catch (const Cancelled&) {
    throw errorWithCode(env, Napi::Error::New(env, "the call was cancelled"), "ERR_PK_ABORTED");
  }
}

Napi::Promise Addon::runAsync(Napi::Env env, std::vector<Napi::Value> keepAlive, Napi::Value cancelFlag,
                              unsigned threads, std::function<void(const ExecContext&)> kernel) {
  auto job = std::make_unique<AsyncJob>(env);
  job->kernel = std::move(kernel);
  job->threads = threads;
  for (Napi::Value v : keepAlive) job->keepAlive.push_back(Napi::Persistent(v));
  if (!cancelFlag.IsUndefined()) {
    // Usually on a SharedArrayBuffer, which Napi::ArrayBuffer cannot wrap: take the element pointer.
    ArrayArg flag = typedArrayArg(cancelFlag, "cancelFlag");
    if (flag.type != napi_int32_array || flag.length < 1) {
      throw Napi::TypeError::New(env, "Expected an Int32Array of length >= 1 for cancelFlag");
    }
    job->userCancel = static_cast<const int32_t*>(flag.data);
    job->keepAlive.push_back(Napi::Persistent(cancelFlag));
  }
  Napi::Promise promise = job->deferred.Promise();

  ThreadPool& p = pool(threads);
  job->ticket = p.nextTicket();
  AsyncJob* raw = job.release();
  {
    std::lock_guard<std::mutex> lock(mu_);
    running_.insert(raw);
  }
  if (pending_++ == 0) napi_ref_threadsafe_function(env, tsfn_);
  p.submit(raw->ticket, [this, raw, pool = &p] {
    ExecContext ctx(pool, raw->threads, raw->ticket, &raw->cancel, raw->userCancel);
    try {
      ctx.throwIfCancelled();  // aborted while queued: don't start
      raw->kernel(ctx);
    } catch (const Cancelled&) {
      raw->outcome = AsyncJob::Outcome::Cancelled;
    } catch (const std::bad_alloc&) {
      raw->outcome = AsyncJob::Outcome::OutOfMemory;
    } catch (const std::exception& e) {
      raw->outcome = AsyncJob::Outcome::Failed;
      raw->error = e.what();
    } catch (...) {
      raw->outcome = AsyncJob::Outcome::Failed;
      raw->error = "unknown native error";
    }
    finishOnPoolThread(raw);
  });
  return promise;
}

void Addon::finishOnPoolThread(AsyncJob* job) {
  std::lock_guard<std::mutex> lock(mu_);
  running_.erase(job);
  completed_.push_back(job);
  // Under mu_, so the cleanup hook cannot release the TSFN between the check and the call.
  if (!closing_) napi_call_threadsafe_function(tsfn_, nullptr, napi_tsfn_nonblocking);
  finished_.notify_all();
}

void Addon::deliverCompleted(napi_env rawEnv, napi_value, void* context, void*) {
  if (rawEnv == nullptr) return;  // the environment is being torn down: the cleanup hook frees jobs
  Addon* self = static_cast<Addon*>(context);
  std::vector<AsyncJob*> done;
  {
    std::lock_guard<std::mutex> lock(self->mu_);
    if (self->closing_) return;
    done.swap(self->completed_);
  }
  Napi::Env env(rawEnv);
  for (AsyncJob* job : done) {
    try {
      Napi::HandleScope scope(env);
      self->settle(env, job);
    } catch (const Napi::Error&) {
      // The environment can no longer run JavaScript (a worker_thread being terminated): Node-API
      // refuses to settle the Promise, and nothing is left to observe it. Thrown out of this
      // callback, the error would reach std::terminate and take the whole process down.
    }
    delete job;
    if (--self->pending_ == 0) napi_unref_threadsafe_function(rawEnv, self->tsfn_);
  }
}

void Addon::settle(Napi::Env env, AsyncJob* job) {
  switch (job->outcome) {
    case AsyncJob::Outcome::Ok:
      job->deferred.Resolve(env.Undefined());
      break;
    case AsyncJob::Outcome::Cancelled:
      job->deferred.Reject(
          errorWithCode(env, Napi::Error::New(env, "the call was cancelled"), "ERR_PK_ABORTED").Value());
      break;
    case AsyncJob::Outcome::OutOfMemory:
      job->deferred.Reject(
          errorWithCode(env, Napi::RangeError::New(env, "not enough memory for this call"), "ERR_PK_OUT_OF_MEMORY")
              .Value());
      break;
    case AsyncJob::Outcome::Failed:
      job->deferred.Reject(errorWithCode(env, Napi::Error::New(env, job->error), "ERR_PK_NATIVE").Value());
      break;
  }
}

// The environment is going away (a worker_thread terminating, or the process exiting): cancel this
// environment's jobs, wait until no pool thread touches their memory, and free them without calling
// back into JS. The last environment out tears the pool down.
void Addon::onCleanup(void* arg) {
  Addon* self = static_cast<Addon*>(arg);
  std::vector<AsyncJob*> done;
  {
    std::unique_lock<std::mutex> lock(self->mu_);
    self->closing_ = true;
    for (AsyncJob* job : self->running_) job->cancel.store(true);
    self->finished_.wait(lock, [self] { return self->running_.empty(); });
    done.swap(self->completed_);
  }
  for (AsyncJob* job : done) delete job;
  napi_release_threadsafe_function(self->tsfn_, napi_tsfn_abort);
  delete self;

  std::unique_ptr<ThreadPool> last;
  {
    std::lock_guard<std::mutex> lock(gPoolMu);
    if (--gEnvironments == 0) last = std::move(gPool);
  }
  // Joined outside the lock: the pool's destructor waits for its threads to leave.
}

Addon::Stats Addon::stats() {
  std::lock_guard<std::mutex> lock(mu_);
  return {running_.size(), completed_.size()};
}

}  // namespace pk::binding
