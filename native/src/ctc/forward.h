// CTC forward algorithm: the total log-probability log P(labels | frames), summed over every
// frame labelling that collapses to `labels` (not only the best one, as forced alignment does).
//
// Same state graph as forced alignment (blank, l1, blank, ..., lL, blank; repeats need a blank
// between them). Used to verify the recogniser's disagreements with the target: the target's
// phones and the recognised phones in a disputed region are compared by how well each explains
// the whole utterance.
//
// An empty label sequence is the all-blank labelling. A sequence the frames cannot hold
// (num_frames < L + R) has log-probability -infinity; so do zero-probability paths.
#pragma once

#include <cstdint>
#include <vector>

#include "ctc/labels.h"
#include "ctc/log_prob_matrix.h"

namespace engine {

// Throws engine::Error(InvalidInput) for bad log-probabilities (ValidateLogProbs) or a label
// equal to the blank or outside the vocabulary.
double CtcLogLikelihood(const LogProbMatrix& log_probs, int64_t blank_id, TargetSequence labels);

}  // namespace engine
