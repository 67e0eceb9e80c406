// The held-out real set: speechocean762 train-split recordings (speechocean762-dev and
// speechocean762-more) of speakers kept out of training, with the corpus's canonical phones
// (text-phone, ARPAbet) mapped to IPA.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { INVENTORY_JSON } from './fold-phones.js';
import { REPO_ROOT } from './synthetic.js';

/** ../shared/data beside the checkout, as on the developers' machines: the corpus folders. */
export const SHARED_DATA_DIR = join(REPO_ROOT, '..', 'shared', 'data');
/** The folders of the train split under the data folder (no speaker is in both). */
export const SPEECHOCEAN_FOLDERS = ['speechocean762-dev', 'speechocean762-more'];
export const HELDOUT_SPEAKERS_FILE = join(REPO_ROOT, 'tools', 'train', 'heldout_speakers.txt');
export const EVERY_NTH_SPEAKER = 8;

/**
 * THE held-out speaker rule (the one place it is written): the speakers listed in
 * tools/train/heldout_speakers.txt when that file exists (one id a line, '#' comments),
 * else every 8th speaker in sorted order, starting with the first (sorted indices 0, 8, 16, ...).
 */
export function heldoutSpeakers(allSpeakers: readonly string[], listed: readonly string[] | null): string[] {
  if (listed) return [...new Set(listed)].sort();
  return [...new Set(allSpeakers)].sort().filter((_, i) => i % EVERY_NTH_SPEAKER === 0);
}

export function readSpeakerList(path: string): string[] | null {
  if (!existsSync(path)) return null;
  return readFileSync(path, 'utf8')
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter(Boolean);
}

export interface ArpabetTables {
  arpabet_to_ipa: Record<string, string>;
  arpabet_stressed_to_ipa: Record<string, string>;
}

export function readArpabetTables(path: string = INVENTORY_JSON): ArpabetTables {
  const json = JSON.parse(readFileSync(path, 'utf8')) as ArpabetTables;
  if (!json.arpabet_to_ipa || !json.arpabet_stressed_to_ipa) throw new Error(`${path} lacks arpabet_to_ipa / arpabet_stressed_to_ipa`);
  return json;
}

/**
 * 'AH1_B' -> 'ʌ', 'AH0_I' -> 'ə', 'T_E' -> 't'. A stressed vowel (digit 1 or 2, as
 * tools/synth/inventory.py's arpabet_to_ipa, which made the table) takes the stressed variant
 * where one is listed (AH ʌ, ER ɜː, IY iː); bare or 0 the default.
 */
export function arpabetToIpa(token: string, tables: ArpabetTables): string {
  const phone = token.replace(/_[BIES]$/, '');
  const match = /^([A-Z]+)([012]?)$/.exec(phone);
  if (!match || !Object.hasOwn(tables.arpabet_to_ipa, match[1])) throw new Error(`unknown ARPAbet phone "${token}"`);
  const [, base, digit] = match;
  if ((digit === '1' || digit === '2') && Object.hasOwn(tables.arpabet_stressed_to_ipa, base)) return tables.arpabet_stressed_to_ipa[base];
  return tables.arpabet_to_ipa[base];
}

export interface RealItem {
  id: string;
  speaker: string;
  audioPath: string;
  text: string;
  /** Canonical phones (IPA) per word. */
  words: string[][];
}

export interface RealSet {
  dataDir: string;
  speakers: string[];
  speakerRule: string;
  /** Utterances of the held-out speakers before --real-limit. */
  available: number;
  items: RealItem[];
}

/** A Kaldi-style table: `<key><whitespace><value>` a line. */
export function readTable(path: string): [string, string][] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const tab = line.search(/\s/);
      return [line.slice(0, tab), line.slice(tab + 1).trim()];
    });
}

/** The folders of the train split that exist under dataDir (an error when none does). */
export function speechoceanFolders(dataDir: string): string[] {
  const folders = SPEECHOCEAN_FOLDERS.map((f) => join(dataDir, f)).filter((d) => existsSync(join(d, 'utt2spk')));
  if (folders.length === 0) throw new Error(`no speechocean762 folder (${SPEECHOCEAN_FOLDERS.join(', ')}) under ${dataDir}`);
  return folders;
}

