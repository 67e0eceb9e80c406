// The sentencepiece tokenizer against pieces that Debian's spm_encode gave for the tiny BPE
// model (tools/fixtures/tiny_bpe/), and per-call values of constant inputs.
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "common/error.h"
#include "model/input_tensors.h"
#include "test_support.h"
#include "text/sentencepiece_tokenizer.h"

namespace {

using engine::ErrorCode;
using testing::CodeOf;

const std::string kBpeDir = "tools/fixtures/tiny_bpe/";

std::vector<std::string> Lines(const std::string& path) {
  std::ifstream file(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(file, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

std::vector<std::string> Split(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> pieces;
  for (std::string piece; in >> piece;) pieces.push_back(piece);
  return pieces;
}

TEST_CASE("text: sentencepiece pieces equal spm_encode's for the tiny BPE model") {
  const engine::SentencePieceTokenizer tokenizer(kBpeDir + "tiny_bpe.model");
  EXPECT(tokenizer.PieceCount() == 48);
  const auto sentences = Lines(kBpeDir + "test_sentences.txt");
  const auto expected = Lines(kBpeDir + "expected_pieces.txt");
  EXPECT(sentences.size() == expected.size() && !sentences.empty());
  for (size_t i = 0; i < sentences.size() && i < expected.size(); ++i) {
    EXPECT(tokenizer.Encode(sentences[i]) == Split(expected[i]));
  }
  EXPECT(tokenizer.Encode("").empty());
}

TEST_CASE("text: a missing or malformed sentencepiece model is MODEL_UNAVAILABLE") {
  EXPECT(CodeOf([] { engine::SentencePieceTokenizer t("/nonexistent/bpe.model"); }) == ErrorCode::ModelUnavailable);
  EXPECT(CodeOf([] { engine::SentencePieceTokenizer t(kBpeDir + "test_sentences.txt"); }) == ErrorCode::ModelUnavailable);
}

TEST_CASE("model: per-call values replace constant inputs; malformed ones are INVALID_INPUT") {
  using engine::InputBinding;
  using engine::InputSource;
  using engine::TensorType;
  const std::vector<InputBinding> bindings = {
      {"feats", InputSource::Features, TensorType::Float32, {}, {}},
      {"prefix", InputSource::Constant, TensorType::Int64, {1, 2}, {3, 4}},
      {"small", InputSource::Constant, TensorType::Int32, {1}, {7}},
      {"scale", InputSource::Constant, TensorType::Float32, {1}, {0.5}},
  };
  const std::vector<engine::DeclaredShape> declared = {{3, false}, {2, false}, {0, false}, {1, false}};
  const auto build = [&](const std::vector<engine::InputOverride>& overrides) {
    engine::CheckOverrides(bindings, declared, overrides);
    std::vector<engine::ItemFeatures> items(1);
    items[0].features.data = {1.0f, 2.0f};
    items[0].features.num_frames = 1;
    items[0].features.dim = 2;
    items[0].num_samples = 160;
    return engine::BuildHostTensors(bindings, declared, std::move(items), overrides);
  };
  const auto plain = build({});
  EXPECT(std::get<std::vector<int64_t>>(plain[1].values) == (std::vector<int64_t>{3, 4}));
  const auto replaced = build({{"prefix", {1, 3}, {9, 8, 7}}, {"small", {2}, {-5, 6}}});
  EXPECT(replaced[1].shape == (std::vector<int64_t>{1, 3}));
  EXPECT(std::get<std::vector<int64_t>>(replaced[1].values) == (std::vector<int64_t>{9, 8, 7}));
  EXPECT(std::get<std::vector<int32_t>>(replaced[2].values) == (std::vector<int32_t>{-5, 6}));
  const std::vector<std::vector<engine::InputOverride>> bad = {
      {{"feats", {1}, {1}}},                          // not a constant
      {{"nope", {1}, {1}}},                           // no such input
      {{"scale", {1}, {1}}},                          // float32
      {{"prefix", {1, 2}, {1}}},                      // data does not fill the shape
      {{"prefix", {2}, {1, 2}}},                      // rank differs from the graph's
      {{"prefix", {1, 0}, {}}},                       // zero dimension
      {{"small", {1}, {int64_t{1} << 40}}},           // beyond int32
      {{"prefix", {1, 2}, {1, 2}}, {"prefix", {1, 2}, {1, 2}}},  // twice
  };
  for (const auto& overrides : bad) {
    EXPECT(CodeOf([&] { engine::CheckOverrides(bindings, declared, overrides); }) == ErrorCode::InvalidInput);
  }
}

}  // namespace
