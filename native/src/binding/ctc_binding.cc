#include "binding/stages.h"

namespace binding {

void InitCtc(Napi::Env env, Napi::Object exports) {}

}  // namespace binding
