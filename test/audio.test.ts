// The audio stage against known signals: the resampler against sines and chirps computed
// analytically at 16 kHz, every decoder against a 440 Hz sine encoded here by sox/ffmpeg
// (generated per run into a temp dir), and each kind of bad input against its error code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { native, type DecodedAudio, type DecodeOptions } from '../lib/native.js';
import {
  chirp,
  dominantFrequency,
  errorDb,
  fitSine,
  levelDb,
  sine,
  toFloat32,
  writeWav,
} from './helpers/audio-signals.js';
import { rejection } from './helpers/outcomes.js';

const addon = native();
const OPTIONS: DecodeOptions = { maxDurationSec: 60 };
// Output samples left out at each end when comparing with the analytic signal: the
// signals start and stop abruptly, and the resampling filter spreads those steps over a
// few milliseconds. 400 samples = 25 ms at 16 kHz.
const EDGE = 400;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'audio-test-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function run(program: string, args: string[]): void {
  execFileSync(program, args, { stdio: ['ignore', 'ignore', 'pipe'] });
}
function ffmpeg(...args: string[]): void {
  run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args]);
}

describe('resample', () => {
  const RATES = [8000, 22050, 44100, 48000, 96000];

  for (const rate of RATES) {
    const tones = [440, 1000, 3000, 6000, 7000].filter((f) => f < 0.45 * rate);
    it(`sines at ${rate} Hz keep their frequency, phase and amplitude at 16 kHz`, async () => {
      for (const frequency of tones) {
        const phase = 0.7;
        const input = sine(frequency, rate, 2 * rate, 0.5, phase);
        const output = await addon.resample(toFloat32(input), rate, 16000);
        expect(output).toBeInstanceOf(Float32Array);
        expect(output.length).toBe(32000); // round(2 s * 16000)
        const exact = sine(frequency, 16000, output.length, 0.5, phase);
        expect(errorDb(output, exact, EDGE)).toBeLessThan(-100);
        expect(Math.abs(dominantFrequency(output, 16000) - frequency)).toBeLessThan(0.01);
        const fit = fitSine(output, 16000, frequency, EDGE, output.length - EDGE);
        expect(Math.abs(fit.phase - phase)).toBeLessThan(1e-4);
        expect(Math.abs(fit.amplitude - 0.5)).toBeLessThan(1e-5);
      }
    });

    it(`a band-limited chirp at ${rate} Hz matches the chirp computed at 16 kHz`, async () => {
      const top = rate === 8000 ? 3500 : 7000;
      const output = await addon.resample(toFloat32(chirp(50, top, 2, rate, 0.5)), rate, 16000);
      expect(errorDb(output, chirp(50, top, 2, 16000, 0.5), EDGE)).toBeLessThan(-100);
    });
  }

  for (const rate of [44100, 48000]) {
    it(`tones above 8 kHz at ${rate} Hz are attenuated by more than 80 dB (no aliasing)`, async () => {
      for (const frequency of [8500, 9000, 10000, 12000, 15000, 20000]) {
        const input = sine(frequency, rate, rate, 0.5);
        const output = await addon.resample(toFloat32(input), rate, 16000);
        expect(levelDb(output, input, EDGE)).toBeLessThan(-80);
      }
    });
  }

  it('output length is round(n * to / from), including short and empty inputs', async () => {
    for (const [n, from, expected] of [
      [12345, 44100, 4479],
      [44101, 44100, 16000],
      [7, 22050, 5],
      [3, 96000, 1],
      [1, 8000, 2],
      [0, 48000, 0],
    ]) {
      expect((await addon.resample(new Float32Array(n), from, 16000)).length).toBe(expected);
    }
  });

  it('rejects bad arguments synchronously with INVALID_INPUT', () => {
    const samples = new Float32Array(10);
    for (const call of [
      () => addon.resample(new Float64Array(10) as unknown as Float32Array, 8000, 16000),
      () => addon.resample(samples, 0, 16000),
      () => addon.resample(samples, 8000, Number.NaN),
      () => addon.resample(samples, -1, 16000),
    ]) {
      expect(call).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    }
  });
});

// ---------- decoders ----------

