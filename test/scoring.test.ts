// The calibrated scorer's parts: the native alternatives binding against the forward algorithm,
// phone features on constructed posteriors, the MLP against hand-computed outputs, the
// decisions, the fluency features on signals with known pauses.
import { describe, expect, it } from 'vitest';
import { EditOpType, native, type ForcedAlignment } from '../lib/native.js';
import { judgedPhones } from '../lib/assessment/scoring/decisions.js';
import { MARGIN_CLIP_NATS, phoneFeatureNames, phoneFeatures, positionsInWord } from '../lib/assessment/scoring/features.js';
import { fluencyFeatures } from '../lib/assessment/scoring/fluency.js';
import { Mlp } from '../lib/assessment/scoring/mlp.js';
import { percentile } from '../lib/assessment/scoring/scorer.js';
import { measureSpeech, MIN_PAUSE_SEC } from '../lib/audio/speech-activity.js';
import { rejection } from './helpers/outcomes.js';
import { seededRandom } from '../bench/seeded-random.js';
import { randomLogProbs } from './helpers/brute-force.js';

/** Random frame posteriors (log-softmax of Gaussian logits), row-major frames x vocab. */
describe('ctcAlternatives (binding)', () => {
  it('equals ctcLogLikelihoods of every edited sequence', () => {
    const random = seededRandom(11);
    const addon = native();
    for (let trial = 0; trial < 20; trial++) {
      const V = 6;
      const T = 6 + Math.floor(random() * 10);
      const lp = randomLogProbs(random, T, V);
      const target = Int32Array.from({ length: 1 + Math.floor(random() * 4) }, () => 1 + Math.floor(random() * (V - 1)));
      const candidates = Int32Array.from([1, 2, 3, 4, 5]);
      const alt = addon.ctcAlternativesSync(lp, T, V, 0, target, candidates);
      const edited: Int32Array[] = [target];
      for (let i = 0; i < target.length; i++) {
        edited.push(Int32Array.from([...target.slice(0, i), ...target.slice(i + 1)]));
        for (const c of candidates) edited.push(Int32Array.from(target, (x, k) => (k === i ? c : x)));
      }
      const ll = addon.ctcLogLikelihoodsSync(lp, T, V, 0, edited);
      expect(alt.logLikelihood).toBeCloseTo(ll[0], 9);
      let k = 1;
      for (let i = 0; i < target.length; i++) {
        expect(alt.deletion[i]).toBeCloseTo(ll[k++], 9);
        for (let c = 0; c < candidates.length; c++) expect(alt.substitution[i * candidates.length + c]).toBeCloseTo(ll[k++], 9);
      }
    }
  });

  it('rejects the blank as a candidate with INVALID_INPUT, and the async call agrees with the sync one', async () => {
    const lp = randomLogProbs(seededRandom(3), 8, 4);
    const target = Int32Array.from([1, 2]);
    expect(await rejection(native().ctcAlternatives(lp, 8, 4, 0, target, Int32Array.from([0, 1])))).toMatchObject({ code: 'INVALID_INPUT' });
    const a = await native().ctcAlternatives(lp, 8, 4, 0, target, Int32Array.from([1, 2, 3]));
    const b = native().ctcAlternativesSync(lp, 8, 4, 0, target, Int32Array.from([1, 2, 3]));
    expect(Array.from(a.substitution)).toEqual(Array.from(b.substitution));
  });
});

