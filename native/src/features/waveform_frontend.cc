#include "features/waveform_frontend.h"

#include <cmath>

#include "common/error.h"
#include "features/config_checks.h"

namespace engine {

void ValidateWaveformConfig(const WaveformFrontendConfig& config) {
  if (config.normalize) {
    RequireConfig(std::isfinite(config.epsilon) && config.epsilon > 0.0, "waveform epsilon must be a finite number > 0");
  }
}

Features ComputeWaveformFeatures(const std::vector<float>& samples, const WaveformFrontendConfig& config) {
  if (samples.empty()) throw Error(ErrorCode::AudioTooShort, "waveform frontend: no samples");
  Features features;
  features.num_frames = static_cast<int>(samples.size());
  features.dim = 1;
  if (!config.normalize) {
    features.data = samples;
    return features;
  }
  const double count = static_cast<double>(samples.size());
  double sum = 0.0;
  for (float x : samples) sum += x;
  const double mean = sum / count;
  // Two-pass population variance: no cancellation from sum-of-squares minus squared mean.
  double squares = 0.0;
  for (float x : samples) squares += (x - mean) * (x - mean);
  const double scale = 1.0 / std::sqrt(squares / count + config.epsilon);
  features.data.resize(samples.size());
  for (std::size_t i = 0; i < samples.size(); ++i) {
    features.data[i] = static_cast<float>((samples[i] - mean) * scale);
  }
  return features;
}

}  // namespace engine
