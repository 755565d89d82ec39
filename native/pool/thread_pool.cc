#include "pool/thread_pool.hpp"

#include <algorithm>
#include <chrono>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace pk {

namespace {

// How long an idle thread spins before it sleeps on the condition variable. A fork-join kernel
// opens its next group within microseconds (a GEMM opens two per block of k), and waking a
// sleeping thread costs tens of microseconds on a VM: at 256³ that was most of the second thread's
// gain. Short enough that a thread with nothing to do gives its core back almost at once.
constexpr std::chrono::microseconds kSpinBudget{50};

inline void cpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

}  // namespace

template <class Done>
bool ThreadPool::spinBriefly(Done done) {
  const auto end = std::chrono::steady_clock::now() + kSpinBudget;
  for (unsigned i = 0;; ++i) {
    if (done()) return true;
    cpuRelax();
    if ((i & 63) == 63 && std::chrono::steady_clock::now() >= end) return done();
  }
}

// One fork-join group: `count` indices of one body. Indices are claimed under the pool mutex, so a
// claim is a plain increment; completion is counted atomically so finishing an index takes no lock
// unless it is the last one.
struct ThreadPool::Group {
  uint64_t ticket = 0;
  uint64_t sequence = 0;  // later groups of the same call go first (depth-first nesting)
  size_t count = 0;
  size_t nextIndex = 0;   // guarded by ThreadPool::mu_
  std::atomic<size_t> finished{0};
  const std::function<void(size_t)>* body = nullptr;  // parallelFor: lives on the opener's stack
  std::function<void()> job;                           // submit: owned here
  std::mutex errorMu;
  std::exception_ptr error;
};

struct ThreadPool::Worker {
  std::thread thread;
  bool retire = false;             // guarded by mu_: leave once idle (the pool shrank)
  std::atomic<bool> exited{false};
};

void ExecContext::parallelFor(size_t count, const std::function<void(size_t)>& body) const {
  if (count == 0) return;
  if (!pool_ || count == 1) {
    for (size_t i = 0; i < count; ++i) body(i);
    return;
  }
  pool_->parallelFor(ticket_, count, body);
}

ThreadPool::ThreadPool(unsigned threads) { resize(threads); }

ThreadPool::~ThreadPool() {
  std::vector<std::unique_ptr<Worker>> workers;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    workers.swap(workers_);
  }
  wake_.notify_all();
  for (auto& w : workers) w->thread.join();
}

void ThreadPool::resize(unsigned threads) {
  threads = std::clamp(threads, 1u, kMaxThreads);
  std::lock_guard<std::mutex> lock(mu_);
  reapExitedLocked();
  target_.store(threads, std::memory_order_relaxed);
  unsigned active = 0;
  for (auto& w : workers_) {
    if (w->retire) continue;
    if (active < threads) {
      ++active;
    } else {
      w->retire = true;
    }
  }
  for (; active < threads; ++active) {
    auto worker = std::make_unique<Worker>();
    Worker* raw = worker.get();
    worker->thread = std::thread([this, raw] { workerLoop(raw); });
    workers_.push_back(std::move(worker));
  }
  wake_.notify_all();
}

// Retired threads that have left their loop are joined here, never while they may still run work,
// so resize() does not block its caller on a long kernel.
void ThreadPool::reapExitedLocked() {
  auto done = std::partition(workers_.begin(), workers_.end(),
                             [](const std::unique_ptr<Worker>& w) { return !w->exited.load(); });
  for (auto it = done; it != workers_.end(); ++it) (*it)->thread.join();
  workers_.erase(done, workers_.end());
}

void ThreadPool::submit(uint64_t ticket, std::function<void()> job) {
  auto group = std::make_shared<Group>();
  group->ticket = ticket;
  group->count = 1;
  group->job = std::move(job);
  {
    std::lock_guard<std::mutex> lock(mu_);
    group->sequence = ++groupsOpened_;
    open_.push_back(std::move(group));
  }
  workEpoch_.fetch_add(1, std::memory_order_release);
  wake_.notify_one();
}

bool ThreadPool::claimLocked(uint64_t onlyTicket, std::shared_ptr<Group>& group, size_t& index) {
  // Smallest ticket first (FIFO across calls); within a call, the newest group (deepest nesting).
  auto best = open_.end();
  for (auto it = open_.begin(); it != open_.end(); ++it) {
    if (onlyTicket && (*it)->ticket != onlyTicket) continue;
    if (best == open_.end() || (*it)->ticket < (*best)->ticket ||
        ((*it)->ticket == (*best)->ticket && (*it)->sequence > (*best)->sequence)) {
      best = it;
    }
  }
  if (best == open_.end()) return false;
  group = *best;
  index = group->nextIndex++;
  if (group->nextIndex == group->count) open_.erase(best);
  return true;
}

