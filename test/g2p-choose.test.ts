// Audio-guided choice (lib/g2p/choose.ts and generateIpa with audio), on log-probabilities made
// from a known phone sequence: the search must find the candidates that made them. The real
// recogniser test is test/g2p-audio.test.ts.
import { describe, expect, it } from 'vitest';
import type { Engine } from '../lib/engine.js';
import { LogProbs } from '../lib/gateway.js';
import { generateIpa } from '../lib/g2p/generate-ipa.js';
import { choiceMargin, chooseCandidates, type CandidateIds } from '../lib/g2p/choose.js';
import { buildVocabulary, type ModelManifest } from '../lib/model/manifest.js';
import { native, type InferenceResult } from '../lib/native.js';
import { seededRandom } from '../bench/seeded-random.js';

const PHONES = 'p b t d k ɡ f v θ ð s z ʃ ʒ h tʃ dʒ m n ŋ l ɹ w j i iː ɪ eɪ ɛ æ ɑː ɔː oʊ ʊ uː ʌ ə ɚ ɜː aɪ aʊ ɔɪ'.split(' ');
const TOKENS = ['<blank>', ...PHONES];
const V = TOKENS.length;

/** Log-probabilities a peaky CTC model might give for `ids`: 2-5 frames a phone, blanks between, some noise. */
function logProbsFor(ids: readonly number[], random: () => number): InferenceResult {
  const frames: number[] = [];
  const push = (id: number) => frames.push(id);
  push(0);
  for (const id of ids) {
    const n = 2 + Math.floor(random() * 4);
    for (let k = 0; k < n; k++) push(id);
    if (random() < 0.5) push(0);
  }
  push(0);
  const data = new Float32Array(frames.length * V);
  frames.forEach((id, t) => {
    const row = Array.from({ length: V }, () => random() * 2);
    row[id] += 6 + random() * 2;
    const max = Math.max(...row);
    const logSum = max + Math.log(row.reduce((s, x) => s + Math.exp(x - max), 0));
    row.forEach((x, v) => (data[t * V + v] = x - logSum));
  });
  return { logProbs: data, numFrames: frames.length, vocabSize: V, timings: { featuresMs: 0, inferenceMs: 0 } };
}

const idsOf = (phones: string) => Int32Array.from(phones.split(' '), (p) => TOKENS.indexOf(p));

function scorerFor(lp: InferenceResult) {
  return async (targets: Int32Array) => {
    try {
      return (await native().ctcForcedAlign(lp.logProbs, lp.numFrames, lp.vocabSize, 0, targets)).pathLogProb;
    } catch {
      return -Infinity;
    }
  };
}

describe('chooseCandidates', () => {
  it('finds the candidates that made the log-probabilities (300 random utterances)', async () => {
    const random = seededRandom(42);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];
    let right = 0;
    let total = 0;
    for (let trial = 0; trial < 300; trial++) {
      // 2-5 words of 2-5 phones, each with 2-3 candidates that differ by a substitution,
      // a deletion or an insertion; the utterance is made from a random candidate of each.
      const words: CandidateIds[][] = [];
      const truth: number[] = [];
      for (let w = 0; w < 2 + Math.floor(random() * 4); w++) {
        const base = Array.from({ length: 2 + Math.floor(random() * 4) }, () => 1 + Math.floor(random() * PHONES.length));
        const variants = [base];
        while (variants.length < 2 + Math.floor(random() * 2)) {
          const v = [...base];
          const at = Math.floor(random() * v.length);
          const kind = pick(['sub', 'del', 'ins']);
          if (kind === 'sub') v[at] = 1 + ((v[at] + Math.floor(random() * (PHONES.length - 1))) % PHONES.length);
          else if (kind === 'del' && v.length > 1) v.splice(at, 1);
          else v.splice(at, 0, 1 + Math.floor(random() * PHONES.length));
          if (!variants.some((x) => x.join() === v.join())) variants.push(v);
        }
        words.push(variants.map((v) => Int32Array.from(v)));
        truth.push(Math.floor(random() * variants.length));
      }
      const spoken = truth.flatMap((c, w) => [...(words[w][c] as Int32Array)]);
      const result = await chooseCandidates(words, scorerFor(logProbsFor(spoken, random)));
      truth.forEach((c, w) => {
        total += 1;
        if (result.chosen[w] === c) right += 1;
      });
      expect(result.passes).toBeLessThanOrEqual(3);
    }
    expect(right / total).toBeGreaterThanOrEqual(0.99);
  });

  it('skips unscorable candidates, keeps the first on ties, and reports a margin against different phones', async () => {
    const lp = logProbsFor([...idsOf('h ə l oʊ')], seededRandom(1));
    const result = await chooseCandidates([[null, idsOf('h ɛ l oʊ'), idsOf('h ə l oʊ'), idsOf('h ə l oʊ')]], scorerFor(lp));
    expect(result.chosen).toEqual([2]);
    expect(result.logLikelihoods[0][0]).toBeNull();
    const keys = [null, 'a', 'b', 'b'];
    const margin = choiceMargin(result.logLikelihoods[0], keys, 2)!;
    expect(margin).toBeCloseTo(result.logLikelihoods[0][2]! - result.logLikelihoods[0][1]!, 6);
    expect(margin).toBeGreaterThan(0);
    expect(choiceMargin([-5, -5], ['x', 'x'], 0)).toBeNull();
    expect(choiceMargin([-5, -Infinity], ['x', 'y'], 0)).toBeNull();
    await expect(chooseCandidates([[null]], scorerFor(lp))).rejects.toThrow(/no candidate/u);
  });

  it('treats a candidate too long for the recording as impossible', async () => {
    const lp = logProbsFor([...idsOf('t uː')], seededRandom(3));
    const tooLong = Int32Array.from({ length: lp.numFrames + 5 }, (_, k) => 1 + (k % 3));
    const result = await chooseCandidates([[tooLong, idsOf('t uː')]], scorerFor(lp));
    expect(result.chosen).toEqual([1]);
    expect(result.logLikelihoods[0][0]).toBe(-Infinity);
  });
});

