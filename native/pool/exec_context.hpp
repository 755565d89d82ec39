// What a kernel sees of the world: how many ways it may split its work, a way to run those pieces in
// parallel, and a cancellation flag to poll between blocks. No Node types, so the kernels build into a
// plain C++ test program as easily as into the addon.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>

namespace pk {

class ThreadPool;

// Thrown by ExecContext::throwIfCancelled(); the binding turns it into an AbortError.
struct Cancelled {};

class ExecContext {
 public:
  // A context with no pool runs every parallelFor on the calling thread, one index after another.
  ExecContext() = default;
  ExecContext(ThreadPool* pool, unsigned threads, uint64_t ticket, const std::atomic<bool>* cancel,
              const int32_t* userCancel = nullptr)
      : pool_(pool), threads_(threads ? threads : 1), ticket_(ticket), cancel_(cancel), userCancel_(userCancel) {}

  // How many pieces of similar size the kernel should split a parallel phase into.
  unsigned threads() const { return pool_ ? threads_ : 1; }

  // Runs body(i) for every i in [0, count) on the calling thread and the pool, and returns when all
  // have finished. Nested calls from inside a body are allowed and cannot deadlock: the caller runs
  // every index nobody else has claimed and only ever waits for indices other threads are running.
  // An exception thrown by a body is rethrown here (the first one wins) after every index finished.
  // Its own allocations come before any index runs: if they fail (std::bad_alloc), no body has run.
  void parallelFor(size_t count, const std::function<void(size_t)>& body) const;

  // A context for a nested phase that should use `threads` of this context's threads.
  ExecContext withThreads(unsigned threads) const {
    ExecContext copy = *this;
    copy.threads_ = threads ? threads : 1;
    return copy;
  }

  // Whether cancelled() can ever become true: false for a context without cancellation flags (the
  // synchronous calls'), whose kernels may then write their output as they go.
  bool cancellable() const { return cancel_ != nullptr || userCancel_ != nullptr; }

  bool cancelled() const {
    if (cancel_ && cancel_->load(std::memory_order_relaxed)) return true;
    // The JS side flips this Int32 in a SharedArrayBuffer with Atomics.store when its AbortSignal fires.
    if (userCancel_ && std::atomic_ref<int32_t>(*const_cast<int32_t*>(userCancel_)).load(std::memory_order_relaxed) != 0) return true;
    return false;
  }
  void throwIfCancelled() const {
    if (cancelled()) throw Cancelled{};
  }

 private:
  ThreadPool* pool_ = nullptr;
  unsigned threads_ = 1;
  uint64_t ticket_ = 0;
  const std::atomic<bool>* cancel_ = nullptr;
  const int32_t* userCancel_ = nullptr;
};

}  // namespace pk
