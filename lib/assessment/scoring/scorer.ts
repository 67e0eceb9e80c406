// The calibrated scorer: small networks, trained on experts' scores (tools/scorer/), that turn
// what the engine measured into predictions of the experts' scales.
//
// - phone: per target phone, the experts' 0-2 accuracy and the probability that they scored it
//   1.0 or below ("mispronounced", speechocean762's definition for detection);
// - word: the experts' 0-10 word accuracy, from the word's phone predictions;
// - utterance: the experts' 0-10 sentence accuracy and fluency, from the phone and word
//   predictions and the fluency features.
//
// A scorer belongs to one acoustic model (its features are that model's posteriors); the
// bundle's manifest names it ("scorer": "scorer.json"). Its error thresholds are operating
// points chosen on speaker-held-out predictions when it was trained.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { EngineError } from '../../errors.js';
import { mlpSchema, Mlp } from './mlp.js';
import type { PhoneFeatures } from './features.js';
import type { Strictness } from '../../types.js';


const scorerSchema = z.strictObject({
  format_version: z.literal(1),
  name: z.string().min(1),
  description: z.string().default(''),
  phone: mlpSchema,
  word: mlpSchema,
  utterance: mlpSchema,
  /** P(mispronounced) at or above which a phone is reported as an error, per strictness level. */
  thresholds: z.strictObject({ lenient: z.number(), balanced: z.number(), strict: z.number() }),
  /**
   * A phone is also an error where another phone (or none) explains the audio this many nats
   * better than the target does (features.ts alternativeMargin <= -this), whatever the network
   * says: evidence the recogniser is sure of. Absent: no such rule.
   */
  evidence_margin_nats: z.number().positive().optional(),
  /** Where the scorer came from (speakers, folds, figures); shown, never interpreted. */
  training: z.record(z.string(), z.unknown()).default({}),
});

export type ScorerJson = z.output<typeof scorerSchema>;

export interface PhonePredictions {
  /** Predicted expert accuracy, 0-2. */
  accuracy: number[];
  /** P(experts score the phone <= 1.0). */
  mispronounced: number[];
}

export interface FluencyFeatures {
  /** Target phones per second over the speaking span (first to last speech frame). */
  phonesPerSec: number;
  /** Target phones per second of the speaking span without its pauses. */
  articulationRate: number;
  pauseCount: number;
  pauseSec: number;
  longestPauseSec: number;
}

export interface UtterancePredictions {
  /** Predicted expert sentence accuracy, 0-10. */
  accuracy: number;
  /** Predicted expert fluency, 0-10. */
  fluency: number;
}

export const WORD_FEATURES = ['mean_phone_accuracy', 'min_phone_accuracy', 'max_mispronounced', 'mean_mispronounced', 'log_phones', 'mean_lpr', 'mean_margin'] as const;
export const UTTERANCE_FEATURES = [
  'mean_phone_accuracy',
  'min_phone_accuracy',
  'mean_mispronounced',
  'mean_word_accuracy',
  'min_word_accuracy',
  'mean_lpr',
  'mean_margin',
  'phones_per_sec',
  'articulation_rate',
  'pause_count',
  'pause_sec',
  'longest_pause_sec',
  'std_phone_accuracy',
  'p10_phone_accuracy',
  'p25_phone_accuracy',
  'share_mispronounced_over_half',
  'max_mispronounced',
  'p10_lpr',
  'p10_margin',
  'log_phones',
] as const;

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(xs.length, 1);
const std = (xs: readonly number[]) => {
  const m = mean(xs);
  return Math.sqrt(mean(xs.map((x) => (x - m) ** 2)));
};

/** The p-th percentile with linear interpolation between order statistics (numpy's default). */
export function percentile(xs: readonly number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const pos = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
}

/** Column index of each of `wanted` in `available`; Error naming the first one missing. */
function columns(wanted: readonly string[], available: readonly string[], what: string): number[] {
  const index = new Map(available.map((name, i) => [name, i]));
  return wanted.map((name) => {
    const i = index.get(name);
    if (i === undefined) throw new Error(`${what} input "${name}" is not a feature this engine computes for this model`);
    return i;
  });
}

function outputIndex(mlp: Mlp, name: string, what: string): number {
  const i = mlp.outputs.indexOf(name);
  if (i < 0) throw new Error(`${what} network has no output "${name}"`);
  return i;
}

export class Scorer {
  readonly name: string;
  readonly thresholds: Readonly<Record<Strictness, number>>;
  /** See the schema: Infinity when the scorer has no such rule. */
  readonly evidenceMarginNats: number;
  private readonly phone: Mlp;
  private readonly word: Mlp;
  private readonly utterance: Mlp;
  private readonly phoneColumns: number[];
  private readonly wordColumns: number[];
  private readonly utteranceColumns: number[];
  private readonly out: { accuracy: number; mispronounced: number; word: number; sentence: number; fluency: number };

