// Turns the accepted audio forms into 16 kHz mono samples through the addon.
import { EngineError } from './errors.js';
import { native, type DecodedAudio, type DecodeOptions } from './native.js';

/** A file path, a data: URI, encoded bytes, or raw samples at any rate. */
export type AudioInput = string | Uint8Array | { samples: Float32Array; sampleRate: number };

function decodeDataUri(uri: string): Uint8Array {
  const match = /^data:([^,]*?)(;base64)?,(.*)$/s.exec(uri);
  if (!match) throw new EngineError('INVALID_INPUT', 'Malformed data: URI; expected data:audio/<type>;base64,<data>');
  return match[2] ? Buffer.from(match[3], 'base64') : Buffer.from(decodeURIComponent(match[3]), 'latin1');
}

export interface LoadedAudio extends Omit<DecodedAudio, 'decoder'> {
  decoder: DecodedAudio['decoder'] | 'raw';
}

export async function decodeAudio(audio: AudioInput, options: DecodeOptions): Promise<LoadedAudio> {
  const addon = native();
  if (typeof audio === 'string') {
    if (audio.startsWith('data:')) return addon.decodeBuffer(decodeDataUri(audio), options);
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(audio)) {
      throw new EngineError('INVALID_INPUT', `The library reads file paths, data: URIs and bytes; fetch ${audio.split(':')[0]} URIs before calling it`);
    }
    return addon.decodeFile(audio, options);
  }
  if (audio instanceof Uint8Array) return addon.decodeBuffer(audio, options);
  if (audio && audio.samples instanceof Float32Array && Number.isFinite(audio.sampleRate) && audio.sampleRate > 0) {
    const durationSec = audio.samples.length / audio.sampleRate;
    if (durationSec > options.maxDurationSec) {
      throw new EngineError('AUDIO_TOO_LONG', `Audio is ${durationSec.toFixed(1)} s; at most ${options.maxDurationSec} s is accepted`);
    }
    if (audio.samples.length === 0) throw new EngineError('AUDIO_UNDECODABLE', 'Audio has no samples');
    const samples = audio.sampleRate === 16000 ? audio.samples.slice() : await addon.resample(audio.samples, audio.sampleRate, 16000);
    return { samples, sampleRate: 16000, originalSampleRate: audio.sampleRate, originalChannels: 1, originalDurationSec: durationSec, decoder: 'raw' };
  }
  throw new EngineError('INVALID_INPUT', 'audio must be a file path, a data: URI, a Uint8Array/Buffer of encoded audio, or {samples: Float32Array, sampleRate}');
}
