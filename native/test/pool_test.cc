#include <atomic>
#include <chrono>
#include <future>
#include <stdexcept>
#include <thread>
#include <vector>

#include "pool/thread_pool.hpp"
#include "test.hpp"

using pk::ExecContext;
using pk::ThreadPool;

namespace {

// Sums 0..n-1 by recursive halving, each level a nested parallelFor(2): deep fork-join nesting.
uint64_t nestedSum(const ExecContext& ctx, uint64_t lo, uint64_t hi) {
  if (hi - lo <= 64) {
    uint64_t s = 0;
    for (uint64_t i = lo; i < hi; ++i) s += i;
    return s;
  }
  uint64_t mid = lo + (hi - lo) / 2, parts[2];
  ctx.parallelFor(2, [&](size_t i) { parts[i] = i == 0 ? nestedSum(ctx, lo, mid) : nestedSum(ctx, mid, hi); });
  return parts[0] + parts[1];
}

}  // namespace

TEST("pool: parallelFor runs every index exactly once") {
  for (unsigned threads : {1u, 2u, 3u, 8u}) {
    ThreadPool pool(threads);
    for (size_t count : {0u, 1u, 2u, 7u, 1000u}) {
      std::vector<std::atomic<int>> hits(count);
      pool.context(threads).parallelFor(count, [&](size_t i) { hits[i].fetch_add(1); });
      for (size_t i = 0; i < count; ++i) CHECK(hits[i].load() == 1, "threads " << threads << " count " << count << " i " << i);
    }
  }
}

TEST("pool: a context without a pool runs serially on the caller") {
  ExecContext serial;
  CHECK(serial.threads() == 1);
  std::thread::id caller = std::this_thread::get_id();
  bool allOnCaller = true;
  serial.parallelFor(5, [&](size_t) { allOnCaller &= std::this_thread::get_id() == caller; });
  CHECK(allOnCaller);
}

TEST("pool: deeply nested fork-join does not deadlock on any pool size") {
  for (unsigned threads : {1u, 2u, 4u}) {
    ThreadPool pool(threads);
    const uint64_t n = 200000;
    CHECK(nestedSum(pool.context(threads), 0, n) == n * (n - 1) / 2, "threads " << threads);
  }
}

TEST("pool: the first exception of a group is rethrown after every index finished") {
  ThreadPool pool(3);
  std::atomic<int> ran{0};
  bool threw = false;
  try {
    pool.context(3).parallelFor(50, [&](size_t i) {
      ran.fetch_add(1);
      if (i % 7 == 3) throw std::runtime_error("boom");
    });
  } catch (const std::runtime_error&) {
    threw = true;
  }
  CHECK(threw);
  CHECK(ran.load() == 50);
}

TEST("pool: many external threads share one pool, nested calls interleaved") {
  ThreadPool pool(2);
  std::vector<std::thread> callers;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 6; ++t) {
    callers.emplace_back([&, t] {
      for (int rep = 0; rep < 20; ++rep) {
        uint64_t n = 5000 + 977 * t + rep;
        if (nestedSum(pool.context(2), 0, n) != n * (n - 1) / 2) wrong.fetch_add(1);
      }
    });
  }
  for (auto& c : callers) c.join();
  CHECK(wrong.load() == 0);
}

TEST("pool: submitted jobs run on pool threads in ticket order and may fork-join") {
  ThreadPool pool(1);
  std::mutex mu;
  std::vector<int> order;
  std::vector<std::promise<void>> done(5);
  // Hold the only pool thread so the five jobs queue up behind it.
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  uint64_t blockerTicket = pool.nextTicket();
  pool.submit(blockerTicket, [released] { released.wait(); });
  for (int j = 0; j < 5; ++j) {
    uint64_t ticket = pool.nextTicket();
    pool.submit(ticket, [&, j, ticket] {
      ExecContext ctx(&pool, 2, ticket, nullptr);
      uint64_t s = nestedSum(ctx, 0, 10000);
      std::lock_guard<std::mutex> lock(mu);
      if (s == 10000ull * 9999 / 2) order.push_back(j);
      done[j].set_value();
    });
  }
  release.set_value();
  for (auto& d : done) d.get_future().wait();
  REQUIRE(order.size() == 5);
  for (int j = 0; j < 5; ++j) CHECK(order[j] == j, "position " << j << " ran job " << order[j]);
}

TEST("pool: resize while calls are in flight") {
  ThreadPool pool(1);
  std::atomic<bool> stop{false};
  std::atomic<int> wrong{0};
  std::thread caller([&] {
    while (!stop.load()) {
      if (nestedSum(pool.context(4), 0, 30000) != 30000ull * 29999 / 2) wrong.fetch_add(1);
    }
  });
  for (unsigned size : {4u, 1u, 3u, 2u, 8u, 1u, 2u}) {
    pool.resize(size);
    CHECK(pool.size() == size);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  stop.store(true);
  caller.join();
  CHECK(wrong.load() == 0);
  // Surplus threads leave once idle; give them a moment, then the count settles at the target.
  for (int i = 0; i < 200 && pool.counters().liveThreads != 2; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  CHECK(pool.counters().liveThreads == 2, "live " << pool.counters().liveThreads);
}

TEST("pool: sizes are clamped to [1, kMaxThreads]") {
  ThreadPool pool(0);
  CHECK(pool.size() == 1);
  pool.resize(ThreadPool::kMaxThreads + 5);
  CHECK(pool.size() == ThreadPool::kMaxThreads);
  pool.resize(2);
  CHECK(pool.size() == 2);
}

TEST("pool: cancellation flags are visible through the context") {
  ThreadPool pool(2);
  std::atomic<bool> cancel{false};
  int32_t userFlag = 0;
  ExecContext ctx = pool.context(2, &cancel, &userFlag);
  CHECK(!ctx.cancelled());
  userFlag = 1;
  CHECK(ctx.cancelled());
  userFlag = 0;
  cancel.store(true);
  bool threw = false;
  try {
    ctx.throwIfCancelled();
  } catch (const pk::Cancelled&) {
    threw = true;
  }
  CHECK(threw);
}