describe('generateIpa with audio (an engine whose log-probabilities are made from known phones)', () => {
  function fakeEngine(spoken: string): Engine {
    const vocabulary = buildVocabulary(TOKENS, 0, 'plain', []);
    const manifest = { vocabulary, maxDurationSec: 60 } as unknown as ModelManifest;
    const lp = logProbsFor([...idsOf(spoken)], seededRandom(7));
    // A fresh handle per call: generateIpa releases the log-probabilities it was given.
    const inference = async () => ({ logProbs: LogProbs.fromArray(lp.logProbs, lp.numFrames, lp.vocabSize, 0), timings: lp.timings });
    return { manifest, inference } as unknown as Engine;
  }
  const audio = { samples: new Float32Array(16000), sampleRate: 16000 };

  it.each([
    ['ɹ ɛ d', '/ɹ//ɛ//d/'],
    ['ɹ iː d', '/ɹ//iː//d/'],
  ])('chooses "read" as it was spoken: %s', async (spoken, expected) => {
    const result = await generateIpa({ text: 'read', audio }, { engine: fakeEngine(spoken) });
    expect(result.ipa_phonemes).toBe(expected);
    const [word] = result.words;
    expect(word.chosen).toBe(expected);
    expect(word.margin).toBeGreaterThan(0);
    const best = Math.max(...word.candidates!.map((c) => c.log_likelihood ?? -Infinity));
    expect(word.candidates!.find((c) => c.ipa === expected)!.log_likelihood).toBe(best);
  });

  it('chooses per word in a sentence, and candidates outside the inventory are not scored', async () => {
    // "the" spoken as ði, "read" as ɹɛd; espeak-ng's ᵻ/ɐ-style phones are outside this inventory.
    const result = await generateIpa({ text: 'I read the book', audio }, { engine: fakeEngine('aɪ ɹ ɛ d ð i b ʊ k') });
    expect(result.ipa_phonemes).toBe('/aɪ// //ɹ//ɛ//d// //ð//i// //b//ʊ//k/');
    for (const word of result.words) {
      for (const c of word.candidates!) expect(c.log_likelihood === null || Number.isFinite(c.log_likelihood)).toBe(true);
    }
  });

  it('refuses audio too short for the text, and a word no candidate of which the model can express', async () => {
    await expect(generateIpa({ text: 'a very long sentence for so short a recording', audio }, { engine: fakeEngine('ə') })).rejects.toMatchObject({
      code: 'AUDIO_TOO_SHORT',
    });
    await expect(generateIpa({ text: 'Bonjour', language: 'fr-fr', audio }, { engine: fakeEngine('b') })).rejects.toMatchObject({ code: 'IPA_INVALID' });
  });
});
