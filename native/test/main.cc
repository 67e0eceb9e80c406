// Native core tests, run without Node (under ASan + LSan by `npm run test:asan`).
// Each test file registers cases with TEST_CASE; failures are counted, not fatal.
#include "test_support.h"

#include <cstdio>

#include "model/ort_env.h"

int main() {
  engine::ort::OptOutOfTelemetry();  // as the addon does when it loads
  int failed = 0, passed = 0;
  for (const auto& test : testing::Registry()) {
    testing::CurrentFailures() = 0;
    try {
      test.fn();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "  exception: %s\n", e.what());
      ++testing::CurrentFailures();
    }
    if (testing::CurrentFailures() == 0) {
      ++passed;
      std::printf("ok   %s\n", test.name);
    } else {
      ++failed;
      std::printf("FAIL %s\n", test.name);
    }
  }
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
