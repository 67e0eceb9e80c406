#include "features/window.h"

#include <cmath>

namespace engine {

namespace {
constexpr double kPi = 3.14159265358979323846;
}

std::vector<double> SymmetricWindow(WindowType type, int length) {
  std::vector<double> window(static_cast<std::size_t>(length), 1.0);
  if (length <= 1) return window;
  const double a = 2.0 * kPi / static_cast<double>(length - 1);
  for (int n = 0; n < length; ++n) {
    const double c = std::cos(a * n);
    double w = 1.0;
    switch (type) {
      case WindowType::Hann: w = 0.5 - 0.5 * c; break;
      case WindowType::Hamming: w = 0.54 - 0.46 * c; break;
      case WindowType::Povey: w = std::pow(0.5 - 0.5 * c, 0.85); break;
    }
    window[static_cast<std::size_t>(n)] = w;
  }
  return window;
}

std::vector<double> PeriodicHannWindow(int length) {
  std::vector<double> window(static_cast<std::size_t>(length), 1.0);
  for (int n = 0; n < length; ++n) {
    window[static_cast<std::size_t>(n)] = 0.5 - 0.5 * std::cos(2.0 * kPi * n / static_cast<double>(length));
  }
  return window;
}

}  // namespace engine
