"""The exporters' self-check: the original model's log-probs (computed by the caller with the
original library's own pipeline) against the engine's on the same samples, recorded in the
manifest as self_check (lib/manifest.ts refuses a bundle whose check failed)."""
import datetime
import os
import tempfile

import numpy as np

from tools.export.audio import write_wav_f32
from tools.export.bundle import read_manifest, write_manifest
from tools.export.engine import engine_log_probs


def compare(reference, engine):
    """(max abs diff or None when the shapes differ, detail string)."""
    reference = np.asarray(reference, dtype=np.float64)
    engine = np.asarray(engine, dtype=np.float64)
    if reference.shape != engine.shape:
        return None, f'shape mismatch: original {reference.shape}, engine {engine.shape} (frames x vocab)'
    if not np.all(np.isfinite(engine)):
        return None, 'the engine produced non-finite log-probs'
    diff = float(np.abs(reference - engine).max()) if reference.size else 0.0
    agree = float((reference.argmax(-1) == engine.argmax(-1)).mean()) if reference.size else 1.0
    return diff, f'{reference.shape[0]} frames x {reference.shape[1]} tokens, argmax agreement {agree:.4f}'


def run(bundle_dir, samples, reference_log_probs, *, audio, reference, tolerance):
    """Runs the engine on samples, compares with reference_log_probs (frames x vocab, skip_frames
    already dropped), records self_check in the manifest, prints the outcome, returns it."""
    with tempfile.TemporaryDirectory() as tmp:
        wav = os.path.join(tmp, 'check.wav')
        write_wav_f32(wav, samples)
        engine = engine_log_probs(bundle_dir, wav)
    diff, detail = compare(reference_log_probs, engine)
    passed = diff is not None and diff <= tolerance
    result = {
        'passed': passed,
        'max_abs_diff': diff if diff is not None else float(np.finfo(np.float32).max),
        'tolerance': tolerance,
        'audio': audio,
        'reference': reference,
        'checked_at': datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat(),
    }
    if diff is None:
        result['detail'] = detail
    manifest = read_manifest(bundle_dir)
    manifest['self_check'] = result
    write_manifest(bundle_dir, manifest)
    shown = f'{diff:.3e}' if diff is not None else 'n/a'
    print(f'SELF-CHECK {"PASSED" if passed else "FAILED"}: max abs diff of log-probs (engine vs {reference}) '
          f'{shown}, tolerance {tolerance:g}; {detail}; audio {audio}; recorded in {os.path.join(bundle_dir, "manifest.json")}')
    return result