interface Format {
  name: string;
  file: string;
  rate: number;
  decoder: DecodedAudio['decoder'];
  /** Tolerance on the decoded duration: lossy codecs pad to whole frames (AAC: 1024 samples). */
  durationToleranceSec: number;
  /** SNR against the ideal mono sine, phase and amplitude included. */
  minIdealSnrDb: number;
  make: (master: string, out: string) => void;
}

// Left 0.6 sin, right 0.2 sin, 1 s: the mono downmix is 0.4 sin(2 pi 440 t).
const FREQUENCY = 440;
const MONO_AMPLITUDE = 0.4;

// Lossless thresholds: 16-bit quantisation allows about 89 dB for this signal (measured
// 89.2), float about 150 (measured 152). Lossy codecs keep the waveform only roughly:
// measured ideal SNRs are Vorbis 41, Opus 45, MP3 30.5 (LAME lowers the level by 3%,
// -0.26 dB; ffmpeg's own decoder shows the same), AAC 36.5. Each threshold sits 5-10 dB
// below; all codecs start aligned (measured delay under 2 microseconds), so no shift is fitted.
const FORMATS: Format[] = [
  { name: 'WAV 16-bit', file: 'wav16.wav', rate: 44100, decoder: 'libsndfile', durationToleranceSec: 0, minIdealSnrDb: 80, make: () => {} },
  { name: 'WAV float', file: 'float.wav', rate: 48000, decoder: 'libsndfile', durationToleranceSec: 0, minIdealSnrDb: 120, make: () => {} },
  { name: 'FLAC', file: 'sine.flac', rate: 44100, decoder: 'libsndfile', durationToleranceSec: 0, minIdealSnrDb: 80, make: (m, o) => run('sox', [m, o]) },
  { name: 'Ogg Vorbis', file: 'sine.ogg', rate: 44100, decoder: 'libsndfile', durationToleranceSec: 0.03, minIdealSnrDb: 32, make: (m, o) => ffmpeg('-i', m, '-c:a', 'libvorbis', '-q:a', '6', o) },
  { name: 'Ogg Opus', file: 'sine.opus', rate: 48000, decoder: 'libsndfile', durationToleranceSec: 0.03, minIdealSnrDb: 35, make: (m, o) => ffmpeg('-i', m, '-c:a', 'libopus', '-b:a', '128k', o) },
  { name: 'MP3', file: 'sine.mp3', rate: 44100, decoder: 'libsndfile', durationToleranceSec: 0.03, minIdealSnrDb: 25, make: (m, o) => ffmpeg('-i', m, '-c:a', 'libmp3lame', '-b:a', '192k', o) },
  { name: 'WebM/Opus', file: 'sine.webm', rate: 48000, decoder: 'ffmpeg', durationToleranceSec: 0.03, minIdealSnrDb: 35, make: (m, o) => ffmpeg('-i', m, '-c:a', 'libopus', '-b:a', '128k', o) },
  { name: 'MP4/AAC', file: 'sine.m4a', rate: 44100, decoder: 'ffmpeg', durationToleranceSec: 0.03, minIdealSnrDb: 30, make: (m, o) => ffmpeg('-i', m, '-c:a', 'aac', '-b:a', '192k', o) },
];

function stereoSine(rate: number, seconds = 1): Float64Array[] {
  return [sine(FREQUENCY, rate, seconds * rate, 0.6), sine(FREQUENCY, rate, seconds * rate, 0.2)];
}

/** The decoded signal is the 0.4 amplitude 440 Hz sine: frequency, level, SNR. */
function expectSine(samples: Float32Array, minIdealSnrDb: number): void {
  expect(Math.abs(dominantFrequency(samples, 16000) - FREQUENCY)).toBeLessThan(1);
  const ideal = sine(FREQUENCY, 16000, samples.length, MONO_AMPLITUDE);
  expect(-errorDb(samples, ideal, EDGE)).toBeGreaterThan(minIdealSnrDb);
}

