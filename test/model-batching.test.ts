// Batched inference, IO binding and CUDA options through the addon. The reference for a
// batched item is the same item run alone (the unbatched path, itself checked against numpy
// in model.test.ts and here for the masked graph). The graphs are tiny plumbing models.
import { beforeAll, describe, expect, it } from 'vitest';
import { native, type InferenceResult, type NativeModelConfig } from '../lib/native.js';
import { loadJsModel, type JsModel } from './helpers/js-model.js';
import { maskedModelConfig, seededSignal, tinyModels, waveformModelConfig, type TinyModels } from './helpers/tiny-models.js';
import { maxAbsDiff, rejection, syncThrow } from './helpers/outcomes.js';

/** Max abs difference allowed between an item's batched and unbatched log-probabilities. */
const BATCH_TOLERANCE = 1e-4;

let models: TinyModels;
beforeAll(() => {
  models = tinyModels();
});

const maskedConfig = (overrides: Partial<NativeModelConfig> = {}) => maskedModelConfig(models, overrides);
const waveformConfig = (overrides: Partial<NativeModelConfig> = {}) => waveformModelConfig(models, overrides);
const signal = seededSignal;

function asResult(outcome: InferenceResult | Error): InferenceResult {
  if (outcome instanceof Error) throw outcome;
  return outcome;
}

describe('masked graph (the batching fixture)', () => {
  it('matches numpy on one unpadded item', async () => {
    const { samples, logProbs } = models.expected.masked;
    const model = await loadJsModel(maskedConfig({ frontend: { type: 'waveform', normalize: false, epsilon: 1e-7 } }));
    const result = await model.infer(Float32Array.from(samples));
    expect(result.numFrames).toBe(logProbs.length);
    expect(maxAbsDiff(result.logProbs, logProbs.flat())).toBeLessThan(1e-4);
    expect(result.timings.batchSize).toBe(1);
  });

  it('gives different output when padding is fed as valid samples: the mask matters', async () => {
    const model = await loadJsModel(maskedConfig({ maxBatch: 2, frontend: { type: 'waveform', normalize: false, epsilon: 1e-7 } }));
    const item = signal(9000, 2);
    const alone = await model.infer(item);
    // The same item zero-padded to 16000 samples, with the mask all ones over the padding
    // (an engine that ignored padding would do exactly this).
    const padded = new Float32Array(16000);
    padded.set(item);
    const unmasked = await model.infer(padded);
    const firstFrames = unmasked.logProbs.subarray(0, alone.logProbs.length);
    expect(maxAbsDiff(firstFrames, alone.logProbs)).toBeGreaterThan(1e-2);
    // Batched with a 16000-sample item, the padding is masked and the result is the item's own.
    const [batched] = await model.inferBatch([item, signal(16000, 5)]);
    expect(maxAbsDiff(asResult(batched).logProbs, alone.logProbs)).toBeLessThanOrEqual(BATCH_TOLERANCE);
  });
});

