// The calibrated verdict of one assessment: the scorer's predictions at phone, word and
// utterance level, and the phones judged spoken under its error decisions (decisions.ts).
import type { ForcedAlignment } from '../../native.js';
import type { RecognizedPhone, SampleSpan, ScoringInfo } from '../../types.js';
import type { CalibratedScores } from '../result.js';
import type { EditResult } from '../../native.js';
import { judgedPhones } from './decisions.js';
import { clippedMargins, type PhoneFeatures } from './features.js';
import type { FluencyFeatures, Scorer } from './scorer.js';

export interface CalibrationInput {
  scorer: Scorer;
  threshold: number;
  info: ScoringInfo;
  features: PhoneFeatures;
  fluency: FluencyFeatures;
  /** Each word's target phones [first, last + 1). */
  words: [number, number][];
  targetPhones: readonly string[];
  targetSpans: readonly SampleSpan[];
  alignment: ForcedAlignment;
  /** Phone symbol of each vocabulary id (null for blank and non-phones). */
  phoneById: readonly (string | null)[];
  /** The recogniser's phones after verification and their edit script against the target. */
  recognized: readonly RecognizedPhone[];
  recognizerEdits: EditResult;
}

export function calibrate(input: CalibrationInput): { scores: CalibratedScores; judged: RecognizedPhone[] } {
  const { scorer, features, alignment } = input;
  const predicted = scorer.phones(features);
  const lpr = Array.from(alignment.logPosteriorRatios);
  const margin = clippedMargins(features);
  const wordAccuracy = scorer.words(input.words, predicted, lpr, margin);
  const scores: CalibratedScores = {
    phoneAccuracy: predicted.accuracy,
    mispronounced: predicted.mispronounced,
    wordAccuracy,
    utterance: scorer.utteranceScores(predicted, wordAccuracy, lpr, margin, input.fluency),
    scoring: input.info,
  };
  const judged = judgedPhones({
    targetPhones: input.targetPhones,
    targetSpans: input.targetSpans,
    targetPosteriors: Array.from(alignment.meanLogProbs, Math.exp),
    flagged: scorer.errors(predicted, features, input.threshold),
    alternatives: features.bestAlternative.map((id) => (id === null ? null : input.phoneById[id]!)),
    recognized: input.recognized,
    recognizerEdits: input.recognizerEdits,
  });
  return { scores, judged };
}
