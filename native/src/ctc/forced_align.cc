#include "ctc/forced_align.h"

#include <algorithm>
#include <limits>
#include <string>

#include "common/error.h"

namespace engine {
namespace {

// Stand-in for log(0) during the search (see the header).
constexpr double kImpossibleLogProb = -1e30;

// One backtrace byte per cell: 256 MiB at most (e.g. 10 minutes at 50 fps with 4000 phones).
constexpr size_t kMaxTrellisCells = size_t{1} << 28;

enum Move : uint8_t { kStay = 0, kAdvance = 1, kSkip = 2 };

void ValidateTargets(TargetSequence targets, const LogProbMatrix& log_probs, int64_t blank_id) {
  if (targets.size == 0) throw Error(ErrorCode::InvalidInput, "ctcForcedAlign: targets must not be empty");
  ValidateLabels(targets, log_probs, blank_id, "ctcForcedAlign", "targets");
  const size_t repeats = AdjacentRepeats(targets);
  if (log_probs.num_frames < targets.size + repeats) {
    throw Error(ErrorCode::AudioTooShort,
                "ctcForcedAlign: audio too short: " + std::to_string(log_probs.num_frames) + " frames, but " +
                    std::to_string(targets.size) + " target phones with " + std::to_string(repeats) +
                    " adjacent repeats need at least " + std::to_string(targets.size + repeats) + " frames");
  }
  const size_t states = 2 * targets.size + 1;
  if (log_probs.num_frames > static_cast<size_t>(std::numeric_limits<int32_t>::max()) ||
      log_probs.num_frames > kMaxTrellisCells / states) {
    throw Error(ErrorCode::InvalidInput, "ctcForcedAlign: " + std::to_string(log_probs.num_frames) + " frames x " +
                                             std::to_string(states) + " states exceed the " +
                                             std::to_string(kMaxTrellisCells) + "-cell limit");
  }
}

// The Viterbi trellis over the blank-interleaved states, with one move per cell kept for the
// backtrace.
class Trellis {
 public:
  Trellis(const LogProbMatrix& log_probs, size_t blank, TargetSequence targets)
      : log_probs_(log_probs),
        states_(2 * targets.size + 1),
        labels_(states_, blank),
        can_skip_(states_, 0),
        moves_(log_probs.num_frames * states_) {
    for (size_t k = 0; k < targets.size; ++k) {
      const size_t state = 2 * k + 1;
      labels_[state] = static_cast<size_t>(targets.data[k]);
      can_skip_[state] = k > 0 && targets.data[k] != targets.data[k - 1];
    }
  }

  // Returns the best path's state at every frame.
  std::vector<size_t> BestPath() {
    const double unreachable = -std::numeric_limits<double>::infinity();
    std::vector<double> previous(states_, unreachable);
    std::vector<double> current(states_, unreachable);
    previous[0] = Emission(0, 0);
    previous[1] = Emission(0, 1);
    for (size_t t = 1; t < log_probs_.num_frames; ++t) {
      Step(t, previous.data(), current.data());
      previous.swap(current);
    }
    size_t state = states_ - 1;
    if (previous[states_ - 2] > previous[state]) state = states_ - 2;

    std::vector<size_t> path(log_probs_.num_frames);
    for (size_t t = log_probs_.num_frames; t-- > 0;) {
      path[t] = state;
      state -= moves_[t * states_ + state];
    }
    return path;
  }

  size_t Label(size_t state) const { return labels_[state]; }

 private:
  double Emission(size_t t, size_t state) const {
    return std::max(static_cast<double>(log_probs_.Frame(t)[labels_[state]]), kImpossibleLogProb);
  }

  void Step(size_t t, const double* previous, double* current) {
    const float* frame = log_probs_.Frame(t);
    uint8_t* moves = moves_.data() + t * states_;
    for (size_t s = 0; s < states_; ++s) {
      double best = previous[s];
      uint8_t move = kStay;
      if (s >= 1 && previous[s - 1] > best) {
        best = previous[s - 1];
        move = kAdvance;
      }
      if (can_skip_[s] && previous[s - 2] > best) {
        best = previous[s - 2];
        move = kSkip;
      }
      current[s] = best + std::max(static_cast<double>(frame[labels_[s]]), kImpossibleLogProb);
      moves[s] = move;
    }
  }

  const LogProbMatrix& log_probs_;
  size_t states_;
  std::vector<size_t> labels_;
  std::vector<uint8_t> can_skip_;
  std::vector<uint8_t> moves_;  // frame-major: how each state was entered at each frame
};

}  // namespace

ForcedAlignment CtcForcedAlign(const LogProbMatrix& log_probs, int64_t blank_id, TargetSequence targets) {
  ValidateLogProbs(log_probs, blank_id, "ctcForcedAlign");
  ValidateTargets(targets, log_probs, blank_id);

  Trellis trellis(log_probs, static_cast<size_t>(blank_id), targets);
  const std::vector<size_t> path = trellis.BestPath();

  ForcedAlignment alignment;
  alignment.start_frames.assign(targets.size, 0);
  alignment.end_frames.assign(targets.size, 0);
  std::vector<double> sums(targets.size, 0.0);
  double path_log_prob = 0.0;
  for (size_t t = 0; t < path.size(); ++t) {
    const double log_prob = log_probs.Frame(t)[trellis.Label(path[t])];
    path_log_prob += log_prob;
    if (path[t] % 2 == 0) continue;  // blank
    const size_t k = path[t] / 2;
    if (t == 0 || path[t - 1] != path[t]) alignment.start_frames[k] = static_cast<int32_t>(t);
    alignment.end_frames[k] = static_cast<int32_t>(t + 1);
    sums[k] += log_prob;
  }
  alignment.mean_log_probs.resize(targets.size);
  for (size_t k = 0; k < targets.size; ++k) {
    const int32_t frames = alignment.end_frames[k] - alignment.start_frames[k];
    alignment.mean_log_probs[k] = static_cast<float>(sums[k] / frames);
  }
  alignment.path_log_prob = path_log_prob;
  return alignment;
}

}  // namespace engine
