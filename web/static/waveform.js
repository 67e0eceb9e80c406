// @ts-check
// The assessed audio (16-bit PCM mono WAV from the server) as samples, and its waveform on a canvas.

const WAV_HEADER_BYTES = 44;

/**
 * Samples of the server's WAV (lib/audio/wav.ts writes a plain 44-byte header).
 * @param {Uint8Array} bytes
 * @returns {Float32Array}
 */
export function wavSamples(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = Math.floor((bytes.byteLength - WAV_HEADER_BYTES) / 2);
  const samples = new Float32Array(count);
  for (let i = 0; i < count; i++) samples[i] = view.getInt16(WAV_HEADER_BYTES + 2 * i, true) / 32768;
  return samples;
}

/** @param {string} text */
export function base64Bytes(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * Draws min/max per pixel column, with the spans in `tints` shaded behind.
 * @param {HTMLCanvasElement} canvas
 * @param {Float32Array} samples
 * @param {{start: number, end: number, colour: string}[]} tints sample spans
 */
export function drawWaveform(canvas, samples, tints) {
  const ratio = window.devicePixelRatio || 1;
  const width = Math.max(1, Math.round(canvas.clientWidth * ratio));
  const height = Math.max(1, Math.round(canvas.clientHeight * ratio));
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d');
  if (!context) return;
  context.clearRect(0, 0, width, height);
  const perPixel = samples.length / width;
  for (const tint of tints) {
    context.fillStyle = tint.colour;
    const x0 = tint.start / perPixel;
    context.fillRect(x0, 0, Math.max(1, tint.end / perPixel - x0), height);
  }
  let peak = 1e-3;
  for (let i = 0; i < samples.length; i++) peak = Math.max(peak, Math.abs(samples[i]));
  const mid = height / 2;
  const scale = (height / 2 - 2 * ratio) / peak;
  context.fillStyle = getComputedStyle(canvas).color;
  for (let x = 0; x < width; x++) {
    const from = Math.floor(x * perPixel);
    const to = Math.max(from + 1, Math.floor((x + 1) * perPixel));
    let min = 0;
    let max = 0;
    for (let i = from; i < to && i < samples.length; i++) {
      if (samples[i] < min) min = samples[i];
      if (samples[i] > max) max = samples[i];
    }
    context.fillRect(x, mid - max * scale, 1, Math.max(1, (max - min) * scale));
  }
}
