// IPA generation: text -> phones in any language espeak-ng has a voice for, and, given a
// recording, each word's pronunciation chosen from several candidates by how well it explains
// the recording. Contract: docs/api-contract.md, "IPA generation".
//
// Output format. `ipa_phonemes` is POWSM's slash string, "/h//ə//l//oʊ// //w//ɜː//l//d/", and
// `phonemes` the same split, " " between words. Multi-character phones stay whole (tʃ, oʊ, aɪ,
// ɑːɹ, n̩, ɔ̃, tʰ): espeak-ng is asked for a separator between phonemes, never for a split of
// its own phoneme names. Feeding `ipa_phonemes` back as an assessment's target_ipa parses it
// with lib/phonetics/ipa.ts onto the model's inventory.
//
// Stress and length. Stress marks (ˈ ˌ) are removed from phones: stress belongs to the
// syllable, not the segment, and no phone recogniser here has stressed phones (POWSM's CTC
// targets carry none either). Length marks (ː ˑ) are kept as part of the phone, as espeak-ng
// writes them: length distinguishes phonemes (English iː/i and ɑː, German, Finnish, Japanese
// long vowels), and an inventory with length keeps that information; a model without length
// folds it when lib/phonetics/ipa.ts parses the target. Tone digits of tonal languages stay on their
// vowel as espeak-ng writes them.
//
// Words are the whitespace-delimited words of the text; a word espeak-ng reads as several
// (numbers: "21" -> twenty one) stays one word, words espeak-ng merges ("of the") are split
// back, and words silent in context (a lone "-") are left out.
//
// Text as read aloud (lib/g2p/spoken-text.ts). Before espeak-ng, each written word is rewritten
// into the words a reader says: for English, years, decades, ranges, fractions, currency,
// abbreviations espeak-ng misreads, apostrophes and run-together punctuation
// (lib/g2p/normalize.ts); for every language, words in capitals by options.casing
// (lib/g2p/casing.ts: by default, in text typed in capitals each word is read as a word, not
// as letters). The written word keeps the phones of all its spoken words. Each word is converted in its
// sentence context ("a" is ɐ, not the letter name). Limits (INVALID_INPUT): empty text, more than
// 10,000 characters, a word of more than 128 characters; control characters other than
// whitespace are removed. An unknown language is UNSUPPORTED_LANGUAGE (g2pLanguages() lists the
// codes). espeak-ng runs in a helper process: an espeak-ng crash on odd text is INVALID_INPUT.
//
// Candidates (English). Besides espeak-ng in the requested language, each word gets espeak-ng's
// other English accents (en-us, en-gb) and every CMUdict pronunciation (ARPAbet -> IPA,
// lib/g2p/cmudict.ts); identical phone sequences are merged (sources joined by "+"). Without
// audio, the first candidate (espeak-ng, requested language) is the answer and the others are
// listed; options.candidates = false skips them.
//
// Audio. With `audio`, each word's candidate is chosen by CTC forced alignment of the whole
// recording (lib/g2p/choose.ts): candidates are parsed onto the engine's phone inventory (those
// that cannot be are not scored), the recording goes through the engine's model once, and the
// candidate whose utterance has the highest best-path log-probability wins (greedy per word,
// passes until stable, at most 3). Each word then says which candidate won, every candidate's
// log_likelihood, and the margin to the best candidate with a different phone sequence.
//
// Model G2P. When the engine's bundle has `tasks.g2p` (POWSM-CTC), the model itself is run over
// the recording with the g2p task's prefix and the text as prompt (lib/model/tasks.ts); its
// greedy phones, split into the text's words by an edit-distance alignment against espeak-ng's
// words (lib/g2p/model-g2p.ts), are one more candidate per word, source "model-g2p". Without
// `tasks.g2p` nothing changes.
import type { AudioInput } from '../audio/input.js';
import { load, type Engine } from '../engine.js';
import { EngineError, toEngineError } from '../errors.js';
import { CASING_MODES, type CasingMode } from './casing.js';
import { choiceMargin, chooseCandidates, type CandidateIds } from './choose.js';
import { cmudictPronunciations, isSpelledOut, type DictionaryPronunciation } from './cmudict.js';
import { MODEL_G2P_SOURCE, modelG2pWords } from './model-g2p.js';
import { toPhonemes, toSlashIpa } from './format.js';
import { isEnglish, toSpokenText, type Reading, type SpokenText } from './spoken-text.js';
import { parseTargetIpa } from '../phonetics/ipa.js';
import { g2pLanguages as espeakLanguages, g2pTextToIpa } from '../gateway.js';
import type { G2pLanguage, G2pNativeResult } from '../native.js';

