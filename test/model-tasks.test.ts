// The manifest's `tasks` (POWSM-CTC's prefix and text prompt): the sentencepiece tokenizer
// against Debian's spm_encode, the piece -> vocabulary lookup, the load-time checks, and the
// prompt and prefix reaching a tiny real ONNX graph of POWSM-CTC's input signature
// (tools/fixtures/make_tiny_models.py, make_powsm).
import { readFileSync, writeFileSync, mkdtempSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Engine } from '../lib/engine.js';
import { loadManifest } from '../lib/model/manifest.js';
import { promptIds, promptPieces, taskInputs } from '../lib/model/tasks.js';
import { native } from '../lib/native.js';
import { tinyModels } from './helpers/tiny-models.js';
import { quietThenLoudNoise } from './helpers/audio-signals.js';

const bpeDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'tools', 'fixtures', 'tiny_bpe');
const bpeModel = join(bpeDir, 'tiny_bpe.model');

const noise = (count: number) => quietThenLoudNoise(count, 12345);

async function greedyPhones(engine: Engine, logProbs: { logProbs: Float32Array; numFrames: number; vocabSize: number }): Promise<string[]> {
  const { vocabulary } = engine.manifest;
  const greedy = await native().ctcGreedyDecode(logProbs.logProbs, logProbs.numFrames, logProbs.vocabSize, vocabulary.blankId);
  return Array.from(greedy.tokens, (id) => vocabulary.phoneById[id]).filter((p): p is string => p !== null);
}

function bundleCopy(edit: (manifest: any) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'pa-powsm-'));
  cpSync(tinyModels().powsmBundle, dir, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  edit(manifest);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  return dir;
}

describe('sentencepiece tokenizer', () => {
  it('splits text into the pieces spm_encode gave for the tiny BPE model', async () => {
    const sentences = readFileSync(join(bpeDir, 'test_sentences.txt'), 'utf8').split('\n').filter((l) => l.length > 0);
    const expected = readFileSync(join(bpeDir, 'expected_pieces.txt'), 'utf8').split('\n').filter((l) => l.length > 0);
    expect(sentences.length).toBe(expected.length);
    const model = await native().sentencepieceLoad(bpeModel);
    for (let i = 0; i < sentences.length; i++) {
      expect(await native().sentencepieceEncode(model, sentences[i])).toEqual(expected[i].split(' '));
    }
  });

  it('rejects a file that is not a sentencepiece model, and a foreign handle', async () => {
    await expect(native().sentencepieceLoad(join(bpeDir, 'test_sentences.txt'))).rejects.toMatchObject({ code: 'MODEL_UNAVAILABLE' });
    await expect(native().sentencepieceLoad('/nonexistent/bpe.model')).rejects.toMatchObject({ code: 'MODEL_UNAVAILABLE' });
    expect(() => native().sentencepieceEncode({}, 'x')).toThrow(/sentencepieceLoad/);
  });
});