describe('phoneFeatures', () => {
  // blank 0, a 1, b 2, c 3. Frames: a, blank, b-or-c (c wins), blank.
  const V = 4;
  const tokens = ['<blank>', 'a', 'b', 'c'];
  const rows = [
    [0.04, 0.9, 0.03, 0.03],
    [0.9, 0.04, 0.03, 0.03],
    [0.05, 0.05, 0.2, 0.7],
    [0.9, 0.04, 0.03, 0.03],
  ];
  const logProbs = Float32Array.from(rows.flat(), Math.log);
  const targetIds = Int32Array.from([1, 2]); // target "a b", spoken "a c"
  const candidateIds = Int32Array.from([1, 2, 3]);

  function features() {
    const addon = native();
    const alignment: ForcedAlignment = addon.ctcForcedAlignSync(logProbs, 4, V, 0, targetIds);
    const alternatives = addon.ctcAlternativesSync(logProbs, 4, V, 0, targetIds, candidateIds);
    return {
      alignment,
      f: phoneFeatures({
        logProbs,
        numFrames: 4,
        vocabSize: V,
        tokens,
        targetIds,
        alignment,
        alternatives,
        candidateIds,
        recognizerStatus: ['correct', 'substituted'],
        spans: [
          { start: 0, end: 1280 },
          { start: 1280, end: 2560 },
        ],
        wordOfPhone: [0, 0],
        durationSec: 0.16,
      }),
    };
  }

  it('names one column per feature and fills every row', () => {
    const { f } = features();
    expect(f.names).toEqual(phoneFeatureNames(tokens));
    expect(f.values.length).toBe(2 * f.names.length);
    expect(f.values.every(Number.isFinite)).toBe(true);
  });

  it('margins are the log-likelihood differences of the target against its edits (forward algorithm)', () => {
    const { f } = features();
    const ll = native().ctcLogLikelihoodsSync(logProbs, 4, V, 0, [
      targetIds,
      Int32Array.from([1, 3]), // b -> c: the best substitution of phone 1
      Int32Array.from([1]), // b deleted
    ]);
    const col = (name: string, i: number) => f.values[i * f.names.length + f.names.indexOf(name)];
    expect(col('sub_margin', 1)).toBeCloseTo(ll[0] - ll[1], 9);
    expect(col('del_margin', 1)).toBeCloseTo(ll[0] - ll[2], 9);
    // c explains the third frame better than b: the margin is negative, and c is the alternative.
    expect(col('sub_margin', 1)).toBeLessThan(0);
    expect(f.bestAlternative[1]).toBe(3);
    expect(f.alternativeMargin[1]).toBeCloseTo(Math.min(ll[0] - ll[1], ll[0] - ll[2]), 9);
  });

  it('lpp is the mean log-posterior of each token over the phone\'s aligned frames; is: marks the phone', () => {
    const { f, alignment } = features();
    const s = alignment.startFrames[1];
    const e = alignment.endFrames[1];
    const col = (name: string) => f.values[1 * f.names.length + f.names.indexOf(name)];
    for (let v = 0; v < V; v++) {
      let mean = 0;
      for (let t = s; t < e; t++) mean += Math.log(rows[t][v]) / (e - s);
      expect(col(`lpp:${tokens[v]}`)).toBeCloseTo(mean, 5);
    }
    expect(col('is:b')).toBe(1);
    expect(col('is:a')).toBe(0);
    expect(col('status_substituted')).toBe(1);
    expect(col('pos_end')).toBe(1);
    expect(col('log_duration')).toBeCloseTo(Math.log(0.08), 9);
  });

  it('clips margins at ±MARGIN_CLIP_NATS where an edit is impossible', () => {
    // One frame cannot hold "a a" (a blank is needed between them): deleting either phone is far more likely.
    const lp = Float32Array.from([0.1, 0.8, 0.05, 0.05].map(Math.log));
    const t2 = Int32Array.from([1, 2]);
    const addon = native();
    const alternatives = addon.ctcAlternativesSync(lp, 1, V, 0, Int32Array.from([1]), candidateIds);
    expect(Number.isFinite(alternatives.logLikelihood)).toBe(true);
    const two = addon.ctcAlternativesSync(lp, 1, V, 0, t2, candidateIds);
    expect(two.logLikelihood).toBe(-Infinity);
    expect(Math.max(...two.deletion)).toBeGreaterThan(-Infinity);
    const clipped = phoneFeatures({
      logProbs: lp,
      numFrames: 1,
      vocabSize: V,
      tokens,
      targetIds: t2,
      alignment: { startFrames: Int32Array.from([0, 0]), endFrames: Int32Array.from([1, 1]), meanLogProbs: Float32Array.from([0, 0]), logPosteriorRatios: Float32Array.from([0, 0]), pathLogProb: 0 },
      alternatives: two,
      candidateIds,
      recognizerStatus: ['correct', 'correct'],
      spans: [
        { start: 0, end: 320 },
        { start: 320, end: 640 },
      ],
      wordOfPhone: [0, 0],
      durationSec: 0.04,
    });
    const del = clipped.values[clipped.names.indexOf('del_margin')];
    expect(del).toBe(-MARGIN_CLIP_NATS);
  });

  it('positions in word: begin, inside, end, single', () => {
    expect(positionsInWord([0, 0, 0, 1, 2, 2])).toEqual([0, 1, 2, 3, 0, 2]);
  });
});

describe('Mlp', () => {
  it('standardises, applies ReLU between layers and none after the last (hand-computed)', () => {
    const mlp = new Mlp({
      features: ['x', 'y'],
      mean: [1, 0],
      std: [2, 1],
      layers: [
        { weight: [[1, -1], [0.5, 2]], bias: [0, -1] },
        { weight: [[2, 3]], bias: [0.5] },
      ],
      outputs: ['out'],
    });
    // x' = (3 - 1) / 2 = 1, y' = 2: hidden = relu([1 - 2, 0.5 + 4 - 1]) = [0, 3.5]; out = 0 + 10.5 + 0.5.
    expect(Array.from(mlp.apply([3, 2]))).toEqual([11]);
    // A negative last-layer sum is not rectified.
    expect(mlp.apply([1, 0])[0]).toBeCloseTo(2 * 0 + 3 * 0 + 0.5);
    expect(new Mlp({ features: ['x'], mean: [0], std: [1], layers: [{ weight: [[-2]], bias: [0] }], outputs: ['o'] }).apply([1])[0]).toBe(-2);
  });

  it('refuses inconsistent shapes', () => {
    expect(() => new Mlp({ features: ['x', 'y'], mean: [0], std: [1, 1], layers: [{ weight: [[1, 1]], bias: [0] }], outputs: ['o'] })).toThrow(/mean and std/);
    expect(() => new Mlp({ features: ['x'], mean: [0], std: [1], layers: [{ weight: [[1, 1]], bias: [0] }], outputs: ['o'] })).toThrow(/row 0 has 2 weights/);
    expect(() => new Mlp({ features: ['x'], mean: [0], std: [1], layers: [{ weight: [[1]], bias: [0] }], outputs: ['o', 'p'] })).toThrow(/1 outputs, 2 are named/);
  });
});

