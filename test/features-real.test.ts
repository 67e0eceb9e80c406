// Frontend parity on real speech: three speechocean762 excerpts (CC BY 4.0, Zhang et al. 2021,
// github.com/jimbozhang/speechocean762; 3 s each, re-encoded by sox) in test/fixtures/frontends-real,
// with float64 references made by tools/fixtures/make_real_speech_fixtures.py (torchaudio /
// numpy; the default model's ESPnet log-mel with its GlobalMVN, Kaldi fbank with per-frame
// pre-emphasis, lhotse/ZIPA fbank with whole-signal pre-emphasis). The native frontends get the
// SAME float32 samples the references were computed from, so decoding and resampling do not enter
// that comparison; a separate test decodes the committed FLACs with the engine's own decoder and
// compares with the reference path's samples. Needs no python at run time.
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { native, type FrontendConfig } from '../lib/native.js';
import { maxAbsDiff } from './helpers/outcomes.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'frontends-real');
const FEATURE_TOLERANCE = 1e-3;
// FLAC at 16 kHz is lossless 16-bit: the engine's samples must equal torchaudio's exactly.
const DECODE_TOLERANCE_16K = 0;
// The 44.1 kHz FLAC goes through two different resamplers (the engine's, and torchaudio's Kaiser
// window, width 64, rolloff 0.948): they agree in the passband but not to the bit. Measured:
// max abs diff 1.85e-3, signal-to-difference 47.0 dB (the filters' cutoffs below 8 kHz differ, so
// the top of the band differs); the bounds leave a little room, not an order of magnitude.
const DECODE_TOLERANCE_RESAMPLED = 3e-3;
const RESAMPLED_MIN_SNR_DB = 40;

interface Recording {
  utt: string;
  flac: string;
  flacSampleRate: number;
  samples: string;
  length: number;
}
interface Case {
  name: string;
  utt: string;
  frontend: Record<string, unknown>;
  file: string;
  numFrames: number;
  dim: number;
}
const index = JSON.parse(readFileSync(join(FIXTURES, 'index.json'), 'utf8')) as { recordings: Recording[]; cases: Case[] };

function readF32(path: string): Float32Array {
  const bytes = readFileSync(path);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(bytes.byteLength / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(4 * i, true);
  return out;
}

/** The fixture's frontend as the addon takes it; GlobalMVN stats come from the file the model ships. */
function toFrontend(json: Record<string, unknown>): FrontendConfig {
  const { globalMvn, ...config } = json;
  if (typeof globalMvn === 'string') {
    const stats = JSON.parse(readFileSync(join(ROOT, globalMvn), 'utf8')) as { mean: number[]; std: number[] };
    Object.assign(config, { mean: Float32Array.from(stats.mean), std: Float32Array.from(stats.std) });
  }
  return config as unknown as FrontendConfig;
}

const samplesOf = new Map(index.recordings.map((r) => [r.utt, readF32(join(FIXTURES, r.samples))]));
const measured: string[] = [];
afterAll(() => console.log(`real-speech parity (max abs diff):\n  ${measured.join('\n  ')}`));

describe('frontends match float64 references on real recordings', () => {
  it('covers three recordings and the three frontends', () => {
    expect(index.recordings.length).toBe(3);
    expect(new Set(index.cases.map((c) => `${c.frontend.type}/${c.frontend.preemphasisScope ?? ''}`))).toEqual(
      new Set(['espnet_logmel/', 'kaldi_fbank/frame', 'kaldi_fbank/signal']),
    );
  });

  for (const c of index.cases) {
    it(c.name, async () => {
      const samples = samplesOf.get(c.utt)!;
      const expected = readF32(join(FIXTURES, c.file));
      const features = await native().computeFeatures(samples, toFrontend(c.frontend));
      expect([features.numFrames, features.dim]).toEqual([c.numFrames, c.dim]);
      const diff = maxAbsDiff(features.data, expected);
      measured.push(`${c.name}: ${diff.toExponential(2)}`);
      expect(diff).toBeLessThanOrEqual(FEATURE_TOLERANCE);
    });
  }

  it('tells the frontends apart: per-frame pre-emphasis misses the whole-signal reference by far more than the tolerance', async () => {
    const c = index.cases.find((k) => k.frontend.preemphasisScope === 'signal')!;
    const features = await native().computeFeatures(samplesOf.get(c.utt)!, toFrontend({ ...c.frontend, preemphasisScope: 'frame' }));
    expect(maxAbsDiff(features.data, readF32(join(FIXTURES, c.file)))).toBeGreaterThan(100 * FEATURE_TOLERANCE);
  });
});

describe("the engine's decoder on the committed FLACs", () => {
  for (const r of index.recordings) {
    it(`${r.flac} (${r.flacSampleRate} Hz) decodes to the reference path's samples`, async () => {
      const decoded = await native().decodeFile(join(FIXTURES, r.flac), { maxDurationSec: 60 });
      expect(decoded.originalSampleRate).toBe(r.flacSampleRate);
      expect(decoded.samples.length).toBe(r.length);
      const diff = maxAbsDiff(decoded.samples, samplesOf.get(r.utt)!);
      const reference = samplesOf.get(r.utt)!;
      let signal = 0;
      let error = 0;
      for (let i = 0; i < reference.length; i++) {
        signal += reference[i] ** 2;
        error += (decoded.samples[i] - reference[i]) ** 2;
      }
      const snrDb = error === 0 ? Infinity : 10 * Math.log10(signal / error);
      measured.push(`decode ${r.flac} vs torchaudio: ${diff.toExponential(2)} (SNR ${snrDb.toFixed(1)} dB)`);
      expect(diff).toBeLessThanOrEqual(r.flacSampleRate === 16000 ? DECODE_TOLERANCE_16K : DECODE_TOLERANCE_RESAMPLED);
      expect(snrDb).toBeGreaterThanOrEqual(RESAMPLED_MIN_SNR_DB);
    });
  }
});
