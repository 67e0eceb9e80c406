// The model stage: ONNX Runtime through the addon, compared with numpy computations of the
// same tiny graphs (test/helpers/tiny-models.ts). The graphs test plumbing only.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { native, type InferenceResult, type ModelInputBinding, type NativeModelConfig } from '../lib/native.js';
import { loadJsModel, type JsModel } from './helpers/js-model.js';
import { tinyModels, waveformModelConfig, type TinyModels } from './helpers/tiny-models.js';
import { rejection, syncThrow } from './helpers/outcomes.js';

const TOLERANCE = 1e-4;

let models: TinyModels;
beforeAll(() => {
  models = tinyModels();
});

const waveformConfig = (overrides: Partial<NativeModelConfig> = {}) => waveformModelConfig(models, overrides);

/** The fbank graph with its features fed as a constant (the waveform frontend cannot make 80-dim frames). */
function fbankConfig(featsLengths: ModelInputBinding, skipFrames = 0): NativeModelConfig {
  const { feats, featDim, prefix } = models.expected.fbank;
  return {
    onnxPath: models.fbank,
    provider: 'cpu',
    frontend: { type: 'waveform', normalize: false, epsilon: 1e-7 },
    inputs: [
      { name: 'feats', source: 'constant', dtype: 'float32', shape: [1, feats.length, featDim], data: feats.flat() },
      featsLengths,
      { name: 'prefix', source: 'constant', dtype: 'int64', shape: [1, 2], data: prefix },
    ],
    output: { name: 'log_probs', kind: 'log_probs', skipFrames },
  };
}

function expectClose(result: InferenceResult, expected: number[][]): void {
  expect(result.numFrames).toBe(expected.length);
  expect(result.vocabSize).toBe(expected[0].length);
  expect(result.logProbs).toBeInstanceOf(Float32Array);
  expect(result.logProbs.length).toBe(expected.length * expected[0].length);
  let worst = 0;
  expected.flat().forEach((value, i) => {
    worst = Math.max(worst, Math.abs(result.logProbs[i] - value));
  });
  expect(worst).toBeLessThan(TOLERANCE);
}

function waveformSamples(): Float32Array {
  return Float32Array.from(models.expected.waveform.samples);
}

/** A deterministic signal that differs per seed. */
function signal(numSamples: number, seed: number): Float32Array {
  return Float32Array.from({ length: numSamples }, (_, i) => 0.4 * Math.sin(i * (0.01 + seed * 0.003)) + 0.02 * seed);
}

describe('availableProviders', () => {
  it('lists the CPU provider', () => {
    expect(native().availableProviders()).toContain('CPUExecutionProvider');
  });
});

describe('waveform graph', () => {
  it('matches numpy for logits (log-softmax applied by the engine)', async () => {
    const model = await loadJsModel(waveformConfig());
    const result = await model.infer(waveformSamples());
    expectClose(result, models.expected.waveform.cases.plain.asLogits);
    // Rows are normalised distributions.
    for (let t = 0; t < result.numFrames; t++) {
      let sum = 0;
      for (let v = 0; v < result.vocabSize; v++) sum += Math.exp(result.logProbs[t * result.vocabSize + v]);
      expect(sum).toBeCloseTo(1, 5);
    }
    expect(result.timings.featuresMs).toBeGreaterThanOrEqual(0);
    expect(result.timings.inferenceMs).toBeGreaterThan(0);
  });

  it('applies the wav2vec2 normalisation of the waveform frontend', async () => {
    const config = waveformConfig();
    config.frontend = { type: 'waveform', normalize: true, epsilon: models.expected.waveform.epsilon };
    const result = await (await loadJsModel(config)).infer(waveformSamples());
    expectClose(result, models.expected.waveform.cases.normalized.asLogits);
  });

  it('passes log_probs through and takes log(max(p, tiny)) of probs', async () => {
    const { raw, asProbs } = models.expected.waveform.cases.plain;
    const asIs = await loadJsModel(waveformConfig({ output: { name: 'logits', kind: 'log_probs', skipFrames: 0 } }));
    expectClose(await asIs.infer(waveformSamples()), raw);
    const probs = await loadJsModel(waveformConfig({ output: { name: 'logits', kind: 'probs', skipFrames: 0 } }));
    expectClose(await probs.infer(waveformSamples()), asProbs);
  });

  it('drops skipFrames leading frames', async () => {
    const model = await loadJsModel(waveformConfig({ output: { name: 'logits', kind: 'logits', skipFrames: 3 } }));
    expectClose(await model.infer(waveformSamples()), models.expected.waveform.cases.plain.asLogits.slice(3));
  });

  it('rejects with AUDIO_TOO_SHORT when no frame is left, and INVALID_INPUT for empty audio', async () => {
    // 400 samples (one receptive field) give exactly one frame.
    const keepAll = await loadJsModel(waveformConfig());
    expect((await keepAll.infer(signal(400, 1))).numFrames).toBe(1);
    const skipOne = await loadJsModel(waveformConfig({ output: { name: 'logits', kind: 'logits', skipFrames: 1 } }));
    expect((await rejection(skipOne.infer(signal(400, 1)))).code).toBe('AUDIO_TOO_SHORT');
    expect((await rejection(keepAll.infer(new Float32Array(0)))).code).toBe('INVALID_INPUT');
  });

  it('throws INVALID_INPUT synchronously when samples are not a Float32Array', async () => {
    const model = await loadJsModel(waveformConfig());
    expect(syncThrow(() => model.infer([0.1, 0.2] as unknown as Float32Array)).code).toBe('INVALID_INPUT');
  });

  it('describes its inputs and outputs', async () => {
    const model = await loadJsModel(waveformConfig());
    expect(model.info()).toEqual({
      inputs: [{ name: 'input_values', dtype: 'float32', shape: [1, -1] }],
      outputs: [{ name: 'logits', dtype: 'float32', shape: [1, -1, 8] }],
      provider: 'cpu',
    });
  });
});