export interface Corpus {
  utt2spk: Map<string, string>;
  audio: Map<string, string>;
  text: Map<string, string>;
  /** Canonical ARPAbet tokens per word (text-phone order), by utterance. */
  wordTokens: Map<string, string[][]>;
}

/** utt2spk, text, text-phone and audio paths over every train-split folder under dataDir. */
export function readCorpus(dataDir: string): Corpus {
  const corpus: Corpus = { utt2spk: new Map(), audio: new Map(), text: new Map(), wordTokens: new Map() };
  for (const folder of speechoceanFolders(dataDir)) {
    for (const [utt, spk] of readTable(join(folder, 'utt2spk'))) {
      corpus.utt2spk.set(utt, spk);
      corpus.audio.set(utt, join(folder, 'audio', `${utt}.flac`));
    }
    for (const [utt, text] of readTable(join(folder, 'text'))) corpus.text.set(utt, text);
    const indexed = new Map<string, { index: number; tokens: string[] }[]>();
    for (const [key, value] of readTable(join(folder, 'text-phone'))) {
      const dot = key.lastIndexOf('.');
      const utt = key.slice(0, dot);
      const list = indexed.get(utt) ?? [];
      list.push({ index: Number(key.slice(dot + 1)), tokens: value.split(/\s+/) });
      indexed.set(utt, list);
    }
    for (const [utt, list] of indexed) corpus.wordTokens.set(utt, list.sort((a, b) => a.index - b.index).map((w) => w.tokens));
  }
  return corpus;
}

/** The held-out speakers' utterances, round-robin over speakers (each speaker's in id order). */
export function heldoutUtterances(corpus: Corpus, speakersFile: string = HELDOUT_SPEAKERS_FILE): { speakers: string[]; speakerRule: string; order: string[] } {
  const all = [...corpus.utt2spk.values()];
  const listed = readSpeakerList(speakersFile);
  const speakers = heldoutSpeakers(all, listed);
  const unknown = speakers.filter((s) => !all.includes(s));
  if (unknown.length) throw new Error(`${speakersFile} lists speakers not in the corpus: ${unknown.join(' ')}`);
  const speakerRule = listed ? `listed in ${speakersFile}` : `every ${EVERY_NTH_SPEAKER}th speaker in sorted order from the first (no ${speakersFile})`;
  const bySpeaker = speakers.map((s) =>
    [...corpus.utt2spk]
      .filter(([, spk]) => spk === s)
      .map(([utt]) => utt)
      .sort(),
  );
  const order: string[] = [];
  const total = bySpeaker.reduce((n, l) => n + l.length, 0);
  for (let k = 0; order.length < total; k++) {
    for (const list of bySpeaker) if (k < list.length) order.push(list[k]);
  }
  return { speakers, speakerRule, order };
}

/**
 * Held-out utterances. With a limit, utterances are taken round-robin over the speakers (each
 * speaker's in id order), so a small run still spans speakers.
 */
export function readRealSet(opts: { dataDir?: string; limit?: number; speakersFile?: string; tables?: ArpabetTables }): RealSet {
  const dataDir = opts.dataDir ?? SHARED_DATA_DIR;
  const tables = opts.tables ?? readArpabetTables();
  const corpus = readCorpus(dataDir);
  const { speakers, speakerRule, order } = heldoutUtterances(corpus, opts.speakersFile);
  const chosen = opts.limit === undefined ? order : order.slice(0, opts.limit);
  const items = chosen.map((id) => {
    const w = corpus.wordTokens.get(id);
    if (!w) throw new Error(`${id} has no text-phone entry`);
    return {
      id,
      speaker: corpus.utt2spk.get(id)!,
      audioPath: corpus.audio.get(id)!,
      text: corpus.text.get(id) ?? '',
      words: w.map((tokens) => tokens.map((t) => arpabetToIpa(t, tables))),
    };
  });
  return { dataDir, speakers, speakerRule, available: order.length, items };
}
