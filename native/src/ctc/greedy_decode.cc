#include "ctc/greedy_decode.h"

#include <limits>

#include "common/error.h"

namespace engine {
namespace {

size_t BestLabel(const float* frame, size_t vocabSize) {
  size_t best = 0;
  for (size_t v = 1; v < vocabSize; ++v) {
    if (frame[v] > frame[best]) best = v;
  }
  return best;
}

}  // namespace

GreedySegments CtcGreedyDecode(const LogProbMatrix& logProbs, int64_t blankId) {
  ValidateLogProbs(logProbs, blankId, "ctcGreedyDecode");
  if (logProbs.numFrames > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    throw Error(ErrorCode::InvalidInput, "ctcGreedyDecode: too many frames");
  }
  GreedySegments segments;
  const size_t blank = static_cast<size_t>(blankId);
  size_t runLabel = blank;
  size_t runStart = 0;
  double runSum = 0.0;
  auto closeRun = [&](size_t end) {
    if (runLabel == blank) return;
    segments.tokens.push_back(static_cast<int32_t>(runLabel));
    segments.startFrames.push_back(static_cast<int32_t>(runStart));
    segments.endFrames.push_back(static_cast<int32_t>(end));
    segments.meanLogProbs.push_back(static_cast<float>(runSum / static_cast<double>(end - runStart)));
  };
  for (size_t t = 0; t < logProbs.numFrames; ++t) {
    const float* frame = logProbs.Frame(t);
    const size_t label = BestLabel(frame, logProbs.vocabSize);
    if (t == 0 || label != runLabel) {
      if (t > 0) closeRun(t);
      runLabel = label;
      runStart = t;
      runSum = 0.0;
    }
    runSum += frame[label];
  }
  if (logProbs.numFrames > 0) closeRun(logProbs.numFrames);
  return segments;
}

}  // namespace engine
