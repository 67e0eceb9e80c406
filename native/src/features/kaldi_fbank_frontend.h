// Kaldi-compatible log mel filterbank features (ZIPA via lhotse, Kaldi compute-fbank).
#pragma once

#include <cstddef>
#include <vector>

#include "features/frontend.h"

namespace engine {

void ValidateKaldiFbankConfig(const KaldiFbankConfig& config);

// Frame length and shift in samples, as Kaldi rounds them: int(16000 * 0.001 * ms).
int KaldiFrameLengthSamples(const KaldiFbankConfig& config);
int KaldiFrameShiftSamples(const KaldiFbankConfig& config);

// Kaldi's NumFrames: snip_edges 1 + (N - len) / shift (0 when N < len), else (N + shift / 2) / shift.
std::size_t KaldiFrameCount(std::size_t num_samples, const KaldiFbankConfig& config);

// num_frames x num_mel_bins. Throws AudioTooShort when KaldiFrameCount is 0.
Features ComputeKaldiFbank(const std::vector<float>& samples, const KaldiFbankConfig& config);

}  // namespace engine
