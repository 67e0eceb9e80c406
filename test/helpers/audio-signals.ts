// Known signals and measurements for the audio tests: analytic sines and chirps, WAV
// writing, least-squares sine fits, a DTFT-refined frequency estimate, error in dB.
import { writeFileSync } from 'node:fs';

/** A sin(2 pi f n / rate + phase), n = 0 .. count-1, computed in double precision. */
export function sine(frequency: number, rate: number, count: number, amplitude = 1, phase = 0): Float64Array {
  const out = new Float64Array(count);
  for (let n = 0; n < count; n++) out[n] = amplitude * Math.sin((2 * Math.PI * frequency * n) / rate + phase);
  return out;
}

/**
 * Linear chirp from f0 to f1 Hz over `durationSec`: A sin(2 pi (f0 t + (f1 - f0) t^2 / (2 T))),
 * sampled at t = n / rate. The same continuous signal at any rate, so a resampled chirp
 * can be compared with the chirp computed directly at the new rate.
 */
export function chirp(f0: number, f1: number, durationSec: number, rate: number, amplitude = 1): Float64Array {
  const count = Math.round(durationSec * rate);
  const sweep = (f1 - f0) / (2 * durationSec);
  const out = new Float64Array(count);
  for (let n = 0; n < count; n++) {
    const t = n / rate;
    out[n] = amplitude * Math.sin(2 * Math.PI * (f0 * t + sweep * t * t));
  }
  return out;
}

export function toFloat32(samples: ArrayLike<number>): Float32Array {
  return Float32Array.from(samples);
}

function rms(values: ArrayLike<number>, from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += values[i] * values[i];
  return Math.sqrt(sum / Math.max(1, to - from));
}

/** 20 log10(rms(actual - expected) / rms(expected)) over [edge, length - edge). */
export function errorDb(actual: ArrayLike<number>, expected: ArrayLike<number>, edge: number): number {
  const to = Math.min(actual.length, expected.length) - edge;
  const diff = new Float64Array(to);
  for (let i = edge; i < to; i++) diff[i] = actual[i] - expected[i];
  return 20 * Math.log10(rms(diff, edge, to) / rms(expected, edge, to));
}

/** 20 log10(rms(a) / rms(b)), a over [edgeA, len - edgeA), b over all of it. */
export function levelDb(a: ArrayLike<number>, b: ArrayLike<number>, edgeA: number): number {
  return 20 * Math.log10(rms(a, edgeA, a.length - edgeA) / rms(b, 0, b.length));
}

export interface SineFit {
  amplitude: number;
  /** Phase of amplitude * sin(2 pi f n / rate + phase). */
  phase: number;
  /** 10 log10(power of the fitted sine / power of the residual): the signal-to-noise ratio. */
  snrDb: number;
}

/** Least-squares fit of a sin + b cos + c at a known frequency over [from, to). */
export function fitSine(x: ArrayLike<number>, rate: number, frequency: number, from = 0, to = x.length): SineFit {
  // Normal equations for the basis (sin, cos, 1).
  const m = [0, 0, 0, 0, 0, 0, 0, 0, 0];
  const v = [0, 0, 0];
  for (let n = from; n < to; n++) {
    const w = (2 * Math.PI * frequency * n) / rate;
    const basis = [Math.sin(w), Math.cos(w), 1];
    for (let i = 0; i < 3; i++) {
      v[i] += basis[i] * x[n];
      for (let j = 0; j < 3; j++) m[3 * i + j] += basis[i] * basis[j];
    }
  }
  const [a, b, c] = solve3(m, v);
  let signal = 0;
  let residual = 0;
  for (let n = from; n < to; n++) {
    const w = (2 * Math.PI * frequency * n) / rate;
    const fitted = a * Math.sin(w) + b * Math.cos(w);
    signal += fitted * fitted;
    const r = x[n] - fitted - c;
    residual += r * r;
  }
  return { amplitude: Math.hypot(a, b), phase: Math.atan2(b, a), snrDb: 10 * Math.log10(signal / residual) };
}

function solve3(m: number[], v: number[]): number[] {
  const det = (a: number[]) =>
    a[0] * (a[4] * a[8] - a[5] * a[7]) - a[1] * (a[3] * a[8] - a[5] * a[6]) + a[2] * (a[3] * a[7] - a[4] * a[6]);
  const d = det(m);
  return [0, 1, 2].map((col) => {
    const replaced = m.slice();
    for (let row = 0; row < 3; row++) replaced[3 * row + col] = v[row];
    return det(replaced) / d;
  });
}

function hann(n: number, i: number): number {
  return 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1));
}

