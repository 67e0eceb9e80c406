// Model frames -> 16 kHz sample spans, using the manifest's frame shift and offset.
import type { SampleSpan } from './types.js';

export interface FrameGeometry {
  shiftSamples: number;
  offsetSamples: number;
  durationSamples: number;
}

/**
 * Frame span [startFrame, endFrame) -> sample span [start, end), clipped to the audio.
 * Never empty and never outside [0, durationSamples] (durationSamples >= 1).
 */
export function framesToSamples(startFrame: number, endFrame: number, g: FrameGeometry): SampleSpan {
  const clip = (x: number) => Math.min(Math.max(x, 0), g.durationSamples);
  let start = clip(g.offsetSamples + startFrame * g.shiftSamples);
  let end = clip(g.offsetSamples + endFrame * g.shiftSamples);
  if (start >= g.durationSamples) start = g.durationSamples - 1;
  if (end <= start) end = start + 1;
  return { start, end };
}
