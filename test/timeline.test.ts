import { describe, expect, it } from 'vitest';
import { alignedPhoneSpans, BLANK_SPLIT_FRACTION, FINAL_PHONE_EXTENSION_FRAMES, framesToSamples } from '../lib/assessment/timeline.js';

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

describe('alignedPhoneSpans', () => {
  const g = { shiftSamples: 640, offsetSamples: 0, durationSamples: 6400 }; // 10 frames

  it('splits the blank run between two spikes at BLANK_SPLIT_FRACTION and extends the last phone', () => {
    // spikes: [1, 2) and [7, 8): blanks 2..7 (5 frames), 80 % to the first phone
    const spans = alignedPhoneSpans([1, 7], [2, 8], 10, g);
    const boundary = Math.round((2 + BLANK_SPLIT_FRACTION * 5) * 640);
    expect(spans).toEqual([
      { start: 640, end: boundary },
      { start: boundary, end: (8 + FINAL_PHONE_EXTENSION_FRAMES) * 640 },
    ]);
  });

  it('keeps doubled and adjacent phones as separate non-empty ordered spans inside the audio', () => {
    // t t with one blank frame between, then a phone right after, ending at the last frame
    const spans = alignedPhoneSpans([0, 2, 3, 9], [1, 3, 4, 10], 10, g);
    expect(spans).toHaveLength(4);
    spans.forEach((s, i) => {
      expect(s.start).toBeGreaterThanOrEqual(0);
      expect(s.end).toBeLessThanOrEqual(6400);
      expect(s.end).toBeGreaterThan(s.start);
      if (i > 0) expect(s.start).toBeGreaterThanOrEqual(spans[i - 1].end);
    });
    expect(spans[3].end).toBe(6400);
  });

  it('clips to audio shorter than the frames', () => {
    const spans = alignedPhoneSpans([8, 9], [9, 10], 10, { ...g, durationSamples: 5800 });
    for (const s of spans) {
      expect(s.end).toBeLessThanOrEqual(5800);
      expect(s.end).toBeGreaterThan(s.start);
    }
    expect(spans[1].start).toBeGreaterThanOrEqual(spans[0].start);
  });
});