describe('fbank graph (prefix frames, lengths, constants)', () => {
  it('matches numpy with constant feats, lengths and prefix ids', async () => {
    const { full } = models.expected.fbank.cases;
    const lengths: ModelInputBinding = { name: 'feats_lengths', source: 'constant', dtype: 'int64', data: [full.featsLength] };
    const model = await loadJsModel(fbankConfig(lengths));
    expectClose(await model.infer(signal(16, 1)), full.logProbs);
    const skipped = await loadJsModel(fbankConfig(lengths, 2));
    expectClose(await skipped.infer(signal(16, 1)), full.logProbs.slice(2));
  });

  it('feeds feature_length and sample_length (the graph masks frames past the length)', async () => {
    const { full, masked } = models.expected.fbank.cases;
    // The masked expectation really differs from the full one, so the length must be fed.
    const last = masked.logProbs.length - 1;
    expect(Math.abs(masked.logProbs[last][0] - full.logProbs[last][0])).toBeGreaterThan(1e-3);
    // The waveform frontend yields one frame per sample: both lengths equal the sample count.
    const audio = signal(masked.featsLength, 2);
    for (const source of ['feature_length', 'sample_length'] as const) {
      const model = await loadJsModel(fbankConfig({ name: 'feats_lengths', source, dtype: 'int64' }));
      expectClose(await model.infer(audio), masked.logProbs);
    }
  });

  it('describes all inputs and outputs', async () => {
    const lengths: ModelInputBinding = { name: 'feats_lengths', source: 'feature_length', dtype: 'int64' };
    const info = (await loadJsModel(fbankConfig(lengths))).info();
    expect(info.inputs).toEqual([
      { name: 'feats', dtype: 'float32', shape: [1, -1, 80] },
      { name: 'feats_lengths', dtype: 'int64', shape: [1] },
      { name: 'prefix', dtype: 'int64', shape: [1, 2] },
    ]);
    expect(info.outputs).toEqual([
      { name: 'log_probs', dtype: 'float32', shape: [1, -1, 10] },
      { name: 'lengths', dtype: 'int64', shape: [1] },
    ]);
  });
});

describe('bindings graph (int32 and float32 inputs, [T, V] probability output)', () => {
  it('matches numpy', async () => {
    const { samples, scale, logProbs } = models.expected.bindings;
    const model = await loadJsModel(
      waveformConfig({
        onnxPath: models.bindings,
        inputs: [
          { name: 'audio', source: 'features', dtype: 'float32' },
          { name: 'num_samples', source: 'sample_length', dtype: 'int32' },
          { name: 'scale', source: 'constant', dtype: 'float32', data: scale },
        ],
        output: { name: 'probs', kind: 'probs', skipFrames: 0 },
      }),
    );
    expectClose(await model.infer(Float32Array.from(samples)), logProbs);
  });
});

