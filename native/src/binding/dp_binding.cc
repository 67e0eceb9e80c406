#include "binding/stages.h"

namespace binding {

void InitDp(Napi::Env env, Napi::Object exports) {}

}  // namespace binding
