// Feature frontend core tests: FFT against a naive DFT, windows, mel filterbank properties,
// frontends on known signals, frame counts and error codes.
#include <algorithm>
#include <cmath>
#include <complex>
#include <random>
#include <vector>

#include "common/error.h"
#include "features/espnet_logmel_frontend.h"
#include "features/fft.h"
#include "features/frontend.h"
#include "features/kaldi_fbank_frontend.h"
#include "features/mel.h"
#include "features/window.h"
#include "test_support.h"

namespace {

using testing::CodeOf;

constexpr double kPi = 3.14159265358979323846;

std::vector<double> RandomSignal(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> dist(-1.0, 1.0);
  std::vector<double> x(n);
  for (double& v : x) v = dist(rng);
  return x;
}

// O(n^2) DFT in long double, bins 0 .. n/2.
std::vector<std::complex<long double>> NaiveDft(const std::vector<double>& x) {
  const std::size_t n = x.size();
  std::vector<std::complex<long double>> out(n / 2 + 1);
  for (std::size_t k = 0; k <= n / 2; ++k) {
    std::complex<long double> sum = 0;
    for (std::size_t t = 0; t < n; ++t) {
      const long double angle = -2.0L * 3.141592653589793238462643383279502884L * static_cast<long double>((k * t) % n) /
                                static_cast<long double>(n);
      sum += static_cast<long double>(x[t]) * std::complex<long double>(std::cos(angle), std::sin(angle));
    }
    out[k] = sum;
  }
  return out;
}

std::vector<float> Sine(std::size_t n, double hz, double amplitude) {
  std::vector<float> x(n);
  for (std::size_t i = 0; i < n; ++i) {
    x[i] = static_cast<float>(amplitude * std::sin(2.0 * kPi * hz * static_cast<double>(i) / engine::kFeatureSampleRate));
  }
  return x;
}

int ArgMax(const float* row, int dim) { return static_cast<int>(std::max_element(row, row + dim) - row); }

}  // namespace

TEST_CASE("features: RealFft matches a naive DFT for every power of two up to 4096") {
  for (std::size_t n = 2; n <= 4096; n *= 2) {
    const std::vector<double> x = RandomSignal(n, static_cast<unsigned>(n));
    engine::RealFft fft(n);
    std::vector<std::complex<double>> spectrum(fft.num_bins());
    fft.Forward(x.data(), spectrum.data());
    const auto expected = NaiveDft(x);
    double worst = 0.0;
    for (std::size_t k = 0; k < expected.size(); ++k) {
      worst = std::max(worst, static_cast<double>(std::abs(std::complex<long double>(spectrum[k]) - expected[k])));
    }
    EXPECT(worst < 1e-11 * std::sqrt(static_cast<double>(n)));
    std::vector<double> power(fft.num_bins());
    fft.PowerSpectrum(x.data(), power.data());
    for (std::size_t k = 0; k < power.size(); ++k) {
      EXPECT_NEAR(power[k], static_cast<double>(std::norm(expected[k])), 1e-9 * static_cast<double>(n));
    }
  }
}

TEST_CASE("features: RealFft is reusable and exact on a pure cosine") {
  const std::size_t n = 512;
  engine::RealFft fft(n);
  std::vector<double> x(n);
  std::vector<double> power(fft.num_bins());
  for (std::size_t bin : {std::size_t{0}, std::size_t{1}, std::size_t{37}, std::size_t{256}}) {
    for (std::size_t t = 0; t < n; ++t) x[t] = std::cos(2.0 * kPi * static_cast<double>(bin * t) / static_cast<double>(n));
    fft.PowerSpectrum(x.data(), power.data());
    const double peak = (bin == 0 || bin == n / 2) ? static_cast<double>(n * n) : static_cast<double>(n * n) / 4.0;
    for (std::size_t k = 0; k < power.size(); ++k) EXPECT_NEAR(power[k], k == bin ? peak : 0.0, 1e-6);
  }
}

TEST_CASE("features: RealFft rejects sizes that are not powers of two") {
  EXPECT(CodeOf([] { engine::RealFft fft(400); }) == engine::ErrorCode::InvalidInput);
  EXPECT(CodeOf([] { engine::RealFft fft(1); }) == engine::ErrorCode::InvalidInput);
  EXPECT(CodeOf([] { engine::RealFft fft(0); }) == engine::ErrorCode::InvalidInput);
  EXPECT(engine::NextPowerOfTwo(400) == 512);
  EXPECT(engine::NextPowerOfTwo(512) == 512);
  EXPECT(engine::NextPowerOfTwo(800) == 1024);
  EXPECT(engine::NextPowerOfTwo(1) == 1);
}

