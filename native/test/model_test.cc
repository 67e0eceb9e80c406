// Model stage core tests. The graph tests need the tiny plumbing-test models:
//   python3 tools/fixtures/make_tiny_models.py DIR && PA_TINY_MODELS_DIR=DIR ./native_tests
// Without PA_TINY_MODELS_DIR they print that they were skipped and pass.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/error.h"
#include "model/cuda_options.h"
#include "model/log_probs.h"
#include "model/model.h"
#include "test_support.h"

namespace {

using testing::CodeOf;

using engine::ErrorCode;

std::optional<std::string> TinyModelsDir() {
  const char* dir = std::getenv("PA_TINY_MODELS_DIR");
  if (dir == nullptr || *dir == '\0') {
    std::printf("  skipped: set PA_TINY_MODELS_DIR (python3 tools/fixtures/make_tiny_models.py DIR)\n");
    return std::nullopt;
  }
  return std::string(dir);
}

std::vector<float> ReadF32(const std::string& path) {
  std::ifstream file(path, std::ios::binary | std::ios::ate);
  if (!file) throw std::runtime_error("cannot open " + path);
  const auto bytes = static_cast<size_t>(file.tellg());
  std::vector<float> values(bytes / sizeof(float));
  file.seekg(0);
  file.read(reinterpret_cast<char*>(values.data()), static_cast<std::streamsize>(values.size() * sizeof(float)));
  return values;
}

engine::Features Waveform(const std::vector<float>& samples) {
  return {samples, static_cast<int64_t>(samples.size()), 1};
}

engine::ModelConfig WaveformConfig(const std::string& dir) {
  engine::ModelConfig config;
  config.onnx_path = dir + "/waveform.onnx";
  config.intra_op_threads = 2;
  config.inputs = {{"input_values", engine::InputSource::Features, engine::TensorType::Float32, {}, {}}};
  config.output = {"logits", engine::OutputKind::Logits, 0, ""};
  return config;
}

double MaxAbsDiff(const std::vector<float>& a, const std::vector<float>& b) {
  if (a.size() != b.size()) return std::numeric_limits<double>::infinity();
  double worst = 0.0;
  for (size_t i = 0; i < a.size(); ++i) worst = std::fmax(worst, std::fabs(static_cast<double>(a[i]) - b[i]));
  return worst;
}

engine::ModelConfig MaskedConfig(const std::string& dir, int max_batch) {
  engine::ModelConfig config;
  config.onnx_path = dir + "/masked.onnx";
  config.intra_op_threads = 2;
  config.max_batch = max_batch;
  config.inputs = {{"input_values", engine::InputSource::Features, engine::TensorType::Float32, {}, {}},
                   {"attention_mask", engine::InputSource::FeaturesMask, engine::TensorType::Int64, {}, {}}};
  config.output = {"log_probs", engine::OutputKind::LogProbs, 0, "output_lengths"};
  return config;
}

std::vector<float> Signal(size_t count, int seed) {
  std::vector<float> samples(count);
  for (size_t i = 0; i < count; ++i) {
    samples[i] = 0.4f * std::sin((0.01f + 0.003f * static_cast<float>(seed)) * static_cast<float>(i)) + 0.02f * static_cast<float>(seed);
  }
  return samples;
}

}  // namespace

TEST_CASE("model: CUDA provider options become OrtCUDAProviderOptionsV2 keys, only those set") {
  engine::ModelConfig config;
  config.device_id = 2;
  EXPECT(engine::OptionPairsText(engine::CudaProviderOptionPairs(config)) == "device_id=2");
  config.cuda.mem_limit_bytes = 1 << 20;
  config.cuda.arena_extend_strategy = engine::ArenaExtendStrategy::NextPowerOfTwo;
  config.cuda.cudnn_conv_algo_search = engine::CudnnConvAlgoSearch::Exhaustive;
  config.cuda.copy_in_default_stream = 0;
  config.cuda.use_tf32 = 1;
  EXPECT(engine::OptionPairsText(engine::CudaProviderOptionPairs(config)) ==
         "device_id=2, gpu_mem_limit=1048576, arena_extend_strategy=kNextPowerOfTwo, "
         "cudnn_conv_algo_search=EXHAUSTIVE, do_copy_in_default_stream=0, use_tf32=1");
  config.cuda.arena_extend_strategy = engine::ArenaExtendStrategy::SameAsRequested;
  config.cuda.cudnn_conv_algo_search = engine::CudnnConvAlgoSearch::Default;
  const auto pairs = engine::CudaProviderOptionPairs(config);
  EXPECT(pairs[2].second == "kSameAsRequested" && pairs[3].second == "DEFAULT");
}

