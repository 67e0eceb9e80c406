// Splits a run's [B, T', V] output into each item's log-probabilities, using the optional
// per-item output lengths ([B] int64/int32) to drop each item's padding frames.
#pragma once

#include <onnxruntime_c_api.h>

#include <vector>

#include "model/model.h"

namespace engine {

// One entry per item. An item with no frames left after skip_frames gets AUDIO_TOO_SHORT;
// unusable values (NaN) INTERNAL for that item. A malformed output (wrong dtype, rank or
// batch size; lengths outside [0, T']) throws INTERNAL for the whole run.
std::vector<BatchItemResult> SplitOutput(OrtValue& output, OrtValue* lengths, size_t batch, const OutputSpec& spec);

}  // namespace engine