describe('inferBatch', () => {
  it(`equals unbatched inference for items of different lengths (max abs diff <= ${BATCH_TOLERANCE})`, async () => {
    const model = await loadJsModel(maskedConfig({ maxBatch: 8 }));
    const items = [16000, 9000, 12345, 4000, 20000, 640, 11111, 7777].map((n, seed) => signal(n, seed + 1));
    const alone = await Promise.all(items.map((item) => model.infer(item)));
    const batched = (await model.inferBatch(items)).map(asResult);
    let worst = 0;
    batched.forEach((result, i) => {
      expect(result.numFrames).toBe(alone[i].numFrames);
      expect(result.vocabSize).toBe(alone[i].vocabSize);
      expect(result.timings.batchSize).toBe(items.length);
      worst = Math.max(worst, maxAbsDiff(result.logProbs, alone[i].logProbs));
    });
    expect(worst).toBeLessThanOrEqual(BATCH_TOLERANCE);
    console.log(`batched vs unbatched, 8 items of 640..20000 samples: max abs diff ${worst.toExponential(2)}`);
    // Distinct inputs give distinct outputs, so a mix-up between items would show.
    expect(alone[1].numFrames).not.toBe(alone[2].numFrames);
    expect(maxAbsDiff(alone[0].logProbs.subarray(0, 60), alone[2].logProbs.subarray(0, 60))).toBeGreaterThan(1e-2);
  });

  it('rejects only the bad items: empty and too short for the model', async () => {
    const model = await loadJsModel(maskedConfig({ maxBatch: 4 }));
    const good = [signal(8000, 1), signal(6000, 2)];
    const outcomes = await model.inferBatch([good[0], new Float32Array(0), signal(100, 3), good[1]]);
    expect((outcomes[1] as Error & { code?: string }).code).toBe('INVALID_INPUT');
    expect((outcomes[2] as Error & { code?: string }).code).toBe('AUDIO_TOO_SHORT');
    for (const [slot, item] of [[0, good[0]], [3, good[1]]] as const) {
      const alone = await model.infer(item);
      expect(maxAbsDiff(asResult(outcomes[slot]).logProbs, alone.logProbs)).toBeLessThanOrEqual(BATCH_TOLERANCE);
    }
  });

  it('refuses more items than maxBatch and malformed calls (INVALID_INPUT)', async () => {
    const model = await loadJsModel(maskedConfig({ maxBatch: 2 }));
    const error = await rejection(model.inferBatch([signal(800, 1), signal(800, 2), signal(800, 3)]));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toContain('maxBatch 2');
    expect(syncThrow(() => model.inferBatch([])).code).toBe('INVALID_INPUT');
    expect(syncThrow(() => model.inferBatch([[0.1, 0.2]] as unknown as Float32Array[])).code).toBe('INVALID_INPUT');
  });

  it('refuses batching at load for a bundle that cannot say each item length (MODEL_UNAVAILABLE)', async () => {
    const noMask = await rejection(native().loadModel(waveformConfig({ maxBatch: 4 })));
    expect(noMask.code).toBe('MODEL_UNAVAILABLE');
    expect(noMask.message).toMatch(/batching \(maxBatch 4\) needs an input with source features_mask/);
    const noLengths = maskedConfig({ maxBatch: 4 });
    noLengths.output = { name: 'log_probs', kind: 'log_probs', skipFrames: 0 };
    const lengthsError = await rejection(native().loadModel(noLengths));
    expect(lengthsError.code).toBe('MODEL_UNAVAILABLE');
    expect(lengthsError.message).toContain('output.lengths');
    // Unbatched, the same bundles load.
    await loadJsModel(waveformConfig({ maxBatch: 1 }));
    await loadJsModel({ ...noLengths, maxBatch: 1 });
  });

  it('checks output.lengths and the mask against the graph (MODEL_UNAVAILABLE)', async () => {
    const missing = maskedConfig({ output: { name: 'log_probs', kind: 'log_probs', skipFrames: 0, lengths: 'frames' } });
    const missingError = await rejection(native().loadModel(missing));
    expect(missingError.code).toBe('MODEL_UNAVAILABLE');
    expect(missingError.message).toMatch(/'frames'.*output_lengths/);
    const floatLengths = maskedConfig({ output: { name: 'log_probs', kind: 'log_probs', skipFrames: 0, lengths: 'log_probs' } });
    expect((await rejection(native().loadModel(floatLengths))).message).toMatch(/int64\/int32 \[B\]/);
    const floatMask = maskedConfig();
    floatMask.inputs[1] = { name: 'attention_mask', source: 'features_mask', dtype: 'float32' };
    const maskError = await rejection(native().loadModel(floatMask));
    expect(maskError.code).toBe('MODEL_UNAVAILABLE');
    expect(maskError.message).toMatch(/attention_mask.*int64.*float32/);
  });
});

