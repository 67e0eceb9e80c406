// Float samples -> a 16-bit PCM mono WAV file with a plain 44-byte header: what MFA reads most
// surely, and what the web page plays and draws (exactly the samples the engine assessed).
import { SAMPLE_RATE } from '../types.js';

const HEADER_BYTES = 44;

export function pcm16Wav(samples: Float32Array, sampleRate = SAMPLE_RATE): Buffer {
  const dataBytes = samples.length * 2;
  const out = Buffer.alloc(HEADER_BYTES + dataBytes);
  out.write('RIFF', 0, 'ascii');
  out.writeUInt32LE(36 + dataBytes, 4);
  out.write('WAVE', 8, 'ascii');
  out.write('fmt ', 12, 'ascii');
  out.writeUInt32LE(16, 16); // fmt chunk size
  out.writeUInt16LE(1, 20); // PCM
  out.writeUInt16LE(1, 22); // mono
  out.writeUInt32LE(sampleRate, 24);
  out.writeUInt32LE(sampleRate * 2, 28); // byte rate
  out.writeUInt16LE(2, 32); // block align
  out.writeUInt16LE(16, 34); // bits per sample
  out.write('data', 36, 'ascii');
  out.writeUInt32LE(dataBytes, 40);
  for (let i = 0; i < samples.length; i++) {
    // -1 -> -32768 and 1 -> 32767: readers dividing by 32768 get the samples back.
    const clipped = Math.max(-1, Math.min(1, samples[i]));
    out.writeInt16LE(Math.round(clipped < 0 ? clipped * 0x8000 : clipped * 0x7fff), HEADER_BYTES + 2 * i);
  }
  return out;
}
