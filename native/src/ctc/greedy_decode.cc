#include "ctc/greedy_decode.h"

#include <limits>

#include "common/error.h"

namespace engine {
namespace {

size_t BestLabel(const float* frame, size_t vocab_size) {
  size_t best = 0;
  for (size_t v = 1; v < vocab_size; ++v) {
    if (frame[v] > frame[best]) best = v;
  }
  return best;
}

}  // namespace

GreedySegments CtcGreedyDecode(const LogProbMatrix& log_probs, int64_t blank_id) {
  ValidateLogProbs(log_probs, blank_id, "ctcGreedyDecode");
  if (log_probs.num_frames > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    throw Error(ErrorCode::InvalidInput, "ctcGreedyDecode: too many frames");
  }
  GreedySegments segments;
  const size_t blank = static_cast<size_t>(blank_id);
  size_t run_label = blank;
  size_t run_start = 0;
  double run_sum = 0.0;
  auto close_run = [&](size_t end) {
    if (run_label == blank) return;
    segments.tokens.push_back(static_cast<int32_t>(run_label));
    segments.start_frames.push_back(static_cast<int32_t>(run_start));
    segments.end_frames.push_back(static_cast<int32_t>(end));
    segments.mean_log_probs.push_back(static_cast<float>(run_sum / static_cast<double>(end - run_start)));
  };
  for (size_t t = 0; t < log_probs.num_frames; ++t) {
    const float* frame = log_probs.Frame(t);
    const size_t label = BestLabel(frame, log_probs.vocab_size);
    if (t == 0 || label != run_label) {
      if (t > 0) close_run(t);
      run_label = label;
      run_start = t;
      run_sum = 0.0;
    }
    run_sum += frame[label];
  }
  if (log_probs.num_frames > 0) close_run(log_probs.num_frames);
  return segments;
}

}  // namespace engine