describe('IO binding', () => {
  it('gives bit-identical results to the plain Run path', async () => {
    const cases: [NativeModelConfig, Float32Array][] = [
      [waveformConfig(), Float32Array.from(models.expected.waveform.samples)],
      [maskedConfig(), signal(12000, 4)],
    ];
    for (const [config, input] of cases) {
      const plain = await (await loadJsModel(config)).infer(input);
      const bound = await (await loadJsModel({ ...config, ioBinding: true })).infer(input);
      expect(bound.numFrames).toBe(plain.numFrames);
      expect(Array.from(bound.logProbs)).toEqual(Array.from(plain.logProbs));
    }
    const items = [signal(9000, 1), signal(15000, 2), signal(4000, 3)];
    const plainBatch = await (await loadJsModel(maskedConfig({ maxBatch: 3 }))).inferBatch(items);
    const boundBatch = await (await loadJsModel(maskedConfig({ maxBatch: 3, ioBinding: true }))).inferBatch(items);
    boundBatch.forEach((outcome, i) => expect(Array.from(asResult(outcome).logProbs)).toEqual(Array.from(asResult(plainBatch[i]).logProbs)));
  });

  it('handles concurrent runs', async () => {
    const model = await loadJsModel(waveformConfig({ ioBinding: true }));
    const inputs = Array.from({ length: 8 }, (_, seed) => signal(8000 + 320 * seed, seed));
    const sequential: InferenceResult[] = [];
    for (const input of inputs) sequential.push(await model.infer(input));
    const concurrent = await Promise.all(inputs.map((input) => model.infer(input)));
    concurrent.forEach((result, i) => expect(Array.from(result.logProbs)).toEqual(Array.from(sequential[i].logProbs)));
  });
});

describe('CUDA execution provider options', () => {
  it('refuses invalid values synchronously (INVALID_INPUT) before looking for the provider', () => {
    const bad: unknown[] = [
      { memLimitBytes: 0 },
      { memLimitBytes: 1.5 },
      { memLimitBytes: -1 },
      { arenaExtendStrategy: 'kNextPowerOfTwo' },
      { cudnnConvAlgoSearch: 'EXHAUSTIVE' },
      { copyInDefaultStream: 1 },
      { useTf32: 'yes' },
      'fast',
    ];
    bad.forEach((cuda, i) => {
      const error = syncThrow(() => native().loadModel(waveformConfig({ provider: 'cuda', cuda: cuda as NativeModelConfig['cuda'] })));
      expect(error.code, `case ${i}: ${error.message}`).toBe('INVALID_INPUT');
      expect(error.message).toContain('config.cuda');
    });
    expect(syncThrow(() => native().loadModel(waveformConfig({ ioBinding: 'yes' as unknown as boolean }))).code).toBe('INVALID_INPUT');
    expect(syncThrow(() => native().loadModel(waveformConfig({ maxBatch: 0 }))).code).toBe('INVALID_INPUT');
  });

  it.skipIf(native().availableProviders().includes('CUDAExecutionProvider'))(
    'names the options it would have set in the MODEL_UNAVAILABLE error where CUDA is missing',
    async () => {
      const error = await rejection(
        native().loadModel(
          waveformConfig({
            provider: 'cuda',
            deviceId: 1,
            cuda: { memLimitBytes: 2 ** 31, arenaExtendStrategy: 'same_as_requested', cudnnConvAlgoSearch: 'heuristic', copyInDefaultStream: false, useTf32: true },
          }),
        ),
      );
      expect(error.code).toBe('MODEL_UNAVAILABLE');
      expect(error.message).toContain(
        'requested CUDA options: device_id=1, gpu_mem_limit=2147483648, arena_extend_strategy=kSameAsRequested, ' +
          'cudnn_conv_algo_search=HEURISTIC, do_copy_in_default_stream=0, use_tf32=1',
      );
      const defaults = await rejection(native().loadModel(waveformConfig({ provider: 'cuda', cuda: { cudnnConvAlgoSearch: 'default' } })));
      expect(defaults.message).toContain('requested CUDA options: device_id=0, cudnn_conv_algo_search=DEFAULT)');
    },
  );
});
