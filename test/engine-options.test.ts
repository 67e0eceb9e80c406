// The engine's load options end to end: precision (model_fp16), batching of concurrent calls,
// IO binding and option validation, on bundles written around the tiny test graphs (plumbing
// only, not phone recognisers) and a real recording.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { load, type Engine, type LoadOptions } from '../lib/index.js';
import { native, type InferenceResult } from '../lib/native.js';
import { tinyModels } from './helpers/tiny-models.js';
import { maxAbsDiff, rejection } from './helpers/outcomes.js';

const RECORDING = join(__dirname, '..', 'examples', '001040067.flac');
const PLUMBING = join(__dirname, '..', 'models', 'plumbing');
/** Max abs difference allowed between batched and unbatched log-probabilities. */
const BATCH_TOLERANCE = 1e-4;
/** Max abs difference allowed between the fp16 and fp32 graphs' log-probabilities (measured ~1e-3). */
const FP16_TOLERANCE = 1e-2;

const TOKENS = ['<blank>', 'a', 'e', 'i', 'o', 'u', 'm', 'n'];

let maskedDir: string;
let waveformDir: string;
let recording: Float32Array;

function writeBundle(manifest: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'engine-options-'));
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  return dir;
}

function manifest(overrides: Record<string, unknown>): Record<string, unknown> {
  return {
    format_version: 1,
    name: 'tiny',
    sample_rate: 16000,
    frontend: { type: 'waveform', normalize: true },
    frames: { shift_samples: 320, offset_samples: 0 },
    vocabulary: { tokens: TOKENS, blank_id: 0 },
    ...overrides,
  };
}

beforeAll(async () => {
  const models = tinyModels();
  maskedDir = writeBundle(
    manifest({
      model: models.masked,
      inputs: [
        { name: 'input_values', source: 'features', dtype: 'float32' },
        { name: 'attention_mask', source: 'features_mask', dtype: 'int64' },
      ],
      output: { name: 'log_probs', kind: 'log_probs', lengths: 'output_lengths' },
    }),
  );
  waveformDir = writeBundle(
    manifest({
      model: models.waveform,
      model_fp16: models.waveformFp16,
      inputs: [{ name: 'input_values', source: 'features', dtype: 'float32' }],
      output: { name: 'logits', kind: 'logits' },
    }),
  );
  recording = (await native().decodeFile(RECORDING, { maxDurationSec: 60 })).samples;
});

/** Pieces of the real recording of different lengths (all hold speech). */
function pieces(count: number): Float32Array[] {
  return Array.from({ length: count }, (_, k) => recording.subarray(1600 * k, 1600 * k + 16000 + 2903 * k));
}