TEST_CASE("features: windows have their textbook shapes") {
  const auto hann = engine::SymmetricWindow(engine::WindowType::Hann, 401);
  const auto povey = engine::SymmetricWindow(engine::WindowType::Povey, 401);
  const auto hamming = engine::SymmetricWindow(engine::WindowType::Hamming, 401);
  EXPECT_NEAR(hann.front(), 0.0, 1e-15);
  EXPECT_NEAR(hann.back(), 0.0, 1e-15);
  EXPECT_NEAR(hann[200], 1.0, 1e-15);
  EXPECT_NEAR(hamming.front(), 0.08, 1e-15);
  EXPECT_NEAR(hamming[200], 1.0, 1e-15);
  for (std::size_t i = 0; i < hann.size(); ++i) {
    EXPECT_NEAR(hann[i], hann[hann.size() - 1 - i], 1e-12);
    EXPECT_NEAR(povey[i], std::pow(hann[i], 0.85), 1e-12);
  }
  const auto periodic = engine::PeriodicHannWindow(400);
  EXPECT_NEAR(periodic[0], 0.0, 1e-15);
  EXPECT_NEAR(periodic[200], 1.0, 1e-15);
  EXPECT_NEAR(periodic[100], 0.5, 1e-12);
  EXPECT_NEAR(periodic[1], periodic[399], 1e-12);  // periodic: symmetric about n = N/2
  EXPECT(engine::SymmetricWindow(engine::WindowType::Povey, 1) == std::vector<double>{1.0});
}

TEST_CASE("features: mel scales hit their defining points") {
  EXPECT_NEAR(engine::HzToSlaneyMel(1000.0), 15.0, 1e-12);
  EXPECT_NEAR(engine::HzToSlaneyMel(500.0), 7.5, 1e-12);
  EXPECT_NEAR(engine::HzToSlaneyMel(6400.0), 42.0, 1e-12);  // 27 log-steps of 6.4^(1/27) above 1 kHz
  for (double hz : {0.0, 300.0, 999.0, 1000.0, 4321.0, 8000.0}) {
    EXPECT_NEAR(engine::SlaneyMelToHz(engine::HzToSlaneyMel(hz)), hz, 1e-9);
  }
  EXPECT_NEAR(engine::HzToKaldiMel(700.0), 1127.0 * std::log(2.0), 1e-12);
  EXPECT_NEAR(engine::HzToKaldiMel(0.0), 0.0, 1e-15);
}

TEST_CASE("features: Kaldi mel filters form a partition of unity between the outer centres") {
  const int num_mels = 80, padded = 512;
  const double low = 20.0, high = 7600.0;
  const engine::MelFilterbank bank = engine::KaldiMelFilterbank(num_mels, padded, 16000.0, low, high);
  EXPECT(bank.num_filters() == num_mels);
  EXPECT(bank.num_fft_bins() == padded / 2 + 1);
  std::vector<double> total(static_cast<std::size_t>(bank.num_fft_bins()), 0.0);
  for (const auto& filter : bank.filters()) {
    EXPECT(filter.first_bin >= 0);
    EXPECT(filter.first_bin + static_cast<int>(filter.weights.size()) <= padded / 2);  // Nyquist bin excluded
    for (std::size_t k = 0; k < filter.weights.size(); ++k) {
      EXPECT(filter.weights[k] > 0.0 && filter.weights[k] <= 1.0);
      total[static_cast<std::size_t>(filter.first_bin) + k] += filter.weights[k];
    }
  }
  const double mel_low = engine::HzToKaldiMel(low), mel_high = engine::HzToKaldiMel(high);
  const double delta = (mel_high - mel_low) / (num_mels + 1);
  for (int k = 0; k < padded / 2; ++k) {
    const double mel = engine::HzToKaldiMel(16000.0 * k / padded);
    if (mel > mel_low + delta && mel < mel_high - delta) EXPECT_NEAR(total[static_cast<std::size_t>(k)], 1.0, 1e-12);
    if (mel <= mel_low || mel >= mel_high) EXPECT(total[static_cast<std::size_t>(k)] == 0.0);
  }
}

