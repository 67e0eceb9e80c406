// Audio-guided pronunciation with a real recogniser: recordings synthesised by espeak-ng from
// EACH candidate pronunciation of a word (the other words at their default), and generateIpa
// with that recording must choose the candidate it was made from. Goal and guard: 95 %.
//
// The synthesis must say what the label says. Phonemes are written with espeak-ng's "|"
// separator, else adjacent mnemonics merge into another phoneme ("U" "@" read as "U@", which
// en-us says as ʊɹ; "aU" "@" as "aU@"). A vowel followed by ɹ is written as espeak-ng's own
// r-coloured vowel (ɑːɹ -> "A@", as espeak-ng says "part": p'A@t), not the vowel plus a coda "r".
// Each input is then read back with `espeak-ng --ipa` and parsed onto the model's phones; a case
// whose read-back differs from the label (espeak-ng adds a linking r, say) is skipped and counted.
// Measured with models/default (right / verified cases): seed 762, 80 cases: 76/77 (98.7 %);
// seed 1, 200 cases: 194/200 (97.0 %); seed 3, 200 cases: 180/182 (98.9 %). Before the
// separator and the r-coloured vowels the same seeds gave 92.5 % each: the recogniser heard no ɹ
// after "A:" + "r", and the merged phonemes made recordings of other candidates.
//
// Needs the trained model at models/default; skipped without it. It is never run on
// models/plumbing: random weights recognise nothing, so the rate would mean nothing.
// G2P_AUDIO_CASES sets the number of cases (default 80), G2P_AUDIO_SEED the draw (default 762).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { load, type Engine } from '../lib/engine.js';
import { generateIpa } from '../lib/g2p/generate-ipa.js';
import { parseTargetIpa } from '../lib/phonetics/ipa.js';
import { seededRandom } from '../bench/seeded-random.js';

const ROOT = join(__dirname, '..');
const MODEL = join(ROOT, 'models', 'default');
const TRANSCRIPTS = join(ROOT, 'test', 'fixtures', 'speechocean762', 'text');
const HAS_MODEL = existsSync(join(MODEL, 'manifest.json'));
// The espeak-ng tool runs without the sanitizer runtime that `npm run test:asan` preloads
// (it hangs under it), and never for longer than a minute.
const TOOL = { env: { ...process.env, LD_PRELOAD: '' }, timeout: 60_000 };
const HAS_ESPEAK = spawnSync('espeak-ng', ['--version'], TOOL).status === 0;
const CASES = Number(process.env.G2P_AUDIO_CASES ?? 80);
const SEED = Number(process.env.G2P_AUDIO_SEED ?? 762);
const GOAL = 0.95;

/** espeak-ng en-us phoneme mnemonics for model phones (checked: espeak-ng --ipa "[[m]]" gives the phone). */
const MNEMONIC: Record<string, string> = {
  p: 'p', b: 'b', t: 't', d: 'd', k: 'k', ɡ: 'g', g: 'g', f: 'f', v: 'v', θ: 'T', ð: 'D', s: 's', z: 'z', ʃ: 'S', ʒ: 'Z',
  h: 'h', tʃ: 'tS', dʒ: 'dZ', m: 'm', n: 'n', ŋ: 'N', l: 'l', ɹ: 'r', r: 'r', w: 'w', j: 'j', i: 'i', iː: 'i:', ɪ: 'I',
  eɪ: 'eI', ɛ: 'E', æ: 'a', ɑː: 'A:', ɑ: 'A:', ɔː: 'O:', ɔ: 'O', oʊ: 'oU', ʊ: 'U', uː: 'u:', u: 'u:', ʌ: 'V', ə: '@',
  ɚ: '3', ɜː: '3:', ɜ: '3:', aɪ: 'aI', aʊ: 'aU', ɔɪ: 'OI', ɾ: '*', ʔ: '?', ɐ: 'a#', ᵻ: 'I#',
};
const VOWELS = new Set(['i', 'iː', 'ɪ', 'eɪ', 'ɛ', 'æ', 'ɑː', 'ɑ', 'ɔː', 'ɔ', 'oʊ', 'ʊ', 'uː', 'u', 'ʌ', 'ɜː', 'ɜ', 'aɪ', 'aʊ', 'ɔɪ', 'ɐ', 'ᵻ']);

/** espeak-ng's r-coloured vowels (en-us reads each back as the vowel plus ɹ: "A@" -> ɑːɹ). */
const RHOTIC: Record<string, string> = { ɑː: 'A@', ɔː: 'O@', ʊ: 'U@', ɛ: 'e@', ɪ: 'i@3' };

/** Model phones of each word -> "[[h|@|l|'oU w|'3:|l|d]]" (primary stress on each word's first full vowel), or null. */
function phonemeInput(words: string[][]): string | null {
  const out: string[] = [];
  for (const word of words) {
    let stressed = false;
    const parts: string[] = [];
    for (let i = 0; i < word.length; i++) {
      const phone = word[i];
      let m = MNEMONIC[phone];
      if (m === undefined) return null;
      if (RHOTIC[phone] !== undefined && word[i + 1] === 'ɹ') {
        m = RHOTIC[phone];
        i += 1;
      }
      if (!stressed && VOWELS.has(phone)) {
        m = `'${m}`;
        stressed = true;
      }
      parts.push(m);
    }
    out.push(parts.join('|'));
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

    it(`chooses the candidate each recording was made from, >= ${100 * GOAL} % of ${CASES} cases (seed ${SEED})`, { timeout: 1_800_000 }, async () => {
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

      const random = seededRandom(SEED);
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
      const unverified: string[] = [];
      const wrong: string[] = [];
      for (const [k, c] of cases.entries()) {
        const input = phonemeInput(c.spoken);
        if (!input) continue;
        const readBack = spawnSync('espeak-ng', ['-v', 'en-us', '-q', '--ipa', input], { ...TOOL, encoding: 'utf8' });
        expect(readBack.status).toBe(0);
        if (modelPhones(readBack.stdout.trim())?.join(' ') !== c.spoken.flat().join(' ')) {
          unverified.push(`${input} reads back as ${readBack.stdout.trim()}`);
          continue;
        }
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
      console.log(
        `audio-guided choice (seed ${SEED}): ${right}/${synthesised} right (${(100 * rate).toFixed(1)} %); ` +
          `${unverified.length} of ${cases.length} cases skipped (synthesis reads back as other phones)` +
          `${wrong.length ? `\n  wrong:\n  ${wrong.join('\n  ')}` : ''}${unverified.length ? `\n  skipped:\n  ${unverified.join('\n  ')}` : ''}`,
      );
      expect(synthesised).toBeGreaterThan(10);
      // Skipping is for the odd case, not the rule.
      expect(unverified.length).toBeLessThanOrEqual(0.1 * cases.length);
      expect(rate).toBeGreaterThanOrEqual(GOAL);
    });
  },
);