describe('batching', () => {
  let unbatched: Engine;
  let batched: Engine;
  beforeAll(async () => {
    unbatched = await load(maskedDir);
    batched = await load(maskedDir, { batching: { maxBatch: 4, maxWaitMs: 20 } });
  });

  it(`gives concurrent logProbs/recognize calls their own unbatched results (max abs diff <= ${BATCH_TOLERANCE})`, async () => {
    const inputs = pieces(10).map((samples) => ({ samples, sampleRate: 16000 }));
    const alone: InferenceResult[] = [];
    for (const input of inputs) alone.push(await unbatched.logProbs(input));
    const together = await Promise.all(inputs.map((input) => batched.logProbs(input)));
    let worst = 0;
    together.forEach((result, k) => {
      expect(result.numFrames).toBe(alone[k].numFrames);
      worst = Math.max(worst, maxAbsDiff(result.logProbs, alone[k].logProbs));
    });
    expect(worst).toBeLessThanOrEqual(BATCH_TOLERANCE);
    expect(Math.max(...together.map((r) => r.timings.batchSize ?? 0))).toBe(4);
    expect(new Set(alone.map((r) => r.numFrames)).size).toBe(10);

    const heard = await Promise.all(inputs.slice(0, 4).map((input) => batched.recognize(input)));
    for (const [k, recognition] of heard.entries()) {
      const reference = await unbatched.recognize(inputs[k]);
      expect(recognition.duration_samples).toBe(inputs[k].samples.length);
      // Same phones and spans; scores are exp(mean log-prob), equal within the tolerance.
      expect(recognition.ipa).toBe(reference.ipa);
      expect(recognition.phones.map(({ phone, start, end }) => [phone, start, end])).toEqual(
        reference.phones.map(({ phone, start, end }) => [phone, start, end]),
      );
      recognition.phones.forEach((p, i) => expect(Math.abs(p.score - reference.phones[i].score)).toBeLessThanOrEqual(BATCH_TOLERANCE));
    }
  });

  it('reports the batch size in assessDetailed timings and rejects a silent request alone', async () => {
    const [a, b] = pieces(2);
    const silent = new Float32Array(24000);
    const outcomes = await Promise.allSettled([
      batched.assessDetailed({ audio: { samples: a, sampleRate: 16000 }, targetIpa: 'a e i' }),
      batched.logProbs({ samples: silent, sampleRate: 16000 }),
      batched.assessDetailed({ audio: { samples: b, sampleRate: 16000 }, targetIpa: 'o u m' }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(((outcomes[1] as PromiseRejectedResult).reason as { code?: string }).code).toBe('AUDIO_SILENT');
    const timings = outcomes.map((o) => (o.status === 'fulfilled' ? (o.value as { timings: { batchSize?: number } }).timings.batchSize : 0));
    expect(timings[0]).toBe(2);
    expect(timings[2]).toBe(2);
    const single = await unbatched.assessDetailed({ audio: { samples: a, sampleRate: 16000 }, targetIpa: 'a e i' });
    expect(single.timings.batchSize).toBe(1);
  });

  it('refuses batching for a bundle without a mask/length input or output.lengths (MODEL_UNAVAILABLE)', async () => {
    const error = await rejection(load(PLUMBING, { batching: { maxBatch: 4, maxWaitMs: 5 } }));
    expect(error.code).toBe('MODEL_UNAVAILABLE');
    expect(error.message).toMatch(/batching \(maxBatch 4\) needs .*output\.lengths/);
    await load(PLUMBING, { batching: { maxBatch: 1, maxWaitMs: 5 } }); // no batching: loads
  });
});

describe('precision', () => {
  it(`runs model_fp16 for precision fp16, within ${FP16_TOLERANCE} of fp32`, async () => {
    const fp32 = await load(waveformDir);
    const fp16 = await load(waveformDir, { precision: 'fp16' });
    const input = { samples: recording, sampleRate: 16000 };
    const a = await fp32.logProbs(input);
    const b = await fp16.logProbs(input);
    expect(b.numFrames).toBe(a.numFrames);
    const diff = maxAbsDiff(a.logProbs, b.logProbs);
    expect(diff).toBeLessThanOrEqual(FP16_TOLERANCE);
    expect(diff).toBeGreaterThan(0); // it really is another graph
    console.log(`fp16 vs fp32 log-probs on the 5 s recording: max abs diff ${diff.toExponential(2)}`);
  });

  it('fails with MODEL_UNAVAILABLE when the manifest names no model_fp16', async () => {
    const error = await rejection(load(maskedDir, { precision: 'fp16' }));
    expect(error.code).toBe('MODEL_UNAVAILABLE');
    expect(error.message).toContain('model_fp16');
  });
});

describe('IO binding', () => {
  it('gives bit-identical log-probabilities through the engine', async () => {
    const input = { samples: recording, sampleRate: 16000 };
    const plain = await (await load(maskedDir)).logProbs(input);
    const bound = await (await load(maskedDir, { ioBinding: true })).logProbs(input);
    expect(Array.from(bound.logProbs)).toEqual(Array.from(plain.logProbs));
  });
});

describe('load option validation', () => {
  it('refuses bad values with INVALID_INPUT naming the field, before loading anything', async () => {
    const bad: [LoadOptions, string][] = [
      [{ cuda: { memLimitBytes: -5 } }, 'cuda.memLimitBytes'],
      [{ cuda: { arenaExtendStrategy: 'grow' as never } }, 'cuda.arenaExtendStrategy'],
      [{ cuda: { cudnnConvAlgoSearch: 'EXHAUSTIVE' as never } }, 'cuda.cudnnConvAlgoSearch'],
      [{ cuda: { copyInDefaultStream: 'yes' as never } }, 'cuda.copyInDefaultStream'],
      [{ cuda: { useTf32: 1 as never } }, 'cuda.useTf32'],
      [{ cuda: { memLimit: 5 } as never }, 'cuda'],
      [{ precision: 'int8' as never }, 'precision'],
      [{ ioBinding: 'true' as never }, 'ioBinding'],
      [{ batching: { maxBatch: 0, maxWaitMs: 5 } }, 'batching.maxBatch'],
      [{ batching: { maxBatch: 4 } as never }, 'batching.maxWaitMs'],
      [{ batching: { maxBatch: 4, maxWaitMs: -1 } }, 'batching.maxWaitMs'],
      [{ provider: 'tpu' as never }, 'provider'],
    ];
    for (const [options, field] of bad) {
      const error = await rejection(load(join(maskedDir, 'absent'), options));
      expect(error.code, JSON.stringify(options)).toBe('INVALID_INPUT');
      expect(error.message).toContain(field);
    }
  });

  it.skipIf(native().availableProviders().includes('CUDAExecutionProvider'))(
    'passes the CUDA options to the addon (named in its MODEL_UNAVAILABLE error here)',
    async () => {
      const error = await rejection(
        load(maskedDir, { provider: 'cuda', cuda: { memLimitBytes: 1 << 30, arenaExtendStrategy: 'next_power_of_two', cudnnConvAlgoSearch: 'exhaustive', copyInDefaultStream: true } }),
      );
      expect(error.code).toBe('MODEL_UNAVAILABLE');
      expect(error.message).toContain(
        'device_id=0, gpu_mem_limit=1073741824, arena_extend_strategy=kNextPowerOfTwo, cudnn_conv_algo_search=EXHAUSTIVE, do_copy_in_default_stream=1)',
      );
    },
  );
});
