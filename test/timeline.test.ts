import { describe, expect, it } from 'vitest';
import { framesToSamples } from '../lib/timeline.js';

describe('framesToSamples', () => {
  const g = { shiftSamples: 320, offsetSamples: 0, durationSamples: 16000 };

  it('maps frame spans with shift and offset', () => {
    expect(framesToSamples(2, 5, g)).toEqual({ start: 640, end: 1600 });
    expect(framesToSamples(2, 5, { ...g, offsetSamples: 80 })).toEqual({ start: 720, end: 1680 });
  });

  it('clips to the audio and never returns an empty span', () => {
    for (let start = 0; start < 60; start++) {
      for (const len of [0, 1, 3]) {
        const span = framesToSamples(start, start + len, g);
        expect(span.start).toBeGreaterThanOrEqual(0);
        expect(span.end).toBeLessThanOrEqual(16000);
        expect(span.end).toBeGreaterThan(span.start);
      }
    }
  });
});
