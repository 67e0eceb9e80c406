// A CTC label sequence (an alignment's targets, the labels whose likelihood is wanted) and what
// the CTC operations check and count on it.
#pragma once

#include <cstddef>
#include <cstdint>

#include "ctc/log_prob_matrix.h"

namespace engine {

struct TargetSequence {
  const int32_t* data = nullptr;
  size_t size = 0;
};

// Throws engine::Error(InvalidInput) at the first label that is the blank or outside
// [0, vocab_size): "<caller>: <name>[i] = <label> is the blank or outside [0, vocabSize = V)".
void ValidateLabels(TargetSequence labels, const LogProbMatrix& log_probs, int64_t blank_id, const char* caller,
                    const char* name);

// The number of adjacent equal pairs R: a path needs a blank frame between two equal labels, so
// L labels need at least L + R frames.
size_t AdjacentRepeats(TargetSequence labels);

}  // namespace engine
