#include "ctc/labels.h"

#include <string>

#include "common/error.h"

namespace engine {

void ValidateLabels(TargetSequence labels, const LogProbMatrix& log_probs, int64_t blank_id, const char* caller,
                    const char* name) {
  for (size_t i = 0; i < labels.size; ++i) {
    const int64_t label = labels.data[i];
    if (label < 0 || static_cast<uint64_t>(label) >= log_probs.vocab_size || label == blank_id) {
      throw Error(ErrorCode::InvalidInput, std::string(caller) + ": " + name + "[" + std::to_string(i) + "] = " +
                                               std::to_string(label) + " is the blank or outside [0, vocabSize = " +
                                               std::to_string(log_probs.vocab_size) + ")");
    }
  }
}

size_t AdjacentRepeats(TargetSequence labels) {
  size_t repeats = 0;
  for (size_t i = 1; i < labels.size; ++i) repeats += labels.data[i] == labels.data[i - 1] ? 1 : 0;
  return repeats;
}

}  // namespace engine