TEST_CASE("model: InferBatch equals Infer per item, with per-item errors") {
  const auto dir = TinyModelsDir();
  if (!dir) return;
  const auto model = engine::Model::Load(MaskedConfig(*dir, 6), Waveform);
  const std::vector<std::vector<float>> batch = {Signal(16000, 1), Signal(9000, 2), {}, Signal(100, 3),
                                                 Signal(4321, 4), Signal(12000, 5)};
  const auto results = model->InferBatch(batch);
  EXPECT(results.size() == batch.size());
  EXPECT(results[2].error && results[2].error->code() == ErrorCode::InvalidInput);
  EXPECT(results[3].error && results[3].error->code() == ErrorCode::AudioTooShort);
  for (size_t i : {0u, 1u, 4u, 5u}) {
    EXPECT(results[i].result.has_value());
    if (!results[i].result) continue;
    const auto alone = model->Infer(batch[i]);
    EXPECT(results[i].result->num_frames == alone.num_frames);
    EXPECT(results[i].result->batch_size == 5);  // the too-short item ran too; it had no frames
    EXPECT(MaxAbsDiff(results[i].result->log_probs, alone.log_probs) <= 1e-4);
  }
  EXPECT(CodeOf([&] { model->InferBatch(std::vector<std::vector<float>>(7, Signal(800, 1))); }) == ErrorCode::InvalidInput);
  EXPECT(CodeOf([&] { model->InferBatch({}); }) == ErrorCode::InvalidInput);
}

TEST_CASE("model: batching needs a length or mask input and output lengths (MODEL_UNAVAILABLE)") {
  const auto dir = TinyModelsDir();
  if (!dir) return;
  auto config = WaveformConfig(*dir);
  config.max_batch = 2;
  EXPECT(CodeOf([&] { engine::Model::Load(config, Waveform); }) == ErrorCode::ModelUnavailable);
  config = MaskedConfig(*dir, 2);
  config.output.lengths.clear();
  EXPECT(CodeOf([&] { engine::Model::Load(config, Waveform); }) == ErrorCode::ModelUnavailable);
  config.max_batch = 1;
  EXPECT(!CodeOf([&] { engine::Model::Load(config, Waveform); }).has_value());
}

TEST_CASE("model: IO binding gives the same bits as Run") {
  const auto dir = TinyModelsDir();
  if (!dir) return;
  auto config = MaskedConfig(*dir, 3);
  const auto plain = engine::Model::Load(config, Waveform);
  config.io_binding = true;
  const auto bound = engine::Model::Load(config, Waveform);
  const std::vector<std::vector<float>> batch = {Signal(7000, 1), Signal(3000, 2), Signal(11000, 3)};
  EXPECT(bound->Infer(batch[0]).log_probs == plain->Infer(batch[0]).log_probs);
  const auto a = plain->InferBatch(batch);
  const auto b = bound->InferBatch(batch);
  for (size_t i = 0; i < batch.size(); ++i) EXPECT(a[i].result && b[i].result && a[i].result->log_probs == b[i].result->log_probs);
}

TEST_CASE("model: log-softmax of logits matches the definition and is stable for large logits") {
  const std::vector<float> logits = {1.0f, 2.0f, 3.0f, 1000.0f, 1001.0f, 1002.0f};
  const std::vector<float> out = engine::ToLogProbs(logits, 3, engine::OutputKind::Logits);
  const double log_norm = std::log(std::exp(1.0) + std::exp(2.0) + std::exp(3.0));
  for (int v = 0; v < 3; ++v) {
    EXPECT_NEAR(out[v], (v + 1.0) - log_norm, 1e-6);
    EXPECT_NEAR(out[3 + v], (v + 1.0) - log_norm, 1e-6);  // shift-invariant, no overflow
  }
}

TEST_CASE("model: probs are clamped before the log, log_probs pass through, NaN is refused") {
  const std::vector<float> probs = {0.25f, 0.75f, 0.0f, 1.0f};
  const std::vector<float> out = engine::ToLogProbs(probs, 2, engine::OutputKind::Probs);
  EXPECT_NEAR(out[0], std::log(0.25), 1e-6);
  EXPECT_NEAR(out[2], std::log(static_cast<double>(std::numeric_limits<float>::min())), 1e-3);
  EXPECT(engine::ToLogProbs(probs, 2, engine::OutputKind::LogProbs) == probs);
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float ninf = -std::numeric_limits<float>::infinity();
  EXPECT(CodeOf([&] { engine::ToLogProbs({0.0f, nan}, 2, engine::OutputKind::Logits); }) == ErrorCode::Internal);
  EXPECT(CodeOf([&] { engine::ToLogProbs({ninf, ninf}, 2, engine::OutputKind::Logits); }) == ErrorCode::Internal);
  EXPECT(CodeOf([&] { engine::ToLogProbs({nan}, 1, engine::OutputKind::LogProbs); }) == ErrorCode::Internal);
  const std::vector<float> masked = engine::ToLogProbs({ninf, 0.0f}, 2, engine::OutputKind::Logits);
  EXPECT(masked[0] == ninf);
  EXPECT_NEAR(masked[1], 0.0, 1e-7);
}

