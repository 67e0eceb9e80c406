#include "ctc/forward.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace engine {
namespace {

constexpr double kNegInf = -std::numeric_limits<double>::infinity();

}  // namespace

double CtcLogLikelihood(const LogProbMatrix& log_probs, int64_t blank_id, TargetSequence labels) {
  ValidateLogProbs(log_probs, blank_id, "ctcLogLikelihood");
  ValidateLabels(labels, log_probs, blank_id, "ctcLogLikelihood", "labels");
  const size_t frames = log_probs.num_frames;
  const size_t states = 2 * labels.size + 1;
  if (frames == 0) return labels.size == 0 ? 0.0 : kNegInf;
  if (frames < labels.size + AdjacentRepeats(labels)) return kNegInf;

  const size_t blank = static_cast<size_t>(blank_id);
  auto label = [&](size_t s) { return s % 2 == 0 ? blank : static_cast<size_t>(labels.data[s / 2]); };
  auto can_skip = [&](size_t s) { return s % 2 == 1 && s >= 3 && labels.data[s / 2] != labels.data[s / 2 - 1]; };

  std::vector<double> previous(states, kNegInf);
  std::vector<double> current(states, kNegInf);
  previous[0] = log_probs.Frame(0)[blank];
  if (states > 1) previous[1] = log_probs.Frame(0)[label(1)];
  for (size_t t = 1; t < frames; ++t) {
    const float* frame = log_probs.Frame(t);
    // Only states that can still reach the end in the frames left, and that the start can
    // reach by now, matter: states in [first, last].
    const size_t remaining = frames - 1 - t;
    const size_t first = states > 2 * remaining + 2 ? states - 2 * remaining - 2 : 0;
    const size_t last = std::min(states - 1, 2 * t + 1);
    std::fill(current.begin(), current.end(), kNegInf);
    for (size_t s = first; s <= last; ++s) {
      double v = previous[s];
      if (s >= 1) v = LogAdd(v, previous[s - 1]);
      if (can_skip(s)) v = LogAdd(v, previous[s - 2]);
      current[s] = v == kNegInf ? kNegInf : v + static_cast<double>(frame[label(s)]);
    }
    previous.swap(current);
  }
  return states > 1 ? LogAdd(previous[states - 1], previous[states - 2]) : previous[0];
}

}  // namespace engine
