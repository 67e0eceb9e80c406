// Agreement with the experts (speechocean762's scores) on the held-out speakers, measured the
// way the published systems report it (Pearson correlation; detection of phones scored <= 1.0).
//
// Calibrated: each speaker fold is assessed by the scorer trained without that fold (the
// bundle's scorer-folds/, written by tools/scorer/train.py), so every figure is on speakers
// the scorer never saw; the acoustic model never saw any of them. Uncalibrated: the same
// utterances without a scorer (goodness and edit-distance scores, the recogniser's verdicts):
// the figures before the calibrated scorer.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { load, type Engine } from '../lib/engine.js';
import { EngineError } from '../lib/errors.js';
import type { LoadOptions } from '../lib/load-options.js';
import type { AssessmentResult } from '../lib/types.js';
import { mapPool, type Failure } from './evaluate.js';
import { speakerFolds, targetIpaOf, type HumanItem, type HumanSet } from './human-labels.js';
import { pearson, precisionRecallF1 } from './metrics.js';

/** "Mispronounced" as the published detection figures define it, and the stricter variant. */
export const MISPRONOUNCED_THRESHOLDS = [1.0, 0.5] as const;

export interface DetectionFigures {
  /** Phones the experts scored at or below the threshold. */
  positives: number;
  flagged: number;
  true_positives: number;
  precision: number | null;
  recall: number | null;
  f1: number | null;
}

export interface HumanMetrics {
  utterances: number;
  phones: number;
  refused: Failure[];
  /** Pearson correlations with the experts. */
  pcc: {
    phone: number | null;
    word: number | null;
    sentence_accuracy: number | null;
    /** Word and sentence PCC of the calibrated predictions without the DIFFERENT_SENTENCE ceiling (score_before_ceiling where it applied). */
    word_before_ceiling: number | null;
    sentence_accuracy_before_ceiling: number | null;
    /** The engine's completeness (share of target phones judged spoken) against the experts'. */
    completeness: number | null;
    /** fluency.score (calibrated only) against the experts' fluency. */
    fluency: number | null;
  };
  /** Each fluency feature's correlation with the experts' fluency. */
  fluency_features: Record<string, number | null>;
  /** Keyed by the threshold ("1.0", "0.5"): a phone is flagged when its status is not 'correct'. */
  detection: Record<string, DetectionFigures>;
  /** Phones that every expert scored 2.0 and the engine flagged. */
  false_alarms: { phones: number; flagged: number; rate: number | null };
  flagged_share: number | null;
  /** Phone and sentence PCC per speaker fold (calibrated) or over the whole set (uncalibrated). */
  per_fold: { fold: number; utterances: number; phone_pcc: number | null; sentence_pcc: number | null }[];
}

export interface HumanReport {
  source: { data_dir: string; speaker_rule: string; speakers: number; utterances: number; folds: number };
  /** Null when the bundle has no scorer with cross-validation folds. */
  calibrated: (HumanMetrics & { scorer: string; strictness: string }) | null;
  uncalibrated: HumanMetrics;
}

interface Assessed {
  item: HumanItem;
  result: AssessmentResult;
}

/** The scorer-fold files named by a bundle's scorer.json (training.cv_folds), by fold. */
export function scorerFoldFiles(scorerPath: string | undefined): Map<number, string> | null {
  if (!scorerPath || !existsSync(scorerPath)) return null;
  const json = JSON.parse(readFileSync(scorerPath, 'utf8')) as { training?: { cv_folds?: string[]; folds?: number[] } };
  const files = json.training?.cv_folds;
  const folds = json.training?.folds;
  if (!files || !folds || files.length !== folds.length) return null;
  return new Map(folds.map((f, i) => [f, join(dirname(scorerPath), files[i])]));
}

/**
 * Per speaker fold, an engine scoring with the scorer trained without that fold, so that every
 * score is on speakers its scorer never saw; the given engine where the bundle has no fold scorers.
 */
