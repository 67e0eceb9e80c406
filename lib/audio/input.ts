// Turns the accepted audio forms into 16 kHz mono samples through the addon.
import { EngineError } from '../errors.js';
import { decodeBuffer, decodeFile, decodeSamples } from '../gateway.js';
import type { DecodedAudio, DecodeOptions } from '../native.js';
import { decodeDataUri, isDataUri } from './data-uri.js';

/** A file path, a data: URI, encoded bytes, or raw samples at any rate. */
export type AudioInput = string | Uint8Array | { samples: Float32Array; sampleRate: number };

export type LoadedAudio = DecodedAudio;

export async function decodeAudio(audio: AudioInput, options: DecodeOptions): Promise<LoadedAudio> {
  if (typeof audio === 'string') {
    if (isDataUri(audio)) return decodeBuffer(decodeDataUri(audio).bytes, options);
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(audio)) {
      throw new EngineError('INVALID_INPUT', `The library reads file paths, data: URIs and bytes; fetch ${audio.split(':')[0]} URIs before calling it`);
    }
    return decodeFile(audio, options);
  }
  if (audio instanceof Uint8Array) return decodeBuffer(audio, options);
  // Raw samples go through the decoder's own last steps (non-finite samples 0, resampling,
  // clamping), so they are judged exactly as the same samples in a file would be.
  if (audio && audio.samples instanceof Float32Array) return decodeSamples(audio.samples, audio.sampleRate, options);
  throw new EngineError('INVALID_INPUT', 'audio must be a file path, a data: URI, a Uint8Array/Buffer of encoded audio, or {samples: Float32Array, sampleRate}');
}