TEST_CASE("features: Slaney mel filters have unit area and peak at their centre") {
  const int num_mels = 80, n_fft = 512;
  const engine::MelFilterbank bank = engine::SlaneyMelFilterbank(num_mels, n_fft, 16000.0, 0.0, 8000.0);
  EXPECT(bank.num_filters() == num_mels);
  EXPECT(bank.num_fft_bins() == n_fft / 2 + 1);
  const double bin_hz = 16000.0 / n_fft;
  const double mel_max = engine::HzToSlaneyMel(8000.0);
  for (int m = 0; m < num_mels; ++m) {
    const auto& filter = bank.filters()[static_cast<std::size_t>(m)];
    const double lower = engine::SlaneyMelToHz(mel_max * m / (num_mels + 1));
    const double center = engine::SlaneyMelToHz(mel_max * (m + 1) / (num_mels + 1));
    const double upper = engine::SlaneyMelToHz(mel_max * (m + 2) / (num_mels + 1));
    double area = 0.0, peak = 0.0;
    int peak_bin = -1;
    for (std::size_t k = 0; k < filter.weights.size(); ++k) {
      const double hz = bin_hz * (filter.first_bin + static_cast<int>(k));
      EXPECT(hz > lower - 1e-9 && hz < upper + 1e-9);
      area += filter.weights[k] * bin_hz;
      if (filter.weights[k] > peak) peak = filter.weights[k], peak_bin = filter.first_bin + static_cast<int>(k);
    }
    EXPECT(peak <= 2.0 / (upper - lower) + 1e-15);  // the triangle's apex height
    // Wide filters (bins much finer than the triangle) integrate to ~1: the Slaney "equal area" norm.
    if (upper - lower > 8 * bin_hz) EXPECT_NEAR(area, 1.0, 0.02);
    if (peak_bin >= 0) EXPECT(std::fabs(peak_bin * bin_hz - center) <= bin_hz);
  }
  // Apply on a unit impulse at bin k returns column k of the weights.
  std::vector<double> impulse(static_cast<std::size_t>(bank.num_fft_bins()), 0.0);
  impulse[100] = 1.0;
  std::vector<double> energies(num_mels);
  bank.Apply(impulse.data(), energies.data());
  for (int m = 0; m < num_mels; ++m) {
    const auto& filter = bank.filters()[static_cast<std::size_t>(m)];
    const int k = 100 - filter.first_bin;
    const double weight = k >= 0 && k < static_cast<int>(filter.weights.size()) ? filter.weights[static_cast<std::size_t>(k)] : 0.0;
    EXPECT(energies[static_cast<std::size_t>(m)] == weight);
  }
}

TEST_CASE("features: a 1 kHz tone peaks in the mel bin centred nearest 1 kHz") {
  const std::vector<float> tone = Sine(16000, 1000.0, 0.5);
  engine::KaldiFbankConfig kaldi;
  kaldi.high_freq = 0.0;
  kaldi.low_freq = 0.0;
  const engine::Features fbank = engine::ComputeFeatures(tone, kaldi);
  // Kaldi centres: mel(0) + (m + 1) * mel(8000) / 81.
  int nearest = 0;
  for (int m = 0; m < 80; ++m) {
    const double centre = engine::HzToKaldiMel(8000.0) * (m + 1) / 81.0;
    const double best = engine::HzToKaldiMel(8000.0) * (nearest + 1) / 81.0;
    if (std::fabs(centre - engine::HzToKaldiMel(1000.0)) < std::fabs(best - engine::HzToKaldiMel(1000.0))) nearest = m;
  }
  for (int t = 0; t < fbank.num_frames; ++t) EXPECT(ArgMax(fbank.data.data() + t * fbank.dim, fbank.dim) == nearest);

  const engine::Features logmel = engine::ComputeFeatures(tone, engine::EspnetLogMelConfig{});
  const double mel_max = engine::HzToSlaneyMel(8000.0);
  const int slaney_nearest = static_cast<int>(std::lround(engine::HzToSlaneyMel(1000.0) / mel_max * 81.0)) - 1;
  for (int t = 2; t < logmel.num_frames - 2; ++t) {
    EXPECT(ArgMax(logmel.data.data() + t * logmel.dim, logmel.dim) == slaney_nearest);
  }
}

TEST_CASE("features: DC removal cancels a constant signal down to the log floor") {
  const std::vector<float> constant(8000, 0.25f);
  engine::KaldiFbankConfig config;
  const engine::Features f = engine::ComputeFeatures(constant, config);
  for (float v : f.data) EXPECT_NEAR(v, std::log(config.log_floor), 1e-6);
  config.remove_dc_offset = false;
  const engine::Features kept = engine::ComputeFeatures(constant, config);
  EXPECT(*std::max_element(kept.data.begin(), kept.data.end()) > std::log(config.log_floor) + 1.0);
}