export async function foldEngines(engine: Engine, modelDir: string, loadOptions: LoadOptions, speakers: readonly string[]): Promise<{ engineOf: (item: { speaker: string }) => Engine; dispose(): Promise<void> }> {
  const files = scorerFoldFiles(engine.manifest.scorerPath);
  if (!files) return { engineOf: () => engine, dispose: async () => {} };
  const foldOf = speakerFolds(speakers);
  const engines = new Map<number, Engine>();
  for (const [fold, file] of files) engines.set(fold, await load(modelDir, { ...loadOptions, scorer: file }));
  return {
    engineOf: (item) => {
      const found = engines.get(foldOf[item.speaker]);
      if (!found) throw new Error(`speaker ${item.speaker} is in no scorer fold`);
      return found;
    },
    dispose: async () => {
      await Promise.all([...engines.values()].map((e) => e.dispose()));
    },
  };
}

function detection(flags: boolean[], human: number[], atOrBelow: number): DetectionFigures {
  let positives = 0;
  let flagged = 0;
  let tp = 0;
  flags.forEach((f, i) => {
    const bad = human[i] <= atOrBelow;
    positives += bad ? 1 : 0;
    flagged += f ? 1 : 0;
    tp += f && bad ? 1 : 0;
  });
  return { positives, flagged, true_positives: tp, ...precisionRecallF1({ tp, fp: flagged - tp, fn: positives - tp }) };
}

export function humanMetrics(assessed: readonly Assessed[], refused: Failure[], perFold: HumanMetrics['per_fold']): HumanMetrics {
  const phoneEngine: number[] = [];
  const phoneHuman: number[] = [];
  const flags: boolean[] = [];
  const wordEngine: number[] = [];
  const wordBeforeCeiling: number[] = [];
  const wordHuman: number[] = [];
  const sentence = { engine: [] as number[], beforeCeiling: [] as number[], human: [] as number[] };
  const completeness = { engine: [] as number[], human: [] as number[] };
  const fluency = { engine: [] as number[], human: [] as number[] };
  const fluencyFeatures: Record<string, number[]> = { phones_per_sec: [], articulation_rate: [], pause_count: [], pause_sec: [], longest_pause_sec: [] };
  for (const { item, result } of assessed) {
    const human = item.words.flatMap((w) => w.phoneScores);
    result.phones.forEach((p, i) => {
      phoneEngine.push(p.score);
      phoneHuman.push(human[i]);
      flags.push(p.status !== 'correct');
    });
    // A one-word target has no words[]: its word is the whole utterance.
    const words = result.words ?? [{ score: result.score, score_before_ceiling: result.scoring.score_before_ceiling }];
    words.forEach((w, i) => {
      wordEngine.push(w.score);
      wordBeforeCeiling.push(w.score_before_ceiling ?? w.score);
      wordHuman.push(item.words[i].accuracy);
    });
    sentence.engine.push(result.score);
    sentence.beforeCeiling.push(result.scoring.score_before_ceiling ?? result.score);
    sentence.human.push(item.accuracy);
    completeness.engine.push(result.completeness);
    completeness.human.push(item.completeness);
    if (result.fluency.score !== undefined) {
      fluency.engine.push(result.fluency.score);
      fluency.human.push(item.fluency);
    }
    for (const key of Object.keys(fluencyFeatures)) fluencyFeatures[key].push(result.fluency[key as keyof typeof result.fluency] as number);
  }
  const perfect = phoneHuman.map((h) => h === 2);
  const falseAlarms = flags.filter((f, i) => f && perfect[i]).length;
  const perfectCount = perfect.filter(Boolean).length;
  const fluencyHuman = assessed.map((a) => a.item.fluency);
  return {
    utterances: assessed.length,
    phones: phoneEngine.length,
    refused,
    pcc: {
      phone: pearson(phoneEngine, phoneHuman),
      word: pearson(wordEngine, wordHuman),
      sentence_accuracy: pearson(sentence.engine, sentence.human),
      word_before_ceiling: pearson(wordBeforeCeiling, wordHuman),
      sentence_accuracy_before_ceiling: pearson(sentence.beforeCeiling, sentence.human),
      completeness: pearson(completeness.engine, completeness.human),
      fluency: fluency.engine.length ? pearson(fluency.engine, fluency.human) : null,
    },
    fluency_features: Object.fromEntries(Object.entries(fluencyFeatures).map(([k, v]) => [k, pearson(v, fluencyHuman)])),
    detection: Object.fromEntries(MISPRONOUNCED_THRESHOLDS.map((t) => [t.toFixed(1), detection(flags, phoneHuman, t)])),
    false_alarms: { phones: perfectCount, flagged: falseAlarms, rate: perfectCount ? falseAlarms / perfectCount : null },
    flagged_share: flags.length ? flags.filter(Boolean).length / flags.length : null,
    per_fold: perFold,
  };
}