describe('manifest tasks', () => {
  it('looks pieces up by string in the token list: missing pieces become <unk>, no pieces <na>', async () => {
    const { ids, missingPiece } = tinyModels().expected.powsm;
    const manifest = await loadManifest(tinyModels().powsmBundle);
    const tasks = manifest.tasks!;
    const prompt = tasks.g2p!.textPrompt!;
    // Punctuation removed; "H", "W", "z" ... are sentencepiece pieces outside the tiny vocabulary.
    const pieces = await promptPieces(prompt, 'Hello, World!');
    expect(pieces).toEqual(['▁', 'H', 'e', 'llo', '▁', 'W', 'or', 'ld']);
    expect(promptIds(prompt, pieces, tasks.idByToken)).toEqual([ids['▁'], ids['<unk>'], ids['e'], ids['llo'], ids['▁'], ids['<unk>'], ids['or'], ids['ld']]);
    expect(promptIds(prompt, [missingPiece], tasks.idByToken)).toEqual([ids['<unk>']]);
    expect(await promptPieces(prompt, ' ?! ')).toEqual([]);
    expect(promptIds(prompt, [], tasks.idByToken)).toEqual([ids['<na>']]);
    expect(() => promptIds(prompt, new Array(257).fill('e'), tasks.idByToken)).toThrow(/more than the model's 256/);
  });

  it('fills the prefix with the language token, <unk> for other languages', async () => {
    const { ids } = tinyModels().expected.powsm;
    const manifest = await loadManifest(tinyModels().powsmBundle);
    const en = await taskInputs(manifest.tasks!, manifest.tasks!.g2p!, 'hello world', 'en-us');
    expect(en.prefix).toEqual({ shape: [1, 2], data: [ids['<eng>'], ids['<g2p>']] });
    expect(en.text_prev).toEqual({ shape: [1, 4], data: [ids['▁'], ids['he'], ids['llo'], ids['▁world']] });
    expect(en.text_prev_lengths).toEqual({ shape: [1], data: [4] });
    const fr = await taskInputs(manifest.tasks!, manifest.tasks!.g2p!, 'hello', 'fr');
    expect(fr.prefix.data).toEqual([ids['<unk>'], ids['<g2p>']]);
    // Phone recognition's prefix replaces the constant's data.
    expect(manifest.nativeConfig.inputs.find((i) => i.name === 'prefix')!.data).toEqual([ids['<unk>'], ids['<pr>']]);
  });

  it.each([
    ['a prefix token outside the vocabulary', (m: any) => (m.tasks.g2p.prefix = ['{language}', '<nope>']), /tasks\.g2p\.prefix\[1\]: token "<nope>"/],
    ['a language token outside the vocabulary', (m: any) => (m.tasks.g2p.languages.en = '<english>'), /languages\.en: token "<english>"/],
    ['an empty token outside the vocabulary', (m: any) => (m.tasks.g2p.text_prompt.empty = '<none>'), /text_prompt\.empty/],
    ['a missing tokenizer model', (m: any) => (m.tasks.g2p.text_prompt.tokenizer.model = 'missing.model'), /cannot load the text prompt's tokenizer .*missing\.model/],
    ['a tokenizer file that is no model', (m: any) => (m.tasks.g2p.text_prompt.tokenizer.model = 'tokens.txt'), /cannot load the text prompt's tokenizer/],
    ['a prefix input that is not a constant', (m: any) => (m.tasks.g2p.prefix_input = 'feats_lengths'), /"feats_lengths" must be an int64\/int32 input with source "constant"/],
    ['{language} without languages', (m: any) => delete m.tasks.g2p.languages, /has "\{language\}" but the task has no "languages"/],
    ['a g2p task without a prompt', (m: any) => (m.tasks.g2p.text_prompt = null), /tasks\.g2p needs a text_prompt/],
    ['a phone-recognition prompt', (m: any) => (m.tasks.phone_recognition.text_prompt = m.tasks.g2p.text_prompt), /phone_recognition\.text_prompt must be null/],
    ['{language} in phone recognition', (m: any) => Object.assign(m.tasks.phone_recognition, { prefix: ['{language}', '<pr>'], languages: { '*': '<unk>' } }), /phone_recognition\.prefix cannot hold/],
    ['an unknown key', (m: any) => (m.tasks.g2p.prompt = 1), /tasks\.g2p: Unrecognized key/],
  ])('rejects %s with MODEL_UNAVAILABLE', async (_name, edit, message) => {
    await expect(loadManifest(bundleCopy(edit))).rejects.toMatchObject({ code: 'MODEL_UNAVAILABLE', message: expect.stringMatching(message) });
  });
});

describe('per-call inputs on the tiny POWSM-CTC graph', () => {
  it('the prefix and the prompt reach the graph', async () => {
    const { heard, ids } = tinyModels().expected.powsm;
    const engine = await Engine.load(tinyModels().powsmBundle);
    const audio = { samples: noise(32000), sampleRate: 16000 };
    // Phone recognition (the manifest's constants with tasks.phone_recognition's prefix): what it "hears".
    expect(await greedyPhones(engine, await engine.logProbs(audio))).toEqual(collapse(heard));
    const inputs = await taskInputs(engine.manifest.tasks!, engine.manifest.tasks!.g2p!, 'the old road', 'en');
    // G2P: the toy letter-to-sound of the prompt's pieces (▁the ▁ old ▁ro ad).
    const g2p = await greedyPhones(engine, await engine.logProbs(audio, inputs));
    expect(g2p).toEqual(['t', 'h', 'ɛ', 'ɔ', 'l', 'd', 'ɹ', 'ɔ', 'æ', 'd']);
    // The same prompt with the phone-recognition task: back to what it hears.
    const pr = { ...inputs, prefix: { shape: [1, 2], data: [ids['<eng>'], ids['<pr>']] } };
    expect(await greedyPhones(engine, await engine.logProbs(audio, pr))).toEqual(collapse(heard));
    // The language token changes the log-probabilities (not the argmax).
    const unk = await engine.logProbs(audio, { ...inputs, prefix: { shape: [1, 2], data: [ids['<unk>'], ids['<g2p>']] } });
    const eng = await engine.logProbs(audio, inputs);
    expect(Array.from(unk.logProbs)).not.toEqual(Array.from(eng.logProbs));
  });

  it('rejects malformed per-call inputs with INVALID_INPUT', async () => {
    const engine = await Engine.load(tinyModels().powsmBundle);
    const audio = { samples: noise(16000), sampleRate: 16000 };
    const bad: [Record<string, { shape: number[]; data: number[] }>, RegExp][] = [
      [{ feats_lengths: { shape: [1], data: [3] } }, /not a constant input/],
      [{ nope: { shape: [1], data: [3] } }, /not a constant input/],
      [{ prefix: { shape: [1, 3], data: [1, 2] } }, /2 values for a shape of 3/],
      [{ prefix: { shape: [2], data: [1, 2] } }, /rank 1; the graph declares rank 2/],
      [{ prefix: { shape: [1, 2], data: [1, 2.5] } }, /safe integers/],
    ];
    for (const [inputs, message] of bad) {
      await expect(engine.logProbs(audio, inputs)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(message) });
    }
  });
});

function collapse(phones: string[]): string[] {
  return phones.filter((p, i) => i === 0 || p !== phones[i - 1]);
}