TEST_CASE("model: malformed configs are INVALID_INPUT, a missing file MODEL_UNAVAILABLE") {
  auto config_with = [](auto change) {
    engine::ModelConfig config = WaveformConfig("/nonexistent");
    change(config);
    return config;
  };
  auto load = [](engine::ModelConfig config) { return [config] { engine::Model::Load(config, Waveform); }; };
  EXPECT(CodeOf(load(config_with([](auto& c) { c.inputs.clear(); }))) == ErrorCode::InvalidInput);
  EXPECT(CodeOf(load(config_with([](auto& c) { c.inputs.push_back(c.inputs[0]); }))) == ErrorCode::InvalidInput);
  EXPECT(CodeOf(load(config_with([](auto& c) { c.output.skip_frames = -1; }))) == ErrorCode::InvalidInput);
  EXPECT(CodeOf(load(config_with([](auto& c) {
           c.inputs.push_back({"k", engine::InputSource::Constant, engine::TensorType::Int32, {2, 2}, {1, 2, 3}});
         }))) == ErrorCode::InvalidInput);
  EXPECT(CodeOf(load(config_with([](auto& c) {
           c.inputs.push_back({"k", engine::InputSource::Constant, engine::TensorType::Int32, {1}, {3e9}});
         }))) == ErrorCode::InvalidInput);
  EXPECT(CodeOf([] { engine::Model::Load(WaveformConfig("/nonexistent"), nullptr); }) == ErrorCode::InvalidInput);
  EXPECT(CodeOf(load(WaveformConfig("/nonexistent"))) == ErrorCode::ModelUnavailable);
}

TEST_CASE("model: waveform graph matches numpy") {
  const auto dir = TinyModelsDir();
  if (!dir) return;
  const auto model = engine::Model::Load(WaveformConfig(*dir), Waveform);
  const engine::InferenceResult result = model->Infer(ReadF32(*dir + "/waveform_samples.f32"));
  EXPECT(result.num_frames == 24);
  EXPECT(result.vocab_size == 8);
  EXPECT(MaxAbsDiff(result.log_probs, ReadF32(*dir + "/waveform_plain_log_probs.f32")) < 1e-4);
  EXPECT(result.inference_ms > 0.0);
  EXPECT(model->Info().inputs.size() == 1 && model->Info().inputs[0].shape == std::vector<int64_t>({1, -1}));
  EXPECT(model->Info().provider == "cpu");
}

TEST_CASE("model: [1, T, F] features, feature_length and int64 constants reach the fbank graph") {
  const auto dir = TinyModelsDir();
  if (!dir) return;
  engine::ModelConfig config;
  config.onnx_path = *dir + "/fbank.onnx";
  config.inputs = {{"feats", engine::InputSource::Features, engine::TensorType::Float32, {}, {}},
                   {"feats_lengths", engine::InputSource::FeatureLength, engine::TensorType::Int64, {}, {}},
                   {"prefix", engine::InputSource::Constant, engine::TensorType::Int64, {1, 2}, {3, 5}}};
  config.output = {"log_probs", engine::OutputKind::LogProbs, 2, ""};
  // A stand-in frontend: the "samples" are the feature matrix, 80 values per frame.
  const auto rows_of_80 = [](const std::vector<float>& samples) {
    return engine::Features{samples, static_cast<int64_t>(samples.size() / 80), 80};
  };
  const auto model = engine::Model::Load(config, rows_of_80);
  const engine::InferenceResult result = model->Infer(ReadF32(*dir + "/fbank_feats.f32"));
  std::vector<float> expected = ReadF32(*dir + "/fbank_full_log_probs.f32");
  expected.erase(expected.begin(), expected.begin() + 2 * 10);  // the 2 prefix frames were skipped
  EXPECT(result.num_frames == 9);
  EXPECT(result.vocab_size == 10);
  EXPECT(MaxAbsDiff(result.log_probs, expected) < 1e-4);
}

