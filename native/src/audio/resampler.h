// Sample-rate conversion with libsoxr.
#pragma once

#include <vector>

namespace engine::audio {

// Resamples mono float audio from `from_rate` to `to_rate` Hz with libsoxr at very high
// quality (SOXR_VHQ, linear phase, flat passband to about 7.3 kHz when the output is
// 16 kHz; stopband from the output Nyquist frequency), over the whole signal at once: soxr removes its filter
// delay, so output sample k lies at time k / to_rate like input sample n at n / from_rate.
// The output has round(input.size() * to_rate / from_rate) samples.
// Throws INVALID_INPUT for rates that are not finite and positive.
std::vector<float> Resample(const std::vector<float>& input, double from_rate, double to_rate);

}  // namespace engine::audio
