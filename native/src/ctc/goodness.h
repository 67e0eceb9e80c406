// Goodness of pronunciation from CTC posteriors over a target's forced alignment.
//
// For target k aligned to frames [s, e), its log posterior ratio is
//   LPR_k = mean over t in [s, e) of ( log P(target_k | t) - max over q != target_k, q != blank of log P(q | t) )
// i.e. how far the intended phone beats its best competing phone, frame by frame: the
// log-posterior-ratio GOP of Hu et al. (2015, "Improved mispronunciation detection with deep
// neural network trained acoustic models and transfer learning based logistic regression
// classifiers"), taken over the CTC forced alignment's label frames. The blank is left out of
// the competitors: renormalising the posteriors without it changes both terms alike, so the
// ratio is unaffected by how peaky the CTC output is.
#pragma once

#include <vector>

#include "ctc/forced_align.h"
#include "ctc/log_prob_matrix.h"

namespace engine {

// One LPR per target. Inputs must be the ones `alignment` was computed from. A vocabulary with
// no competitor (only blank and the target) gives +infinity.
std::vector<float> LogPosteriorRatios(const LogProbMatrix& log_probs, int64_t blank_id, TargetSequence targets,
                                      const ForcedAlignment& alignment);

}  // namespace engine
