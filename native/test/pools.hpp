// One real pool per thread count from 1 to maxThreads, each used at its full width, so a sort on
// `threads` threads runs on a pool of exactly that size.
#pragma once

#include <atomic>
#include <memory>
#include <vector>

#include "pool/thread_pool.hpp"

namespace pk::test {

class Pools {
 public:
  explicit Pools(unsigned maxThreads) {
    for (unsigned t = 1; t <= maxThreads; ++t) pools_.push_back(std::make_unique<pk::ThreadPool>(t));
  }
  pk::ExecContext context(unsigned threads, const std::atomic<bool>* cancel = nullptr) {
    return pools_.at(threads - 1)->context(threads, cancel);
  }

 private:
  std::vector<std::unique_ptr<pk::ThreadPool>> pools_;
};

}  // namespace pk::test
