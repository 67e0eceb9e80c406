// LogProbs: a JS handle on log-probabilities kept in native memory (an inference's output). Its
// methods run the CTC operations on the matrix in place (ctc_ops.h); JavaScript gets a copy only
// when it asks (toFloat32Array). The matrix is freed by release() or when the handle is
// collected, whichever comes first, and lives on while an operation started before still runs.
#pragma once

#include <napi.h>

#include "binding/ctc_ops.h"

namespace binding {

// A new LogProbs handle sharing `log_probs` (InitLogProbs must have run on this env).
Napi::Object NewLogProbs(Napi::Env env, SharedLogProbs log_probs);

}  // namespace binding