TEST_CASE("model: feature_length is the frame count and sample_length the sample count") {
  const auto dir = TinyModelsDir();
  if (!dir) return;
  const std::vector<float> feats = ReadF32(*dir + "/fbank_feats.f32");
  // A frontend that always yields the 37 fixture frames, whatever the audio.
  const auto fixture_frames = [feats](const std::vector<float>&) {
    return engine::Features{feats, static_cast<int64_t>(feats.size() / 80), 80};
  };
  auto config_with_length = [&](engine::InputSource source) {
    engine::ModelConfig config;
    config.onnx_path = *dir + "/fbank.onnx";
    config.inputs = {{"feats", engine::InputSource::Features, engine::TensorType::Float32, {}, {}},
                     {"feats_lengths", source, engine::TensorType::Int64, {}, {}},
                     {"prefix", engine::InputSource::Constant, engine::TensorType::Int64, {1, 2}, {3, 5}}};
    config.output = {"log_probs", engine::OutputKind::LogProbs, 0, ""};
    return config;
  };
  const std::vector<float> ten_samples(10, 0.5f);
  const auto by_frames = engine::Model::Load(config_with_length(engine::InputSource::FeatureLength), fixture_frames);
  EXPECT(MaxAbsDiff(by_frames->Infer(ten_samples).log_probs, ReadF32(*dir + "/fbank_full_log_probs.f32")) < 1e-4);
  const auto by_samples = engine::Model::Load(config_with_length(engine::InputSource::SampleLength), fixture_frames);
  EXPECT(MaxAbsDiff(by_samples->Infer(ten_samples).log_probs, ReadF32(*dir + "/fbank_masked10_log_probs.f32")) < 1e-4);
}

TEST_CASE("model: concurrent Infer calls equal sequential ones") {
  const auto dir = TinyModelsDir();
  if (!dir) return;
  const auto model = engine::Model::Load(WaveformConfig(*dir), Waveform);
  std::vector<std::vector<float>> inputs;
  for (int k = 0; k < 8; ++k) {
    std::vector<float> samples(8000 + 320 * k);
    for (size_t i = 0; i < samples.size(); ++i) samples[i] = 0.4f * std::sin(0.01f * (k + 1) * static_cast<float>(i));
    inputs.push_back(std::move(samples));
  }
  std::vector<std::vector<float>> sequential, concurrent(inputs.size());
  for (const auto& input : inputs) sequential.push_back(model->Infer(input).log_probs);
  std::vector<std::thread> threads;
  for (size_t k = 0; k < inputs.size(); ++k) {
    threads.emplace_back([&, k] { concurrent[k] = model->Infer(inputs[k]).log_probs; });
  }
  for (auto& thread : threads) thread.join();
  for (size_t k = 0; k < inputs.size(); ++k) EXPECT(concurrent[k] == sequential[k]);
}

TEST_CASE("model: error codes for bad names, providers, audio and features") {
  const auto dir = TinyModelsDir();
  if (!dir) return;
  auto config = WaveformConfig(*dir);
  config.inputs[0].name = "audio";
  EXPECT(CodeOf([&] { engine::Model::Load(config, Waveform); }) == ErrorCode::ModelUnavailable);
  config = WaveformConfig(*dir);
  config.output.name = "probs";
  EXPECT(CodeOf([&] { engine::Model::Load(config, Waveform); }) == ErrorCode::ModelUnavailable);
  config = WaveformConfig(*dir);
  config.provider = engine::Provider::Cuda;
  EXPECT(CodeOf([&] { engine::Model::Load(config, Waveform); }) == ErrorCode::ModelUnavailable);

  config = WaveformConfig(*dir);
  config.output.skip_frames = 1;
  const auto skip_one = engine::Model::Load(config, Waveform);
  EXPECT(CodeOf([&] { skip_one->Infer(std::vector<float>(400, 0.1f)); }) == ErrorCode::AudioTooShort);
  EXPECT(CodeOf([&] { skip_one->Infer({}); }) == ErrorCode::InvalidInput);

  const auto no_frames = engine::Model::Load(WaveformConfig(*dir), [](const std::vector<float>&) {
    return engine::Features{{}, 0, 80};
  });
  EXPECT(CodeOf([&] { no_frames->Infer({0.1f}); }) == ErrorCode::AudioTooShort);
  const auto inconsistent = engine::Model::Load(WaveformConfig(*dir), [](const std::vector<float>&) {
    return engine::Features{{1.0f, 2.0f}, 3, 1};
  });
  EXPECT(CodeOf([&] { inconsistent->Infer({0.1f}); }) == ErrorCode::Internal);
  // Shorter than the 400-sample receptive field: ONNX Runtime itself fails.
  const auto plain = engine::Model::Load(WaveformConfig(*dir), Waveform);
  EXPECT(CodeOf([&] { plain->Infer(std::vector<float>(100, 0.1f)); }).has_value());
}
