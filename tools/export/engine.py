"""Runs the engine itself (its native frontend + ONNX Runtime) through the CLI:
`pronunciation-engine logprobs AUDIO --model DIR --f32 FILE`. No Python onnxruntime involved."""
import json
import os
import shlex
import subprocess
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class EngineRunError(RuntimeError):
    pass


def cli_command():
    """$PRONUNCIATION_ENGINE_CLI, else the TypeScript sources through tsx when the dev
    dependencies are installed, else the built dist/lib/cli.js."""
    if os.environ.get('PRONUNCIATION_ENGINE_CLI'):
        return shlex.split(os.environ['PRONUNCIATION_ENGINE_CLI'])
    if os.path.isdir(os.path.join(ROOT, 'node_modules', 'tsx')):
        return ['node', '--import', 'tsx', os.path.join(ROOT, 'lib', 'cli.ts')]
    return ['node', os.path.join(ROOT, 'dist', 'lib', 'cli.js')]


def engine_log_probs(bundle_dir, audio_path, precision='fp32'):
    """The engine's frames x vocab log-probabilities (skip_frames dropped) as float32."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, 'log_probs.f32')
        cmd = cli_command() + ['logprobs', audio_path, '--model', os.path.abspath(bundle_dir), '--f32', out,
                               '--precision', precision]
        res = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        if res.returncode != 0:
            raise EngineRunError(f'the engine failed on {audio_path} with bundle {bundle_dir}: '
                                 f'{res.stderr.strip() or res.stdout.strip()}')
        header = json.loads(res.stdout.strip().splitlines()[-1])
        x = np.fromfile(out, dtype='<f4')
        return x.reshape(header['num_frames'], header['vocab_size'])


def engine_batch(bundle_dir, audio_paths, precision='fp32'):
    """tools/export/engine_batch.ts: each recording alone and all of them batched in one run;
    returns its JSON ({"items", "batch_sizes", "max_abs_diff"})."""
    if not os.path.isdir(os.path.join(ROOT, 'node_modules', 'tsx')):
        raise EngineRunError('the batch check runs tools/export/engine_batch.ts through tsx (npm install the dev dependencies)')
    cmd = ['node', '--import', 'tsx', os.path.join(ROOT, 'tools', 'export', 'engine_batch.ts'), os.path.abspath(bundle_dir),
           '--precision', precision, *audio_paths]
    res = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if res.returncode != 0:
        raise EngineRunError(f'the engine batch check failed with bundle {bundle_dir}: {res.stderr.strip() or res.stdout.strip()}')
    return json.loads(res.stdout.strip().splitlines()[-1])
