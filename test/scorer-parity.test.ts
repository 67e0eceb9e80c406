// The shipped scorer evaluated in TypeScript (lib/assessment/scoring/scorer.ts) against the same scorer
// evaluated in numpy by its trainer (tools/scorer/train.py wrote test/fixtures/scorer/parity.json
// from real held-out utterances' features): phone, word and sentence predictions agree.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadManifest } from '../lib/model/manifest.js';
import { MARGIN_CLIP_NATS, phoneFeatureNames, type PhoneFeatures } from '../lib/assessment/scoring/features.js';
import { Scorer, type FluencyFeatures } from '../lib/assessment/scoring/scorer.js';
import { rejection } from './helpers/outcomes.js';

const BUNDLE = join(__dirname, '..', 'models', 'default');
const FIXTURE = join(__dirname, 'fixtures', 'scorer', 'parity.json');

interface ParityCase {
  id: string;
  features: number[];
  words: [number, number][];
  fluency: FluencyFeatures;
  expected: { accuracy: number[]; mispronounced: number[]; word_accuracy: number[]; sentence_accuracy: number; fluency: number };
}

describe('the bundled scorer in TypeScript equals its trainer\'s numpy evaluation', async () => {
  const manifest = await loadManifest(BUNDLE);
  const names = phoneFeatureNames(manifest.vocabulary.tokens);
  const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { feature_names: string[]; cases: ParityCase[] };

  it('the fixture was made with the features this engine computes for the model', () => {
    expect(fixture.feature_names).toEqual(names);
    expect(manifest.scorerPath).toBe(join(BUNDLE, 'scorer.json'));
  });

  it.each(fixture.cases.map((c) => [c.id, c] as const))('utterance %s', async (_id, c) => {
    const scorer = await Scorer.load(manifest.scorerPath!, names);
    const features: PhoneFeatures = { names, values: Float64Array.from(c.features), bestAlternative: [], alternativeMargin: [] };
    const phones = scorer.phones(features);
    expect(phones.accuracy).toHaveLength(c.expected.accuracy.length);
    expect(phones.mispronounced).toHaveLength(c.expected.mispronounced.length);
    phones.accuracy.forEach((a, i) => expect(a).toBeCloseTo(c.expected.accuracy[i], 6));
    phones.mispronounced.forEach((p, i) => expect(p).toBeCloseTo(c.expected.mispronounced[i], 6));
    const col = (name: string) => Array.from({ length: phones.accuracy.length }, (_, i) => c.features[i * names.length + names.indexOf(name)]);
    const lpr = col('lpr');
    // The fixture holds the clipped margin columns; their minimum is the clipped margin over the best alternative.
    const sub = col('sub_margin');
    const del = col('del_margin');
    const margin = sub.map((s, i) => Math.max(-MARGIN_CLIP_NATS, Math.min(MARGIN_CLIP_NATS, Math.min(s, del[i]))));
    const words = scorer.words(c.words, phones, lpr, margin);
    expect(words).toHaveLength(c.expected.word_accuracy.length);
    words.forEach((w, i) => expect(w).toBeCloseTo(c.expected.word_accuracy[i], 5));
    const utterance = scorer.utteranceScores(phones, words, lpr, margin, c.fluency);
    expect(utterance.accuracy).toBeCloseTo(c.expected.sentence_accuracy, 5);
    expect(utterance.fluency).toBeCloseTo(c.expected.fluency, 5);
  });

  it('a scorer naming a feature the engine does not compute is MODEL_UNAVAILABLE naming it', async () => {
    const error = await rejection(Scorer.load(manifest.scorerPath!, names.filter((n) => n !== 'lpr')));
    expect(error).toMatchObject({ code: 'MODEL_UNAVAILABLE' });
    expect(error.message).toMatch(/"lpr"/);
  });
});
