// ESPnet DefaultFrontend log-mel features (POWSM, POWSM-CTC).
#pragma once

#include <cstddef>
#include <vector>

#include "features/frontend.h"

namespace engine {

void ValidateEspnetLogMelConfig(const EspnetLogMelConfig& config);

// Frames for numSamples: N / hop + 1 with center, else 1 + (N - nFft) / hop; 0 when the audio is too
// short (center needs N > nFft / 2 for reflect padding, as torch.stft does; no center needs N >= nFft).
std::size_t EspnetLogMelFrameCount(std::size_t numSamples, const EspnetLogMelConfig& config);

// num_frames x nMels. Throws AudioTooShort when EspnetLogMelFrameCount is 0.
Features ComputeEspnetLogMel(const std::vector<float>& samples, const EspnetLogMelConfig& config);

}  // namespace engine
