// CTC forced alignment: the single most likely frame labelling (Viterbi path) that collapses
// to the target sequence.
//
// The path runs over the 2L+1 states blank, t1, blank, t2, ..., tL, blank. From one frame to
// the next it may stay, advance one state, or skip the blank between two different labels;
// it starts in the first blank or t1 and ends in tL or the last blank. Two equal adjacent
// labels need a blank frame between them, so T >= L + R frames are required, where R is the
// number of adjacent equal pairs in the targets.
//
// Ties (equal scores) prefer staying, then advancing, then skipping; at the end, the last
// blank over tL. Scores are summed in double; a -infinity log-probability (zero probability)
// is replaced by -1e30 inside the search so every feasible path stays comparable, and the
// reported figures use the original values.
#pragma once

#include <cstdint>
#include <vector>

#include "ctc/labels.h"
#include "ctc/log_prob_matrix.h"

namespace engine {

struct ForcedAlignment {
  // Per target: the frames [start_frames[k], end_frames[k]) the path spends in its state
  // (at least one frame each), and the mean log-probability of the target over them.
  std::vector<int32_t> start_frames;
  std::vector<int32_t> end_frames;
  std::vector<float> mean_log_probs;
  // Sum over all frames of the log-probability of the path's label.
  double path_log_prob = 0.0;
};

// Throws engine::Error: InvalidInput for bad log-probabilities (see ValidateLogProbs), empty
// targets, a target equal to the blank or outside the vocabulary, or a trellis over 2^28
// frames x states; AudioTooShort when num_frames < L + R.
ForcedAlignment CtcForcedAlign(const LogProbMatrix& log_probs, int64_t blank_id, TargetSequence targets);

}  // namespace engine
