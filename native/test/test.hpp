// A deliberately small test harness: TEST(name) registers a case, CHECK* record failures with the
// file and line, and main() in test_main.cc runs every case (or those whose name contains argv[1]).
#pragma once

#include <cstdio>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

namespace pk::test {

struct Case {
  const char* name;
  std::function<void()> body;
};

std::vector<Case>& registry();
void recordFailure(const char* file, int line, const std::string& what);

struct Registrar {
  Registrar(const char* name, std::function<void()> body) { registry().push_back({name, std::move(body)}); }
};

}  // namespace pk::test

#define PK_TEST_CONCAT2(a, b) a##b
#define PK_TEST_CONCAT(a, b) PK_TEST_CONCAT2(a, b)
#define TEST(name)                                                                               \
  static void PK_TEST_CONCAT(pk_test_fn_, __LINE__)();                                           \
  static ::pk::test::Registrar PK_TEST_CONCAT(pk_test_reg_, __LINE__)(name, &PK_TEST_CONCAT(pk_test_fn_, __LINE__)); \
  static void PK_TEST_CONCAT(pk_test_fn_, __LINE__)()

// CHECK(cond, streamable context...) — the context is only formatted when the check fails.
#define CHECK(cond, ...)                                                               \
  do {                                                                                 \
    if (!(cond)) {                                                                     \
      std::ostringstream pk_test_os;                                                   \
      pk_test_os << "CHECK(" #cond ") failed" __VA_OPT__(<< ": " <<) __VA_ARGS__;      \
      ::pk::test::recordFailure(__FILE__, __LINE__, pk_test_os.str());                 \
    }                                                                                  \
  } while (0)

// REQUIRE: like CHECK, but returns from the test case on failure (to avoid cascades).
#define REQUIRE(cond, ...)                                                             \
  do {                                                                                 \
    if (!(cond)) {                                                                     \
      std::ostringstream pk_test_os;                                                   \
      pk_test_os << "REQUIRE(" #cond ") failed" __VA_OPT__(<< ": " <<) __VA_ARGS__;    \
      ::pk::test::recordFailure(__FILE__, __LINE__, pk_test_os.str());                 \
      return;                                                                          \
    }                                                                                  \
  } while (0)
