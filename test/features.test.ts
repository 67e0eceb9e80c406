// computeFeatures against committed reference fixtures (test/fixtures/frontends, made by
// tools/fixtures/make_frontend_fixtures.py from torchaudio / torch.stft / numpy in float64),
// plus frame counts and config errors. Needs no torch at run time.
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  native,
  type EspnetLogMelFrontend,
  type FrontendConfig,
  type KaldiFbankFrontend,
  type WaveformFrontend,
} from '../lib/native.js';
import { maxAbsDiff } from './helpers/outcomes.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'frontends');
// The accuracy target for log features; waveform outputs are plain scaled samples.
const LOG_FEATURE_TOLERANCE = 1e-3;
const WAVEFORM_TOLERANCE = 1e-5;

interface FixtureCase {
  name: string;
  input: string;
  frontend: Record<string, unknown>;
  reference: string;
  expected: { file: string; numFrames: number; dim: number };
}
interface FixtureIndex {
  inputs: Record<string, { file: string; length: number }>;
  cases: FixtureCase[];
}

function readF32(file: string): Float32Array {
  const bytes = readFileSync(join(FIXTURES, file));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(bytes.byteLength / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(4 * i, true);
  return out;
}

function toFrontend(json: Record<string, unknown>): FrontendConfig {
  const config: Record<string, unknown> = { ...json };
  for (const key of ['mean', 'std']) {
    if (Array.isArray(config[key])) config[key] = Float32Array.from(config[key] as number[]);
  }
  return config as unknown as FrontendConfig;
}

const index = JSON.parse(readFileSync(join(FIXTURES, 'index.json'), 'utf8')) as FixtureIndex;
const inputs = new Map(Object.entries(index.inputs).map(([name, info]) => [name, readF32(info.file)]));
const worstByFrontend = new Map<string, number>();

afterAll(() => {
  for (const [frontend, diff] of worstByFrontend) {
    console.log(`computeFeatures ${frontend}: max abs diff vs reference ${diff.toExponential(2)}`);
  }
});

describe('computeFeatures matches the reference fixtures', () => {
  it('has fixtures for every frontend kind and scope', () => {
    const kinds = new Set(index.cases.map((c) => `${c.frontend.type}/${c.frontend.preemphasisScope ?? ''}`));
    expect(kinds).toEqual(new Set(['waveform/', 'espnet_logmel/', 'kaldi_fbank/frame', 'kaldi_fbank/signal']));
  });

  for (const fixture of index.cases) {
    it(fixture.name, async () => {
      const samples = inputs.get(fixture.input)!;
      expect(samples.length).toBe(index.inputs[fixture.input].length);
      const expected = readF32(fixture.expected.file);
      const features = await native().computeFeatures(samples, toFrontend(fixture.frontend));
      expect(features.numFrames).toBe(fixture.expected.numFrames);
      expect(features.dim).toBe(fixture.expected.dim);
      expect(features.data).toBeInstanceOf(Float32Array);
      expect(features.data.length).toBe(expected.length);
      const diff = maxAbsDiff(features.data, expected);
      const kind = fixture.frontend.type === 'kaldi_fbank'
        ? `kaldi_fbank (${fixture.frontend.preemphasisScope})`
        : String(fixture.frontend.type);
      worstByFrontend.set(kind, Math.max(worstByFrontend.get(kind) ?? 0, diff));
      expect(diff).toBeLessThanOrEqual(fixture.frontend.type === 'waveform' ? WAVEFORM_TOLERANCE : LOG_FEATURE_TOLERANCE);
    });
  }

  it('gives the same results when every fixture runs concurrently', async () => {
    const runs = index.cases.map((c) => native().computeFeatures(inputs.get(c.input)!, toFrontend(c.frontend)));
    const results = await Promise.all(runs);
    results.forEach((features, i) => {
      expect(maxAbsDiff(features.data, readF32(index.cases[i].expected.file))).toBeLessThanOrEqual(LOG_FEATURE_TOLERANCE);
    });
  });
});

const ESPNET: EspnetLogMelFrontend = {
  type: 'espnet_logmel', nFft: 512, winLength: 400, hopLength: 160, nMels: 80, fmin: 0, fmax: 8000, center: true,
  logFloor: 1e-10,
};
const KALDI: KaldiFbankFrontend = {
  type: 'kaldi_fbank', numMelBins: 80, frameLengthMs: 25, frameShiftMs: 10, dither: 0, preemphasis: 0.97,
  preemphasisScope: 'frame', removeDcOffset: true, window: 'povey', snipEdges: true, lowFreq: 20, highFreq: -400,
  logFloor: 1.1920928955078125e-7,
};
const WAVEFORM: WaveformFrontend = { type: 'waveform', normalize: true, epsilon: 1e-7 };

function noise(length: number, seed = 1): Float32Array {
  let state = seed;
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    out[i] = state / 2147483648 - 0.5;
  }
  return out;
}

// Calls computeFeatures and returns the error code, whether it was thrown synchronously or rejected.
async function errorCode(samples: unknown, frontend: unknown): Promise<string> {
  try {
    await native().computeFeatures(samples as Float32Array, frontend as FrontendConfig);
  } catch (e) {
    return (e as { code: string }).code;
  }
  return 'NO_ERROR';
}

