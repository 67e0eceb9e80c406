// Generates the tiny plumbing-test ONNX graphs (tools/fixtures/make_tiny_models.py) once per
// test process into a temporary directory, and returns their paths and numpy expectations.
// They test the model stage's plumbing only: they are not phone recognisers.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NativeModelConfig } from '../../lib/native.js';

type Matrix = number[][];

interface WaveformCase {
  /** The graph's logits. */
  raw: Matrix;
  /** log-softmax(raw): what the engine returns for kind 'logits'. */
  asLogits: Matrix;
  /** log(max(raw, FLT_MIN)): what the engine returns for kind 'probs'. */
  asProbs: Matrix;
}

export interface TinyModelExpectations {
  waveform: {
    vocabSize: number;
    epsilon: number;
    samples: number[];
    cases: { plain: WaveformCase; normalized: WaveformCase };
  };
  fbank: {
    vocabSize: number;
    featDim: number;
    prefix: number[];
    /** T x featDim. */
    feats: Matrix;
    cases: Record<'full' | 'masked', { featsLength: number; logProbs: Matrix }>;
  };
  bindings: { samples: number[]; scale: number[]; logProbs: Matrix };
  /** masked.onnx on one unpadded item (numpy, float64). */
  masked: { vocabSize: number; samples: number[]; logProbs: Matrix };
  /** The POWSM-CTC-shaped bundle (make_powsm): token ids, the phones it "hears", its letter-to-sound table. */
  powsm: { dir: string; ids: Record<string, number>; heard: string[]; letterPhone: Record<string, string>; missingPiece: string };
}

export interface TinyModels {
  dir: string;
  waveform: string;
  fbank: string;
  bindings: string;
  heavy: string;
  /** waveform.onnx in float16 with float32 input and output. */
  waveformFp16: string;
  /** [B, N] input, [B, N] attention_mask, log_probs [B, T', 8] and output_lengths [B]. */
  masked: string;
  /** Directory of the POWSM-CTC-shaped bundle (manifest.json with tasks, bpe.model). */
  powsmBundle: string;
  expected: TinyModelExpectations;
}

const script = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'tools', 'fixtures', 'make_tiny_models.py');

/** A Python that can import onnx and numpy: $PYTHON, python3, or the system's /usr/bin/python3. */
function findPython(): string {
  const candidates = [process.env.PYTHON, 'python3', '/usr/bin/python3'].filter((c): c is string => !!c);
  for (const candidate of candidates) {
    try {
      execFileSync(candidate, ['-c', 'import onnx, numpy'], { stdio: 'ignore' });
      return candidate;
    } catch {
      // try the next one
    }
  }
  throw new Error(
    `the tiny test models need a Python with onnx and numpy (tried ${candidates.join(', ')}); ` +
      'install python3-onnx and python3-numpy, or set PYTHON',
  );
}

let cached: TinyModels | undefined;

export function tinyModels(): TinyModels {
  if (cached) return cached;
  const dir = mkdtempSync(join(tmpdir(), 'pa-tiny-models-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  execFileSync(findPython(), [script, dir], { stdio: ['ignore', 'ignore', 'inherit'] });
  cached = {
    dir,
    waveform: join(dir, 'waveform.onnx'),
    fbank: join(dir, 'fbank.onnx'),
    bindings: join(dir, 'bindings.onnx'),
    heavy: join(dir, 'heavy.onnx'),
    waveformFp16: join(dir, 'waveform_fp16.onnx'),
    masked: join(dir, 'masked.onnx'),
    powsmBundle: join(dir, 'powsm'),
    expected: JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as TinyModelExpectations,
  };
  return cached;
}

/** The waveform graph's config: raw samples in, logits out (`overrides` replace whole fields). */
export function waveformModelConfig(models: TinyModels, overrides: Partial<NativeModelConfig> = {}): NativeModelConfig {
  return {
    onnxPath: models.waveform,
    provider: 'cpu',
    frontend: { type: 'waveform', normalize: false, epsilon: models.expected.waveform.epsilon },
    inputs: [{ name: 'input_values', source: 'features', dtype: 'float32' }],
    output: { name: 'logits', kind: 'logits', skipFrames: 0 },
    ...overrides,
  };
}

/** The masked graph's config, which batches: a padding mask in, each item's output length out. */
export function maskedModelConfig(models: TinyModels, overrides: Partial<NativeModelConfig> = {}): NativeModelConfig {
  return {
    onnxPath: models.masked,
    provider: 'cpu',
    frontend: { type: 'waveform', normalize: true, epsilon: 1e-7 },
    inputs: [
      { name: 'input_values', source: 'features', dtype: 'float32' },
      { name: 'attention_mask', source: 'features_mask', dtype: 'int64' },
    ],
    output: { name: 'log_probs', kind: 'log_probs', skipFrames: 0, lengths: 'output_lengths' },
    ...overrides,
  };
}

/** A deterministic signal that differs per seed, for batches of recordings of several lengths. */
export function seededSignal(numSamples: number, seed: number): Float32Array {
  return Float32Array.from({ length: numSamples }, (_, i) => 0.4 * Math.sin(i * (0.01 + seed * 0.003)) + 0.02 * seed + 0.1 * Math.sin(i * 0.0007 * seed));
}
