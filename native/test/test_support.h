// A minimal test registry for the native core tests (no third-party framework).
#pragma once

#include <cmath>
#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"

namespace testing {

struct TestCase {
  const char* name;
  std::function<void()> fn;
};

inline std::vector<TestCase>& Registry() {
  static std::vector<TestCase> registry;
  return registry;
}

inline int& CurrentFailures() {
  static int failures = 0;
  return failures;
}

struct Registrar {
  Registrar(const char* name, std::function<void()> fn) { Registry().push_back({name, std::move(fn)}); }
};

// The code of the engine::Error that `fn` throws (its message into `message` if given), or
// nullopt when it throws none; any other exception propagates and fails the test case.
template <typename Fn>
std::optional<engine::ErrorCode> CodeOf(Fn&& fn, std::string* message = nullptr) {
  try {
    fn();
  } catch (const engine::Error& e) {
    if (message) *message = e.what();
    return e.code();
  }
  return std::nullopt;
}

}  // namespace testing

#define PA_CONCAT_INNER(a, b) a##b
#define PA_CONCAT(a, b) PA_CONCAT_INNER(a, b)
#define TEST_CASE(name)                                                              \
  static void PA_CONCAT(test_fn_, __LINE__)();                                       \
  static testing::Registrar PA_CONCAT(test_reg_, __LINE__)(name, PA_CONCAT(test_fn_, __LINE__)); \
  static void PA_CONCAT(test_fn_, __LINE__)()

#define EXPECT(cond)                                                                 \
  do {                                                                               \
    if (!(cond)) {                                                                   \
      std::fprintf(stderr, "  %s:%d: expected %s\n", __FILE__, __LINE__, #cond);     \
      ++testing::CurrentFailures();                                                  \
    }                                                                                \
  } while (0)

#define EXPECT_NEAR(a, b, tol)                                                       \
  do {                                                                               \
    double pa_a = (a), pa_b = (b);                                                   \
    if (!(std::fabs(pa_a - pa_b) <= (tol))) {                                        \
      std::fprintf(stderr, "  %s:%d: %s=%g vs %s=%g (tol %g)\n", __FILE__, __LINE__, \
                   #a, pa_a, #b, pa_b, (double)(tol));                               \
      ++testing::CurrentFailures();                                                  \
    }                                                                                \
  } while (0)

#define EXPECT_THROWS(stmt)                                                          \
  do {                                                                               \
    bool pa_threw = false;                                                           \
    try { stmt; } catch (...) { pa_threw = true; }                                   \
    if (!pa_threw) {                                                                 \
      std::fprintf(stderr, "  %s:%d: expected %s to throw\n", __FILE__, __LINE__, #stmt); \
      ++testing::CurrentFailures();                                                  \
    }                                                                                \
  } while (0)
