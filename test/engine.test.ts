// End to end through the public API with the plumbing bundle (models/plumbing: fixed random
// weights, not a phone recogniser) on a real recording and on deliberately bad input.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EngineError } from '../lib/errors.js';
import { load, type Engine } from '../lib/index.js';
import { native } from '../lib/native.js';
import { writeWav } from './helpers/audio-signals.js';
import { contractViolations } from './helpers/contract.js';

const MODEL = join(__dirname, '..', 'models', 'plumbing');
const RECORDING = join(__dirname, '..', 'examples', '001040067.flac');
const TARGET = 'leɪlə ɪz ɡʊd æt sɜːfɪŋ';

let engine: Engine;
let dir: string;

function sox(...args: string[]): void {
  execFileSync('sox', args, { stdio: 'ignore' });
}

beforeAll(async () => {
  engine = await load(MODEL);
  dir = mkdtempSync(join(tmpdir(), 'engine-test-'));
});

describe('assess', () => {
  it('returns contract-valid JSON for a real recording', async () => {
    const result = await engine.assess({ audio: RECORDING, targetIpa: TARGET });
    expect(contractViolations(result)).toEqual([]);
    expect(result.duration_samples).toBe(80000);
    expect(result.target_ipa).toBe('l eɪ l ə ɪ z ɡ ʊ d æ t s ɜː f ɪ ŋ');
  });

  it('scores exactly 1 with no errors when the target is what was recognised', async () => {
    const heard = await engine.recognize(RECORDING);
    expect(heard.phones.length).toBeGreaterThan(0);
    const result = await engine.assess({ audio: RECORDING, targetIpa: heard.ipa });
    expect(contractViolations(result)).toEqual([]);
    expect(result.score).toBe(1);
    expect(result.errors).toEqual([]);
  });

  it('keeps the raw recognition in recognized_ipa; with verification off actual_ipa is that recognition', async () => {
    const heard = await engine.recognize(RECORDING);
    const result = await engine.assess({ audio: RECORDING, targetIpa: TARGET });
    expect(result.recognized_ipa).toBe(heard.ipa);
    const unverified = await load(MODEL, { verifyMarginNatsPerPhone: null });
    const raw = await unverified.assess({ audio: RECORDING, targetIpa: TARGET });
    expect(contractViolations(raw)).toEqual([]);
    expect(raw.actual_ipa).toBe(heard.ipa);
    await expect(load(MODEL, { verifyMarginNatsPerPhone: -1 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('reports each word with its phones, span and score', async () => {
    const result = await engine.assess({ audio: RECORDING, targetIpa: TARGET });
    expect(result.words!.map((w) => w.word)).toEqual(['l eɪ l ə', 'ɪ z', 'ɡ ʊ d', 'æ t', 's ɜː f ɪ ŋ']);
    expect(result.words!.map((w) => w.phones)).toEqual([[0, 4], [4, 6], [6, 9], [9, 11], [11, 16]]);
    for (const w of result.words!) {
      expect(w.start).toBe(result.phones[w.phones[0]].start);
      expect(w.end).toBe(result.phones[w.phones[1] - 1].end);
      expect(w.score).toBeGreaterThanOrEqual(0);
      expect(w.score).toBeLessThanOrEqual(1);
    }
    const single = await engine.assess({ audio: RECORDING, targetIpa: 'leɪləɪzɡʊd' });
    expect(single.words).toBeUndefined();
  });

  it('gives the same result for a path, bytes, a data: URI and raw samples', async () => {
    const bytes = readFileSync(RECORDING);
    const byPath = await engine.assess({ audio: RECORDING, targetIpa: TARGET });
    expect(await engine.assess({ audio: bytes, targetIpa: TARGET })).toEqual(byPath);
    expect(await engine.assess({ audio: `data:audio/flac;base64,${bytes.toString('base64')}`, targetIpa: TARGET })).toEqual(byPath);
  });

  it('judges raw samples exactly as the same samples in a float WAV file: a spike, NaNs, infinities, at 16 and 44.1 kHz', async () => {
    const clean = (await native().decodeFile(RECORDING, { maxDurationSec: 60 })).samples;
    const at44k = await native().resample(clean, 16000, 44100);
    const outcome = (promise: Promise<unknown>) => promise.then((result) => ({ result }), (error: EngineError) => ({ code: error.code }));
    const cases: [string, Float32Array, number, (x: Float32Array) => void][] = [
      ['a spike of 1e6', clean, 16000, (x) => (x[40_000] = 1e6)],
      ['one NaN', clean, 16000, (x) => (x[1234] = NaN)],
      ['ten NaNs', clean, 16000, (x) => { for (let i = 0; i < 10; i++) x[1000 + 7919 * i] = NaN; }],
      ['a thousand NaNs', clean, 16000, (x) => { for (let i = 0; i < 1000; i++) x[31 * i] = NaN; }],
      ['an infinity', clean, 16000, (x) => (x[100] = -Infinity)],
      ['a NaN and a spike at 44.1 kHz', at44k, 44100, (x) => { x[5000] = NaN; x[90_000] = -3e5; }],
    ];
    for (const [name, base, rate, perturb] of cases) {
      const samples = base.slice();
      perturb(samples);
      const file = join(dir, `raw-${name.replaceAll(' ', '-')}.wav`);
      writeWav(file, [samples], rate, 'float32');
      const fromFile = await outcome(engine.assess({ audio: file, targetIpa: TARGET }));
      const fromSamples = await outcome(engine.assess({ audio: { samples, sampleRate: rate }, targetIpa: TARGET }));
      expect(fromSamples, name).toEqual(fromFile);
      expect(fromFile, name).toHaveProperty('result');
    }
  });

  it('gives identical results under concurrency', async () => {
    const sequential = await engine.assess({ audio: RECORDING, targetIpa: TARGET });
    const concurrent = await Promise.all(Array.from({ length: 8 }, () => engine.assess({ audio: RECORDING, targetIpa: TARGET })));
    for (const r of concurrent) expect(r).toEqual(sequential);
  });
});

describe('bad input gets a typed error and the engine stays healthy', () => {
  const cases: [string, () => Promise<unknown>, string][] = [
    ['an empty file', async () => { const p = join(dir, 'empty.wav'); writeFileSync(p, ''); return engine.assess({ audio: p, targetIpa: TARGET }); }, 'AUDIO_UNDECODABLE'],
    ['a truncated FLAC', async () => { const p = join(dir, 'cut.flac'); writeFileSync(p, readFileSync(RECORDING).subarray(0, 20000)); return engine.assess({ audio: p, targetIpa: TARGET }); }, 'AUDIO_UNDECODABLE'],
    ['a text file', async () => { const p = join(dir, 'notes.wav'); writeFileSync(p, 'this is not audio\n'.repeat(100)); return engine.assess({ audio: p, targetIpa: TARGET }); }, 'AUDIO_UNDECODABLE'],
    ['0 samples', async () => { const p = join(dir, 'zero.wav'); sox('-n', '-r', '16000', '-c', '1', '-b', '16', p, 'trim', '0', '0'); return engine.assess({ audio: p, targetIpa: TARGET }); }, 'AUDIO_UNDECODABLE'],
    ['0 raw samples', () => engine.assess({ audio: { samples: new Float32Array(0), sampleRate: 16000 }, targetIpa: TARGET }), 'AUDIO_UNDECODABLE'],
    ['2 hours of audio', async () => {
      const p = join(dir, 'long.flac');
      execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'anullsrc=r=8000:cl=mono', '-t', '7200', '-c:a', 'flac', p]);
      return engine.assess({ audio: p, targetIpa: TARGET });
    }, 'AUDIO_TOO_LONG'],
    ['an unknown IPA symbol', () => engine.assess({ audio: RECORDING, targetIpa: 'leɪlə ɪz ɡʊd æt sɜːfɪŋ ǂ' }), 'IPA_INVALID'],
    ['an empty target', () => engine.assess({ audio: RECORDING, targetIpa: '  ' }), 'INVALID_INPUT'],
    ['silence', async () => { const p = join(dir, 'silence.wav'); sox('-n', '-r', '16000', '-c', '1', '-b', '16', p, 'trim', '0', '2'); return engine.assess({ audio: p, targetIpa: TARGET }); }, 'AUDIO_SILENT'],
    ['steady noise without speech', async () => { const p = join(dir, 'noise.wav'); sox('-n', '-r', '16000', '-c', '1', '-b', '16', p, 'synth', '2', 'pinknoise', 'vol', '0.3'); return engine.assess({ audio: p, targetIpa: TARGET }); }, 'AUDIO_SILENT'],
    ['audio far too short for the target', async () => {
      const p = join(dir, 'short.wav');
      sox(RECORDING, p, 'trim', '1.2', '0.3'); // 0.3 s of speech for 16 target phones
      return engine.assess({ audio: p, targetIpa: TARGET });
    }, 'AUDIO_TOO_SHORT'],
    ['audio far too long for the target', async () => {
      const p = join(dir, 'long3.wav');
      sox(RECORDING, RECORDING, RECORDING, p); // 15 s of speech for one target phone
      return engine.assess({ audio: p, targetIpa: 'l' });
    }, 'AUDIO_TOO_LONG'],
    ['a missing file', () => engine.assess({ audio: join(dir, 'nope.flac'), targetIpa: TARGET }), 'AUDIO_UNDECODABLE'],
    ['an http URL', () => engine.assess({ audio: 'https://example.invalid/a.wav', targetIpa: TARGET }), 'INVALID_INPUT'],
  ];

  it.each(cases)('%s', async (_name, run, code) => {
    await expect(run()).rejects.toMatchObject({ name: 'EngineError', code });
    const after = await engine.assess({ audio: RECORDING, targetIpa: TARGET });
    expect(contractViolations(after)).toEqual([]);
  });

  it('refuses a model directory without a manifest', async () => {
    await expect(load(dir)).rejects.toMatchObject({ code: 'MODEL_UNAVAILABLE' });
  });

  it('refuses the CUDA provider where ONNX Runtime has none', async () => {
    await expect(load(MODEL, { provider: 'cuda' })).rejects.toMatchObject({ code: 'MODEL_UNAVAILABLE', message: expect.stringMatching(/CUDA/) });
  });
});
