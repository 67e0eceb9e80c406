#include "features/frontend.h"

#include <cmath>
#include <string>
#include <type_traits>

#include "common/error.h"
#include "features/espnet_logmel_frontend.h"
#include "features/kaldi_fbank_frontend.h"
#include "features/waveform_frontend.h"

namespace engine {

void ValidateFrontendConfig(const FrontendConfig& config) {
  std::visit(
      [](const auto& c) {
        using Config = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<Config, WaveformFrontendConfig>) {
          ValidateWaveformConfig(c);
        } else if constexpr (std::is_same_v<Config, EspnetLogMelConfig>) {
          ValidateEspnetLogMelConfig(c);
        } else {
          static_assert(std::is_same_v<Config, KaldiFbankConfig>);
          ValidateKaldiFbankConfig(c);
        }
      },
      config);
}

Features ComputeFeatures(const std::vector<float>& samples, const FrontendConfig& config) {
  ValidateFrontendConfig(config);
  for (std::size_t i = 0; i < samples.size(); ++i) {
    if (!std::isfinite(samples[i])) {
      throw Error(ErrorCode::InvalidInput, "samples must be finite (sample " + std::to_string(i) + " is not)");
    }
  }
  return std::visit(
      [&samples](const auto& c) -> Features {
        using Config = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<Config, WaveformFrontendConfig>) {
          return ComputeWaveformFeatures(samples, c);
        } else if constexpr (std::is_same_v<Config, EspnetLogMelConfig>) {
          return ComputeEspnetLogMel(samples, c);
        } else {
          return ComputeKaldiFbank(samples, c);
        }
      },
      config);
}

}  // namespace engine
