import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildVocabulary, loadManifest, parseTokenList } from '../lib/model/manifest.js';

function bundle(manifest: object, files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'manifest-'));
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const base = {
  format_version: 1,
  name: 'test',
  model: 'model.onnx',
  sample_rate: 16000,
  frontend: { type: 'waveform' },
  inputs: [{ name: 'input_values', source: 'features' }],
  output: { name: 'logits', kind: 'logits' },
  frames: { shift_samples: 320 },
  vocabulary: { tokens: ['<pad>', '<s>', 'h', 'ɛ', '|'], blank_id: 0, non_phone_tokens: ['|'] },
};

describe('loadManifest', () => {
  it('fills defaults and builds the phone inventory', async () => {
    const dir = bundle(base);
    const m = await loadManifest(dir);
    expect(m.onnxPath).toBe(join(dir, 'model.onnx'));
    expect(m.frameOffsetSamples).toBe(0);
    expect(m.maxDurationSec).toBe(60);
    expect(m.nativeConfig.frontend).toEqual({ type: 'waveform', normalize: true, epsilon: 1e-7 });
    expect(m.nativeConfig.output).toEqual({ name: 'logits', kind: 'logits', skipFrames: 0 });
    expect([...m.vocabulary.idByPhone]).toEqual([
      ['h', 2],
      ['ɛ', 3],
    ]);
    expect(m.vocabulary.phoneById).toEqual([null, null, 'h', 'ɛ', null]);
  });

  it('reads a "token id" vocabulary file in slash format and a GlobalMVN stats file', async () => {
    const dir = bundle(
      {
        ...base,
        frontend: { type: 'espnet_logmel', n_mels: 2, global_mvn: 'mvn.json' },
        vocabulary: { file: 'tokens.txt', blank_id: 0, token_format: 'slash' },
      },
      { 'tokens.txt': '<blank> 0\n/h/ 2\n<na> 1\n/oʊ/ 3\n', 'mvn.json': JSON.stringify({ mean: [1, 2], std: [3, 4] }) },
    );
    const m = await loadManifest(dir);
    expect(m.vocabulary.tokens).toEqual(['<blank>', '<na>', '/h/', '/oʊ/']);
    expect(m.vocabulary.phoneById).toEqual([null, null, 'h', 'oʊ']);
    const fe = m.nativeConfig.frontend;
    expect(fe.type === 'espnet_logmel' && [...fe.mean!]).toEqual([1, 2]);
    expect(fe.type === 'espnet_logmel' && fe.nFft).toBe(512);
  });

  it.each([
    ['an unknown key', { ...base, extra: 1 }, 'extra'],
    ['a missing output', { ...base, output: undefined }, 'output'],
    ['an unknown frontend', { ...base, frontend: { type: 'mfcc' } }, 'frontend'],
    ['a blank outside the vocabulary', { ...base, vocabulary: { tokens: ['a'], blank_id: 3 } }, 'blank_id'],
    ['no features input', { ...base, inputs: [{ name: 'x', source: 'sample_length' }] }, 'features'],
    ['a constant without data', { ...base, inputs: [...base.inputs, { name: 'p', source: 'constant', dtype: 'int64' }] }, 'constant'],
    ['non-zero dither', { ...base, frontend: { type: 'kaldi_fbank', dither: 1 } }, 'dither'],
  ])('rejects %s with MODEL_UNAVAILABLE', async (_name, manifest, mention) => {
    await expect(loadManifest(bundle(manifest))).rejects.toMatchObject({ code: 'MODEL_UNAVAILABLE', message: expect.stringContaining(mention) });
  });

  it('rejects a GlobalMVN file of the wrong size', async () => {
    const dir = bundle({ ...base, frontend: { type: 'espnet_logmel', n_mels: 3, global_mvn: 'mvn.json' } }, { 'mvn.json': '{"mean":[1],"std":[1]}' });
    await expect(loadManifest(dir)).rejects.toMatchObject({ code: 'MODEL_UNAVAILABLE' });
  });

  it('rejects a missing manifest', async () => {
    await expect(loadManifest(join(tmpdir(), 'no-such-model-dir'))).rejects.toMatchObject({ code: 'MODEL_UNAVAILABLE' });
  });
});

describe('parseTokenList / buildVocabulary', () => {
  it('accepts plain lines and rejects gaps in ids', () => {
    expect(parseTokenList('a\nb\n')).toEqual(['a', 'b']);
    expect(() => parseTokenList('a 0\nb 2\n')).toThrow();
  });

  it('maps duplicate phones to their first id', () => {
    expect(buildVocabulary(['_', 'a', 'a'], 0, 'plain', []).idByPhone.get('a')).toBe(1);
  });
});