export { toPhonemes, toSlashIpa, parseSlashIpa, phonemesToWords } from './format.js';
export type { G2pLanguage } from '../native.js';
export { CASING_MODES, type CasingMode } from './casing.js';

export const DEFAULT_LANGUAGE = 'en-us';
/** espeak-ng accents offered as candidates for English text (besides the requested one). */
export const ENGLISH_ACCENTS = ['en-us', 'en-gb'] as const;

export interface GenerateIpaInput {
  text: string;
  /** An espeak-ng language code (g2pLanguages()); default en-us. */
  language?: string;
  /** A recording of the text: each word's pronunciation is then chosen to fit it. */
  audio?: AudioInput;
}

export interface GenerateIpaOptions {
  /** The phone recogniser used with `audio`; default: the bundled model (models/default). */
  engine?: Engine;
  /** Offer other pronunciations for English words (default true for English); always on with audio. */
  candidates?: boolean;
  /** Passes of the per-word search with audio (default 3). */
  maxPasses?: number;
  /**
   * Words in capitals (lib/g2p/casing.ts): 'auto' (default) reads them as words in text typed
   * in capitals and as espeak-ng does elsewhere ("the US army"); 'words' always as words;
   * 'letters' always letter by letter.
   */
  casing?: CasingMode;
}

export interface IpaCandidate {
  /** The word's phones in the slash format. */
  ipa: string;
  /** Where it comes from: "espeak-ng:en-us", "cmudict:read(2)", "model-g2p" (the model's own G2P, manifest tasks.g2p), or several joined by "+". */
  source: string;
  /** With audio: log-probability of the best CTC path of the whole recording with this candidate; null when it cannot be scored (phones outside the model's inventory, or too long for the recording). */
  log_likelihood?: number | null;
}

export interface IpaWord {
  /** The word as written, without surrounding punctuation. */
  word: string;
  /** The phones used for it in ipa_phonemes (slash format). */
  ipa: string;
  source: string;
  candidates?: IpaCandidate[];
  /** With audio: the ipa of the chosen candidate. */
  chosen?: string;
  /** With audio: log-likelihood of the chosen candidate minus that of the best candidate with different model phones (null: none). */
  margin?: number | null;
}

export interface IpaGeneration {
  ipa_phonemes: string;
  phonemes: string[];
  /** The language code used (as resolved, lower case). */
  language: string;
  words: IpaWord[];
}

interface Candidate {
  phones: string[];
  sources: string[];
}

interface WordCandidates {
  index: number;
  text: string;
  candidates: Candidate[];
}

/** Every language code espeak-ng has a voice for, sorted (MBROLA voices excluded). */
export function g2pLanguages(): G2pLanguage[] {
  return espeakLanguages();
}

const textToIpa = g2pTextToIpa;

function displayWord(text: string): string {
  const stripped = text.replace(/^[\p{P}\p{S}]+|[\p{P}\p{S}]+$/gu, '');
  return stripped || text;
}

function addCandidate(word: WordCandidates, phones: string[], source: string): void {
  if (phones.length === 0) return;
  const key = phones.join(' ');
  const existing = word.candidates.find((c) => c.phones.join(' ') === key);
  if (existing) {
    if (!existing.sources.includes(source)) existing.sources.push(source);
  } else {
    word.candidates.push({ phones, sources: [source] });
  }
}

/** espeak-ng's spoken words -> the written words' phones (spoken words of one written word joined), in order. */
function writtenWordPhones(result: G2pNativeResult, spoken: SpokenText): { index: number; text: string; phones: string[] }[] {
  const byWritten = new Map<number, string[]>();
  for (const w of result.words) {
    const index = spoken.origin[w.index];
    byWritten.set(index, [...(byWritten.get(index) ?? []), ...w.phones]);
  }
  return [...byWritten].sort((a, b) => a[0] - b[0]).map(([index, phones]) => ({ index, text: spoken.written[index], phones }));
}

