// Speech rate and pauses of a recording against its target's length (fluency features).
import type { SpeechActivity } from '../../audio/speech-activity.js';
import type { FluencyResult } from '../../types.js';
import type { FluencyFeatures } from './scorer.js';

export function fluencyFeatures(speech: SpeechActivity, targetPhones: number): FluencyFeatures {
  const span = Math.max(speech.speakingSpanSec, 1e-3);
  const pauseSec = speech.pauses.reduce((sum, p) => sum + (p.endSec - p.startSec), 0);
  return {
    phonesPerSec: targetPhones / span,
    articulationRate: targetPhones / Math.max(span - pauseSec, 1e-3),
    pauseCount: speech.pauses.length,
    pauseSec,
    longestPauseSec: Math.max(0, ...speech.pauses.map((p) => p.endSec - p.startSec)),
  };
}

export function fluencyResult(f: FluencyFeatures): Omit<FluencyResult, 'score'> {
  return {
    phones_per_sec: f.phonesPerSec,
    articulation_rate: f.articulationRate,
    pause_count: f.pauseCount,
    pause_sec: f.pauseSec,
    longest_pause_sec: f.longestPauseSec,
  };
}
