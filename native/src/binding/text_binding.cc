// sentencepieceLoad and sentencepieceEncode: a sentencepiece model as an opaque handle, and
// text split into its pieces, both off the JS thread.
#include <napi.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "binding/args.h"
#include "binding/async_task.h"
#include "binding/stages.h"
#include "text/sentencepiece_tokenizer.h"

namespace binding {
namespace {

using TokenizerHandle = std::shared_ptr<const engine::SentencePieceTokenizer>;

// Marks the Externals that sentencepieceLoad makes, so no other External passes for one.
constexpr napi_type_tag kTokenizerTag = {0x3b7e91c04d2a5f68ULL, 0x9c15e2a7b80f4d33ULL};

Napi::Value Load(const Napi::CallbackInfo& info) {
  std::string path = Args(info, "sentencepieceLoad")(0, "path").String();
  return RunAsync(
      info.Env(), [path = std::move(path)] { return TokenizerHandle(std::make_shared<engine::SentencePieceTokenizer>(path)); },
      [](Napi::Env env, TokenizerHandle& tokenizer) {
        // The External owns a copy of the handle, freed when JavaScript lets go of it.
        auto external = Napi::External<TokenizerHandle>::New(
            env, new TokenizerHandle(tokenizer), [](Napi::Env, TokenizerHandle* handle) { delete handle; });
        external.TypeTag(&kTokenizerTag);
        return external;
      });
}

Napi::Value Encode(const Napi::CallbackInfo& info) {
  const Args args(info, "sentencepieceEncode");
  const Arg model = args(0, "model");
  if (!model.Value().IsExternal() || !model.Value().As<Napi::External<TokenizerHandle>>().CheckTypeTag(&kTokenizerTag)) {
    model.Invalid("a model from sentencepieceLoad()");
  }
  TokenizerHandle tokenizer = *model.Value().As<Napi::External<TokenizerHandle>>().Data();
  std::string text = args(1, "text").String();
  return RunAsync(
      info.Env(), [tokenizer = std::move(tokenizer), text = std::move(text)] { return tokenizer->Encode(text); },
      [](Napi::Env env, std::vector<std::string>& pieces) {
        Napi::Array array = Napi::Array::New(env, pieces.size());
        for (uint32_t i = 0; i < pieces.size(); ++i) array.Set(i, pieces[i]);
        return array;
      });
}

}  // namespace

void InitText(Napi::Env env, Napi::Object exports) {
  Export(env, exports, {{"sentencepieceLoad", Load},
                        {"sentencepieceEncode", Encode}});
}

}  // namespace binding
