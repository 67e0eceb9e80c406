// The model's own G2P (manifest tasks.g2p) as a candidate source of generateIpa, on the tiny
// POWSM-CTC-shaped bundle (tools/fixtures/make_tiny_models.py, make_powsm): with the <g2p>
// prefix it reads the prompt with a toy letter-to-sound table; with the phone-recognition
// prefix it "hears" h ɛ l ɔ w ɔ ɹ l d whatever the audio.
import { readFileSync, writeFileSync, mkdtempSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine } from '../lib/engine.js';
import { generateIpa } from '../lib/g2p/generate-ipa.js';
import { splitIntoWords } from '../lib/g2p/model-g2p.js';
import { tinyModels } from './helpers/tiny-models.js';
import { quietThenLoudNoise } from './helpers/audio-signals.js';

const noise = (count: number) => quietThenLoudNoise(count, 777);
const audio = { samples: noise(32000), sampleRate: 16000 };

describe('splitIntoWords', () => {
  it('gives matched and substituted phones to their reference word, insertions to the word before', () => {
    const reference = [['h', 'ə', 'l', 'oʊ'], ['w', 'ɜː', 'l', 'd']];
    expect(splitIntoWords(['h', 'ɛ', 'l', 'ɔ', 'w', 'ɔ', 'ɹ', 'l', 'd'], reference)).toEqual([['h', 'ɛ', 'l', 'ɔ'], ['w', 'ɔ', 'ɹ', 'l', 'd']]);
    expect(splitIntoWords(['x', 'h', 'ə'], [['h', 'ə'], ['l']])).toEqual([['x', 'h', 'ə'], []]);
    expect(splitIntoWords(['h', 'ə', 'l'], [['h', 'ə'], ['l']])).toEqual([['h', 'ə'], ['l']]);
    expect(splitIntoWords([], [['a'], ['b']])).toEqual([[], []]);
  });
});

describe('generateIpa with a model that has tasks.g2p', () => {
  it('offers the model-g2p candidate, which wins when the recording matches it', async () => {
    const engine = await Engine.load(tinyModels().powsmBundle);
    // Punctuation is stripped from the prompt ("hello world" -> ▁ he llo ▁world).
    const result = await generateIpa({ text: 'hello, world!', language: 'en-us', audio }, { engine });
    expect(result.words.map((w) => w.ipa)).toEqual(['/h//ɛ//l//ɔ/', '/w//ɔ//ɹ//l//d/']);
    for (const word of result.words) {
      expect(word.source.split('+')).toContain('model-g2p');
      const espeak = word.candidates!.find((c) => c.source.includes('espeak-ng:en-us'))!;
      expect(espeak.ipa).not.toBe(word.ipa);
      expect(word.margin).toBeGreaterThan(0);
    }
    expect(result.ipa_phonemes).toBe('/h//ɛ//l//ɔ// //w//ɔ//ɹ//l//d/');
  });

  it('reads an unknown piece as <unk>: "Hello" (H outside the tiny vocabulary) gets ɛ l ɔ, which loses', async () => {
    const engine = await Engine.load(tinyModels().powsmBundle);
    const result = await generateIpa({ text: 'Hello world', language: 'en-us', audio }, { engine });
    const model = result.words[0].candidates!.find((c) => c.source === 'model-g2p')!;
    expect(model.ipa).toBe('/ɛ//l//ɔ/');
    expect(result.words[0].source).not.toContain('model-g2p');
  });

  it('adds no candidate when none of the text pieces is in the vocabulary', async () => {
    const engine = await Engine.load(tinyModels().powsmBundle);
    const result = await generateIpa({ text: 'BUZZ', language: 'en-us', audio }, { engine });
    expect(result.words[0].candidates!.some((c) => c.source.includes('model-g2p'))).toBe(false);
  });

  it('rejects empty text before running the model', async () => {
    const engine = await Engine.load(tinyModels().powsmBundle);
    await expect(generateIpa({ text: '  ', audio }, { engine })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('changes nothing without tasks.g2p', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pa-powsm-nog2p-'));
    cpSync(tinyModels().powsmBundle, dir, { recursive: true });
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    delete manifest.tasks.g2p;
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
    const engine = await Engine.load(dir);
    const result = await generateIpa({ text: 'Hello world', language: 'en-us', audio }, { engine });
    for (const word of result.words) expect(word.candidates!.some((c) => c.source.includes('model-g2p'))).toBe(false);
  });
});
