#include "audio/resampler.h"

#include <soxr.h>

#include <cmath>
#include <limits>
#include <string>

#include "common/error.h"

namespace engine::audio {

std::vector<float> Resample(const std::vector<float>& input, double from_rate, double to_rate) {
  if (!std::isfinite(from_rate) || !std::isfinite(to_rate) || from_rate <= 0 || to_rate <= 0) {
    throw Error(ErrorCode::InvalidInput, "Sample rates must be finite and positive.");
  }
  if (from_rate == to_rate || input.empty()) return input;

  const double exact_length = static_cast<double>(input.size()) * to_rate / from_rate;
  if (exact_length > static_cast<double>(std::numeric_limits<int32_t>::max())) {
    throw Error(ErrorCode::InvalidInput, "The resampled audio would be too long.");
  }
  std::vector<float> output(static_cast<size_t>(std::llround(exact_length)));
  if (output.empty()) return output;

  const soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
  // SOXR_ROLLOFF_NONE: a flat passband. soxr's default lets the response droop by up to
  // 0.01 dB towards the band edge (measured: gain 0.99942 at 7 kHz from 44.1 kHz, an error
  // of -65 dB against the exact signal); flat, it stays at the float32 noise floor
  // (about -150 dB) up to 7.3 kHz, with the stopband (>= 8 kHz, below -150 dB) unchanged.
  const soxr_quality_spec_t quality = soxr_quality_spec(SOXR_VHQ, SOXR_ROLLOFF_NONE);
  // One thread: we already run on the libuv pool, and soxr's OpenMP threads would compete.
  const soxr_runtime_spec_t runtime = soxr_runtime_spec(1);
  size_t produced = 0;
  const soxr_error_t error = soxr_oneshot(from_rate, to_rate, 1, input.data(), input.size(), nullptr,
                                          output.data(), output.size(), &produced, &io, &quality, &runtime);
  if (error != nullptr) throw Error(ErrorCode::Internal, std::string("libsoxr failed: ") + error);
  if (produced != output.size()) {
    throw Error(ErrorCode::Internal, "libsoxr produced " + std::to_string(produced) + " samples, expected " +
                                         std::to_string(output.size()) + ".");
  }
  return output;
}

}  // namespace engine::audio
