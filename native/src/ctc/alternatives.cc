#include "ctc/alternatives.h"

#include <cmath>
#include <limits>
#include <string>

#include "common/error.h"

namespace engine {
namespace {

constexpr double kNegInf = -std::numeric_limits<double>::infinity();
// Two tables of doubles (forward, and entering from the end): 2 x 256 MiB at most, e.g. 60 s at
// 50 fps with 2,700 phones (forced alignment's backtrace bytes allow 2^28 cells in 256 MiB).
constexpr size_t kMaxTrellisCells = size_t{1} << 25;

// Row-major frames x states table of log-probabilities, -infinity where unreachable.
class Trellis {
 public:
  Trellis(size_t frames, size_t states) : states_(states), values_(frames * states, kNegInf) {}
  double& at(size_t t, size_t s) { return values_[t * states_ + s]; }
  double at(size_t t, size_t s) const { return values_[t * states_ + s]; }

 private:
  size_t states_;
  std::vector<double> values_;
};

// The target's extended state sequence: blank, t1, blank, ..., tL, blank.
struct States {
  TargetSequence targets;
  size_t blank;
  size_t count() const { return 2 * targets.size + 1; }
  size_t label(size_t s) const { return s % 2 == 0 ? blank : static_cast<size_t>(targets.data[s / 2]); }
  // Whether a path may go from state s - 2 straight to s (two different labels, no blank between).
  bool can_skip_into(size_t s) const { return s % 2 == 1 && s >= 3 && targets.data[s / 2] != targets.data[s / 2 - 1]; }
};

// alpha(t, s): log-probability of frames 0..t over paths that end in state s at t.
Trellis Forward(const LogProbMatrix& lp, const States& st) {
  const size_t frames = lp.num_frames;
  const size_t states = st.count();
  Trellis alpha(frames, states);
  alpha.at(0, 0) = lp.Frame(0)[st.blank];
  alpha.at(0, 1) = lp.Frame(0)[st.label(1)];
  for (size_t t = 1; t < frames; ++t) {
    const float* frame = lp.Frame(t);
    for (size_t s = 0; s < states; ++s) {
      double v = alpha.at(t - 1, s);
      if (s >= 1) v = LogAdd(v, alpha.at(t - 1, s - 1));
      if (st.can_skip_into(s)) v = LogAdd(v, alpha.at(t - 1, s - 2));
      alpha.at(t, s) = v == kNegInf ? kNegInf : v + frame[st.label(s)];
    }
  }
  return alpha;
}

// entering(t, s): log-probability of frames t..T-1 over paths that are in state s at t and
// end in an accepting state (the last label or the last blank).
Trellis Backward(const LogProbMatrix& lp, const States& st) {
  const size_t frames = lp.num_frames;
  const size_t states = st.count();
  Trellis entering(frames, states);
  for (size_t s = states - 2; s < states; ++s) entering.at(frames - 1, s) = lp.Frame(frames - 1)[st.label(s)];
  for (size_t t = frames - 1; t-- > 0;) {
    const float* frame = lp.Frame(t);
    for (size_t s = 0; s < states; ++s) {
      double v = entering.at(t + 1, s);
      if (s + 1 < states) v = LogAdd(v, entering.at(t + 1, s + 1));
      if (s + 2 < states && st.can_skip_into(s + 2)) v = LogAdd(v, entering.at(t + 1, s + 2));
      entering.at(t, s) = v == kNegInf ? kNegInf : v + frame[st.label(s)];
    }
  }
  return entering;
}

}  // namespace

CtcEditAlternatives CtcAlternatives(const LogProbMatrix& lp, int64_t blank_id, TargetSequence targets,
                                    TargetSequence candidates) {
  ValidateLogProbs(lp, blank_id, "ctcAlternatives");
  if (targets.size == 0) throw Error(ErrorCode::InvalidInput, "ctcAlternatives: targets must not be empty");
  ValidateLabels(targets, lp, blank_id, "ctcAlternatives", "targets");
  ValidateLabels(candidates, lp, blank_id, "ctcAlternatives", "candidates");
  if (candidates.size > lp.vocab_size) {
    throw Error(ErrorCode::InvalidInput, "ctcAlternatives: " + std::to_string(candidates.size) +
                                             " candidates, more than the vocabulary's " + std::to_string(lp.vocab_size));
  }
  const size_t L = targets.size;
  const size_t T = lp.num_frames;
  const States st{targets, static_cast<size_t>(blank_id)};
  const size_t S = st.count();
  if (T > 0 && S > kMaxTrellisCells / T) {
    throw Error(ErrorCode::InvalidInput, "ctcAlternatives: " + std::to_string(T) + " frames x " + std::to_string(S) +
                                             " states exceed the trellis limit");
  }

  CtcEditAlternatives out;
  out.num_candidates = candidates.size;
  out.deletion.assign(L, kNegInf);
  out.substitution.assign(L * candidates.size, kNegInf);
  if (T == 0) {
    out.log_likelihood = kNegInf;
    return out;
  }
  const Trellis alpha = Forward(lp, st);
  const Trellis entering = Backward(lp, st);
  out.log_likelihood = LogAdd(alpha.at(T - 1, S - 1), alpha.at(T - 1, S - 2));
  auto label = [&](size_t i) { return static_cast<size_t>(targets.data[i]); };

  for (size_t i = 0; i < L; ++i) {
    const size_t si = 2 * i + 1;  // phone i's state
    // Substitution by q: enter q's state at frame a from the prefix lattice, stay to frame b,
    // leave into the suffix lattice. grow = log sum over a <= b of [enter(a) + lp(a..b, q)].
    for (size_t c = 0; c < candidates.size; ++c) {
      const size_t q = static_cast<size_t>(candidates.data[c]);
      const bool skip_from_previous = i >= 1 && label(i - 1) != q;
      const bool skip_to_next = i + 1 < L && label(i + 1) != q;
      double grow = kNegInf;
      double total = kNegInf;
      for (size_t b = 0; b < T; ++b) {
        double enter;
        if (b == 0) {
          enter = i == 0 ? 0.0 : kNegInf;
        } else {
          enter = alpha.at(b - 1, si - 1);
          if (skip_from_previous) enter = LogAdd(enter, alpha.at(b - 1, si - 2));
        }
        grow = LogAdd(grow, enter);
        if (grow == kNegInf) continue;
        grow += lp.Frame(b)[q];
        double leave;
        if (b == T - 1) {
          leave = i == L - 1 ? 0.0 : kNegInf;
        } else {
          leave = entering.at(b + 1, si + 1);
          if (skip_to_next) leave = LogAdd(leave, entering.at(b + 1, si + 2));
        }
        if (leave != kNegInf) total = LogAdd(total, grow + leave);
      }
      out.substitution[i * candidates.size + c] = total;
    }

    // Deletion: the blank before phone i and the blank after it become one. Each path is
    // counted once by giving that blank's frames to the prefix: the prefix ends at frame t in
    // the blank before phone i (or in phone i - 1, where it may skip to phone i + 1), and the
    // suffix starts in phone i + 1 at t + 1.
    double deletion = kNegInf;
    if (L == 1) {
      deletion = 0.0;
      for (size_t t = 0; t < T; ++t) deletion += lp.Frame(t)[st.blank];
    } else if (i == L - 1) {
      deletion = LogAdd(alpha.at(T - 1, si - 1), alpha.at(T - 1, si - 2));
    } else {
      const bool skip = i >= 1 && label(i - 1) != label(i + 1);
      if (i == 0) deletion = entering.at(0, si + 2);  // the path starts in phone 1 at frame 0
      for (size_t t = 0; t + 1 < T; ++t) {
        double prefix = alpha.at(t, si - 1);
        if (skip) prefix = LogAdd(prefix, alpha.at(t, si - 2));
        const double suffix = entering.at(t + 1, si + 2);
        if (prefix != kNegInf && suffix != kNegInf) deletion = LogAdd(deletion, prefix + suffix);
      }
    }
    out.deletion[i] = deletion;
  }
  return out;
}

}  // namespace engine
