// A sentencepiece model (e.g. ESPnet's BPE model of a POWSM-CTC bundle) that splits text into
// pieces. It returns piece strings, not sentencepiece's own ids: a model's token list (ESPnet's
// token_list) numbers the pieces its own way, so callers look pieces up there by string.
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace sentencepiece {
class SentencePieceProcessor;
}

namespace engine {

class SentencePieceTokenizer {
 public:
  // MODEL_UNAVAILABLE when the file cannot be read or is not a sentencepiece model.
  explicit SentencePieceTokenizer(const std::string& model_path);
  ~SentencePieceTokenizer();
  SentencePieceTokenizer(const SentencePieceTokenizer&) = delete;
  SentencePieceTokenizer& operator=(const SentencePieceTokenizer&) = delete;

  // The pieces of `text` (sentencepiece's normalisation applies; "▁" marks a word start).
  // Thread-safe (const). INVALID_INPUT when sentencepiece rejects the text.
  std::vector<std::string> Encode(const std::string& text) const;

  // Pieces in the model's vocabulary (its size).
  int PieceCount() const;

 private:
  std::unique_ptr<sentencepiece::SentencePieceProcessor> processor_;
};

}  // namespace engine