async function assessAll(engine: Engine, items: readonly HumanItem[], concurrency: number, refused: Failure[], progress?: () => void): Promise<Assessed[]> {
  const out = await mapPool(items, concurrency, async (item) => {
    try {
      const result = await engine.assess({ audio: item.audioPath, targetIpa: targetIpaOf(item) });
      const expected = item.words.reduce((n, w) => n + w.phones.length, 0);
      if (result.phones.length !== expected) throw new Error(`the engine parsed ${result.phones.length} target phones, the experts scored ${expected}`);
      return { item, result };
    } catch (error) {
      if (!(error instanceof EngineError)) throw error;
      refused.push({ id: item.id, code: error.code, message: error.message });
      return null;
    } finally {
      progress?.();
    }
  });
  return out.filter((x): x is Assessed => x !== null);
}

function foldFigures(assessed: readonly Assessed[], fold: number): HumanMetrics['per_fold'][number] {
  const m = humanMetrics(assessed, [], []);
  return { fold, utterances: assessed.length, phone_pcc: m.pcc.phone, sentence_pcc: m.pcc.sentence_accuracy };
}

export interface HumanEvalOptions {
  modelDir: string;
  set: HumanSet;
  /** Load options shared by every engine (threads, verification margin, strictness, ...). */
  loadOptions: LoadOptions;
  concurrency: number;
  progress?: (done: number, total: number) => void;
}

export async function evaluateHuman(opts: HumanEvalOptions): Promise<HumanReport> {
  const { set } = opts;
  const folds = [...new Set(set.items.map((i) => i.fold))].sort((a, b) => a - b);
  let done = 0;
  const total = set.items.length * 2;
  const tick = () => opts.progress?.(++done, total);

  const base = await load(opts.modelDir, { ...opts.loadOptions, scorer: null });
  const refusedBase: Failure[] = [];
  const uncalibratedAssessed = await assessAll(base, set.items, opts.concurrency, refusedBase, tick);
  const uncalibrated = humanMetrics(uncalibratedAssessed, refusedBase, [foldFigures(uncalibratedAssessed, -1)]);
  const foldFiles = scorerFoldFiles(base.manifest.scorerPath);
  await base.dispose();

  let calibrated: HumanReport['calibrated'] = null;
  if (foldFiles && folds.every((f) => foldFiles.has(f))) {
    const assessed: Assessed[] = [];
    const refused: Failure[] = [];
    const perFold: HumanMetrics['per_fold'] = [];
    let scorer = '';
    let strictness = '';
    for (const fold of folds) {
      const engine = await load(opts.modelDir, { ...opts.loadOptions, scorer: foldFiles.get(fold)! });
      const part = await assessAll(engine, set.items.filter((i) => i.fold === fold), opts.concurrency, refused, tick);
      await engine.dispose();
      if (part[0]) {
        scorer = part[0].result.scoring.scorer ?? '';
        strictness = part[0].result.scoring.strictness ?? '';
      }
      perFold.push(foldFigures(part, fold));
      assessed.push(...part);
    }
    calibrated = { ...humanMetrics(assessed, refused, perFold), scorer: scorer.replace(/ without fold \d+$/, ''), strictness };
  }
  return {
    source: { data_dir: set.dataDir, speaker_rule: set.speakerRule, speakers: set.speakers.length, utterances: set.items.length, folds: folds.length },
    calibrated,
    uncalibrated,
  };
}
