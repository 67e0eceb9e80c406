#include "binding/stages.h"

namespace binding {

void InitFeatures(Napi::Env env, Napi::Object exports) {}

}  // namespace binding
