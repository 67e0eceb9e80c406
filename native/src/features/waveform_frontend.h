// The waveform frontend (wav2vec2-style models take raw samples).
#pragma once

#include <vector>

#include "features/frontend.h"

namespace engine {

void ValidateWaveformConfig(const WaveformFrontendConfig& config);

// num_frames = samples.size(), dim = 1. Throws AudioTooShort for empty audio.
Features ComputeWaveformFeatures(const std::vector<float>& samples, const WaveformFrontendConfig& config);

}  // namespace engine
