// How much more likely the audio would be if one target phone were another phone, or absent:
// the total CTC log-likelihood of the target with each single phone substituted by each
// candidate, and with each single phone deleted, against that of the target itself.
//
// These are the alignment-free "goodness of pronunciation" quantities of CTC models (the
// forward algorithm sums over every alignment, so a phone's evidence is not tied to one
// segmentation). Computed from one forward (alpha) and one backward (beta) pass over the
// target's states: a path through a substituted phone q at position i enters q's state from
// the prefix lattice (unchanged), stays in q for frames [a, b], and leaves into the suffix
// lattice (unchanged), so each (i, q) costs O(T) instead of a whole forward pass; a deleted
// phone joins the prefix and suffix lattices through the blank before it. The result equals
// CtcLogLikelihood of each edited sequence (tested against it).
#pragma once

#include <cstdint>
#include <vector>

#include "ctc/labels.h"
#include "ctc/log_prob_matrix.h"

namespace engine {

struct CtcEditAlternatives {
  // log P(target | frames).
  double log_likelihood = 0.0;
  // deletion[i]: log P(target without phone i | frames).
  std::vector<double> deletion;
  // substitution[i * num_candidates + c]: log P(target with phone i := candidates[c] | frames);
  // equal to log_likelihood where candidates[c] is target i itself.
  std::vector<double> substitution;
  size_t num_candidates = 0;
};

// Throws engine::Error(InvalidInput) for bad log-probabilities (ValidateLogProbs), empty
// targets, a target or candidate that is the blank or outside the vocabulary, more candidates
// than the vocabulary, and a trellis over 2^25 frames x states. Infeasible sequences (too few frames) are -infinity.
CtcEditAlternatives CtcAlternatives(const LogProbMatrix& log_probs, int64_t blank_id, TargetSequence targets,
                                    TargetSequence candidates);

}  // namespace engine
