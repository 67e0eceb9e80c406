#include "text/sentencepiece_tokenizer.h"

#include <sentencepiece_processor.h>

#include "common/error.h"

namespace engine {

SentencePieceTokenizer::SentencePieceTokenizer(const std::string& model_path)
    : processor_(std::make_unique<sentencepiece::SentencePieceProcessor>()) {
  const auto status = processor_->Load(model_path);
  if (!status.ok()) {
    throw Error(ErrorCode::ModelUnavailable, "cannot load the sentencepiece model " + model_path + ": " + status.ToString());
  }
}

SentencePieceTokenizer::~SentencePieceTokenizer() = default;

std::vector<std::string> SentencePieceTokenizer::Encode(const std::string& text) const {
  std::vector<std::string> pieces;
  const auto status = processor_->Encode(text, &pieces);
  if (!status.ok()) throw Error(ErrorCode::InvalidInput, "sentencepiece cannot encode the text: " + status.ToString());
  return pieces;
}

int SentencePieceTokenizer::PieceCount() const { return processor_->GetPieceSize(); }

}  // namespace engine
