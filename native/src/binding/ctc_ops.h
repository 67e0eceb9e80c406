// The CTC operations as the bindings run them: on the libuv pool, over log-probabilities shared
// with the caller. The module functions (ctcGreedyDecode, ...) share a copy of a JS matrix; the
// LogProbs handle's methods share the matrix it keeps, so neither copies it per operation. Each
// task holds its own reference: the handle may be released or collected while it runs.
#pragma once

#include <napi.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "binding/args.h"
#include "ctc/log_prob_matrix.h"

namespace binding {

using SharedLogProbs = std::shared_ptr<const engine::LogProbBuffer>;

// A blankId argument for this matrix: an integer in [0, vocabSize).
int64_t ReadBlankId(const Arg& arg, const engine::LogProbBuffer& log_probs);
// An array of Int32Array label sequences, copied.
std::vector<std::vector<int32_t>> ReadSequences(const Arg& arg);

Napi::Promise GreedyDecodeAsync(Napi::Env env, SharedLogProbs log_probs, int64_t blank_id);
Napi::Promise ForcedAlignAsync(Napi::Env env, SharedLogProbs log_probs, int64_t blank_id, std::vector<int32_t> targets);
Napi::Promise LogLikelihoodsAsync(Napi::Env env, SharedLogProbs log_probs, int64_t blank_id,
                                  std::vector<std::vector<int32_t>> sequences);
Napi::Promise AlternativesAsync(Napi::Env env, SharedLogProbs log_probs, int64_t blank_id, std::vector<int32_t> targets,
                                std::vector<int32_t> candidates);

}  // namespace binding
