// Audio-guided pronunciation with a real recogniser: recordings synthesised by espeak-ng from
// EACH candidate pronunciation of a word (the other words at their default), and generateIpa
// with that recording must choose the candidate it was made from. The goal is 95 %; the bundled
// model reaches 92.5 % (74/80, seed fixed), so this test guards against regressions at 90 % and
// prints the rate; raise the bar to 0.95 when a better model lands.
//
// Needs the trained model at models/default; skipped without it. It is never run on
// models/plumbing: random weights recognise nothing, so the rate would mean nothing.
// G2P_AUDIO_CASES sets the number of cases (default 80).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { load, type Engine } from '../lib/engine.js';
import { generateIpa } from '../lib/g2p.js';
import { parseTargetIpa } from '../lib/ipa.js';
import { seededRandom } from './helpers/seeded-random.js';

const ROOT = join(__dirname, '..');
const MODEL = join(ROOT, 'models', 'default');
const TRANSCRIPTS = join(ROOT, '..', 'shared', 'data', 'speechocean762-dev', 'text');
const HAS_MODEL = existsSync(join(MODEL, 'manifest.json'));
// The espeak-ng tool runs without the sanitizer runtime that `npm run test:asan` preloads
// (it hangs under it), and never for longer than a minute.
const TOOL = { env: { ...process.env, LD_PRELOAD: '' }, timeout: 60_000 };
const HAS_ESPEAK = spawnSync('espeak-ng', ['--version'], TOOL).status === 0;
const CASES = Number(process.env.G2P_AUDIO_CASES ?? 80);

/** espeak-ng en-us phoneme mnemonics for model phones (checked: espeak-ng --ipa "[[m]]" gives the phone). */
const MNEMONIC: Record<string, string> = {
  p: 'p', b: 'b', t: 't', d: 'd', k: 'k', ɡ: 'g', g: 'g', f: 'f', v: 'v', θ: 'T', ð: 'D', s: 's', z: 'z', ʃ: 'S', ʒ: 'Z',
  h: 'h', tʃ: 'tS', dʒ: 'dZ', m: 'm', n: 'n', ŋ: 'N', l: 'l', ɹ: 'r', r: 'r', w: 'w', j: 'j', i: 'i', iː: 'i:', ɪ: 'I',
  eɪ: 'eI', ɛ: 'E', æ: 'a', ɑː: 'A:', ɑ: 'A:', ɔː: 'O:', ɔ: 'O', oʊ: 'oU', ʊ: 'U', uː: 'u:', u: 'u:', ʌ: 'V', ə: '@',
  ɚ: '3', ɜː: '3:', ɜ: '3:', aɪ: 'aI', aʊ: 'aU', ɔɪ: 'OI', ɾ: '*', ʔ: '?', ɐ: 'a#', ᵻ: 'I#',
};
const VOWELS = new Set(['i', 'iː', 'ɪ', 'eɪ', 'ɛ', 'æ', 'ɑː', 'ɑ', 'ɔː', 'ɔ', 'oʊ', 'ʊ', 'uː', 'u', 'ʌ', 'ɜː', 'ɜ', 'aɪ', 'aʊ', 'ɔɪ', 'ɐ', 'ᵻ']);

/** Model phones of each word -> "[[h@l'oU w'3:ld]]" (primary stress on each word's first full vowel), or null. */
function phonemeInput(words: string[][]): string | null {
  const out: string[] = [];
  for (const word of words) {
    let stressed = false;
    let text = '';
    for (const phone of word) {
      const m = MNEMONIC[phone];
      if (m === undefined) return null;
      if (!stressed && VOWELS.has(phone)) {
        text += "'";
        stressed = true;
      }
      text += m;
    }
    out.push(text);
  }
  return `[[${out.join(' ')}]]`;
}

interface Case {
  text: string;
  word: number;
  /** Model phones of every word as synthesised. */
  spoken: string[][];
}

describe.skipIf(!HAS_MODEL || !HAS_ESPEAK)(
  `audio-guided choice on espeak-ng recordings (${HAS_MODEL ? 'models/default' : 'SKIPPED: no trained model at models/default yet; the random-weight models/plumbing recognises nothing'}${HAS_ESPEAK ? '' : '; espeak-ng CLI missing'})`,
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'g2p-audio-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it(`chooses the candidate each recording was made from, >= 90 % of ${CASES} cases (goal 95 %)`, { timeout: 1_800_000 }, async () => {
      const engine: Engine = await load(MODEL);
      const { vocabulary } = engine.manifest;
      const inventory = new Set(vocabulary.idByPhone.keys());
      const modelPhones = (ipa: string): string[] | null => {
        try {
          return parseTargetIpa(ipa, inventory).phones;
        } catch {
          return null;
        }
      };

      const random = seededRandom(762);
      const sentences = readFileSync(TRANSCRIPTS, 'utf8')
        .split('\n')
        .map((line) => line.split('\t')[1]?.trim().toLowerCase())
        .filter((s): s is string => Boolean(s));
      const cases: Case[] = [];
      while (cases.length < CASES && sentences.length > 0) {
        const text = sentences.splice(Math.floor(random() * sentences.length), 1)[0];
        const generated = await generateIpa({ text });
        // Each word's distinct model-phone sequences, in candidate order.
        const options = generated.words.map((w) => {
          const seen = new Map<string, string[]>();
          for (const c of w.candidates ?? [{ ipa: w.ipa }]) {
            const phones = modelPhones(c.ipa);
            if (phones && !seen.has(phones.join(' '))) seen.set(phones.join(' '), phones);
          }
          return [...seen.values()];
        });
        if (options.some((o) => o.length === 0)) continue;
        const defaults = options.map((o) => o[0]);
        options.forEach((o, w) => {
          if (o.length < 2) return;
          for (const phones of o) cases.push({ text, word: w, spoken: defaults.map((d, k) => (k === w ? phones : d)) });
        });
      }
      cases.length = Math.min(cases.length, CASES);
      expect(cases.length).toBeGreaterThan(10);

      let right = 0;
      let synthesised = 0;
      const wrong: string[] = [];
      for (const [k, c] of cases.entries()) {
        const input = phonemeInput(c.spoken);
        if (!input) continue;
        const wav = join(dir, `${k}.wav`);
        const synth = spawnSync('espeak-ng', ['-v', 'en-us', '-w', wav, input], TOOL);
        expect(synth.status).toBe(0);
        synthesised += 1;
        const result = await generateIpa({ text: c.text, audio: wav }, { engine });
        const chosen = modelPhones(result.words[c.word].chosen!);
        if (chosen?.join(' ') === c.spoken[c.word].join(' ')) right += 1;
        else wrong.push(`"${c.text}" word ${c.word + 1}: spoken ${c.spoken[c.word].join('')}, chosen ${chosen?.join('')} (margin ${result.words[c.word].margin})`);
      }
      const rate = right / synthesised;
      console.log(`audio-guided choice: ${right}/${synthesised} right (${(100 * rate).toFixed(1)} %)${wrong.length ? `\n  ${wrong.join('\n  ')}` : ''}`);
      expect(synthesised).toBeGreaterThan(10);
      expect(rate).toBeGreaterThanOrEqual(0.9);
    });
  },
);
