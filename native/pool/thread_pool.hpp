// The package's own thread pool: one per process, shared by every JS thread that loads the addon.
//
// Work arrives as "groups": a group is `count` independent indices of one body, created by
// ExecContext::parallelFor or by submit() (a group of one, for an async call's whole job). Every
// group carries the ticket of the call from JS it belongs to; idle pool threads always take an index
// of the open group with the smallest ticket, so calls are served first come, first served, and a
// later call cannot starve an earlier one. Within one call, the most recently opened (deepest) group
// goes first, which keeps nested fork-join depth-first.
//
// Why it cannot deadlock: the thread that opens a group runs every index nobody has claimed yet
// itself, so it only ever waits for indices that other threads are already running. Those threads
// in turn only wait for work that is running, and so on down the nesting, which always bottoms out.
// While waiting, a thread helps only with its own call's groups, so no call ever runs another's work.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "exec_context.hpp"

namespace pk {

class ThreadPool {
 public:
  // The most threads the pool accepts; the JS side validates against the same bound.
  static constexpr unsigned kMaxThreads = 256;

  explicit ThreadPool(unsigned threads);
  ~ThreadPool();  // waits for running work, then joins every thread
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // Grows at once; shrinks as surplus threads finish what they are running. Never blocks on work.
  void resize(unsigned threads);
  unsigned size() const { return target_.load(std::memory_order_relaxed); }

  // A ticket orders a call from JS in the FIFO; take one per call, before its first parallelFor.
  uint64_t nextTicket() { return ticketCounter_.fetch_add(1, std::memory_order_relaxed) + 1; }

  // A context for one call: `threads` pieces per phase, the given cancellation flags.
  ExecContext context(unsigned threads, const std::atomic<bool>* cancel = nullptr,
                      const int32_t* userCancel = nullptr) {
    return ExecContext(this, threads, nextTicket(), cancel, userCancel);
  }

  // Runs job() on a pool thread, in ticket order. job must not throw (catch inside it).
  void submit(uint64_t ticket, std::function<void()> job);

  // Used by ExecContext::parallelFor.
  void parallelFor(uint64_t ticket, size_t count, const std::function<void(size_t)>& body);

  // Work counters, for tests and diagnostics.
  struct Counters {
    uint64_t groupsOpened;
    uint64_t indicesRun;
    unsigned liveThreads;
  };
  Counters counters() const;

 private:
  struct Group;
  struct Worker;

  void workerLoop(Worker* self);
  // Claims an index of the best open group (restricted to `onlyTicket` unless it is 0). Caller holds mu_.
  bool claimLocked(uint64_t onlyTicket, std::shared_ptr<Group>& group, size_t& index);
  void runClaimed(const std::shared_ptr<Group>& group, size_t index);
  void reapExitedLocked();
  // Spins, without the lock, until `done()` or the spin budget runs out; true when done() held.
  template <class Done>
  static bool spinBriefly(Done done);

  mutable std::mutex mu_;
  std::condition_variable wake_;  // new work, a finished group, a resize or shutdown
  std::vector<std::shared_ptr<Group>> open_;  // groups with unclaimed indices
  std::vector<std::unique_ptr<Worker>> workers_;
  std::atomic<unsigned> target_{0};
  std::atomic<uint64_t> ticketCounter_{0};
  bool stopping_ = false;
  uint64_t groupsOpened_ = 0;
  // Bumped (after the lock is released) whenever a group opens, so an idle thread that spins rather
  // than sleeps sees new work without taking the lock.
  std::atomic<uint64_t> workEpoch_{0};
  uint64_t indicesRun_ = 0;
};

}  // namespace pk
