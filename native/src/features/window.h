// Analysis windows used by the frontends.
#pragma once

#include <vector>

namespace engine {

enum class WindowType { Povey, Hann, Hamming };

// Kaldi's symmetric windows (denominator length - 1), as in kaldi feature-window.cc:
// hann 0.5 - 0.5 cos(a n), hamming 0.54 - 0.46 cos(a n), povey hann^0.85, a = 2 pi / (length - 1).
// A window of length 1 is {1}.
std::vector<double> SymmetricWindow(WindowType type, int length);

// torch.hann_window(length, periodic=True): 0.5 - 0.5 cos(2 pi n / length).
std::vector<double> PeriodicHannWindow(int length);

}  // namespace engine
