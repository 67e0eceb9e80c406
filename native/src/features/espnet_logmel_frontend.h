// ESPnet DefaultFrontend log-mel features (POWSM, POWSM-CTC).
#pragma once

#include <cstddef>
#include <vector>

#include "features/frontend.h"

namespace engine {

void ValidateEspnetLogMelConfig(const EspnetLogMelConfig& config);

// Frames for num_samples: N / hop + 1 with center, else 1 + (N - n_fft) / hop; 0 when the audio is too
// short (center needs N > n_fft / 2 for reflect padding, as torch.stft does; no center needs N >= n_fft).
std::size_t EspnetLogMelFrameCount(std::size_t num_samples, const EspnetLogMelConfig& config);

// num_frames x n_mels. Throws AudioTooShort when EspnetLogMelFrameCount is 0.
Features ComputeEspnetLogMel(const std::vector<float>& samples, const EspnetLogMelConfig& config);

}  // namespace engine