  /** `phoneFeatureNames`: what the engine computes for the loaded model (features.ts phoneFeatureNames). */
  constructor(json: ScorerJson, phoneFeatureNames: readonly string[]) {
    this.name = json.name;
    this.thresholds = json.thresholds;
    this.evidenceMarginNats = json.evidence_margin_nats ?? Infinity;
    this.phone = new Mlp(json.phone);
    this.word = new Mlp(json.word);
    this.utterance = new Mlp(json.utterance);
    this.phoneColumns = columns(this.phone.features, phoneFeatureNames, 'phone');
    this.wordColumns = columns(this.word.features, WORD_FEATURES, 'word');
    this.utteranceColumns = columns(this.utterance.features, UTTERANCE_FEATURES, 'utterance');
    this.out = {
      accuracy: outputIndex(this.phone, 'accuracy', 'phone'),
      mispronounced: outputIndex(this.phone, 'mispronounced_logit', 'phone'),
      word: outputIndex(this.word, 'accuracy', 'word'),
      sentence: outputIndex(this.utterance, 'accuracy', 'utterance'),
      fluency: outputIndex(this.utterance, 'fluency', 'utterance'),
    };
  }

  /** Reads and checks a scorer file; MODEL_UNAVAILABLE naming the file and the problem. */
  static async load(path: string, phoneFeatureNames: readonly string[]): Promise<Scorer> {
    const fail = (message: string) => new EngineError('MODEL_UNAVAILABLE', `Scorer ${path}: ${message}`);
    let json: unknown;
    try {
      json = JSON.parse(await readFile(path, 'utf8'));
    } catch (error) {
      throw fail(`cannot be read as JSON (${(error as Error).message})`);
    }
    const parsed = scorerSchema.safeParse(json);
    if (!parsed.success) throw fail(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '));
    try {
      return new Scorer(parsed.data, phoneFeatureNames);
    } catch (error) {
      throw fail((error as Error).message);
    }
  }

  /** Per phone: reported as an error at this threshold (the network's probability, or decisive evidence). */
  errors(predicted: PhonePredictions, features: PhoneFeatures, threshold: number): boolean[] {
    return predicted.mispronounced.map((p, i) => p >= threshold || features.alternativeMargin[i] <= -this.evidenceMarginNats);
  }

  phones(features: PhoneFeatures): PhonePredictions {
    const width = features.names.length;
    const n = features.values.length / width;
    const accuracy: number[] = [];
    const mispronounced: number[] = [];
    const row = new Float64Array(this.phoneColumns.length);
    for (let i = 0; i < n; i++) {
      this.phoneColumns.forEach((c, k) => (row[k] = features.values[i * width + c]));
      const y = this.phone.apply(row);
      accuracy.push(Math.min(2, Math.max(0, y[this.out.accuracy])));
      mispronounced.push(sigmoid(y[this.out.mispronounced]));
    }
    return { accuracy, mispronounced };
  }

  /**
   * Each word's predicted 0-10 accuracy. `words`: each word's target phone range [first, last + 1);
   * lpr and margin: each phone's log posterior ratio and its margin over the best alternative (clipped).
   */
  words(words: readonly [number, number][], phones: PhonePredictions, lpr: readonly number[], margin: readonly number[]): number[] {
    return words.map(([a, b]) => {
      const acc = phones.accuracy.slice(a, b);
      const mis = phones.mispronounced.slice(a, b);
      const named: Record<(typeof WORD_FEATURES)[number], number> = {
        mean_phone_accuracy: mean(acc),
        min_phone_accuracy: Math.min(...acc),
        max_mispronounced: Math.max(...mis),
        mean_mispronounced: mean(mis),
        log_phones: Math.log(b - a),
        mean_lpr: mean(lpr.slice(a, b)),
        mean_margin: mean(margin.slice(a, b)),
      };
      const y = this.word.apply(this.wordColumns.map((c) => named[WORD_FEATURES[c]]));
      return Math.min(10, Math.max(0, y[this.out.word]));
    });
  }

  utteranceScores(phones: PhonePredictions, wordAccuracy: readonly number[], lpr: readonly number[], margin: readonly number[], fluency: FluencyFeatures): UtterancePredictions {
    const named: Record<(typeof UTTERANCE_FEATURES)[number], number> = {
      mean_phone_accuracy: mean(phones.accuracy),
      min_phone_accuracy: Math.min(...phones.accuracy),
      mean_mispronounced: mean(phones.mispronounced),
      mean_word_accuracy: mean(wordAccuracy),
      min_word_accuracy: Math.min(...wordAccuracy),
      mean_lpr: mean(lpr),
      mean_margin: mean(margin),
      phones_per_sec: fluency.phonesPerSec,
      articulation_rate: fluency.articulationRate,
      pause_count: fluency.pauseCount,
      pause_sec: fluency.pauseSec,
      longest_pause_sec: fluency.longestPauseSec,
      std_phone_accuracy: std(phones.accuracy),
      p10_phone_accuracy: percentile(phones.accuracy, 10),
      p25_phone_accuracy: percentile(phones.accuracy, 25),
      share_mispronounced_over_half: mean(phones.mispronounced.map((p) => (p > 0.5 ? 1 : 0))),
      max_mispronounced: Math.max(...phones.mispronounced),
      p10_lpr: percentile(lpr, 10),
      p10_margin: percentile(margin, 10),
      log_phones: Math.log(phones.accuracy.length),
    };
    const y = this.utterance.apply(this.utteranceColumns.map((c) => named[UTTERANCE_FEATURES[c]]));
    const clamp = (x: number) => Math.min(10, Math.max(0, x));
    return { accuracy: clamp(y[this.out.sentence]), fluency: clamp(y[this.out.fluency]) };
  }
}