describe('decodeFile / decodeBuffer on each format', () => {
  beforeAll(() => {
    writeWav(join(dir, 'master44.wav'), stereoSine(44100), 44100, 'pcm16');
    writeWav(join(dir, 'master48.wav'), stereoSine(48000), 48000, 'float32');
    writeWav(join(dir, 'wav16.wav'), stereoSine(44100), 44100, 'pcm16');
    writeWav(join(dir, 'float.wav'), stereoSine(48000), 48000, 'float32');
    for (const format of FORMATS) {
      format.make(join(dir, format.rate === 48000 ? 'master48.wav' : 'master44.wav'), join(dir, format.file));
    }
  });

  for (const format of FORMATS) {
    it(`${format.name}: a 440 Hz stereo sine decodes to the 16 kHz mono sine`, async () => {
      const path = join(dir, format.file);
      const fromFile = await addon.decodeFile(path, OPTIONS);
      const fromBuffer = await addon.decodeBuffer(readFileSync(path), OPTIONS);
      for (const decoded of [fromFile, fromBuffer]) {
        expect(decoded.decoder).toBe(format.decoder);
        expect(decoded.sampleRate).toBe(16000);
        expect(decoded.samples).toBeInstanceOf(Float32Array);
        expect(decoded.originalSampleRate).toBe(format.rate);
        expect(decoded.originalChannels).toBe(2);
        expect(Math.abs(decoded.originalDurationSec - 1)).toBeLessThanOrEqual(format.durationToleranceSec + 1e-9);
        expect(decoded.samples.length).toBe(Math.round(decoded.originalDurationSec * 16000));
      }
      expect(fromBuffer.samples).toEqual(fromFile.samples);
      expectSine(fromFile.samples, format.minIdealSnrDb);
    });
  }

  it('a VBR MP3 without a Xing header is decoded to its end, not to an estimated length', async () => {
    // libsndfile would otherwise cap the decode at mpg123's guess from the first frame's
    // bitrate (0.19 s of this 3 s file); see VirtualSeek in sndfile_decoder.cc.
    const master = join(dir, 'master3s.wav');
    writeWav(master, [sine(FREQUENCY, 44100, 3 * 44100, 0.4)], 44100, 'pcm16');
    const mp3 = join(dir, 'vbr-no-xing.mp3');
    ffmpeg('-i', master, '-c:a', 'libmp3lame', '-q:a', '4', '-write_xing', '0', mp3);
    const decoded = await addon.decodeFile(mp3, OPTIONS);
    expect(decoded.decoder).toBe('libsndfile');
    // Without the LAME tag the encoder delay and padding stay in (up to ~2 frames of 1152).
    expect(decoded.originalDurationSec).toBeGreaterThanOrEqual(3);
    expect(decoded.originalDurationSec).toBeLessThan(3.1);
    const tail = decoded.samples.subarray(decoded.samples.length - 16000, decoded.samples.length - EDGE);
    expect(fitSine(tail, 16000, FREQUENCY).amplitude).toBeGreaterThan(0.3);
  });

  it('decodeBuffer reads a view at an offset into a larger buffer', async () => {
    const bytes = readFileSync(join(dir, 'sine.flac'));
    const padded = new Uint8Array(bytes.length + 100).fill(0xff);
    padded.set(bytes, 37);
    const view = padded.subarray(37, 37 + bytes.length);
    const decoded = await addon.decodeBuffer(view, OPTIONS);
    expect(decoded.samples).toEqual((await addon.decodeFile(join(dir, 'sine.flac'), OPTIONS)).samples);
  });

  it('decodes concurrently with the same results as one at a time', async () => {
    const files = FORMATS.map((format) => join(dir, format.file));
    const sequential: Float32Array[] = [];
    for (const file of files) sequential.push((await addon.decodeFile(file, OPTIONS)).samples);
    const parallel = await Promise.all(files.map((file) => addon.decodeFile(file, OPTIONS)));
    parallel.forEach((decoded, i) => expect(decoded.samples).toEqual(sequential[i]));
  });
});

// ---------- bad input ----------

/** Children of this process that are ffmpeg or zombies, from /proc. */
function leftoverChildren(): string[] {
  const found: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // Exited while we looked.
    }
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const [state, ppid] = stat.slice(close + 2).split(' ');
    if (Number(ppid) === process.pid && (state === 'Z' || comm === 'ffmpeg')) found.push(`${entry} ${comm} ${state}`);
  }
  return found;
}

