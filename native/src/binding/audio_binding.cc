#include "binding/stages.h"

namespace binding {

void InitAudio(Napi::Env env, Napi::Object exports) {}

}  // namespace binding