describe('judgedPhones', () => {
  const spans = [0, 1, 2, 3].map((k) => ({ start: 1000 * k, end: 1000 * (k + 1) }));
  const posteriors = [0.9, 0.9, 0.9, 0.9];

  it('replaces a flagged phone by its alternative, drops a flagged deletion, keeps the rest as the target', () => {
    const out = judgedPhones({
      targetPhones: ['a', 'b', 'c', 'd'],
      targetSpans: spans,
      targetPosteriors: posteriors,
      flagged: [false, true, true, false],
      alternatives: ['x', 'e', null, 'y'],
      recognized: [],
      recognizerEdits: { distance: 0, types: new Uint8Array(), targetIndices: new Int32Array(), actualIndices: new Int32Array() },
    });
    expect(out.map((p) => p.phone)).toEqual(['a', 'e', 'd']);
    expect(out[1]).toMatchObject(spans[1]);
  });

  it('keeps every insertion of the recogniser\'s (verified) edit script, before its target position', () => {
    const M = EditOpType.Match;
    const I = EditOpType.Insert;
    const S = EditOpType.Substitute;
    // target a b c d; recognised a X b Y Z d: X inserted before b; Y for c, then Z inserted before d.
    const recognized = ['a', 'X', 'b', 'Y', 'Z', 'd'].map((phone, k) => ({ phone, start: 500 * k, end: 500 * k + 400, score: 0.5 }));
    const out = judgedPhones({
      targetPhones: ['a', 'b', 'c', 'd'],
      targetSpans: spans,
      targetPosteriors: posteriors,
      flagged: [false, false, false, false],
      alternatives: [null, null, null, null],
      recognized,
      recognizerEdits: { distance: 3, types: Uint8Array.from([M, I, M, S, I, M]), targetIndices: Int32Array.from([0, 1, 1, 2, 3, 3]), actualIndices: Int32Array.from([0, 1, 2, 3, 4, 5]) },
    });
    // c is not flagged, so it is judged spoken as c; the extra phones stay where they were heard.
    expect(out.map((p) => p.phone)).toEqual(['a', 'X', 'b', 'c', 'Z', 'd']);
    expect(out[1]).toMatchObject({ start: 500, end: 900 });
    expect(out[4]).toMatchObject({ start: 2000, end: 2400 });
  });
});

describe('fluency features', () => {
  /** Noise bursts (speech-like level) separated by digital silence with a little noise floor. */
  function bursts(pattern: [number, boolean][]): Float32Array {
    const random = seededRandom(5);
    const out: number[] = [];
    for (const [sec, loud] of pattern) {
      for (let n = 0; n < Math.round(sec * 16000); n++) out.push((random() - 0.5) * (loud ? 0.5 : 0.0005));
    }
    return Float32Array.from(out);
  }

  it('finds pauses of at least MIN_PAUSE_SEC inside the speech and measures them to a frame', () => {
    const speech = measureSpeech(bursts([[0.5, false], [0.6, true], [0.5, false], [0.6, true], [0.1, false], [0.6, true], [0.4, false]]));
    expect(speech.pauses).toHaveLength(1);
    expect(speech.pauses[0].startSec).toBeCloseTo(1.1, 1);
    expect(speech.pauses[0].endSec - speech.pauses[0].startSec).toBeGreaterThan(0.45);
    expect(speech.pauses[0].endSec - speech.pauses[0].startSec).toBeLessThan(0.52);
    expect(speech.speakingSpanSec).toBeGreaterThan(2.35);
    expect(speech.speakingSpanSec).toBeLessThan(2.45);
    expect(MIN_PAUSE_SEC).toBeGreaterThan(0.1);
    const f = fluencyFeatures(speech, 24);
    expect(f.pauseCount).toBe(1);
    expect(f.phonesPerSec).toBeCloseTo(24 / speech.speakingSpanSec, 9);
    expect(f.articulationRate).toBeCloseTo(24 / (speech.speakingSpanSec - f.pauseSec), 9);
    expect(f.longestPauseSec).toBe(f.pauseSec);
  });
});

describe('percentile', () => {
  it('interpolates linearly between order statistics, as numpy.percentile does by default', () => {
    // numpy.percentile([4, 1, 3, 2], [0, 10, 25, 50, 100]) -> [1, 1.3, 1.75, 2.5, 4]
    expect([0, 10, 25, 50, 100].map((p) => percentile([4, 1, 3, 2], p))).toEqual([1, 1.3, 1.75, 2.5, 4].map((x) => expect.closeTo(x, 12)));
    expect(percentile([7], 10)).toBe(7);
  });
});