function openFdCount(): number {
  return readdirSync('/proc/self/fd').length;
}

describe('bad input', () => {
  let good: string;
  let webm: string;
  let longFlac: string;
  let longMatroska: string;
  beforeAll(() => {
    good = join(dir, 'good.wav');
    writeWav(good, stereoSine(22050), 22050, 'pcm16');
    webm = join(dir, 'short.webm');
    ffmpeg('-i', good, '-c:a', 'libopus', webm);
    // Two hours of silence, made in about a second each. FLAC in Matroska goes to ffmpeg:
    // libsndfile cannot read Matroska.
    const silence = ['-f', 'lavfi', '-i', 'anullsrc=r=8000:cl=mono', '-t', '7200', '-c:a', 'flac'];
    longFlac = join(dir, 'silence-2h.flac');
    ffmpeg(...silence, longFlac);
    longMatroska = join(dir, 'silence-2h.mka');
    ffmpeg(...silence, longMatroska);
  });

  async function expectHealthy(): Promise<void> {
    const decoded = await addon.decodeFile(good, OPTIONS);
    expectSine(decoded.samples, 80);
  }

  const cases: { name: string; make: () => string; code: string; says: RegExp }[] = [
    { name: 'an empty file', make: () => write('empty.wav', ''), code: 'AUDIO_UNDECODABLE', says: /empty.*Accepted: WAV, FLAC/ },
    { name: 'a text file', make: () => write('notes.txt', 'this is not audio\n'.repeat(50)), code: 'AUDIO_UNDECODABLE', says: /not recognise.*Accepted: WAV/ },
    { name: 'a WAV with 0 samples', make: () => wav('zero.wav', 0), code: 'AUDIO_UNDECODABLE', says: /has no samples.*Accepted: WAV/ },
    { name: 'a truncated FLAC', make: truncatedFlac, code: 'AUDIO_UNDECODABLE', says: /corrupt or truncated.*Accepted: WAV/ },
  ];

  function write(name: string, contents: string | Uint8Array): string {
    const path = join(dir, name);
    writeFileSync(path, contents);
    return path;
  }
  function wav(name: string, frames: number): string {
    const path = join(dir, name);
    writeWav(path, [new Float64Array(frames)], 16000, 'pcm16');
    return path;
  }
  function truncatedFlac(): string {
    const whole = join(dir, 'whole.flac');
    run('sox', [good, whole]);
    const bytes = readFileSync(whole);
    return write('truncated.flac', bytes.subarray(0, Math.floor(bytes.length / 2)));
  }

  for (const c of cases) {
    it(`${c.name} is ${c.code}, through file and buffer, and the next decode works`, async () => {
      const path = c.make();
      for (const decode of [() => addon.decodeFile(path, OPTIONS), () => addon.decodeBuffer(readFileSync(path), OPTIONS)]) {
        const error = await rejection(decode());
        expect(error.code).toBe(c.code);
        expect(error.message).toMatch(c.says);
      }
      await expectHealthy();
    });
  }

  it('a missing path or a directory is AUDIO_UNDECODABLE', async () => {
    expect(await rejection(addon.decodeFile(join(dir, 'nope.wav'), OPTIONS))).toMatchObject({
      code: 'AUDIO_UNDECODABLE',
      message: expect.stringMatching(/no such file.*Accepted: WAV/i),
    });
    expect(await rejection(addon.decodeFile(dir, OPTIONS))).toMatchObject({ code: 'AUDIO_UNDECODABLE' });
    await expectHealthy();
  });

  it('a 2-hour FLAC is AUDIO_TOO_LONG from its header, at once', async () => {
    const path = longFlac;
    for (const decode of [() => addon.decodeFile(path, OPTIONS), () => addon.decodeBuffer(readFileSync(path), OPTIONS)]) {
      const started = performance.now();
      const error = await rejection(decode());
      expect(error.code).toBe('AUDIO_TOO_LONG');
      expect(error.message).toMatch(/limit of 60 s.*7200\.00 s/);
      expect(performance.now() - started).toBeLessThan(500); // Decoding it all takes seconds.
    }
    await expectHealthy();
  });

  it('a 2-hour input through ffmpeg is AUDIO_TOO_LONG once 60 s are decoded', async () => {
    // A full decode takes ffmpeg over 2 s here; we stop right after the limit and kill it.
    const started = performance.now();
    const error = await rejection(addon.decodeFile(longMatroska, OPTIONS));
    expect(error.code).toBe('AUDIO_TOO_LONG');
    expect(error.message).toMatch(/at least 60\.\d\d s/);
    expect(performance.now() - started).toBeLessThan(1500);
    await expectHealthy();
  });

  it('the duration limit is inclusive', async () => {
    const path = wav('one-second.wav', 16000);
    expect((await addon.decodeFile(path, { maxDurationSec: 1 })).samples.length).toBe(16000);
    expect((await rejection(addon.decodeFile(path, { maxDurationSec: 0.999 }))).code).toBe('AUDIO_TOO_LONG');
  });

  it('without ffmpeg, WebM is AUDIO_UNDECODABLE with a reason', async () => {
    const disabled = await rejection(addon.decodeFile(webm, { ...OPTIONS, ffmpegPath: '' }));
    expect(disabled).toMatchObject({ code: 'AUDIO_UNDECODABLE', message: expect.stringMatching(/fallback is disabled/) });
    const missing = await rejection(addon.decodeBuffer(readFileSync(webm), { ...OPTIONS, ffmpegPath: '/nonexistent/ffmpeg' }));
    expect(missing).toMatchObject({ code: 'AUDIO_UNDECODABLE', message: expect.stringMatching(/could not be started/) });
    const failing = await rejection(addon.decodeFile(webm, { ...OPTIONS, ffmpegPath: 'false' }));
    expect(failing).toMatchObject({ code: 'AUDIO_UNDECODABLE', message: expect.stringMatching(/exit 1/) });
    // echo prints its arguments: not an .au stream.
    const garbage = await rejection(addon.decodeFile(webm, { ...OPTIONS, ffmpegPath: 'echo' }));
    expect(garbage).toMatchObject({ code: 'AUDIO_UNDECODABLE', message: expect.stringMatching(/no \.au header/) });
    expect((await addon.decodeFile(webm, OPTIONS)).decoder).toBe('ffmpeg');
  });

  it('ffmpeg runs leave no child processes and no open descriptors behind', async () => {
    await addon.decodeFile(webm, OPTIONS); // Warm up lazily created thread-pool resources.
    const before = openFdCount();
    await Promise.allSettled([
      addon.decodeFile(webm, OPTIONS),
      addon.decodeBuffer(readFileSync(webm), OPTIONS),
      addon.decodeFile(join(dir, 'notes.txt'), OPTIONS),
      addon.decodeFile(longMatroska, OPTIONS),
      addon.decodeFile(webm, { ...OPTIONS, ffmpegPath: 'echo' }),
      addon.decodeFile(webm, { ...OPTIONS, ffmpegPath: '/nonexistent/ffmpeg' }),
    ]);
    expect(leftoverChildren()).toEqual([]);
    expect(openFdCount()).toBe(before);
    expect(readdirSync(tmpdir()).filter((name) => name.startsWith('pronunciation-engine-'))).toEqual([]);
  });

  it('bad arguments throw INVALID_INPUT synchronously', () => {
    const calls: (() => unknown)[] = [
      () => addon.decodeFile(42 as unknown as string, OPTIONS),
      () => addon.decodeFile('', OPTIONS),
      () => addon.decodeFile(good, undefined as unknown as DecodeOptions),
      () => addon.decodeFile(good, {} as DecodeOptions),
      () => addon.decodeFile(good, { maxDurationSec: -1 }),
      () => addon.decodeFile(good, { maxDurationSec: Number.NaN }),
      () => addon.decodeFile(good, { maxDurationSec: Number.POSITIVE_INFINITY }),
      () => addon.decodeFile(good, { maxDurationSec: 10, ffmpegPath: 5 as unknown as string }),
      () => addon.decodeBuffer('bytes' as unknown as Uint8Array, OPTIONS),
      () => addon.decodeBuffer(new Int16Array(4) as unknown as Uint8Array, OPTIONS),
    ];
    for (const call of calls) expect(call).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});