/** |sum x[n] w[n] e^{-i 2 pi f n / rate}| with a Hann window w. */
function windowedDtftMagnitude(x: ArrayLike<number>, rate: number, frequency: number): number {
  let re = 0;
  let im = 0;
  for (let i = 0; i < x.length; i++) {
    const angle = (2 * Math.PI * frequency * i) / rate;
    const v = hann(x.length, i) * x[i];
    re += v * Math.cos(angle);
    im -= v * Math.sin(angle);
  }
  return Math.hypot(re, im);
}

/** In-place iterative radix-2 FFT of (re, im); the length must be a power of two. */
function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j], re[i]];
      [im[i], im[j]] = [im[j], im[i]];
    }
  }
  for (let size = 2; size <= n; size <<= 1) {
    const step = (-2 * Math.PI) / size;
    for (let start = 0; start < n; start += size) {
      for (let k = 0; k < size / 2; k++) {
        const wr = Math.cos(step * k);
        const wi = Math.sin(step * k);
        const a = start + k;
        const b = a + size / 2;
        const tr = re[b] * wr - im[b] * wi;
        const ti = re[b] * wi + im[b] * wr;
        re[b] = re[a] - tr;
        im[b] = im[a] - ti;
        re[a] += tr;
        im[a] += ti;
      }
    }
  }
}

/**
 * The strongest frequency below `maxFrequency`: the peak of a Hann-windowed FFT zero-padded
 * to at least 4x the length, refined by golden-section search of the windowed DTFT
 * magnitude within one padded bin either side.
 */
export function dominantFrequency(x: ArrayLike<number>, rate: number, maxFrequency = rate / 2): number {
  let size = 1;
  while (size < 4 * x.length) size <<= 1;
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  for (let i = 0; i < x.length; i++) re[i] = hann(x.length, i) * x[i];
  fft(re, im);
  let bestBin = 1;
  for (let k = 1; k < size / 2 && (k * rate) / size < maxFrequency; k++) {
    if (Math.hypot(re[k], im[k]) > Math.hypot(re[bestBin], im[bestBin])) bestBin = k;
  }
  const binHz = rate / size;
  let lo = (bestBin - 1) * binHz;
  let hi = (bestBin + 1) * binHz;
  const ratio = (Math.sqrt(5) - 1) / 2;
  for (let iteration = 0; iteration < 40; iteration++) {
    const a = hi - ratio * (hi - lo);
    const b = lo + ratio * (hi - lo);
    if (windowedDtftMagnitude(x, rate, a) > windowedDtftMagnitude(x, rate, b)) hi = b;
    else lo = a;
  }
  return (lo + hi) / 2;
}

/** Writes a canonical RIFF/WAVE file, 16-bit PCM or 32-bit float, channels interleaved. */
export function writeWav(path: string, channels: ArrayLike<number>[], rate: number, format: 'pcm16' | 'float32'): void {
  const frames = channels[0].length;
  const bytesPerSample = format === 'pcm16' ? 2 : 4;
  const dataBytes = frames * channels.length * bytesPerSample;
  const buffer = Buffer.alloc(44 + dataBytes);
  buffer.write('RIFF', 0, 'ascii');
  buffer.writeUInt32LE(36 + dataBytes, 4);
  buffer.write('WAVEfmt ', 8, 'ascii');
  buffer.writeUInt32LE(16, 16);
  buffer.writeUInt16LE(format === 'pcm16' ? 1 : 3, 20);
  buffer.writeUInt16LE(channels.length, 22);
  buffer.writeUInt32LE(rate, 24);
  buffer.writeUInt32LE(rate * channels.length * bytesPerSample, 28);
  buffer.writeUInt16LE(channels.length * bytesPerSample, 32);
  buffer.writeUInt16LE(bytesPerSample * 8, 34);
  buffer.write('data', 36, 'ascii');
  buffer.writeUInt32LE(dataBytes, 40);
  let offset = 44;
  for (let frame = 0; frame < frames; frame++) {
    for (const channel of channels) {
      if (format === 'pcm16') buffer.writeInt16LE(Math.round(Math.max(-1, Math.min(1, channel[frame])) * 32767), offset);
      else buffer.writeFloatLE(channel[frame], offset);
      offset += bytesPerSample;
    }
  }
  writeFileSync(path, buffer);
}

/**
 * Deterministic uniform noise (a linear congruential generator from `seed`), quiet for its first
 * quarter so that the rest stands above the recording's noise floor as speech would.
 */
export function quietThenLoudNoise(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let state = seed;
  for (let i = 0; i < count; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    out[i] = (state / 2147483648 - 0.5) * (i < count / 4 ? 0.002 : 0.2);
  }
  return out;
}