describe('load errors', () => {
  it('names a missing input and lists the real ones (MODEL_UNAVAILABLE)', async () => {
    const config = waveformConfig({ inputs: [{ name: 'audio', source: 'features', dtype: 'float32' }] });
    const error = await rejection(native().loadModel(config));
    expect(error.code).toBe('MODEL_UNAVAILABLE');
    expect(error.message).toContain("'audio'");
    expect(error.message).toContain('input_values');
  });

  it('names a missing output and lists the real ones', async () => {
    const error = await rejection(native().loadModel(waveformConfig({ output: { name: 'probs', kind: 'probs', skipFrames: 0 } })));
    expect(error.code).toBe('MODEL_UNAVAILABLE');
    expect(error.message).toMatch(/'probs'.*logits/);
  });

  it('rejects a dtype that differs from the graph, and an unbound graph input', async () => {
    const wrongType = fbankConfig({ name: 'feats_lengths', source: 'feature_length', dtype: 'int32' });
    const typeError = await rejection(native().loadModel(wrongType));
    expect(typeError.code).toBe('MODEL_UNAVAILABLE');
    expect(typeError.message).toMatch(/feats_lengths.*int64.*int32/);
    const unbound = fbankConfig({ name: 'feats_lengths', source: 'feature_length', dtype: 'int64' });
    unbound.inputs = unbound.inputs.filter((input) => input.name !== 'prefix');
    const unboundError = await rejection(native().loadModel(unbound));
    expect(unboundError.code).toBe('MODEL_UNAVAILABLE');
    expect(unboundError.message).toContain("'prefix'");
  });

  it('rejects a missing file (MODEL_UNAVAILABLE)', async () => {
    const error = await rejection(native().loadModel(waveformConfig({ onnxPath: `${models.dir}/absent.onnx` })));
    expect(error.code).toBe('MODEL_UNAVAILABLE');
    expect(error.message).toContain('absent.onnx');
  });

  it('rejects a file that is not an ONNX model (MODEL_UNAVAILABLE)', async () => {
    const error = await rejection(native().loadModel(waveformConfig({ onnxPath: `${models.dir}/expected.json` })));
    expect(error.code).toBe('MODEL_UNAVAILABLE');
  });

  it.skipIf(native().availableProviders().includes('CUDAExecutionProvider'))(
    'rejects provider cuda clearly where ONNX Runtime has no CUDA provider',
    async () => {
      const error = await rejection(native().loadModel(waveformConfig({ provider: 'cuda', deviceId: 0 })));
      expect(error.code).toBe('MODEL_UNAVAILABLE');
      expect(error.message).toMatch(/CUDA execution provider is not available/);
      expect(error.message).toContain("'cpu'");
    },
  );

  it('throws INVALID_INPUT synchronously for a malformed config', () => {
    const bad: unknown[] = [
      undefined,
      { ...waveformConfig(), provider: 'tpu' },
      { ...waveformConfig(), intraOpThreads: 0 },
      { ...waveformConfig(), output: { name: 'logits', kind: 'logits', skipFrames: -1 } },
      { ...waveformConfig(), inputs: [] },
      { ...waveformConfig(), inputs: [{ name: 'input_values', source: 'features', dtype: 'int64' }] },
      { ...waveformConfig(), frontend: { type: 'waveform', normalize: 'yes', epsilon: 1e-7 } },
      fbankConfig({ name: 'feats_lengths', source: 'constant', dtype: 'int64', shape: [2], data: [1] }),
      fbankConfig({ name: 'feats_lengths', source: 'constant', dtype: 'int64', data: [1.5] }),
      fbankConfig({ name: 'feats', source: 'feature_length', dtype: 'int64' }),
    ];
    bad.forEach((config, i) => {
      let error: Error & { code?: string } = new Error(`config ${i} was accepted`);
      try {
        void native().loadModel(config as NativeModelConfig).catch(() => undefined);
      } catch (thrown) {
        error = thrown as Error & { code?: string };
      }
      expect(error.code, `config ${i}: ${error.message}`).toBe('INVALID_INPUT');
    });
  });
});

describe('concurrency and the event loop', () => {
  it('gives 16 concurrent infer calls the same results as sequential calls', async () => {
    const model = await loadJsModel(waveformConfig({ intraOpThreads: 2 }));
    const inputs = Array.from({ length: 16 }, (_, seed) => signal(16000 + 320 * seed, seed));
    const sequential: InferenceResult[] = [];
    for (const input of inputs) sequential.push(await model.infer(input));
    const concurrent = await Promise.all(inputs.map((input) => model.infer(input)));
    concurrent.forEach((result, i) => {
      expect(result.numFrames).toBe(sequential[i].numFrames);
      expect(Array.from(result.logProbs)).toEqual(Array.from(sequential[i].logProbs));
    });
    // Different inputs give different outputs, so a mix-up would show.
    expect(sequential[0].numFrames).not.toBe(sequential[1].numFrames);
  });

  it('keeps the event loop responsive during a long inference', async () => {
    const model = await loadJsModel({ ...waveformConfig(), onnxPath: models.heavy });
    const audio = signal(30 * 16000, 3);
    let ticks = 0;
    let last = performance.now();
    let longestGap = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      longestGap = Math.max(longestGap, now - last);
      last = now;
      ticks++;
    }, 5);
    const start = performance.now();
    try {
      const result = await model.infer(audio);
      expect(result.numFrames).toBe(1499);
    } finally {
      clearInterval(timer);
    }
    const elapsed = performance.now() - start;
    // A blocked JS thread would show one gap as long as the whole inference.
    expect(ticks).toBeGreaterThan(2);
    expect(longestGap).toBeLessThan(Math.max(elapsed * 0.5, 40));
  });

  it('finishes an inference whose model object was garbage-collected meanwhile', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const expected = models.expected.waveform.cases.plain.asLogits;
    const pending: Promise<InferenceResult>[] = [];
    for (let i = 0; i < 4; i++) {
      // The model object is unreachable once infer() has returned its promise.
      pending.push((await loadJsModel(waveformConfig())).infer(waveformSamples()));
    }
    gc();
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    for (const result of await Promise.all(pending)) expectClose(result, expected);
  });
});