TEST_CASE("features: waveform normalisation gives zero mean and unit variance") {
  std::vector<float> x(5000);
  const auto noise = RandomSignal(x.size(), 3);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(0.3 + 0.2 * noise[i]);
  const engine::Features f = engine::ComputeFeatures(x, engine::WaveformFrontendConfig{true, 1e-12});
  double sum = 0.0, squares = 0.0;
  for (float v : f.data) sum += v, squares += static_cast<double>(v) * v;
  EXPECT(f.num_frames == 5000 && f.dim == 1);
  EXPECT_NEAR(sum / 5000.0, 0.0, 1e-6);
  EXPECT_NEAR(squares / 5000.0, 1.0, 1e-5);
}

TEST_CASE("features: frame counts follow Kaldi and torch.stft") {
  engine::KaldiFbankConfig kaldi;
  EXPECT(engine::KaldiFrameLengthSamples(kaldi) == 400 && engine::KaldiFrameShiftSamples(kaldi) == 160);
  EXPECT(engine::KaldiFrameCount(399, kaldi) == 0);
  EXPECT(engine::KaldiFrameCount(400, kaldi) == 1);
  EXPECT(engine::KaldiFrameCount(16000, kaldi) == 98);
  kaldi.snip_edges = false;
  EXPECT(engine::KaldiFrameCount(79, kaldi) == 0);
  EXPECT(engine::KaldiFrameCount(80, kaldi) == 1);
  EXPECT(engine::KaldiFrameCount(16000, kaldi) == 100);
  engine::EspnetLogMelConfig espnet;
  EXPECT(engine::EspnetLogMelFrameCount(256, espnet) == 0);
  EXPECT(engine::EspnetLogMelFrameCount(257, espnet) == 2);
  EXPECT(engine::EspnetLogMelFrameCount(320000, espnet) == 2001);  // POWSM's 20 s input
  espnet.center = false;
  EXPECT(engine::EspnetLogMelFrameCount(511, espnet) == 0);
  EXPECT(engine::EspnetLogMelFrameCount(512, espnet) == 1);
}

TEST_CASE("features: short audio and bad configs raise their error codes") {
  using engine::ErrorCode;
  const std::vector<float> short_audio(300, 0.1f);
  EXPECT(CodeOf([&] { engine::ComputeFeatures(short_audio, engine::KaldiFbankConfig{}); }) == ErrorCode::AudioTooShort);
  EXPECT(CodeOf([&] { engine::ComputeFeatures({}, engine::WaveformFrontendConfig{}); }) == ErrorCode::AudioTooShort);
  EXPECT(CodeOf([&] { engine::ComputeFeatures(std::vector<float>(256), engine::EspnetLogMelConfig{}); }) ==
         ErrorCode::AudioTooShort);
  // Very short audio without snip_edges still frames safely (reflection folds repeatedly).
  engine::KaldiFbankConfig no_snip;
  no_snip.snip_edges = false;
  EXPECT(engine::ComputeFeatures(std::vector<float>(81, 0.5f), no_snip).num_frames == 1);

  const std::vector<float> audio(16000, 0.0f);
  auto invalid = [&](const engine::FrontendConfig& config) {
    return CodeOf([&] { engine::ComputeFeatures(audio, config); }) == ErrorCode::InvalidInput;
  };
  engine::KaldiFbankConfig kaldi;
  kaldi.dither = 1.0;
  EXPECT(invalid(kaldi));
  kaldi = {};
  kaldi.high_freq = -8000.0;
  EXPECT(invalid(kaldi));
  kaldi = {};
  kaldi.frame_length_ms = 0.01;
  EXPECT(invalid(kaldi));
  engine::EspnetLogMelConfig espnet;
  espnet.n_fft = 256;
  EXPECT(invalid(espnet));
  espnet = {};
  espnet.fmax = 8000.5;
  EXPECT(invalid(espnet));
  espnet = {};
  espnet.mean.assign(80, 0.0f);
  EXPECT(invalid(espnet));
  espnet.stddev.assign(80, 1.0f);
  espnet.stddev[5] = -1.0f;
  EXPECT(invalid(espnet));
  EXPECT(invalid(engine::WaveformFrontendConfig{true, 0.0}));
  std::vector<float> with_nan(16000, 0.0f);
  with_nan[10] = std::nanf("");
  EXPECT(CodeOf([&] { engine::ComputeFeatures(with_nan, engine::WaveformFrontendConfig{}); }) == ErrorCode::InvalidInput);
}
