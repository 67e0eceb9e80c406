// How much of a recording is speech: frame energies against the recording's own noise floor.
// Used to abstain (AUDIO_SILENT), to judge whether the audio fits the target's length, and for
// the fluency features (pauses, speaking span).
import { SAMPLE_RATE } from '../types.js';

const FRAME = 400; // 25 ms at 16 kHz
const HOP = 160; // 10 ms
/** A frame counts as speech when it is this far above the noise floor ... (noisy recordings
 * at 0-5 dB SNR still show speech frames 6 dB above the noise; stationary noise rarely does) */
const ABOVE_FLOOR_DB = 6;
/** ... and above this absolute level. */
const MIN_SPEECH_DB = -50;

/** A silence inside the speech at least this long is a pause (fluency features). */
export const MIN_PAUSE_SEC = 0.25;

export interface SpeechActivity {
  /** Seconds of frames judged to be speech. */
  speechSec: number;
  /** From the first speech frame's start to the last speech frame's end, in seconds (0 without speech). */
  speakingSpanSec: number;
  /** Silences of at least MIN_PAUSE_SEC between speech frames: [start, end) in seconds. */
  pauses: { startSec: number; endSec: number }[];
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
  const isSpeech = levels.map((db) => db > threshold);
  const speechFrames = isSpeech.filter(Boolean).length;
  const first = isSpeech.indexOf(true);
  const last = isSpeech.lastIndexOf(true);
  const pauses: SpeechActivity['pauses'] = [];
  let silentFrom = -1;
  for (let k = first + 1; first >= 0 && k <= last; k++) {
    if (!isSpeech[k]) {
      if (silentFrom < 0) silentFrom = k;
      continue;
    }
    // Frames overlap (25 ms every 10 ms): a silence runs from the last speech frame's end to the next one's start.
    if (silentFrom >= 0 && (k - silentFrom) * HOP - (FRAME - HOP) >= MIN_PAUSE_SEC * SAMPLE_RATE) {
      pauses.push({ startSec: ((silentFrom - 1) * HOP + FRAME) / SAMPLE_RATE, endSec: (k * HOP) / SAMPLE_RATE });
    }
    silentFrom = -1;
  }
  return {
    speechSec: (speechFrames * HOP) / SAMPLE_RATE,
    speakingSpanSec: first < 0 ? 0 : ((last - first) * HOP + FRAME) / SAMPLE_RATE,
    pauses,
    peakDb: 20 * Math.log10(Math.max(peak, 1e-9)),
    floorDb,
  };
}
