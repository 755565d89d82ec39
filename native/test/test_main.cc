#include <chrono>
#include <cstring>
#include <exception>

#include "test.hpp"

namespace pk::test {

std::vector<Case>& registry() {
  static std::vector<Case> cases;
  return cases;
}

static int failuresInCase = 0;
static const int kMaxReportedPerCase = 20;

void recordFailure(const char* file, int line, const std::string& what) {
  if (++failuresInCase <= kMaxReportedPerCase) std::fprintf(stderr, "  %s:%d: %s\n", file, line, what.c_str());
}

}  // namespace pk::test

int main(int argc, char** argv) {
  using namespace pk::test;
  const char* filter = argc > 1 ? argv[1] : nullptr;
  int passed = 0, failed = 0;
  for (const Case& c : registry()) {
    if (filter && !std::strstr(c.name, filter)) continue;
    failuresInCase = 0;
    auto start = std::chrono::steady_clock::now();
    try {
      c.body();
    } catch (const std::exception& e) {
      recordFailure(__FILE__, __LINE__, std::string("uncaught exception: ") + e.what());
    } catch (...) {
      recordFailure(__FILE__, __LINE__, "uncaught non-standard exception");
    }
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (failuresInCase) {
      ++failed;
      std::printf("not ok - %s (%d failures, %.0f ms)\n", c.name, failuresInCase, ms);
    } else {
      ++passed;
      std::printf("ok - %s (%.0f ms)\n", c.name, ms);
    }
    std::fflush(stdout);
  }
  std::printf("native: %d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