/** At most this many CMUdict combinations for a written word read as several spoken words ("1990": nineteen x ninety). */
const MAX_DICTIONARY_COMBINATIONS = 8;

/** A spoken word's CMUdict entries that agree with its reading: no "U.S." for a word read as a word, only letters for one spelled out. */
async function dictionaryEntries(word: string, reading: Reading): Promise<DictionaryPronunciation[]> {
  const entries = await cmudictPronunciations(displayWord(word));
  if (reading === 'either') return entries;
  const spelled = await Promise.all(entries.map((e) => isSpelledOut(displayWord(word), e.entry)));
  return entries.filter((_, k) => spelled[k] === (reading === 'letters'));
}

/** CMUdict pronunciations of a written word through its spoken words: every combination of their entries, in dictionary order. */
async function dictionaryPronunciations(spokenWords: readonly { word: string; reading: Reading }[]): Promise<DictionaryPronunciation[]> {
  let combinations: DictionaryPronunciation[] = [{ entry: '', phones: [] }];
  for (const { word, reading } of spokenWords) {
    const entries = await dictionaryEntries(word, reading);
    if (entries.length === 0) return [];
    combinations = combinations
      .flatMap((c) => entries.map((e) => ({ entry: c.entry ? `${c.entry} ${e.entry}` : e.entry, phones: [...c.phones, ...e.phones] })))
      .slice(0, MAX_DICTIONARY_COMBINATIONS);
  }
  return spokenWords.length > 0 ? combinations : [];
}

async function englishCandidates(spoken: SpokenText, primary: G2pNativeResult, words: WordCandidates[]): Promise<void> {
  const byIndex = new Map(words.map((w) => [w.index, w]));
  const accents = ENGLISH_ACCENTS.filter((a) => a !== primary.language);
  const others = await Promise.all(accents.map((accent) => textToIpa(spoken.text, accent)));
  for (const other of others) {
    for (const w of writtenWordPhones(other, spoken)) {
      const word = byIndex.get(w.index);
      if (word) addCandidate(word, w.phones, `espeak-ng:${other.language}`);
    }
  }
  const spokenOf = new Map<number, { word: string; reading: Reading }[]>();
  spoken.normalised.forEach((w, k) => spokenOf.set(spoken.origin[k], [...(spokenOf.get(spoken.origin[k]) ?? []), { word: w, reading: spoken.reading[k] }]));
  for (const word of words) {
    for (const entry of await dictionaryPronunciations(spokenOf.get(word.index) ?? [])) addCandidate(word, entry.phones, `cmudict:${entry.entry}`);
  }
}

let defaultEngine: Promise<Engine> | undefined;

function bundledEngine(): Promise<Engine> {
  if (!defaultEngine) {
    defaultEngine = load();
    defaultEngine.catch(() => {
      defaultEngine = undefined;
    });
  }
  return defaultEngine;
}

interface AudioChoice {
  chosen: number[];
  logLikelihoods: (number | null)[][];
  margins: (number | null)[];
}

async function chooseWithAudio(words: WordCandidates[], audio: AudioInput, engine: Engine, maxPasses: number): Promise<AudioChoice> {
  const { vocabulary } = engine.manifest;
  const inventory = new Set(vocabulary.idByPhone.keys());
  const keys: (string | null)[][] = [];
  const ids: CandidateIds[][] = words.map((word, w) => {
    let firstError: EngineError | undefined;
    const row = word.candidates.map((candidate) => {
      try {
        const parsed = parseTargetIpa(toSlashIpa([candidate.phones]), inventory);
        return Int32Array.from(parsed.phones, (p) => vocabulary.idByPhone.get(p)!);
      } catch (error) {
        const engineError = toEngineError(error);
        if (engineError.code !== 'IPA_INVALID') throw engineError;
        firstError ??= engineError;
        return null;
      }
    });
    if (row.every((c) => c === null)) {
      throw new EngineError('IPA_INVALID', `Word ${w + 1} ("${displayWord(word.text)}") has no pronunciation this model's phones can express: ${firstError?.message}`, {
        word: displayWord(word.text),
      });
    }
    keys.push(row.map((c) => (c === null ? null : c.join(','))));
    return row;
  });

  // One model run; every candidate is aligned against its log-probabilities where they are, in native memory.
  const { logProbs } = await engine.inference(audio);
  const score = async (targets: Int32Array): Promise<number> => {
    try {
      return (await logProbs.forcedAlign(targets)).pathLogProb;
    } catch (error) {
      if ((error as EngineError).code === 'AUDIO_TOO_SHORT') return -Infinity;
      throw error;
    }
  };
  let result;
  try {
    result = await chooseCandidates(ids, score, maxPasses);
  } finally {
    logProbs.release();
  }
  const best = result.logLikelihoods.map((scores, i) => scores[result.chosen[i]]);
  if (best.every((s) => s === null || !Number.isFinite(s))) {
    throw new EngineError('AUDIO_TOO_SHORT', `The recording (${logProbs.numFrames} model frames) is too short for the text's phones; record the whole text`);
  }
  return {
    chosen: result.chosen,
    logLikelihoods: result.logLikelihoods.map((scores) => scores.map((s) => (s === null || !Number.isFinite(s) ? null : s))),
    margins: result.logLikelihoods.map((scores, i) => choiceMargin(scores, keys[i], result.chosen[i])),
  };
}

