// The experts' scores of speechocean762's train split (speechocean762-scores/train.jsonl) for
// the held-out speakers, with each speaker's fold for speaker-held-out evaluation and training
// of the calibrated scorer (tools/scorer).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { arpabetToIpa, heldoutUtterances, readArpabetTables, readCorpus, type ArpabetTables } from './real.js';

export const SCORES_FILE = join('speechocean762-scores', 'train.jsonl');
/** Speaker folds of the held-out speakers (THE fold rule, used by the eval and the scorer's trainer). */
export const FOLDS = 5;

export interface HumanWord {
  text: string;
  /** Canonical phones as IPA (the engine's target), one per expert phone score. */
  phones: string[];
  /** Experts' mean 0-2 score of each canonical phone. */
  phoneScores: number[];
  /** 0-10. */
  accuracy: number;
  /** Experts' notes: the phone's index in the word and what was said instead (ARPAbet, <DEL>, <unk>, X*). */
  mispronunciations: { index: number; canonical: string; pronounced: string }[];
}

export interface HumanItem {
  id: string;
  speaker: string;
  fold: number;
  audioPath: string;
  words: HumanWord[];
  /** Sentence level, 0-10. */
  accuracy: number;
  completeness: number;
  fluency: number;
  prosodic: number;
  total: number;
}

export interface HumanSet {
  dataDir: string;
  speakers: string[];
  speakerRule: string;
  /** Fold of each held-out speaker. */
  foldOf: Record<string, number>;
  items: HumanItem[];
}

/**
 * Speaker folds: the speakers sorted by the SHA-1 of their id, the k-th in that order in fold
 * k mod FOLDS. Deterministic, and independent of which other speakers are listed.
 */
export function speakerFolds(speakers: readonly string[], folds = FOLDS): Record<string, number> {
  const sha = (s: string) => createHash('sha1').update(s).digest('hex');
  const sorted = [...speakers].sort((a, b) => (sha(a) < sha(b) ? -1 : sha(a) > sha(b) ? 1 : 0));
  return Object.fromEntries(sorted.map((s, k) => [s, k % folds]));
}

interface ScoreRow {
  utt: string;
  accuracy: number;
  completeness: number;
  fluency: number;
  prosodic: number;
  total: number;
  words: { text: string; phones: string[]; accuracy: number; phone_scores: number[]; mispronunciations: { index: number; canonical: string; pronounced: string }[] }[];
}

export function toHumanItem(row: ScoreRow, speaker: string, fold: number, audioPath: string, tables: ArpabetTables): HumanItem {
  const words = row.words.map((w) => {
    if (w.phones.length !== w.phone_scores.length) throw new Error(`${row.utt}: word ${w.text} has ${w.phones.length} phones and ${w.phone_scores.length} scores`);
    return {
      text: w.text,
      phones: w.phones.map((p) => arpabetToIpa(p, tables)),
      phoneScores: w.phone_scores,
      accuracy: w.accuracy,
      mispronunciations: w.mispronunciations,
    };
  });
  const { accuracy, completeness, fluency, prosodic, total } = row;
  return { id: row.utt, speaker, fold, audioPath, words, accuracy, completeness, fluency, prosodic, total };
}

/** The held-out speakers' utterances with their experts' scores, round-robin over speakers. */
export function readHumanSet(opts: { dataDir: string; limit?: number; speakersFile?: string }): HumanSet {
  const scoresPath = join(opts.dataDir, SCORES_FILE);
  if (!existsSync(scoresPath)) throw new Error(`no experts' scores at ${scoresPath}`);
  const tables = readArpabetTables();
  const corpus = readCorpus(opts.dataDir);
  const { speakers, speakerRule, order } = heldoutUtterances(corpus, opts.speakersFile);
  const foldOf = speakerFolds(speakers);
  const rows = new Map<string, ScoreRow>();
  for (const line of readFileSync(scoresPath, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const row = JSON.parse(line) as ScoreRow;
    rows.set(row.utt, row);
  }
  const chosen = opts.limit === undefined ? order : order.slice(0, opts.limit);
  const items = chosen.map((id) => {
    const row = rows.get(id);
    if (!row) throw new Error(`${id} has no experts' scores in ${scoresPath}`);
    const speaker = corpus.utt2spk.get(id)!;
    return toHumanItem(row, speaker, foldOf[speaker], corpus.audio.get(id)!, tables);
  });
  return { dataDir: opts.dataDir, speakers, speakerRule, foldOf, items };
}

/** The target the engine is given: the canonical phones, words separated by " | ". */
export function targetIpaOf(item: HumanItem): string {
  return item.words.map((w) => w.phones.join(' ')).join(' | ');
}
