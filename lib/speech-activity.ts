// How much of a recording is speech: frame energies against the recording's own noise floor.
// Used to abstain (AUDIO_SILENT) and to judge whether the audio fits the target's length.

const FRAME = 400; // 25 ms at 16 kHz
const HOP = 160; // 10 ms
/** A frame counts as speech when it is this far above the noise floor ... (noisy recordings
 * at 0-5 dB SNR still show speech frames 6 dB above the noise; stationary noise rarely does) */
const ABOVE_FLOOR_DB = 6;
/** ... and above this absolute level. */
const MIN_SPEECH_DB = -50;

export interface SpeechActivity {
  /** Seconds of frames judged to be speech. */
  speechSec: number;
  /** Peak level in dBFS. */
  peakDb: number;
  /** Noise floor (10th percentile of frame levels) in dBFS. */
  floorDb: number;
}

function toDb(power: number): number {
  return 10 * Math.log10(Math.max(power, 1e-12));
}

export function measureSpeech(samples: Float32Array): SpeechActivity {
  let peak = 0;
  for (let i = 0; i < samples.length; i++) peak = Math.max(peak, Math.abs(samples[i]));
  const levels: number[] = [];
  for (let start = 0; start + FRAME <= Math.max(samples.length, FRAME); start += HOP) {
    let energy = 0;
    const end = Math.min(start + FRAME, samples.length);
    for (let i = start; i < end; i++) energy += samples[i] * samples[i];
    levels.push(toDb(energy / FRAME));
  }
  const sorted = [...levels].sort((a, b) => a - b);
  const floorDb = sorted[Math.floor(0.1 * (sorted.length - 1))];
  const threshold = Math.max(MIN_SPEECH_DB, floorDb + ABOVE_FLOOR_DB);
  const speechFrames = levels.filter((db) => db > threshold).length;
  return { speechSec: (speechFrames * HOP) / 16000, peakDb: 20 * Math.log10(Math.max(peak, 1e-9)), floorDb };
}
