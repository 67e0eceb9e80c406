// JS bindings of G2P (text to IPA with espeak-ng). Conversions run on the libuv pool and are
// serialised inside the core by one mutex (see g2p/espeak_g2p.h): espeak-ng is not thread-safe.
#include <napi.h>

#include <string>
#include <utility>

#include "binding/args.h"
#include "binding/async_task.h"
#include "binding/js_error.h"
#include "binding/stages.h"
#include "g2p/espeak_g2p.h"

namespace binding {
namespace {

Napi::Value G2pLanguages(const Napi::CallbackInfo& info) {
  return TranslateErrors(info.Env(), [&]() -> Napi::Value {
    const auto& languages = engine::g2p::EspeakG2p::Instance().Languages();
    Napi::Array out = Napi::Array::New(info.Env(), languages.size());
    for (size_t k = 0; k < languages.size(); ++k) {
      Napi::Object entry = Napi::Object::New(info.Env());
      entry.Set("language", languages[k].code);
      entry.Set("voice", languages[k].voice);
      entry.Set("name", languages[k].name);
      out.Set(static_cast<uint32_t>(k), entry);
    }
    return out;
  });
}

Napi::Value G2pInfo(const Napi::CallbackInfo& info) {
  return TranslateErrors(info.Env(), [&]() -> Napi::Value {
    const auto& g2p = engine::g2p::EspeakG2p::Instance();
    Napi::Object out = Napi::Object::New(info.Env());
    out.Set("espeakVersion", g2p.Version());
    out.Set("dataPath", g2p.DataPath());
    return out;
  });
}

Napi::Value G2pTextToIpa(const Napi::CallbackInfo& info) {
  const Args args(info, "g2pTextToIpa");
  // napi_get_value_string_utf8 copies embedded NULs and writes lone surrogates as U+FFFD.
  std::string text = args(0, "text").String();
  std::string language = args(1, "language").String();
  return RunAsync(
      info.Env(),
      [text = std::move(text), language = std::move(language)] {
        return engine::g2p::EspeakG2p::Instance().TextToIpa(text, language);
      },
      [](Napi::Env env, const engine::g2p::G2pResult& result) {
        Napi::Object out = Napi::Object::New(env);
        out.Set("language", result.language);
        out.Set("voice", result.voice);
        Napi::Array words = Napi::Array::New(env, result.words.size());
        for (size_t k = 0; k < result.words.size(); ++k) {
          const engine::g2p::G2pWord& word = result.words[k];
          Napi::Object entry = Napi::Object::New(env);
          entry.Set("text", word.text);
          entry.Set("index", static_cast<double>(word.index));
          Napi::Array phones = Napi::Array::New(env, word.phones.size());
          for (size_t p = 0; p < word.phones.size(); ++p) phones.Set(static_cast<uint32_t>(p), word.phones[p]);
          entry.Set("phones", phones);
          entry.Set("inContext", word.in_context);
          words.Set(static_cast<uint32_t>(k), entry);
        }
        out.Set("words", words);
        return out;
      });
}

}  // namespace

void InitG2p(Napi::Env env, Napi::Object exports) {
  Export(env, exports, {{"g2pLanguages", G2pLanguages},
                        {"g2pInfo", G2pInfo},
                        {"g2pTextToIpa", G2pTextToIpa}});
}

}  // namespace binding