void ThreadPool::runClaimed(const std::shared_ptr<Group>& group, size_t index) {
  if (group->job) {
    group->job();
  } else {
    try {
      (*group->body)(index);
    } catch (...) {
      std::lock_guard<std::mutex> lock(group->errorMu);
      if (!group->error) group->error = std::current_exception();
    }
  }
  if (group->finished.fetch_add(1, std::memory_order_acq_rel) + 1 == group->count) {
    // Take the lock so a waiter cannot check `finished` and then miss this notification.
    { std::lock_guard<std::mutex> lock(mu_); }
    wake_.notify_all();
  }
}

void ThreadPool::workerLoop(Worker* self) {
  std::unique_lock<std::mutex> lock(mu_);
  bool spun = true;  // spin once after each piece of work, then sleep
  for (;;) {
    if (stopping_ || self->retire) break;
    std::shared_ptr<Group> group;
    size_t index = 0;
    if (claimLocked(0, group, index)) {
      ++indicesRun_;
      lock.unlock();
      runClaimed(group, index);
      group.reset();
      lock.lock();
      spun = false;
      continue;
    }
    if (!spun) {
      // Checked again under the lock at the top of the loop, so no work is missed either way.
      const uint64_t seen = workEpoch_.load(std::memory_order_acquire);
      lock.unlock();
      spinBriefly([&] { return workEpoch_.load(std::memory_order_acquire) != seen; });
      lock.lock();
      spun = true;
      continue;
    }
    // Woken with nothing to claim (every worker is woken, fewer may be needed): back to sleep without
    // spinning. Only a thread that just finished work spins, waiting for the next step of its call.
    // A sync call's caller takes part too, so a pool of one worker per core plus the caller is one
    // thread more than cores, and a surplus worker spinning on a busy machine can push a worker that
    // has work off its core: with another job running, a 2-thread i32 sort of 1e6 on 2 cores ran at
    // ~205 M/s in two of three runs with two workers and ~430 with one.
    wake_.wait(lock);
  }
  self->exited.store(true);
}

void ThreadPool::parallelFor(uint64_t ticket, size_t count, const std::function<void(size_t)>& body) {
  // Every allocation of the call comes before its first index runs, as ExecContext::parallelFor
  // promises (the in-place sort relies on it): nothing below may allocate.
  auto group = std::make_shared<Group>();
  group->ticket = ticket;
  group->count = count;
  group->body = &body;
  {
    std::lock_guard<std::mutex> lock(mu_);
    group->sequence = ++groupsOpened_;
    open_.push_back(group);
  }
  workEpoch_.fetch_add(1, std::memory_order_release);
  wake_.notify_all();

  // Run our own indices until none is left unclaimed, then help with the same call's other groups
  // until the indices others claimed have finished. Helping only within the call keeps one call's
  // latency independent of the calls queued behind it.
  std::unique_lock<std::mutex> lock(mu_);
  bool spun = false;
  for (;;) {
    if (group->finished.load(std::memory_order_acquire) == count) break;
    std::shared_ptr<Group> claimed;
    size_t index = 0;
    bool gotOwn = group->nextIndex < group->count;
    if (gotOwn) {
      index = group->nextIndex++;
      if (group->nextIndex == group->count) open_.erase(std::find(open_.begin(), open_.end(), group));
      claimed = group;
    } else if (!claimLocked(ticket, claimed, index)) {
      // The other indices are running: they usually end within microseconds of ours, so spin for
      // them (or for a nested group of this call to help with) before sleeping.
      // Once per wake-up, as in workerLoop.
      if (!spun) {
        const uint64_t seen = workEpoch_.load(std::memory_order_acquire);
        lock.unlock();
        spinBriefly([&] {
          return group->finished.load(std::memory_order_acquire) == count ||
                 workEpoch_.load(std::memory_order_acquire) != seen;
        });
        lock.lock();
        spun = true;
        continue;
      }
      wake_.wait(lock);
      spun = false;
      continue;
    }
    ++indicesRun_;
    lock.unlock();
    runClaimed(claimed, index);
    claimed.reset();
    lock.lock();
    spun = false;
  }
  lock.unlock();
  if (group->error) std::rethrow_exception(group->error);
}

ThreadPool::Counters ThreadPool::counters() const {
  std::lock_guard<std::mutex> lock(mu_);
  unsigned live = 0;
  for (auto& w : workers_) live += !w->exited.load();
  return {groupsOpened_, indicesRun_, live};
}

}  // namespace pk
