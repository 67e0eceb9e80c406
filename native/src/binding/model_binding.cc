#include "binding/stages.h"

namespace binding {

void InitModel(Napi::Env env, Napi::Object exports) {}

}  // namespace binding