/** Text (and optionally a recording of it) -> IPA in the contract's format. See the header. */
export async function generateIpa(input: GenerateIpaInput, options: GenerateIpaOptions = {}): Promise<IpaGeneration> {
  if (!input || typeof input !== 'object') throw new EngineError('INVALID_INPUT', 'generateIpa() takes {text, language?, audio?}');
  if (typeof input.text !== 'string') throw new EngineError('INVALID_INPUT', 'text must be a string, e.g. "hello world"');
  if (input.language !== undefined && typeof input.language !== 'string') {
    throw new EngineError('INVALID_INPUT', 'language must be a string such as "en-us" (see g2pLanguages())');
  }
  const casing = options.casing ?? 'auto';
  if (!CASING_MODES.includes(casing)) throw new EngineError('INVALID_INPUT', `casing must be one of ${CASING_MODES.map((m) => `"${m}"`).join(', ')}, not ${JSON.stringify(casing)}`);
  const language = input.language ?? DEFAULT_LANGUAGE;
  const spoken = toSpokenText(input.text, language, casing);
  const primary = await textToIpa(spoken.text, language);
  const words: WordCandidates[] = writtenWordPhones(primary, spoken).map((w) => ({
    index: w.index,
    text: w.text,
    candidates: [{ phones: w.phones, sources: [`espeak-ng:${primary.language}`] }],
  }));
  const withAudio = input.audio !== undefined && input.audio !== null;
  const withCandidates = withAudio || ((options.candidates ?? true) && isEnglish(primary.language));
  if (withCandidates && isEnglish(primary.language)) await englishCandidates(spoken, primary, words);

  let choice: AudioChoice | undefined;
  if (withAudio) {
    const engine = options.engine ?? (await bundledEngine());
    const modelWords = await modelG2pWords(engine, spoken.text, primary.language, input.audio as AudioInput, words.map((w) => w.candidates[0].phones));
    modelWords?.forEach((phones, i) => addCandidate(words[i], phones, MODEL_G2P_SOURCE));
    choice = await chooseWithAudio(words, input.audio as AudioInput, engine, options.maxPasses ?? 3);
  }

  const chosenPhones = words.map((w, i) => w.candidates[choice ? choice.chosen[i] : 0].phones);
  const out: IpaWord[] = words.map((w, i) => {
    const pick = choice ? choice.chosen[i] : 0;
    const candidate = w.candidates[pick];
    const entry: IpaWord = { word: displayWord(w.text), ipa: toSlashIpa([candidate.phones]), source: candidate.sources.join('+') };
    if (withCandidates) {
      entry.candidates = w.candidates.map((c, k) => {
        const listed: IpaCandidate = { ipa: toSlashIpa([c.phones]), source: c.sources.join('+') };
        if (choice) listed.log_likelihood = choice.logLikelihoods[i][k];
        return listed;
      });
    }
    if (choice) {
      entry.chosen = entry.ipa;
      entry.margin = choice.margins[i];
    }
    return entry;
  });
  return { ipa_phonemes: toSlashIpa(chosenPhones), phonemes: toPhonemes(chosenPhones), language: primary.language, words: out };
}