describe('computeFeatures frame counts', () => {
  // Kaldi NumFrames (feature-window.cc) and torch.stft's centred count, written out independently.
  const lengths = [79, 80, 255, 256, 257, 399, 400, 401, 559, 560, 561, 16000, 16079, 16080, 32037];
  for (const n of lengths) {
    it(`${n} samples`, async () => {
      const samples = noise(n);
      const kaldiSnip = n < 400 ? 0 : 1 + Math.floor((n - 400) / 160);
      const kaldiNoSnip = Math.floor((n + 80) / 160);
      const espnetCentered = n <= 256 ? 0 : Math.floor(n / 160) + 1;
      const espnetPlain = n < 512 ? 0 : 1 + Math.floor((n - 512) / 160);
      const cases: [FrontendConfig, number][] = [
        [KALDI, kaldiSnip],
        [{ ...KALDI, snipEdges: false }, kaldiNoSnip],
        [{ ...KALDI, snipEdges: false, preemphasisScope: 'signal' }, kaldiNoSnip],
        [ESPNET, espnetCentered],
        [{ ...ESPNET, center: false }, espnetPlain],
      ];
      for (const [frontend, frames] of cases) {
        if (frames === 0) {
          expect(await errorCode(samples, frontend)).toBe('AUDIO_TOO_SHORT');
        } else {
          const f = await native().computeFeatures(samples, frontend);
          expect(f.numFrames).toBe(frames);
          expect(f.data.length).toBe(frames * f.dim);
          expect(f.data.every(Number.isFinite)).toBe(true);
        }
      }
    });
  }

  it('waveform keeps one row per sample and rejects empty audio', async () => {
    const f = await native().computeFeatures(noise(1234), WAVEFORM);
    expect([f.numFrames, f.dim, f.data.length]).toEqual([1234, 1, 1234]);
    expect(await errorCode(new Float32Array(0), WAVEFORM)).toBe('AUDIO_TOO_SHORT');
  });
});

describe('waveform frontend on known signals', () => {
  it('passes samples through unchanged without normalisation', async () => {
    const samples = noise(1000, 7);
    const f = await native().computeFeatures(samples, { ...WAVEFORM, normalize: false });
    expect(f.data).toEqual(samples);
  });

  it('maps a +-3 square wave around 2 to +-1/sqrt(1 + eps/9)', async () => {
    const samples = Float32Array.from({ length: 1000 }, (_, i) => (i % 2 === 0 ? 5 : -1));
    const f = await native().computeFeatures(samples, { ...WAVEFORM, epsilon: 0.09 });
    const expected = 1 / Math.sqrt(1 + 0.01);
    for (let i = 0; i < samples.length; i++) expect(f.data[i]).toBeCloseTo(i % 2 === 0 ? expected : -expected, 6);
  });
});

describe('computeFeatures config errors', () => {
  const samples = noise(16000);
  const invalid: [string, unknown, unknown][] = [
    ['non-zero dither', samples, { ...KALDI, dither: 0.1 }],
    ['nFft below winLength', samples, { ...ESPNET, nFft: 256 }],
    ['nFft not a power of two', samples, { ...ESPNET, nFft: 500 }],
    ['fmax above Nyquist', samples, { ...ESPNET, fmax: 9000 }],
    ['fmin >= fmax', samples, { ...ESPNET, fmin: 4000, fmax: 4000 }],
    ['mean of the wrong length', samples, { ...ESPNET, mean: new Float32Array(79), std: new Float32Array(79).fill(1) }],
    ['std with a zero', samples, { ...ESPNET, mean: new Float32Array(80), std: new Float32Array(80) }],
    ['mean without std', samples, { ...ESPNET, mean: new Float32Array(80) }],
    ['mean as a plain array', samples, { ...ESPNET, mean: [0], std: [1] }],
    ['non-integer hop', samples, { ...ESPNET, hopLength: 1.5 }],
    ['zero hop', samples, { ...ESPNET, hopLength: 0 }],
    ['zero logFloor', samples, { ...ESPNET, logFloor: 0 }],
    ['zero mel bins', samples, { ...KALDI, numMelBins: 0 }],
    ['zero frame shift', samples, { ...KALDI, frameShiftMs: 0 }],
    ['negative frame length', samples, { ...KALDI, frameLengthMs: -25 }],
    ['highFreq resolving below lowFreq', samples, { ...KALDI, highFreq: -7990 }],
    ['highFreq above Nyquist', samples, { ...KALDI, highFreq: 8001 }],
    ['unknown pre-emphasis scope', samples, { ...KALDI, preemphasisScope: 'utterance' }],
    ['unknown window', samples, { ...KALDI, window: 'blackman' }],
    ['missing field', samples, { ...KALDI, lowFreq: undefined }],
    ['string number', samples, { ...KALDI, numMelBins: '80' }],
    ['unknown frontend type', samples, { type: 'mfcc' }],
    ['frontend not an object', samples, 'kaldi_fbank'],
    ['waveform epsilon 0', samples, { ...WAVEFORM, epsilon: 0 }],
    ['Float64Array samples', new Float64Array(16000), KALDI],
    ['plain array samples', Array.from(samples), KALDI],
    ['NaN sample', Float32Array.from(samples, (x, i) => (i === 500 ? NaN : x)), KALDI],
  ];
  for (const [what, input, frontend] of invalid) {
    it(`rejects ${what} with INVALID_INPUT`, async () => {
      expect(await errorCode(input, frontend)).toBe('INVALID_INPUT');
    });
  }

  it('throws config errors synchronously, before any work is queued', () => {
    expect(() => native().computeFeatures(samples, { ...KALDI, dither: 1 })).toThrow(/dither/);
  });
});
