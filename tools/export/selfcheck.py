"""The exporters' self-check: the original model's log-probs (computed by the caller with the
original library's own pipeline) against the engine's on the same samples, recorded in the
manifest as self_check (lib/model/manifest.ts refuses a bundle whose check failed)."""
import datetime
import os
import tempfile

import numpy as np

from tools.export.audio import write_wav_f32
from tools.export.bundle import read_manifest, write_manifest
from tools.export.engine import engine_batch, engine_log_probs

# Batched vs alone, same engine, same graph: padding changes only the shapes the kernels see
# (blocking and summation order), so the difference is float rounding. 1e-4 for float32 is the
# bound test/model-batching.test.ts uses for the engine's own batching.
BATCH_TOLERANCE = {'fp32': 1e-4, 'fp16': 2e-2}


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
    # How peaked the original's distributions are (a trained model's span tens of nats; random
    # weights give flat ones, on which a small max abs diff proves less).
    spread = float(np.median(reference.max(-1) - reference.min(-1))) if reference.size else 0.0
    return diff, (f'{reference.shape[0]} frames x {reference.shape[1]} tokens, argmax agreement {agree:.4f}, '
                  f'median per-frame log-prob range of the original {spread:.2f} nats')


def run(bundle_dir, samples, reference_log_probs, *, audio, reference, tolerance, precision='fp32'):
    """Runs the engine on samples, compares with reference_log_probs (frames x vocab, skip_frames
    already dropped), records self_check (self_check_fp16 for precision fp16) in the manifest,
    prints the outcome, returns it."""
    with tempfile.TemporaryDirectory() as tmp:
        wav = os.path.join(tmp, 'check.wav')
        write_wav_f32(wav, samples)
        engine = engine_log_probs(bundle_dir, wav, precision)
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
    key = 'self_check_fp16' if precision == 'fp16' else 'self_check'
    manifest = read_manifest(bundle_dir)
    manifest[key] = result
    write_manifest(bundle_dir, manifest)
    shown = f'{diff:.3e}' if diff is not None else 'n/a'
    print(f'SELF-CHECK {precision} {"PASSED" if passed else "FAILED"}: max abs diff of log-probs (engine vs {reference}) '
          f'{shown}, tolerance {tolerance:g}; {detail}; audio {audio}; recorded in {os.path.join(bundle_dir, "manifest.json")}')
    return result


def batch_pieces(samples):
    """Three recordings of different lengths cut from the check recording: the whole of it, its
    first 60 % and a middle 35 %; batched they are padded to the longest."""
    n = len(samples)
    return [samples, samples[:int(0.6 * n)], samples[int(0.2 * n):int(0.55 * n)]]


def run_batch(bundle_dir, samples, *, precision='fp32', tolerance=None):
    """The engine batching the batch_pieces of samples in one ONNX Runtime run against each run
    alone (dynamic batch and time axes, lengths input and output). Prints and returns
    {'passed', 'max_abs_diff', 'tolerance', 'batch_sizes', 'frames'}."""
    tolerance = BATCH_TOLERANCE[precision] if tolerance is None else tolerance
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i, piece in enumerate(batch_pieces(samples)):
            paths.append(os.path.join(tmp, f'piece{i}.wav'))
            write_wav_f32(paths[-1], piece)
        out = engine_batch(bundle_dir, paths, precision)
    diff = out['max_abs_diff']
    batched = max(out['batch_sizes']) == len(paths)
    passed = diff is not None and diff <= tolerance and batched
    frames = [item['num_frames'] for item in out['items']]
    print(f'BATCH-CHECK {precision} {"PASSED" if passed else "FAILED"}: {len(paths)} recordings ({frames} frames) in one '
          f'run (batch sizes {out["batch_sizes"]}) vs each alone: max abs diff of log-probs '
          f'{"n/a" if diff is None else f"{diff:.3e}"}, tolerance {tolerance:g}')
    return {'passed': passed, 'max_abs_diff': diff, 'tolerance': tolerance, 'batch_sizes': out['batch_sizes'], 'frames': frames}
